/**
 * The Alliance's enums (contracts/interfaces/IAllianceTypes.sol), as numbers in the contract's
 * order and as names: a view returns the number, messages and JSON output use the name.
 */
import { RULE_NAMES, type RuleName } from '../../fl/strategies/types.js';

/** IAllianceTypes.TaskStatus, in order. */
export const TASK_STATUSES = ['none', 'joining', 'running', 'finished', 'cancelled'] as const;
export type AllianceStatusName = (typeof TASK_STATUSES)[number];
export const TaskStatus = { None: 0, Joining: 1, Running: 2, Finished: 3, Cancelled: 4 } as const;

/** IAllianceTypes.RoundPhase, in order. */
export const ROUND_PHASES = ['none', 'drawing', 'propose-commit', 'propose-reveal', 'vote-commit', 'vote-reveal', 'settling', 'settled'] as const;
export type RoundPhaseName = (typeof ROUND_PHASES)[number];
export const RoundPhase = { None: 0, Drawing: 1, ProposeCommit: 2, ProposeReveal: 3, VoteCommit: 4, VoteReveal: 5, Settling: 6, Settled: 7 } as const;

/** IAllianceTypes.Role, in order. */
export const ROLES = ['none', 'proposer', 'voter'] as const;
export type AllianceRoleName = (typeof ROLES)[number];
export const AllianceRole = { None: 0, Proposer: 1, Voter: 2 } as const;

/** IAllianceTypes.Rule, in order: the names `flock fl aggregate --rule` takes (same order). */
export const RULES = RULE_NAMES;
export type AllianceRuleName = RuleName;

/** IAllianceTypes.Outcome, in order. */
export const OUTCOMES = ['unpaid', 'paid', 'proposer-no-reveal', 'proposer-blamed', 'voter-no-reveal', 'voter-wrong-aggregate'] as const;
export type OutcomeName = (typeof OUTCOMES)[number];

/** Every Alliance action and view names its task. */
export interface AllianceTaskParameters {
  taskId: bigint;
}
