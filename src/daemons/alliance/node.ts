/**
 * The Alliance node daemon (`flock alliance join --task <id> --data <file>`): join with stake,
 * split the private data once into a local train and test part, then round after round take the
 * role the VRF word gave it. As a proposer: train an update from the global model, keep it in the
 * work folder (0600) until the reveal, commit hash(update, examples, node, salt) (the salt on disk
 * first), then upload and reveal it. As a voter: fetch every revealed update (verified by CID),
 * aggregate them with the task's rule exactly as every voter does, score the aggregate and the
 * previous global model on the local test part, blame the invalid updates and the outliers, and
 * commit then reveal the vote. Any node takes the steps anyone may: start a round, draw its roles,
 * settle it. Every step asks the chain first, so a restart (SIGKILL at any instant) sends nothing
 * twice and loses no reveal; an RPC or store outage is waited out (kernel/machine.ts).
 *
 * Raw data never leaves the node: only model weights (trained on it) reach the store and the chain.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalData } from '../../fl/node.js';
import { AbortError, isFlockError } from '../../errors/index.js';
import { writeFileAtomic } from '../../files/atomic.js';
import { newSalt } from '../../protocol/arena/commitments.js';
import { updateCommitment, voteCommitment, type AllianceVote, type AllianceRoundView, type AllianceTaskView } from '../../protocol/alliance/index.js';
import type { AllianceManifest } from '../../tasks/alliance-spec.js';
import { fromWad, toWad } from '../../units/index.js';
import { adoptLegacyState, DONE, GO, lockState, runSteps, StateStore, statePath, type Gate, type Reporter, type Step, type StepContext } from '../kernel/index.js';
import type { AllianceDaemonDeps } from './ports.js';
import { turnOf, type AnyoneStep } from './turns.js';

export const ALLIANCE_KIND = 'alliance';

/** What the node records of one round. */
export interface RoundRecord {
  role?: 'proposer' | 'voter' | 'none';
  index?: number;
  /** Proposer: the update, kept in `file` until the reveal. */
  update?: { cid: string; examples: number; file: string; loss?: number };
  /** Voter: the vote (scores and blame as decimal strings of WAD / the mask). */
  vote?: { aggregateCID: string; previousScore: string; newScore: string; blame: string };
  /** Persisted before the commitment that hides it is sent. */
  salt?: string;
  commitment?: string;
  committed?: { txHash?: string };
  uploaded?: boolean;
  revealed?: { txHash?: string };
  /** Nothing more to do in this round (revealed, skipped or missed). */
  over?: boolean;
  missed?: string;
  /** The score of the global model this round left (new or kept) on the local test part; kept so a restart does not score it again. */
  score?: { metric: string; value: number; model: string };
  /** The round's result was reported. */
  reported?: boolean;
}

export interface AllianceNodeState {
  kind: typeof ALLIANCE_KIND;
  chainId: number;
  taskId: string;
  account: string;
  startedAt: string;
  updatedAt?: string;
  joined?: { txHash?: string; stake: string };
  /** sha256 of the data file the split was made from. */
  local?: LocalData & { dataSha256: string; dir: string };
  rounds: Record<string, RoundRecord>;
  done?: boolean;
}

export interface AllianceNodeOptions extends AllianceDaemonDeps {
  taskId: bigint;
  /** The private data file (never uploaded). */
  data: string;
  /** gmFLOCK to stake; 0: the task's minimum. */
  stake: bigint;
  /** Local epochs per round (default 1). */
  epochs?: number;
  backend?: 'auto' | 'node-gpu' | 'node' | 'wasm' | 'cpu';
  /** Stop once this round is settled (tests, demos); default: the task's end. */
  untilRound?: number;
}

export interface AllianceNodeResult {
  taskId: string;
  account: string;
  status: string;
  rounds: Record<string, { role?: string; committed: boolean; revealed: boolean; missed?: string }>;
  statePath: string;
  stopped: boolean;
}

interface C extends StepContext {
  o: AllianceNodeOptions;
  st: StateStore<AllianceNodeState>;
  account: string;
  round: number;
  task: AllianceTaskView;
  manifest: AllianceManifest;
  /** When this node first saw each step anyone may take due, by `round:step` (turns). */
  due: Map<string, number>;
  /** The task's members, read once per round for the turns. */
  members?: { round: number; accounts: string[] };
}

const recOf = (c: C, round: number): RoundRecord => c.st.get().rounds[String(round)] ?? {};
const setRecOf = (c: C, round: number, patch: Partial<RoundRecord>) => c.st.update((s) => ({ rounds: { ...s.rounds, [String(round)]: { ...s.rounds[String(round)], ...patch } } }));
const rec = (c: C): RoundRecord => recOf(c, c.round);
const setRec = (c: C, patch: Partial<RoundRecord>) => setRecOf(c, c.round, patch);

/** The round now, re-read from the chain. */
const roundNow = (c: C) => c.rt.retry('round', () => c.o.alliance.getAllianceRound({ taskId: c.taskId, round: c.round }));
const phaseIndex = (r: AllianceRoundView) => ['none', 'drawing', 'propose-commit', 'propose-reveal', 'vote-commit', 'vote-reveal', 'settling', 'settled'].indexOf(r.phase);

/** Waits for phase `want` of the round (GO in it; missed past it). */
async function inPhase(c: C, want: AllianceRoundView['phase'], waitFor: 'propose-reveal' | 'vote-commit' | 'vote-reveal'): Promise<Gate> {
  const r = await roundNow(c);
  const have = phaseIndex(r);
  const need = phaseIndex({ phase: want } as AllianceRoundView);
  if (have === need) return GO;
  if (have > need) return { missed: r.phase };
  const opensAt = want === 'propose-reveal' ? r.proposeCommitEnd : want === 'vote-commit' ? r.proposeRevealEnd : r.voteCommitEnd;
  return { wait: { for: waitFor, opensIn: opensAt - (await c.o.chain.now()), round: c.round } };
}

// ---------------------------------------------------------------- proposer

/**
 * GO once the global model is in the store: the round's voters put their aggregate there before
 * they commit, so a node of the next round that finds it missing waits (a later voter, or a store
 * that catches up), and misses the phase rather than stop if it never comes.
 */
async function globalStored(c: C): Promise<Gate> {
  const cid = c.task.globalModelCID;
  if (await c.o.store.has(cid)) return GO;
  return { wait: { for: 'global-model', round: c.round } };
}

const train: Step<C> = {
  name: 'train the update',
  recorded: (c) => Boolean(rec(c).update),
  async gate(c) {
    const r = await roundNow(c);
    if (r.phase !== 'propose-commit') return { missed: r.phase };
    return globalStored(c);
  },
  async run(c) {
    const [{ proposeUpdate }] = await Promise.all([import('../../fl/node.js')]);
    const global = await c.o.store.get(c.task.globalModelCID, { maxBytes: c.manifest.spec.contract.maxBytes });
    const spec = c.manifest.spec;
    const { earlyStopping: _es, ...trainer } = spec.trainer!;
    const privacy = c.task.spec.clipNorm > 0n ? { clip: fromWad(c.task.spec.clipNorm), noise: fromWad(c.task.spec.noiseMultiplier) } : undefined;
    const p = await proposeUpdate({
      global,
      schema: spec.schema,
      trainer,
      data: c.st.get().local!,
      epochs: c.o.epochs ?? 1,
      seed: seedOf(c.account, c.round),
      ...(privacy ? { privacy } : {}),
      ...(c.o.backend ? { backend: c.o.backend } : {}),
    });
    const file = join(workDir(c), `round-${c.round}-update.onnx`);
    writeFileAtomic(file, p.bytes, { mode: 0o600 });
    const salt = newSalt();
    // The salt and commitment on disk before the commit is sent (one record: no window between them).
    setRec(c, { update: { cid: p.cid, examples: p.examples, file, ...(p.loss !== undefined ? { loss: p.loss } : {}) }, salt, commitment: updateCommitment(c.taskId, BigInt(c.round), p.cid, BigInt(p.examples), c.account, salt) });
    c.report.emit({ event: 'update-ready', round: c.round, updateCID: p.cid, examples: p.examples, ...(p.loss !== undefined ? { loss: p.loss } : {}), file });
  },
};

async function myUpdate(c: C) {
  const ups = await c.rt.retry('updates', () => c.o.alliance.getAllianceUpdates({ taskId: c.taskId, round: c.round }));
  return ups.find((u) => u.index === rec(c).index);
}

const commitUpdate: Step<C> = {
  name: 'commit the update',
  recorded: (c) => Boolean(rec(c).committed),
  async gate(c) {
    if ((await myUpdate(c))?.committed) return DONE; // a restart after the send
    const r = await roundNow(c);
    return r.phase === 'propose-commit' ? GO : { missed: r.phase };
  },
  adopt(c) {
    setRec(c, { committed: {} });
    c.report.emit({ event: 'update-committed', round: c.round, commitment: rec(c).commitment!, already: true });
  },
  async run(c) {
    const { txHash } = await c.o.alliance.commitUpdate({ taskId: c.taskId, commitment: rec(c).commitment! });
    c.rt.crashPoint('commit-update');
    setRec(c, { committed: { txHash } });
    c.report.emit({ event: 'update-committed', round: c.round, tx: txHash, commitment: rec(c).commitment!, already: false });
  },
};

const revealUpdate: Step<C> = {
  name: 'reveal the update',
  recorded: (c) => Boolean(rec(c).revealed),
  async gate(c) {
    if ((await myUpdate(c))?.revealed) return DONE;
    return inPhase(c, 'propose-reveal', 'propose-reveal');
  },
  async adopt(c) {
    await upload(c); // a crash between the reveal and its record: put it again (content-addressed)
    setRec(c, { revealed: {}, over: true });
    c.report.emit({ event: 'update-revealed', round: c.round, updateCID: rec(c).update!.cid, already: true });
  },
  async run(c) {
    await upload(c);
    const { update, salt } = rec(c);
    const { txHash } = await c.o.alliance.revealUpdate({ taskId: c.taskId, updateCID: update!.cid, examples: BigInt(update!.examples), salt: salt! });
    c.rt.crashPoint('reveal-update');
    setRec(c, { revealed: { txHash }, over: true });
    c.report.emit({ event: 'update-revealed', round: c.round, tx: txHash, updateCID: update!.cid, already: false });
  },
};

/** The kept update into the store, right before its reveal (never earlier: the CID would leak). */
async function upload(c: C): Promise<void> {
  if (rec(c).uploaded) return;
  const u = rec(c).update!;
  if (!existsSync(u.file)) throw new AbortError(`the committed update ${u.cid} is no longer at ${u.file}`, { code: 'MODEL_MISSING', hint: 'restore the file (the reveal needs exactly the committed bytes), or the node is slashed for not revealing' });
  await c.o.store.put(new Uint8Array(readFileSync(u.file)), { expectedCid: u.cid });
  setRec(c, { uploaded: true });
}

// ---------------------------------------------------------------- voter

const vote: Step<C> = {
  name: 'vote',
  recorded: (c) => Boolean(rec(c).vote) || Boolean(rec(c).over),
  async gate(c) {
    const g = await inPhase(c, 'vote-commit', 'vote-commit');
    return 'go' in g ? globalStored(c) : g;
  },
  async run(c) {
    const { voteOnUpdates } = await import('../../fl/node.js');
    const spec = c.manifest.spec;
    const maxBytes = spec.contract.maxBytes;
    const ups = (await c.rt.retry('updates', () => c.o.alliance.getAllianceUpdates({ taskId: c.taskId, round: c.round }))).filter((u) => u.revealed);
    if (ups.length === 0) {
      setRec(c, { over: true, missed: 'no update was revealed' });
      c.report.emit({ event: 'vote-skipped', round: c.round, reason: 'no update was revealed' });
      return;
    }
    const global = await c.o.store.get(c.task.globalModelCID, { maxBytes });
    const updates = [];
    const unavailable: number[] = [];
    for (const u of ups) {
      try {
        updates.push({ index: u.index, cid: u.updateCID, bytes: await c.o.store.get(u.updateCID, { maxBytes }), examples: Number(u.examples) });
      } catch (e) {
        // Bytes that do not hash to the CID, or over the size bound: invalid, blamed. Not found: the proposer never uploaded it.
        if (isFlockError(e) && ['RPC_UNREACHABLE', 'STORE_UNREACHABLE'].includes(e.code)) throw e;
        unavailable.push(u.index);
      }
    }
    const s = c.task.spec;
    const v = await voteOnUpdates({
      global,
      updates,
      rule: s.rule,
      f: s.f,
      m: s.m,
      beta: fromWad(s.beta),
      ...(s.maxUpdateNorm > 0n ? { maxNorm: fromWad(s.maxUpdateNorm) } : {}),
      contract: spec.contract,
      metric: spec.metric.name,
      schema: spec.schema,
      test: c.st.get().local!.test,
    });
    if (!v.aggregate || v.previousScore === null || v.newScore === null) {
      const reason = !v.aggregate ? `no aggregate: ${v.rejected[0]?.reason ?? 'no valid update'}` : 'a model could not be scored on the local test part';
      setRec(c, { over: true, missed: reason });
      c.report.emit({ event: 'vote-skipped', round: c.round, reason });
      return;
    }
    // The aggregate into the store: if it wins, it is the next global model, and every node of
    // the next round fetches it from there (anyone may recompute it; nothing in it is secret).
    await c.o.store.put(v.aggregate.bytes, { expectedCid: v.aggregate.cid });
    const blamed = [...new Set([...v.blamed, ...unavailable])].sort((a, b) => a - b);
    const blame = blamed.reduce((m, i) => m | (1n << BigInt(i)), 0n);
    const ballot: AllianceVote = { aggregateCID: v.aggregate.cid, previousScore: toWad(v.previousScore), newScore: toWad(v.newScore), blame };
    const salt = newSalt();
    setRec(c, {
      vote: { aggregateCID: ballot.aggregateCID, previousScore: ballot.previousScore.toString(), newScore: ballot.newScore.toString(), blame: blame.toString() },
      salt,
      commitment: voteCommitment(c.taskId, BigInt(c.round), ballot, c.account, salt),
    });
    const higher = spec.metric.direction !== 'lower' && !['mse', 'mae', 'log-loss'].includes(spec.metric.name);
    c.report.emit({ event: 'voted', round: c.round, aggregateCID: v.aggregate.cid, previousScore: v.previousScore, newScore: v.newScore, improved: higher ? v.newScore >= v.previousScore : v.newScore <= v.previousScore, blamed, rejected: v.rejected.length });
  },
};

const ballotOf = (r: RoundRecord): AllianceVote => ({ aggregateCID: r.vote!.aggregateCID, previousScore: BigInt(r.vote!.previousScore), newScore: BigInt(r.vote!.newScore), blame: BigInt(r.vote!.blame) });
const myVote = (c: C) => c.rt.retry('vote', () => c.o.alliance.getAllianceVote({ taskId: c.taskId, round: c.round, account: c.account }));

const commitVote: Step<C> = {
  name: 'commit the vote',
  recorded: (c) => Boolean(rec(c).committed) || Boolean(rec(c).over),
  async gate(c) {
    if ((await myVote(c)).committed) return DONE;
    const r = await roundNow(c);
    return r.phase === 'vote-commit' ? GO : { missed: r.phase };
  },
  adopt(c) {
    setRec(c, { committed: {} });
    c.report.emit({ event: 'vote-committed', round: c.round, commitment: rec(c).commitment!, already: true });
  },
  async run(c) {
    const { txHash } = await c.o.alliance.commitVote({ taskId: c.taskId, commitment: rec(c).commitment! });
    c.rt.crashPoint('commit-vote');
    setRec(c, { committed: { txHash } });
    c.report.emit({ event: 'vote-committed', round: c.round, tx: txHash, commitment: rec(c).commitment!, already: false });
  },
};

const revealVote: Step<C> = {
  name: 'reveal the vote',
  recorded: (c) => Boolean(rec(c).revealed) || Boolean(rec(c).over),
  async gate(c) {
    if ((await myVote(c)).revealed) return DONE;
    return inPhase(c, 'vote-reveal', 'vote-reveal');
  },
  adopt(c) {
    setRec(c, { revealed: {}, over: true });
    c.report.emit({ event: 'vote-revealed', round: c.round, already: true });
  },
  async run(c) {
    const { txHash } = await c.o.alliance.revealVote({ taskId: c.taskId, vote: ballotOf(rec(c)), salt: rec(c).salt! });
    c.rt.crashPoint('reveal-vote');
    setRec(c, { revealed: { txHash }, over: true });
    c.report.emit({ event: 'vote-revealed', round: c.round, tx: txHash, already: false });
  },
};

const PROPOSER_STEPS: readonly Step<C>[] = [train, commitUpdate, revealUpdate];
const VOTER_STEPS: readonly Step<C>[] = [vote, commitVote, revealVote];

// ---------------------------------------------------------------- the task

/** Seeds a proposer's local training from its account and the round: reproducible on a restart. */
function seedOf(account: string, round: number): number {
  return createHash('sha256').update(`${account.toLowerCase()}:${round}`).digest().readUInt32BE(0);
}

function workDir(c: { o: AllianceNodeOptions; taskId: bigint; account: string }): string {
  return join(c.o.home, 'daemons', 'work', `${ALLIANCE_KIND}-${c.o.chain.chainId}-${c.taskId}-${c.account.toLowerCase()}`);
}

/**
 * Sends a step anyone may take (start, draw, settle, expire). A revert is the step not being due
 * (not in phase, no word yet) or a race lost despite the turns: expected, not a failure.
 */
async function anyone(c: C, step: AnyoneStep | 'expire', send: () => Promise<{ txHash?: string; txHashes?: string[] }>): Promise<boolean> {
  try {
    const r = await c.rt.exclusive(send);
    const tx = r.txHash ?? r.txHashes?.at(-1);
    c.report.emit({ event: 'round-step', round: step === 'start' ? c.round + 1 : c.round, step, ...(tx ? { tx } : {}) });
    return true;
  } catch (e) {
    if (isFlockError(e) && e.code === 'REVERTED') {
      c.o.chain.resetNonce();
      return false;
    }
    throw e;
  }
}

/**
 * Whether this node may send a step anyone may take now (turns.ts): the first in the turn order at
 * once, the k-th once k turns passed since it first saw the step due and only if it is due still.
 * A turn is two polls: one for every node's poll to see the step due, one for the first one's
 * transaction to be mined; a member that is down delays the step by one turn.
 */
async function myTurn(c: C, step: AnyoneStep, round: number): Promise<boolean> {
  const key = `${round}:${step}`;
  const seen = c.due.get(key) ?? Date.now();
  c.due.set(key, seen);
  if (c.members?.round !== c.round) {
    const members = await c.rt.retry('participants', () => c.o.alliance.getAllianceParticipants({ taskId: c.taskId }));
    c.members = { round: c.round, accounts: members.map((m) => m.account) };
  }
  const turn = turnOf(c.members.accounts, c.taskId, round, step, c.account);
  return Date.now() - seen >= turn * 2 * c.rt.pollMs;
}

/** Takes a step anyone may take when this node's turn came; false when it did not (yet), or lost a race after all. */
async function inTurn(c: C, step: AnyoneStep, round: number, send: () => Promise<{ txHash?: string; txHashes?: string[] }>): Promise<boolean> {
  return (await myTurn(c, step, round)) && (await anyone(c, step, send));
}

// ---------------------------------------------------------------- a settled round's result

/**
 * The score of the global model a settled round left (`modelCID`: its aggregate if accepted, the
 * one kept otherwise) on the local test part. A voter of the round scored that very model already
 * (its vote's new or previous score): that score is taken as it is. Undefined, with a warning,
 * when it cannot be scored: the score only feeds the node's view, so nothing stops for it.
 */
async function scoreGlobal(c: C, round: number, accepted: boolean, modelCID: string): Promise<RoundRecord['score']> {
  const spec = c.manifest.spec;
  const metric = spec.metric.name;
  const v = recOf(c, round).vote;
  if (v && (accepted ? v.aggregateCID === modelCID : true)) {
    return { metric, value: fromWad(BigInt(accepted ? v.newScore : v.previousScore)), model: modelCID };
  }
  try {
    const [{ scoreOnLocalTest }] = await Promise.all([import('../../fl/node.js')]);
    const model = await c.o.store.get(modelCID, { maxBytes: spec.contract.maxBytes });
    const value = await scoreOnLocalTest({ model, contract: spec.contract, metric, schema: spec.schema, test: c.st.get().local!.test });
    return { metric, value, model: modelCID };
  } catch (e) {
    c.report.emit({ event: 'round-unscored', round, modelCID, reason: (e as Error).message });
    return undefined;
  }
}

/** Reports a settled round once, with the score of the global model it left (scored once, kept in the round's record). */
async function reportResult(c: C, round: number, r: AllianceRoundView, globalCID: string): Promise<void> {
  if (recOf(c, round).reported) return;
  const modelCID = r.accepted ? r.aggregateCID : globalCID;
  let score = recOf(c, round).score;
  if (!score || score.model !== modelCID) {
    score = await scoreGlobal(c, round, r.accepted, modelCID);
    if (score) setRecOf(c, round, { score });
  }
  setRecOf(c, round, { reported: true });
  c.report.emit({ event: 'round-result', round, accepted: r.accepted, aggregateCID: r.aggregateCID, ...(score ? { score: score.value, metric: score.metric } : {}) });
}

/**
 * The previous round's result, when the node did not see that round settled (another node settled
 * it and started this one between two polls). Only while this round is not settled: the chain's
 * global model is then still the one the previous round left.
 */
async function reportPrevious(c: C): Promise<void> {
  const prev = c.round - 1;
  if (prev < 1 || recOf(c, prev).reported) return;
  const r = await c.rt.retry('round', () => c.o.alliance.getAllianceRound({ taskId: c.taskId, round: prev }));
  if (r.phase === 'settled') await reportResult(c, prev, r, c.task.globalModelCID);
  else setRecOf(c, prev, { reported: true }); // expired: nothing to report
}

/** Runs one round's steps for this node's role; a phase that passed is recorded as missed, not fatal. */
async function playRound(c: C): Promise<'done' | 'stopped'> {
  if (!rec(c).role) {
    const role = await c.rt.retry('role', () => c.o.alliance.getAllianceRole({ taskId: c.taskId, round: c.round, account: c.account }));
    setRec(c, { role: role.role, index: role.index, ...(role.role === 'none' ? { over: true } : {}) });
    c.report.emit({ event: 'round-role', round: c.round, role: role.role, ...(role.role === 'none' ? {} : { index: role.index }) });
  }
  const x = rec(c);
  if (x.over || x.role === 'none') return 'done';
  try {
    return await runSteps(c, x.role === 'proposer' ? PROPOSER_STEPS : VOTER_STEPS);
  } catch (e) {
    if (!isFlockError(e) || e.code !== 'DEADLINE_MISSED') throw e;
    // Missing a step it never committed to costs nothing; a committed one it could not reveal is slashed by the contract.
    setRec(c, { over: true, missed: e.message });
    c.report.emit({ event: 'round-missed', round: c.round, what: e.message });
    return 'done';
  }
}

/**
 * Runs the node for one task until the task ends (or `untilRound` is settled, or a SIGTERM).
 *
 * @example
 * const r = await runAllianceNode({ rt, alliance: client.alliance, chain, store, home, taskId: 1n, data: 'my.csv', stake: 0n });
 */
export async function runAllianceNode(o: AllianceNodeOptions): Promise<AllianceNodeResult> {
  const account = o.chain.address;
  const taskId = o.taskId;
  const path = statePath(o.home, ALLIANCE_KIND, o.chain.chainId, taskId, account);
  adoptLegacyState(path, account);
  const release = lockState(path);
  const report: Reporter = o.rt.reporter(taskId.toString());
  try {
    const st = new StateStore<AllianceNodeState>(path, { kind: ALLIANCE_KIND, chainId: o.chain.chainId, taskId: taskId.toString(), account, startedAt: new Date().toISOString(), rounds: {} });
    if (st.get().account.toLowerCase() !== account.toLowerCase()) {
      throw new AbortError(`state ${path} belongs to ${st.get().account}, not ${account}`, { code: 'STATE_ACCOUNT', hint: 'use the same --account, or another --home' });
    }
    report.emit({ event: 'started', state: path, resumed: Boolean(st.get().joined) });
    let task = await o.rt.retry('task', () => o.alliance.getAllianceTask({ taskId }));
    const { fetchAllianceManifest } = await import('../../tasks/alliance-spec.js');
    const manifest = await o.rt.retry('task spec', () => fetchAllianceManifest(o.store, task.spec.specCID));
    if (!manifest.spec.trainer) throw new AbortError(`the task's spec ${task.spec.specCID} names no trainer`, { code: 'BAD_MANIFEST' });
    const c: C = { o, rt: o.rt, taskId, report, st, account, round: task.round, task, manifest, due: new Map(), onTransient: () => o.chain.resetNonce(), missedHint: `\`flock alliance show ${taskId}\`` };
    report.emit({ event: 'alliance-task', round: task.round, rounds: task.spec.rounds, metric: manifest.spec.metric.name });
    await prepare(c);
    for (;;) {
      if (o.rt.stopping) break;
      task = await o.rt.retry('task', () => o.alliance.getAllianceTask({ taskId }));
      c.task = task;
      c.round = task.round;
      if (task.status === 'finished' || task.status === 'cancelled') {
        // The last round's settlement finished the task: its result is reported here (the loop
        // never sees that round as settled while the task runs). Not a round that expired undrawn.
        if (task.status === 'finished' && c.round > 0) {
          const r = await roundNow(c);
          if (r.phase === 'settled' && r.drawnAt > 0) await reportResult(c, c.round, r, task.globalModelCID);
        }
        st.update({ done: true });
        report.emit({ event: 'done', scored: Object.values(st.get().rounds).filter((x) => x.revealed).length });
        break;
      }
      const now = await o.rt.retry('latest block', () => o.chain.now());
      if (task.status === 'joining') {
        if (now < task.joinEnd) report.emit({ event: 'waiting', for: 'round', opensIn: task.joinEnd - now, round: 1 });
        else await inTurn(c, 'start', 1, () => o.alliance.startRound({ taskId }));
        await o.rt.sleep();
        continue;
      }
      const r = await roundNow(c);
      if (r.phase !== 'settled') await reportPrevious(c);
      if (r.phase === 'drawing') {
        // The VRF word is 0 until it arrives (a fulfilled word of 0 has odds of 2^-256).
        if (r.word !== 0n) {
          if (!(await inTurn(c, 'draw', c.round, () => o.alliance.drawRoles({ taskId })))) await o.rt.sleep();
          continue;
        }
        await anyone(c, 'expire', () => o.alliance.expireRound({ taskId })); // only once alliance.drawTimeout passed: rare, not in turns
        report.emit({ event: 'waiting', for: 'randomness', round: c.round });
        await o.rt.sleep();
        continue;
      }
      if (r.phase === 'settling') {
        if (!(await inTurn(c, 'settle', c.round, () => o.alliance.settleRound({ taskId })))) await o.rt.sleep();
        continue;
      }
      if (r.phase === 'settled') {
        await reportResult(c, c.round, r, task.globalModelCID);
        if (o.untilRound !== undefined && c.round >= o.untilRound) break;
        if (c.round < task.spec.rounds && !(await inTurn(c, 'start', c.round + 1, () => o.alliance.startRound({ taskId })))) await o.rt.sleep();
        else if (c.round >= task.spec.rounds) await o.rt.sleep();
        continue;
      }
      // A timed phase: this node's own steps of the round.
      if ((await playRound(c)) === 'stopped') break;
      if (rec(c).over) {
        report.emit({ event: 'waiting', for: 'settlement', opensIn: r.voteRevealEnd - now, round: c.round });
        await o.rt.sleep();
      }
    }
    const s = st.get();
    return {
      taskId: taskId.toString(),
      account,
      status: task.status,
      rounds: Object.fromEntries(Object.entries(s.rounds).map(([k, v]) => [k, { role: v.role, committed: Boolean(v.committed), revealed: Boolean(v.revealed), ...(v.missed ? { missed: v.missed } : {}) }])),
      statePath: path,
      stopped: !s.done,
    };
  } finally {
    release();
  }
}

/** Joins (idempotent on chain) and splits the private data once; checks the file is the one split before. */
async function prepare(c: C): Promise<void> {
  const o = c.o;
  const dataSha256 = createHash('sha256').update(readFileSync(o.data)).digest('hex');
  const local = c.st.get().local;
  if (local && local.dataSha256 !== dataSha256) {
    throw new AbortError(`${o.data} is not the file this node split for task ${c.taskId} (its sha256 changed)`, {
      code: 'DATA_CHANGED',
      hint: `pass the same --data file, or start afresh with another --home (state ${c.st.path})`,
    });
  }
  if (!local || !existsSync(local.train) || !existsSync(local.test)) {
    const { splitLocalData } = await import('../../fl/node.js');
    const dir = join(workDir(c), 'data');
    const split = await splitLocalData(o.data, c.manifest.spec.schema, dir, seedOf(c.account, 0));
    c.st.update({ local: { ...split, dataSha256, dir } });
    c.report.emit({ event: 'data-split', trainRows: split.trainRows, testRows: split.testRows, dir });
  }
  if (!c.st.get().joined) {
    const r = await c.rt.exclusive(() => o.alliance.joinAlliance({ taskId: c.taskId, stake: o.stake, onApprove: (what) => c.report.emit({ event: 'approving', what }) }));
    c.rt.crashPoint('join');
    c.st.update({ joined: { ...(r.txHash ? { txHash: r.txHash } : {}), stake: r.stake.toString() } });
    c.report.emit({ event: 'registered', index: '0', ...(r.txHash ? { tx: r.txHash } : {}), already: r.already });
  }
}
