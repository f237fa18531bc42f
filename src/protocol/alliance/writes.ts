/**
 * The Alliance's writes, each `(client, params)` returning the mined transaction's hash; the
 * commit-reveal daemons (daemons/alliance) call the round's ones, commands the rest. Stakes and
 * funding are approved as needed, and balances checked before anything is sent.
 */
import type { ContractTransactionResponse } from 'ethers';
import type { IAlliance, IAllianceTypes } from '../../chain/types/IAlliance.js';
import { AbortError } from '../../errors/index.js';
import { formatFlock } from '../../units/index.js';
import { requireAlliance, requireSigner, type ProtocolConnection } from '../connection.js';
import { paramKey } from '../governance/params.js';
import { insufficientBalance, insufficientGm } from '../errors.js';
import { ensureAllowance, requireEvent, transact, type OnApprove } from '../tx.js';
import { METRIC_CODES } from '../arena/types.js';
import type { AllianceVote } from './commitments.js';
import { RULES, type AllianceTaskParameters } from './types.js';
import type { AllianceSpecView } from './views.js';

export interface TxResult {
  txHash: string;
}

async function write(client: ProtocolConnection, action: string, send: (a: IAlliance) => Promise<ContractTransactionResponse>): Promise<TxResult> {
  const alliance = requireAlliance(client);
  const receipt = await transact(client, action, () => send(alliance));
  return { txHash: receipt.hash };
}

/** What `createAllianceTask` takes: the task's parameters in plain units (see AllianceSpecView). */
export type CreateAllianceTaskParameters = Omit<AllianceSpecView, 'fromArena'> & {
  fromArena?: { taskId: bigint; submissionId: bigint } | null;
  onApprove?: OnApprove;
};

/**
 * Creates an Alliance task: stakes the creator's gmFLOCK and funds the reward pool in FLOCK,
 * approving both as needed.
 *
 * @example
 * const { taskId } = await createAllianceTask(client, { initialModelCID, specCID, metric: 'accuracy', rounds: 5, … });
 */
export async function createAllianceTask(client: ProtocolConnection, p: CreateAllianceTaskParameters): Promise<TxResult & { taskId: bigint }> {
  const alliance = requireAlliance(client);
  const { gm, token } = client.contracts;
  const account = await requireSigner(client, 'create an Alliance task').getAddress();
  // The governed floors, checked before any approval (the contract would revert after them).
  const [minCreatorStake, minStake, minPhase] = await Promise.all(['alliance.minCreatorStake', 'alliance.minStake', 'alliance.minPhase'].map((k) => client.contracts.config.get(paramKey(k))));
  const floor = (what: string, have: bigint, min: bigint, unit: (x: bigint) => string, field: string) => {
    if (have < min) throw new AbortError(`${what} is ${unit(have)}, below this chain's minimum of ${unit(min)}`, { code: 'BAD_TASK_SPEC', hint: `raise ${field} in the alliance.yaml (\`flock params\` lists the alliance.* minimums)` });
  };
  floor('the creator stake', p.creatorStake, minCreatorStake!, (x) => formatFlock(x, { symbol: 'gmFLOCK' }), 'stake.creator');
  floor('the participants\' minimum stake', p.minStake, minStake!, (x) => formatFlock(x, { symbol: 'gmFLOCK' }), 'stake.min');
  for (const [phase, d] of Object.entries(p.durations)) floor(`the ${phase} phase`, BigInt(d), minPhase!, (x) => `${x} s`, `phases.${phase}`);
  const [gmHeld, flockHeld] = await Promise.all([gm.balanceOf(account), token.balanceOf(account)]);
  if (gmHeld < p.creatorStake) throw insufficientGm('creating an Alliance task', p.creatorStake, account, gmHeld);
  if (flockHeld < p.rewardPool) throw insufficientBalance('FLOCK', 'funding the reward pool', p.rewardPool, account, flockHeld);
  const at = await alliance.getAddress();
  await ensureAllowance(client, gm, at, p.creatorStake, 'gmFLOCK for the creator stake', p.onApprove);
  if (p.rewardPool > 0n) await ensureAllowance(client, token, at, p.rewardPool, 'FLOCK for the reward pool', p.onApprove);
  const params: IAllianceTypes.TaskParamsStruct = {
    initialModelCID: p.initialModelCID,
    specCID: p.specCID,
    metric: METRIC_CODES[p.metric],
    rounds: p.rounds,
    proposersPerRound: p.proposersPerRound,
    minParticipants: p.minParticipants,
    maxParticipants: p.maxParticipants,
    joinDuration: p.durations.join,
    proposeCommitDuration: p.durations.proposeCommit,
    proposeRevealDuration: p.durations.proposeReveal,
    voteCommitDuration: p.durations.voteCommit,
    voteRevealDuration: p.durations.voteReveal,
    minStake: p.minStake,
    creatorStake: p.creatorStake,
    rewardPool: p.rewardPool,
    aggregation: { rule: RULES.indexOf(p.rule), f: p.f, m: p.m, beta: p.beta },
    privacy: { clipNorm: p.clipNorm, noiseMultiplier: p.noiseMultiplier },
    maxUpdateNorm: p.maxUpdateNorm,
    fromArena: Boolean(p.fromArena),
    arenaTaskId: p.fromArena?.taskId ?? 0n,
    arenaSubmissionId: p.fromArena?.submissionId ?? 0n,
  };
  const receipt = await transact(client, 'create an Alliance task', () => alliance.createTask(params));
  const taskId = requireEvent(alliance, receipt, 'TaskCreated', 'create an Alliance task').args.taskId as bigint;
  return { taskId, txHash: receipt.hash };
}

/**
 * Joins a task with `stake` gmFLOCK (0: the task's minimum), approving it as needed. Idempotent:
 * an active participant gets `already: true` and nothing is sent.
 */
export async function joinAlliance(
  client: ProtocolConnection,
  { taskId, stake, onApprove }: AllianceTaskParameters & { stake: bigint; onApprove?: OnApprove },
): Promise<{ txHash: string | undefined; stake: bigint; already: boolean }> {
  const alliance = requireAlliance(client);
  const { gm } = client.contracts;
  const account = await requireSigner(client, 'join an Alliance task').getAddress();
  const m = await alliance.member(taskId, account);
  if (m.active) return { txHash: undefined, stake: m.ownStake, already: true };
  const amount = stake > 0n ? stake : (await alliance.params(taskId)).minStake;
  const held = await gm.balanceOf(account);
  if (held < amount) throw insufficientGm('joining an Alliance task', amount, account, held);
  await ensureAllowance(client, gm, await alliance.getAddress(), amount, 'gmFLOCK for the stake', onApprove);
  const { txHash } = await write(client, 'join an Alliance task', (a) => a.join(taskId, amount));
  return { txHash, stake: amount, already: false };
}

export const leaveAlliance = (client: ProtocolConnection, { taskId }: AllianceTaskParameters) => write(client, 'leave an Alliance task', (a) => a.leave(taskId));
export const startRound = (client: ProtocolConnection, { taskId }: AllianceTaskParameters) => write(client, 'start the round', (a) => a.startRound(taskId));
export const drawRoles = (client: ProtocolConnection, { taskId }: AllianceTaskParameters) => write(client, 'draw the roles', (a) => a.drawRoles(taskId));
export const expireRound = (client: ProtocolConnection, { taskId }: AllianceTaskParameters) => write(client, 'expire the round', (a) => a.expireRound(taskId));
export const claimAlliance = (client: ProtocolConnection, { taskId }: AllianceTaskParameters) => write(client, 'claim', (a) => a.claim(taskId));

export const commitUpdate = (client: ProtocolConnection, { taskId, commitment }: AllianceTaskParameters & { commitment: string }) =>
  write(client, 'commit the update', (a) => a.commitUpdate(taskId, commitment));

export const revealUpdate = (client: ProtocolConnection, { taskId, updateCID, examples, salt }: AllianceTaskParameters & { updateCID: string; examples: bigint; salt: string }) =>
  write(client, 'reveal the update', (a) => a.revealUpdate(taskId, updateCID, examples, salt));

export const commitVote = (client: ProtocolConnection, { taskId, commitment }: AllianceTaskParameters & { commitment: string }) =>
  write(client, 'commit the vote', (a) => a.commitVote(taskId, commitment));

export const revealVote = (client: ProtocolConnection, { taskId, vote, salt }: AllianceTaskParameters & { vote: AllianceVote; salt: string }) =>
  write(client, 'reveal the vote', (a) => a.revealVote(taskId, vote, salt));

/**
 * Settles the current round in batches of `batch` participants until it is settled; returns the
 * transactions sent (none when it was settled already by someone else).
 */
export async function settleRound(client: ProtocolConnection, { taskId, batch = 64 }: AllianceTaskParameters & { batch?: number }): Promise<{ txHashes: string[] }> {
  const alliance = requireAlliance(client);
  const txHashes: string[] = [];
  for (;;) {
    const t = await alliance.task(taskId);
    const r = await alliance.round(taskId, t.round);
    if (Number(r.phase) !== 6 /* Settling */) return { txHashes };
    const { txHash } = await write(client, 'settle the round', (a) => a.settleRound(taskId, batch));
    txHashes.push(txHash);
  }
}
