/**
 * The Arena's enums (contracts/interfaces/IArenaTypes.sol), as numbers in the contract's order and
 * as names: a view returns the number, messages and JSON output use the name.
 */

/** Metric codes of IArenaTypes.Metric, by the engine's metric names. */
export const METRIC_CODES = { accuracy: 0, f1: 1, mse: 2, mae: 3, 'log-loss': 4 } as const;
export type ArenaMetricName = keyof typeof METRIC_CODES;
export const METRIC_NAMES: readonly ArenaMetricName[] = ['accuracy', 'f1', 'mse', 'mae', 'log-loss'];
/** Metrics with no upper bound: a task on one must give its own score tolerance (ArenaBadTolerance otherwise). */
export const UNBOUNDED_METRICS: readonly ArenaMetricName[] = ['mse', 'mae', 'log-loss'];

/** IArenaTypes.Phase, in order. */
export const PHASES = ['none', 'submit', 'reveal', 'score-commit', 'score-reveal', 'finalizing', 'finalized', 'cancelled'] as const;
export type PhaseName = (typeof PHASES)[number];
export const Phase = { None: 0, Submit: 1, Reveal: 2, ScoreCommit: 3, ScoreReveal: 4, Finalizing: 5, Finalized: 6, Cancelled: 7 } as const;

/** IArenaTypes.SubmissionStatus, in order. */
export const SUBMISSION_STATUSES = ['registered', 'committed', 'revealed', 'unscored', 'invalid', 'below-baseline', 'eligible', 'ranked'] as const;
export type SubmissionStatusName = (typeof SUBMISSION_STATUSES)[number];
export const SubmissionStatus = { Registered: 0, Committed: 1, Revealed: 2, Unscored: 3, Invalid: 4, BelowBaseline: 5, Eligible: 6, Ranked: 7 } as const;

/** Role of an account in a task (IArenaTypes.Role). */
export const Role = { None: 0, Node: 1, Validator: 2 } as const;
export type ArenaRole = 'node' | 'validator';

/** Every Arena action and view names its task. */
export interface TaskParameters {
  taskId: bigint;
}

/** What a write returns: the hash of its mined transaction. */
export interface TxReturnType {
  txHash: string;
}
