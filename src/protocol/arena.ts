import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { writeJsonAtomic } from '../files/atomic.js';
import { dirname, join } from 'node:path';
import { AbiCoder, hexlify, keccak256, randomBytes, type ContractRunner, type Signer } from 'ethers';
import type { Logger } from 'pino';
import { registerRevertInterface } from '../chain/ethers-errors.js';
import { ArenaSettlement__factory, IArena__factory, type IArena } from '../chain/types/index.js';
import type { IArenaTypes } from '../chain/types/IArena.js';
import { AbortError, BugError } from '../errors/index.js';
import { formatDuration, formatFlock, fromWad, toWad, WAD } from '../units/index.js';
import type { Protocol } from './connect.js';
import './arena-hints.js';
import { ensureAllowance, sendTx } from './tx.js';

/** Metric codes of IArenaTypes.Metric, by the engine's metric names. */
export const METRIC_CODES = { accuracy: 0, f1: 1, mse: 2, mae: 3, 'log-loss': 4 } as const;
export type ArenaMetricName = keyof typeof METRIC_CODES;
export const METRIC_NAMES: readonly ArenaMetricName[] = ['accuracy', 'f1', 'mse', 'mae', 'log-loss'];

/** IArenaTypes.Phase, in order. */
export const PHASES = ['none', 'submit', 'reveal', 'score-commit', 'score-reveal', 'finalizing', 'finalized', 'cancelled'] as const;
export type PhaseName = (typeof PHASES)[number];
export const Phase = { None: 0, Submit: 1, Reveal: 2, ScoreCommit: 3, ScoreReveal: 4, Finalizing: 5, Finalized: 6, Cancelled: 7 } as const;

/** IArenaTypes.SubmissionStatus, in order. */
export const SUBMISSION_STATUSES = ['registered', 'committed', 'revealed', 'unscored', 'invalid', 'below-baseline', 'eligible', 'ranked'] as const;
export const SubmissionStatus = { Registered: 0, Committed: 1, Revealed: 2, Unscored: 3, Invalid: 4, BelowBaseline: 5, Eligible: 6, Ranked: 7 } as const;

/** Role of an account in a task (IArenaTypes.Role). */
export const Role = { None: 0, Node: 1, Validator: 2 } as const;

/**
 * The Arena of a deployment, typed as {@link IArena} (actions on the Arena, views served by its
 * lens through the fallback), with its custom errors registered for decoding.
 *
 * @example
 * const arena = connectArena(p);
 * await arena.taskCount();
 */
export function connectArena(p: Protocol, runner?: ContractRunner): IArena {
  const address = p.record.contracts.Arena;
  if (!address) {
    throw new AbortError(`the flock deployment on chain ${p.record.chainId} has no Arena`, {
      code: 'NO_ARENA',
      hint: 'redeploy: `flock devnet down`, remove <home>/devnet and <home>/deployments, then `flock devnet up`',
    });
  }
  const arena = IArena__factory.connect(address, runner ?? p.token.runner);
  registerRevertInterface(arena.interface);
  registerRevertInterface(ArenaSettlement__factory.createInterface());
  return arena;
}

// ---------------------------------------------------------------- commitments

const abi = AbiCoder.defaultAbiCoder();

/** A fresh random 32-byte salt (0x-hex). */
export function newSalt(): string {
  return hexlify(randomBytes(32));
}

/** keccak256(abi.encode(validationCID, salt)), as IArenaViews.validationCommitment. */
export function validationCommitment(validationCID: string, salt: string): string {
  return keccak256(abi.encode(['string', 'bytes32'], [validationCID, salt]));
}

/** keccak256(abi.encode(modelCID, node, salt)), as IArenaViews.modelCommitment. */
export function modelCommitment(modelCID: string, node: string, salt: string): string {
  return keccak256(abi.encode(['string', 'address', 'bytes32'], [modelCID, node, salt]));
}

/** keccak256(abi.encode(taskId, submissionId, validator, score, invalid, salt)), as IArenaViews.scoreCommitment. */
export function scoreCommitment(taskId: bigint, submissionId: bigint, validator: string, score: bigint, invalid: boolean, salt: string): string {
  return keccak256(abi.encode(['uint256', 'uint256', 'address', 'int256', 'bool', 'bytes32'], [taskId, submissionId, validator, score, invalid, salt]));
}

// ---------------------------------------------------------------- creator secrets

/** What only the creator knows until the reveal: kept in <home>/tasks/<chainId>/<taskId>.json (0600). */
export interface TaskSecrets {
  chainId: number;
  taskId: string | undefined;
  creator: string;
  validationCID: string;
  salt: string;
  commitment: string;
  dataCID: string;
  createdAt: string;
  /** Set once the validation set was revealed on chain. */
  revealTx?: string;
}

export function secretsDir(home: string, chainId: number | bigint): string {
  return join(home, 'tasks', String(chainId));
}

export function secretsPath(home: string, chainId: number | bigint, taskId: bigint | string): string {
  return join(secretsDir(home, chainId), `${taskId}.json`);
}

function pendingPath(home: string, chainId: number | bigint, commitment: string): string {
  return join(secretsDir(home, chainId), `pending-${commitment.slice(2, 18)}.json`);
}

/**
 * Writes a secrets file (mode 0600) atomically and durably: it is on disk before the createTask
 * that commits to it is sent, so a power cut cannot lose the salt (a creator who cannot reveal is
 * slashed).
 */
export function writeSecrets(path: string, s: TaskSecrets): void {
  writeJsonAtomic(path, s);
}

/** The saved secrets of a task, or an AbortError saying where they were expected. */
export function readSecrets(home: string, chainId: number | bigint, taskId: bigint): TaskSecrets {
  const path = secretsPath(home, chainId, taskId);
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as TaskSecrets;
  throw new AbortError(`no saved secrets for task ${taskId} on chain ${chainId} (${path})`, {
    code: 'NO_TASK_SECRETS',
    hint: 'run this with the --home (FLOCK_HOME) that created the task',
  });
}

/** Secrets of a createTask whose receipt was never seen (crash between send and record). */
export function pendingSecrets(home: string, chainId: number | bigint): TaskSecrets[] {
  const dir = secretsDir(home, chainId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith('pending-') && f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as TaskSecrets);
}

// ---------------------------------------------------------------- creator

export interface CreateTaskParameters {
  /** CID of the published task manifest (spec + training data). */
  dataCID: string;
  /** CID of the hidden validation set; only its commitment goes on chain. */
  validationCID: string;
  metric: ArenaMetricName;
  /** Input and output shapes without the batch dimension. */
  inputShape: number[];
  outputShape: number[];
  maxParameters: bigint;
  maxFileSize: bigint;
  /** Baseline in metric units (e.g. 0.9 accuracy): a submission must beat it to be paid. */
  baseline: number;
  /** Phase lengths in seconds. */
  durations: { submit: bigint; reveal: bigint; scoreCommit: bigint; scoreReveal: bigint };
  /** gmFLOCK. */
  creatorStake: bigint;
  minNodeStake: bigint;
  minValidatorStake: bigint;
  /** FLOCK. */
  registrationFee: bigint;
  bounty: bigint;
  /** FLOCK home: where the secrets go. */
  home: string;
}

export interface CreateTaskReturnType {
  taskId: bigint;
  commitment: string;
  secretsPath: string;
  txHash: string;
}

/**
 * Creates an Arena task. The validation salt is written to disk (0600) BEFORE the transaction is
 * sent, so a crash between the send and the receipt never loses what the reveal needs.
 *
 * @example
 * const r = await createTask(p, signer, { dataCID, validationCID, metric: 'accuracy', … }, log);
 * r.taskId; // 1n
 */
export async function createTask(p: Protocol, signer: Signer, args: CreateTaskParameters, log?: Logger): Promise<CreateTaskReturnType> {
  const arena = connectArena(p, signer);
  const account = await signer.getAddress();
  const chainId = p.record.chainId;
  const salt = newSalt();
  const commitment = validationCommitment(args.validationCID, salt);
  const gmBalance = await p.gm.balanceOf(account);
  if (gmBalance < args.creatorStake) {
    throw new AbortError(`creating a task stakes ${formatFlock(args.creatorStake, { symbol: 'gmFLOCK' })}; ${account} holds ${formatFlock(gmBalance, { symbol: 'gmFLOCK' })}`, {
      code: 'INSUFFICIENT_GM',
      hint: 'lock FLOCK into gmFLOCK first: `flock stake <amount> --lock <days>`',
    });
  }
  const arenaAddr = await arena.getAddress();
  await ensureAllowance(signer, p.gm, account, arenaAddr, args.creatorStake, 'gmFLOCK for the task stake', log);
  if (args.bounty > 0n) await ensureAllowance(signer, p.token, account, arenaAddr, args.bounty, 'FLOCK for the bounty', log);

  const secrets: TaskSecrets = {
    chainId,
    taskId: undefined,
    creator: account,
    validationCID: args.validationCID,
    salt,
    commitment,
    dataCID: args.dataCID,
    createdAt: new Date().toISOString(),
  };
  const pending = pendingPath(args.home, chainId, commitment);
  writeSecrets(pending, secrets);

  const params: IArenaTypes.TaskParamsStruct = {
    dataCID: args.dataCID,
    validationCommitment: commitment,
    metric: METRIC_CODES[args.metric],
    model: {
      inputShape: [0, ...args.inputShape],
      outputShape: [0, ...args.outputShape],
      maxParameters: args.maxParameters,
      maxFileSize: args.maxFileSize,
    },
    baselineScore: toWad(args.baseline),
    submitDuration: args.durations.submit,
    revealDuration: args.durations.reveal,
    scoreCommitDuration: args.durations.scoreCommit,
    scoreRevealDuration: args.durations.scoreReveal,
    creatorStake: args.creatorStake,
    minNodeStake: args.minNodeStake,
    minValidatorStake: args.minValidatorStake,
    registrationFee: args.registrationFee,
    bounty: args.bounty,
  };
  const receipt = await sendTx(signer, 'create task', () => arena.createTask(params), log);
  const ev = receipt.logs.map((l) => safeParse(arena, l)).find((e) => e?.name === 'TaskCreated');
  if (!ev) throw new BugError('create task: no TaskCreated event in the receipt');
  const taskId = ev.args.taskId as bigint;
  const path = secretsPath(args.home, chainId, taskId);
  writeSecrets(path, { ...secrets, taskId: taskId.toString() });
  rmSync(pending, { force: true });
  return { taskId, commitment, secretsPath: path, txHash: receipt.hash };
}

function safeParse(arena: IArena, log: { topics: readonly string[]; data: string }) {
  try {
    return arena.interface.parseLog(log);
  } catch {
    return null;
  }
}

/**
 * The saved secrets of a task; when `create` crashed between sending createTask and recording the
 * task id, the pending file whose commitment is the task's on-chain one is adopted.
 */
function recoverSecrets(home: string, chainId: number, taskId: bigint, commitment: string): TaskSecrets {
  if (!existsSync(secretsPath(home, chainId, taskId))) {
    const pending = pendingSecrets(home, chainId).find((x) => x.commitment === commitment);
    if (pending) {
      writeSecrets(secretsPath(home, chainId, taskId), { ...pending, taskId: taskId.toString() });
      rmSync(pendingPath(home, chainId, commitment), { force: true });
    }
  }
  return readSecrets(home, chainId, taskId);
}

export interface RevealValidationReturnType {
  taskId: bigint;
  validationCID: string;
  txHash: string | undefined;
  alreadyRevealed: boolean;
}

/** Reveals the validation set from the saved secrets (idempotent: a revealed task is reported, not re-sent). */
export async function revealValidationSet(p: Protocol, signer: Signer, home: string, taskId: bigint, log?: Logger): Promise<RevealValidationReturnType> {
  const arena = connectArena(p, signer);
  const t = await arena.task(taskId);
  const s = recoverSecrets(home, p.record.chainId, taskId, t.validationCommitment);
  if (t.validationRevealed) return { taskId, validationCID: s.validationCID, txHash: s.revealTx, alreadyRevealed: true };
  if (t.validationCommitment !== s.commitment) {
    throw new AbortError(`the saved secrets of task ${taskId} do not match its on-chain commitment`, {
      code: 'SECRETS_MISMATCH',
      hint: `check ${secretsPath(home, p.record.chainId, taskId)}`,
    });
  }
  const receipt = await sendTx(signer, 'reveal validation set', () => arena.revealValidationSet(taskId, s.validationCID, s.salt), log);
  writeSecrets(secretsPath(home, p.record.chainId, taskId), { ...s, revealTx: receipt.hash });
  return { taskId, validationCID: s.validationCID, txHash: receipt.hash, alreadyRevealed: false };
}

// ---------------------------------------------------------------- participants

export interface RegisterReturnType {
  /** Submission id (node) or validator index. */
  index: bigint;
  txHash: string | undefined;
  alreadyRegistered: boolean;
}

/**
 * Registers the signer as a training node (stake in gmFLOCK, plus the task's FLOCK fee) or as a
 * validator. Idempotent: an account already registered gets its index back and nothing is sent.
 */
export async function register(
  p: Protocol,
  signer: Signer,
  args: { taskId: bigint; role: 'node' | 'validator'; stake: bigint },
  log?: Logger,
): Promise<RegisterReturnType> {
  const arena = connectArena(p, signer);
  const account = await signer.getAddress();
  const want = args.role === 'node' ? Role.Node : Role.Validator;
  const [role, index] = await arena.participant(args.taskId, account);
  if (Number(role) === want) return { index, txHash: undefined, alreadyRegistered: true };
  const t = await arena.task(args.taskId);
  const min = args.role === 'node' ? t.minNodeStake : t.minValidatorStake;
  const stake = args.stake > 0n ? args.stake : min;
  const gmBalance = await p.gm.balanceOf(account);
  if (gmBalance < stake) {
    throw new AbortError(`registering stakes ${formatFlock(stake, { symbol: 'gmFLOCK' })}; ${account} holds ${formatFlock(gmBalance, { symbol: 'gmFLOCK' })}`, {
      code: 'INSUFFICIENT_GM',
      hint: 'lock FLOCK into gmFLOCK first: `flock stake <amount> --lock <days>`',
    });
  }
  const arenaAddr = await arena.getAddress();
  await ensureAllowance(signer, p.gm, account, arenaAddr, stake, 'gmFLOCK for the task stake', log);
  if (args.role === 'node' && t.registrationFee > 0n) {
    await ensureAllowance(signer, p.token, account, arenaAddr, t.registrationFee, 'FLOCK for the registration fee', log);
  }
  const receipt = await sendTx(
    signer,
    `register as ${args.role}`,
    () => (args.role === 'node' ? arena.registerNode(args.taskId, stake) : arena.registerValidator(args.taskId, stake)),
    log,
  );
  const [, idx] = await arena.participant(args.taskId, account);
  return { index: idx, txHash: receipt.hash, alreadyRegistered: false };
}

// ---------------------------------------------------------------- settlement

export interface FinalizeReturnType {
  taskId: bigint;
  batches: number;
  phase: PhaseName;
  txHashes: string[];
}

/**
 * Finalizes a task in batches of `batch` submissions: the consensus pass (finalize) until done,
 * then the ranking (rank), best first, `batch` at a time, until the task is Finalized.
 */
export async function finalizeTask(p: Protocol, signer: Signer, args: { taskId: bigint; batch: number }, log?: Logger): Promise<FinalizeReturnType> {
  const arena = connectArena(p, signer);
  const txHashes: string[] = [];
  let batches = 0;
  const ph = async () => Number(await arena.phase(args.taskId));
  const start = await ph();
  if (start !== Phase.Finalizing && start !== Phase.Finalized && start !== Phase.Cancelled) {
    throw new AbortError(`task ${args.taskId} is in its ${PHASES[start]} phase; it can be finalized once scores are revealed`, {
      code: 'NOT_FINALIZING',
      hint: `\`flock task show ${args.taskId}\` says when`,
    });
  }
  while ((await ph()) === Phase.Finalizing && !(await arena.settlement(args.taskId)).consensusDone) {
    const r = await sendTx(signer, 'finalize', () => arena.finalize(args.taskId, BigInt(args.batch)), log);
    txHashes.push(r.hash);
    batches++;
    log?.info({ taskId: args.taskId.toString(), batch: batches }, 'consensus batch settled');
  }
  if ((await ph()) === Phase.Finalizing) {
    const n = Number((await arena.task(args.taskId)).nodeCount);
    const eligible: { id: bigint; consensus: bigint }[] = [];
    for (let i = 0n; i < BigInt(n); i++) {
      const s = await arena.submission(args.taskId, i);
      if (Number(s.status) === SubmissionStatus.Eligible) eligible.push({ id: i, consensus: s.consensus });
    }
    // Best first (consensus is oriented so that higher is better); ties keep id order.
    eligible.sort((a, b) => (a.consensus === b.consensus ? Number(a.id - b.id) : a.consensus > b.consensus ? -1 : 1));
    for (let i = 0; i < eligible.length; i += args.batch) {
      const ids = eligible.slice(i, i + args.batch).map((e) => e.id);
      const r = await sendTx(signer, 'rank', () => arena.rank(args.taskId, ids), log);
      txHashes.push(r.hash);
      batches++;
      log?.info({ taskId: args.taskId.toString(), ranked: i + ids.length, of: eligible.length }, 'ranking batch settled');
    }
  }
  return { taskId: args.taskId, batches, phase: PHASES[await ph()]!, txHashes };
}

export interface ClaimReturnType {
  taskId: bigint;
  stake: bigint;
  reward: bigint;
  poolReward: bigint;
  refund: bigint;
  txHash: string;
}

/** Claims the caller's stake, reward and refund of a finalized or cancelled task. */
export async function claimTask(p: Protocol, signer: Signer, taskId: bigint, log?: Logger): Promise<ClaimReturnType> {
  const arena = connectArena(p, signer);
  const receipt = await sendTx(signer, 'claim', () => arena.claim(taskId), log);
  const ev = receipt.logs.map((l) => safeParse(arena, l)).find((e) => e?.name === 'Claimed');
  if (!ev) throw new BugError('claim: no Claimed event in the receipt');
  return {
    taskId,
    stake: ev.args.stake as bigint,
    reward: ev.args.reward as bigint,
    poolReward: ev.args.poolReward as bigint,
    refund: ev.args.refund as bigint,
    txHash: receipt.hash,
  };
}

// ---------------------------------------------------------------- views

export interface TaskView {
  id: bigint;
  creator: string;
  metric: ArenaMetricName;
  higherIsBetter: boolean;
  phase: PhaseName;
  validationRevealed: boolean;
  baseline: number;
  dataCID: string;
  /** Unix seconds. */
  submitEnd: number;
  revealEnd: number;
  scoreCommitEnd: number;
  scoreRevealEnd: number;
  creatorStake: bigint;
  minNodeStake: bigint;
  minValidatorStake: bigint;
  registrationFee: bigint;
  bounty: bigint;
  nodeCount: number;
  revealedCount: number;
  validatorCount: number;
  accruedEmission: bigint;
  inputShape: number[];
  outputShape: number[];
  maxParameters: bigint;
  maxFileSize: bigint;
}

/** One task, with its phase and spec (AbortError when it does not exist). */
export async function readTask(arena: IArena, taskId: bigint): Promise<TaskView> {
  const count = await arena.taskCount();
  if (taskId < 1n || taskId > count) {
    throw new AbortError(`no task ${taskId} (this chain has ${count})`, { code: 'UNKNOWN_TASK', hint: '`flock task list` lists them' });
  }
  const [t, spec, phase] = await Promise.all([arena.task(taskId), arena.taskSpec(taskId), arena.phase(taskId)]);
  return {
    id: taskId,
    creator: t.creator,
    metric: METRIC_NAMES[Number(t.metric)]!,
    higherIsBetter: t.higherIsBetter,
    phase: PHASES[Number(phase)]!,
    validationRevealed: t.validationRevealed,
    baseline: fromWad(t.baselineScore),
    dataCID: spec.dataCID,
    submitEnd: Number(t.submitEnd),
    revealEnd: Number(t.revealEnd),
    scoreCommitEnd: Number(t.scoreCommitEnd),
    scoreRevealEnd: Number(t.scoreRevealEnd),
    creatorStake: t.creatorStake,
    minNodeStake: t.minNodeStake,
    minValidatorStake: t.minValidatorStake,
    registrationFee: t.registrationFee,
    bounty: t.bounty,
    nodeCount: Number(t.nodeCount),
    revealedCount: Number(t.revealedCount),
    validatorCount: Number(t.validatorCount),
    accruedEmission: t.accruedEmission,
    inputShape: spec.model.inputShape.slice(1).map(Number),
    outputShape: spec.model.outputShape.slice(1).map(Number),
    maxParameters: spec.model.maxParameters,
    maxFileSize: spec.model.maxFileSize,
  };
}

/** The governed rules a task runs under (fixed at its creation), as plain numbers. */
export interface TaskRulesView {
  gamma: number;
  beta: number;
  creatorShare: number;
  validatorTolerance: number;
  validatorSlash: number;
  nodeSlash: number;
  creatorSlash: number;
  rankDecay: number;
  sampleSize: number;
}

/**
 * How a task's rewards split between its training nodes and validators:
 * R_nodes = R * (gamma + (1 - 2 gamma) * T / (T + V)). Until settlement starts, `nodeShare` is
 * projected from the stakes registered so far; once it has, the amounts are the fixed ones.
 */
export interface TaskRewardsView {
  rules: TaskRulesView;
  /** T and V: gmFLOCK staked by nodes and by validators (own plus pool stake). */
  nodeStake: bigint;
  validatorStake: bigint;
  /** Share of the pot that goes to the nodes (the rest to the validators). */
  nodeShare: number;
  /** Whether the split below is fixed (settlement started). */
  fixed: boolean;
  emission: bigint;
  nodeReward: bigint;
  validatorReward: bigint;
  creatorReward: bigint;
  /** Rewards nobody earned (returned to the treasury at the end). */
  unallocated: bigint;
}

/**
 * The reward side of a task: its rules, stakes and the node/validator split.
 *
 * @example
 * const { rules, nodeShare } = await readTaskRewards(arena, 1n);
 */
export async function readTaskRewards(arena: IArena, taskId: bigint): Promise<TaskRewardsView> {
  const [t, r, s] = await Promise.all([arena.task(taskId), arena.taskRules(taskId), arena.settlement(taskId)]);
  const rules: TaskRulesView = {
    gamma: fromWad(r.gamma),
    beta: fromWad(r.beta),
    creatorShare: fromWad(r.creatorShare),
    validatorTolerance: fromWad(r.validatorTolerance),
    validatorSlash: fromWad(r.validatorSlash),
    nodeSlash: fromWad(r.nodeSlash),
    creatorSlash: fromWad(r.creatorSlash),
    rankDecay: fromWad(r.rankDecay),
    sampleSize: Number(r.sampleSize),
  };
  const total = t.nodeStake + t.validatorStake;
  // The contract's formula in WAD, so the projection matches what settlement will fix.
  const shareWad = total === 0n ? WAD : r.gamma + ((WAD - 2n * r.gamma) * t.nodeStake) / total;
  const fixedShare = s.nodeReward + s.validatorReward === 0n ? undefined : Number((s.nodeReward * 10n ** 9n) / (s.nodeReward + s.validatorReward)) / 1e9;
  return {
    rules,
    nodeStake: t.nodeStake,
    validatorStake: t.validatorStake,
    nodeShare: s.started && fixedShare !== undefined ? fixedShare : fromWad(shareWad),
    fixed: s.started,
    emission: s.emission,
    nodeReward: s.nodeReward,
    validatorReward: s.validatorReward,
    creatorReward: s.creatorReward,
    unallocated: s.unallocated,
  };
}

/** Task ids 1..taskCount (newest last). */
export async function taskIds(arena: IArena): Promise<bigint[]> {
  const n = await arena.taskCount();
  return Array.from({ length: Number(n) }, (_, i) => BigInt(i + 1));
}

export interface SubmissionView {
  id: bigint;
  account: string;
  status: (typeof SUBMISSION_STATUSES)[number];
  slashed: boolean;
  claimed: boolean;
  modelCID: string;
  commitment: string;
  consensus: number;
  /** 0-based rank among the ranked submissions; null for any other status. */
  rank: number | null;
  scorers: number;
}

export async function readSubmissions(arena: IArena, taskId: bigint): Promise<SubmissionView[]> {
  const n = (await arena.task(taskId)).nodeCount;
  const out: SubmissionView[] = [];
  for (let i = 0n; i < n; i++) {
    const s = await arena.submission(taskId, i);
    out.push({
      id: i,
      account: s.account,
      status: SUBMISSION_STATUSES[Number(s.status)]!,
      slashed: s.slashed,
      claimed: s.claimed,
      modelCID: s.modelCID,
      commitment: s.commitment,
      consensus: fromWad(s.consensus),
      rank: Number(s.status) === SubmissionStatus.Ranked ? Number(s.rank) : null,
      scorers: Number(s.scorerCount),
    });
  }
  return out;
}

/** The phase in plain words with its deadline, relative to chain time `now` (unix seconds). */
export function describePhase(t: Pick<TaskView, 'phase' | 'submitEnd' | 'revealEnd' | 'scoreCommitEnd' | 'scoreRevealEnd' | 'validationRevealed'>, now: number): string {
  const left = (end: number) => formatDuration(end - now);
  switch (t.phase) {
    case 'submit':
      return `open for submissions: submissions close in ${left(t.submitEnd)}`;
    case 'reveal':
      return `reveal: nodes reveal their models${t.validationRevealed ? '' : ' and the creator the validation set'}; ends in ${left(t.revealEnd)}`;
    case 'score-commit':
      return `scoring: validators commit scores; ends in ${left(t.scoreCommitEnd)}`;
    case 'score-reveal':
      return `score reveal: validators reveal scores; ends in ${left(t.scoreRevealEnd)}`;
    case 'finalizing':
      return 'scored: waiting to be finalized (`flock task finalize`)';
    case 'finalized':
      return 'finalized: rewards can be claimed';
    case 'cancelled':
      return 'cancelled: stakes can be claimed back';
    default:
      return 'unknown';
  }
}
