/**
 * The demo's FL Alliance figures and tables, pure: from what the chain says of each round (its
 * result, and each participant's ParticipantSettled record), the score of each global model on
 * the task's hidden split (computed by the demo), and what each claim paid (Claimed events).
 */
import type { TableProps } from '../../ui/Table.js';

/** One ParticipantSettled record: a participant's outcome in one round. */
export interface SettledRecord {
  round: number;
  account: string;
  role: 'none' | 'proposer' | 'voter';
  /** OUTCOMES name: 'paid', 'proposer-blamed', ... */
  outcome: string;
  /** FLOCK credited (wei). */
  reward: bigint;
  /** gmFLOCK slashed, own and pool (wei). */
  slashed: bigint;
}

/** What one account's claims paid (its Claimed events, summed; wei). */
export interface ClaimRecord {
  stake: bigint;
  /** FLOCK, the pool's share included. */
  reward: bigint;
  poolReward: bigint;
  refund: bigint;
}

export interface RoundInput {
  round: number;
  phase: string;
  accepted: boolean;
  /** The aggregate the voters' majority computed ('' when none). */
  aggregateCID: string;
  /** gmFLOCK of the voters that found that aggregate no worse than the global model, and of every voter (wei). */
  improvedStake: bigint;
  voterStake: bigint;
}

export interface AllianceRoundFigures {
  round: number;
  settled: boolean;
  accepted: boolean;
  proposers: string[];
  voters: string[];
  /** gmFLOCK of the voters that found the aggregate no worse, of every voter (wei): accepted when a majority did. */
  improvedStake: bigint;
  voterStake: bigint;
  /** The global model the round left: its aggregate when accepted, else the one before. */
  globalModelCID: string;
  /** That model's score on the hidden split; null when it could not be scored. */
  score: number | null;
  /** FLOCK credited in the round, gmFLOCK slashed in it (wei). */
  paid: bigint;
  slashed: bigint;
}

export interface AllianceNodeFigures {
  name: string;
  address: string;
  /** Its role in each round, in order ('proposer', 'voter', 'none'). */
  roles: string[];
  /** Its outcome in each round, in order. */
  outcomes: string[];
  /** gmFLOCK it joined with. */
  staked: bigint;
  /** FLOCK the settlements credited it, gmFLOCK they slashed (wei). */
  credited: bigint;
  slashed: bigint;
  /** What its claim paid: FLOCK, and gmFLOCK of stake back (wei). */
  claimed: bigint;
  stakeBack: bigint;
}

export interface AllianceCreatorFigures {
  name: string;
  address: string;
  /** gmFLOCK staked by the creator, and what its claim gave back (wei). */
  staked: bigint;
  stakeBack: bigint;
  /** FLOCK of the reward pool not paid out, refunded to the creator (wei). */
  refund: bigint;
}

export interface DemoAlliance {
  taskId: string;
  name: string;
  rule: string;
  metric: string;
  proposersPerRound: number;
  epochs: number;
  status: string;
  initialModelCID: string;
  /** The initial model's score on the hidden split. */
  initialScore: number | null;
  rounds: AllianceRoundFigures[];
  /** The last round's global model's score (the initial one's when no round ran). */
  finalScore: number | null;
  creator: AllianceCreatorFigures;
  nodes: AllianceNodeFigures[];
  /** FLOCK: the reward pool funded, the emission the task earned, everything the nodes claimed (wei). */
  funded: bigint;
  emission: bigint;
  paid: bigint;
  /** Every node claimed exactly what the settlements credited it, to the wei. */
  claimsMatchCredits: boolean;
}

export interface AllianceFiguresInput {
  task: { id: string; name: string; rule: string; metric: string; proposersPerRound: number; status: string; initialModelCID: string; funded: bigint; emission: bigint };
  epochs: number;
  rounds: RoundInput[];
  settled: SettledRecord[];
  /** Score on the hidden split by model CID (null: could not be scored). */
  scores: Record<string, number | null>;
  creator: { name: string; address: string; staked: bigint };
  nodes: { name: string; address: string; staked: bigint }[];
  /** By lowercase address. */
  claims: Record<string, ClaimRecord>;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const NO_CLAIM: ClaimRecord = { stake: 0n, reward: 0n, poolReward: 0n, refund: 0n };

/**
 * The figures of the task: per round who proposed and voted, the result and the score of the
 * global model it left; per node its roles, credits, slashes and claims; the creator's claim.
 *
 * @example
 * allianceFigures({ task, epochs: 5, rounds, settled, scores, creator, nodes, claims }).finalScore; // 0.95
 */
export function allianceFigures(x: AllianceFiguresInput): DemoAlliance {
  const nameOf = (account: string) => x.nodes.find((n) => same(n.address, account))?.name ?? (same(x.creator.address, account) ? x.creator.name : account);
  const scoreOf = (cid: string) => (Object.hasOwn(x.scores, cid) ? x.scores[cid]! : null);
  let global = x.task.initialModelCID;
  const rounds = [...x.rounds]
    .sort((a, b) => a.round - b.round)
    .map((r): AllianceRoundFigures => {
      const settled = r.phase === 'settled';
      if (settled && r.accepted && r.aggregateCID) global = r.aggregateCID;
      const records = x.settled.filter((s) => s.round === r.round);
      const of = (role: SettledRecord['role']) => records.filter((s) => s.role === role).map((s) => nameOf(s.account));
      return {
        round: r.round,
        settled,
        accepted: settled && r.accepted,
        proposers: of('proposer'),
        voters: of('voter'),
        improvedStake: r.improvedStake,
        voterStake: r.voterStake,
        globalModelCID: global,
        score: scoreOf(global),
        paid: records.reduce((t, s) => t + s.reward, 0n),
        slashed: records.reduce((t, s) => t + s.slashed, 0n),
      };
    });
  const nodes = x.nodes.map((n): AllianceNodeFigures => {
    const mine = (round: number) => x.settled.find((s) => s.round === round && same(s.account, n.address));
    const records = x.settled.filter((s) => same(s.account, n.address));
    const claim = x.claims[n.address.toLowerCase()] ?? NO_CLAIM;
    return {
      name: n.name,
      address: n.address,
      roles: rounds.map((r) => mine(r.round)?.role ?? 'none'),
      outcomes: rounds.map((r) => mine(r.round)?.outcome ?? 'unpaid'),
      staked: n.staked,
      credited: records.reduce((t, s) => t + s.reward, 0n),
      slashed: records.reduce((t, s) => t + s.slashed, 0n),
      claimed: claim.reward,
      stakeBack: claim.stake,
    };
  });
  const creatorClaim = x.claims[x.creator.address.toLowerCase()] ?? NO_CLAIM;
  return {
    taskId: x.task.id,
    name: x.task.name,
    rule: x.task.rule,
    metric: x.task.metric,
    proposersPerRound: x.task.proposersPerRound,
    epochs: x.epochs,
    status: x.task.status,
    initialModelCID: x.task.initialModelCID,
    initialScore: scoreOf(x.task.initialModelCID),
    rounds,
    finalScore: rounds.length ? rounds.at(-1)!.score : scoreOf(x.task.initialModelCID),
    creator: { name: x.creator.name, address: x.creator.address, staked: x.creator.staked, stakeBack: creatorClaim.stake, refund: creatorClaim.refund },
    nodes,
    funded: x.task.funded,
    emission: x.task.emission,
    paid: nodes.reduce((t, n) => t + n.claimed, 0n),
    claimsMatchCredits: nodes.every((n) => n.claimed === n.credited),
  };
}

const flock = (wei: bigint) => (Number(wei) / 1e18).toFixed(2);
/** gmFLOCK, as few digits as it takes: 10, 12.5. */
const gm = (wei: bigint) => String(Number(wei) / 1e18);
const score = (x: number | null) => (x === null ? '–' : x.toFixed(4));
const names = (xs: string[]) => (xs.length ? xs.join(', ') : '–');
/** breast-cancer's f1 is macro F1 (both classes count equally). */
const metricLabel = (m: string) => (m === 'f1' ? 'macro F1' : m);

/**
 * Per round: who proposed and voted, the voter stake that found the aggregate no worse (of all the
 * voters'; a majority accepts it), the result, the global model's score on the hidden split, what
 * was paid and slashed.
 */
export function allianceRoundsTable(a: DemoAlliance): TableProps {
  return {
    title: `FL Alliance task ${a.taskId} ${a.status}: ${a.name}, ${a.rule}, ${a.proposersPerRound} proposers a round, ${a.epochs} local epochs; ${metricLabel(a.metric)} on the hidden split; PAID in FLOCK, the rest in gmFLOCK`,
    headers: ['ROUND', 'PROPOSERS', 'VOTERS', 'NO WORSE', 'RESULT', metricLabel(a.metric).toUpperCase(), 'PAID', 'SLASHED'],
    rows: [
      ['0', '–', '–', '–', 'initial model', score(a.initialScore), '–', '–'],
      ...a.rounds.map((r) => [String(r.round), names(r.proposers), names(r.voters), `${gm(r.improvedStake)} of ${gm(r.voterStake)}`, !r.settled ? 'not settled' : r.accepted ? 'accepted' : 'failed: kept', score(r.score), flock(r.paid), r.slashed > 0n ? flock(r.slashed) : '0']),
    ],
    alignRight: [0, 3, 5, 6, 7],
  };
}

/** Per node: its role each round, what the settlements credited and slashed, and what its claim paid; the creator last. */
export function allianceNodesTable(a: DemoAlliance): TableProps {
  const rounds = a.rounds.map((r) => `ROUND ${r.round}`);
  return {
    headers: ['ACCOUNT', 'ROLE', ...rounds, 'CREDITED', 'SLASHED', 'CLAIMED', 'STAKE BACK'],
    rows: [
      ...a.nodes.map((n) => [n.name, 'node', ...n.roles.map((role, i) => (role === 'none' ? '–' : `${role}: ${n.outcomes[i]}`)), flock(n.credited), n.slashed > 0n ? flock(n.slashed) : '0', flock(n.claimed), flock(n.stakeBack)]),
      [a.creator.name, 'creator', ...rounds.map(() => '–'), '–', '0', `${flock(a.creator.refund)} refund`, flock(a.creator.stakeBack)],
    ],
    alignRight: [rounds.length + 2, rounds.length + 3, rounds.length + 4, rounds.length + 5],
  };
}

/** The line under the tables: how the global model's score moved, and whether the claims match the credits. */
export function allianceFooter(a: DemoAlliance): string {
  const accepted = a.rounds.filter((r) => r.accepted).length;
  return [
    `the global model's ${metricLabel(a.metric)} on the hidden split went ${score(a.initialScore)} -> ${score(a.finalScore)} over ${a.rounds.length} rounds (${accepted} accepted); ${flock(a.paid)} FLOCK claimed by the nodes, ${a.claimsMatchCredits ? 'each exactly' : 'NOT each'} what the settlements credited it`,
    `see it again with \`flock alliance show ${a.taskId}\``,
  ].join('\n');
}
