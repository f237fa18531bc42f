/**
 * The Alliance's views, as plain objects in the contract's units (WAD scores as bigint, times as
 * unix seconds, enums by name): what commands print and daemons decide on.
 */
import type { IAlliance } from '../../chain/types/index.js';
import type { AllianceSettings } from '../../tasks/alliance-spec.js';
import { METRIC_NAMES, type ArenaMetricName } from '../arena/types.js';
import { requireAlliance, type ProtocolConnection } from '../connection.js';
import { unknownAllianceTask } from '../errors.js';
import type { AllianceVote } from './commitments.js';
import { ROLES, ROUND_PHASES, RULES, TASK_STATUSES, type AllianceRoleName, type AllianceRuleName, type AllianceStatusName, type AllianceTaskParameters, type RoundPhaseName } from './types.js';

type TaskInfoOut = Awaited<ReturnType<IAlliance['task']>>;
type ParamsOut = Awaited<ReturnType<IAlliance['params']>>;
type RoundOut = Awaited<ReturnType<IAlliance['round']>>;
type MemberOut = Awaited<ReturnType<IAlliance['member']>>;
type UpdateOut = Awaited<ReturnType<IAlliance['updates']>>[number];

/** A task's parameters as created. */
export interface AllianceSpecView extends AllianceSettings {
  initialModelCID: string;
  specCID: string;
  metric: ArenaMetricName;
  rule: AllianceRuleName;
}

export interface AllianceTaskView {
  id: bigint;
  creator: string;
  status: AllianceStatusName;
  /** 0 before round 1. */
  round: number;
  roundsAccepted: number;
  participantCount: number;
  globalModelCID: string;
  createdAt: number;
  joinEnd: number;
  totalStake: bigint;
  funded: bigint;
  emissionEarned: bigint;
  allocated: bigint;
  spec: AllianceSpecView;
}

export interface AllianceRoundView {
  round: number;
  phase: RoundPhaseName;
  key: string;
  word: bigint;
  participants: number;
  proposerMask: bigint;
  startedAt: number;
  drawnAt: number;
  proposeCommitEnd: number;
  proposeRevealEnd: number;
  voteCommitEnd: number;
  voteRevealEnd: number;
  proposerStake: bigint;
  voterStake: bigint;
  reward: bigint;
  accepted: boolean;
  aggregateCID: string;
  winningStake: bigint;
  improvedStake: bigint;
  settledCount: number;
}

export interface AllianceMemberView {
  index: number;
  active: boolean;
  leaving: boolean;
  ownStake: bigint;
  poolStake: bigint;
  poolSigma: bigint;
  joinedAt: number;
  rewardOwed: bigint;
  poolRewardOwed: bigint;
  rewardEarned: bigint;
  slashed: bigint;
  stakeClaimed: boolean;
}

export interface AllianceUpdateView {
  proposer: string;
  index: number;
  committed: boolean;
  revealed: boolean;
  updateCID: string;
  examples: bigint;
  blameStake: bigint;
}


const n = Number;

export function specView(p: ParamsOut): AllianceSpecView {
  return {
    initialModelCID: p.initialModelCID,
    specCID: p.specCID,
    metric: METRIC_NAMES[n(p.metric)]!,
    rounds: n(p.rounds),
    proposersPerRound: n(p.proposersPerRound),
    minParticipants: n(p.minParticipants),
    maxParticipants: n(p.maxParticipants),
    durations: {
      join: n(p.joinDuration),
      proposeCommit: n(p.proposeCommitDuration),
      proposeReveal: n(p.proposeRevealDuration),
      voteCommit: n(p.voteCommitDuration),
      voteReveal: n(p.voteRevealDuration),
    },
    minStake: p.minStake,
    creatorStake: p.creatorStake,
    rewardPool: p.rewardPool,
    rule: RULES[n(p.aggregation.rule)]!,
    f: n(p.aggregation.f),
    m: n(p.aggregation.m),
    beta: p.aggregation.beta,
    clipNorm: p.privacy.clipNorm,
    noiseMultiplier: p.privacy.noiseMultiplier,
    maxUpdateNorm: p.maxUpdateNorm,
    fromArena: p.fromArena ? { taskId: p.arenaTaskId, submissionId: p.arenaSubmissionId } : null,
  };
}

function taskView(id: bigint, t: TaskInfoOut, p: ParamsOut): AllianceTaskView {
  return {
    id,
    creator: t.creator,
    status: TASK_STATUSES[n(t.status)]!,
    round: n(t.round),
    roundsAccepted: n(t.roundsAccepted),
    participantCount: n(t.participantCount),
    globalModelCID: t.globalModelCID,
    createdAt: n(t.createdAt),
    joinEnd: n(t.joinEnd),
    totalStake: t.totalStake,
    funded: t.funded,
    emissionEarned: t.emissionEarned,
    allocated: t.allocated,
    spec: specView(p),
  };
}

function roundView(round: number, r: RoundOut): AllianceRoundView {
  return {
    round,
    phase: ROUND_PHASES[n(r.phase)]!,
    key: r.key,
    word: r.word,
    participants: n(r.participants),
    proposerMask: r.proposerMask,
    startedAt: n(r.startedAt),
    drawnAt: n(r.drawnAt),
    proposeCommitEnd: n(r.proposeCommitEnd),
    proposeRevealEnd: n(r.proposeRevealEnd),
    voteCommitEnd: n(r.voteCommitEnd),
    voteRevealEnd: n(r.voteRevealEnd),
    proposerStake: r.proposerStake,
    voterStake: r.voterStake,
    reward: r.reward,
    accepted: r.accepted,
    aggregateCID: r.aggregateCID,
    winningStake: r.winningStake,
    improvedStake: r.improvedStake,
    settledCount: n(r.settledCount),
  };
}

function memberView(m: MemberOut): AllianceMemberView {
  return {
    index: n(m.index),
    active: m.active,
    leaving: m.leaving,
    ownStake: m.ownStake,
    poolStake: m.poolStake,
    poolSigma: m.poolSigma,
    joinedAt: n(m.joinedAt),
    rewardOwed: m.rewardOwed,
    poolRewardOwed: m.poolRewardOwed,
    rewardEarned: m.rewardEarned,
    slashed: m.slashed,
    stakeClaimed: m.stakeClaimed,
  };
}

function updateView(u: UpdateOut): AllianceUpdateView {
  return { proposer: u.proposer, index: n(u.index), committed: u.committed, revealed: u.revealed, updateCID: u.updateCID, examples: u.examples, blameStake: u.blameStake };
}

/** The number of Alliance tasks (ids are 1..count). */
export async function getAllianceTaskCount(client: ProtocolConnection): Promise<bigint> {
  return requireAlliance(client).taskCount();
}

/**
 * One task with its parameters; an AbortError (UNKNOWN_ALLIANCE_TASK) when it does not exist.
 *
 * @example
 * const t = await getAllianceTask(client, { taskId: 1n });
 * t.status; // 'running'
 */
export async function getAllianceTask(client: ProtocolConnection, { taskId }: AllianceTaskParameters): Promise<AllianceTaskView> {
  const alliance = requireAlliance(client);
  const count = await alliance.taskCount();
  if (taskId < 1n || taskId > count) throw unknownAllianceTask(taskId, count);
  const [t, p] = await Promise.all([alliance.task(taskId), alliance.params(taskId)]);
  return taskView(taskId, t, p);
}

/** One round (1..task.round), with its phase now. */
export async function getAllianceRound(client: ProtocolConnection, { taskId, round }: AllianceTaskParameters & { round: number }): Promise<AllianceRoundView> {
  return roundView(round, await requireAlliance(client).round(taskId, round));
}

/** The participant list now, in order, with effective stakes. */
export async function getAllianceParticipants(client: ProtocolConnection, { taskId }: AllianceTaskParameters): Promise<{ account: string; stake: bigint }[]> {
  const [accounts, stakes] = await requireAlliance(client).participants(taskId);
  return accounts.map((account, i) => ({ account, stake: stakes[i]! }));
}

/** A participant's record (zeros for an account that never joined). */
export async function getAllianceMember(client: ProtocolConnection, { taskId, account }: AllianceTaskParameters & { account: string }): Promise<AllianceMemberView> {
  return memberView(await requireAlliance(client).member(taskId, account));
}

/** The role `account` holds in `round`, and its index there. */
export async function getAllianceRole(
  client: ProtocolConnection,
  { taskId, round, account }: AllianceTaskParameters & { round: number; account: string },
): Promise<{ role: AllianceRoleName; index: number }> {
  const [role, index] = await requireAlliance(client).roleOf(taskId, round, account);
  return { role: ROLES[n(role)]!, index: n(index) };
}

/** The round's proposers in index order, with their commits, reveals and blame. */
export async function getAllianceUpdates(client: ProtocolConnection, { taskId, round }: AllianceTaskParameters & { round: number }): Promise<AllianceUpdateView[]> {
  return (await requireAlliance(client).updates(taskId, round)).map(updateView);
}

/** A voter's record in a round. */
export async function getAllianceVote(
  client: ProtocolConnection,
  { taskId, round, account }: AllianceTaskParameters & { round: number; account: string },
): Promise<{ committed: boolean; revealed: boolean; vote: AllianceVote }> {
  const [committed, revealed, v] = await requireAlliance(client).voteOf(taskId, round, account);
  return { committed, revealed, vote: { aggregateCID: v.aggregateCID, previousScore: v.previousScore, newScore: v.newScore, blame: v.blame } };
}

/** What a claim would pay `account` now. */
export async function getAllianceClaimable(
  client: ProtocolConnection,
  { taskId, account }: AllianceTaskParameters & { account: string },
): Promise<{ stake: bigint; reward: bigint; poolReward: bigint; refund: bigint }> {
  const [stake, reward, poolReward, refund] = await requireAlliance(client).claimable(taskId, account);
  return { stake, reward, poolReward, refund };
}
