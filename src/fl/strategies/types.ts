/**
 * One interface for every aggregation rule, in the shape of Flower's strategies: a list of
 * (weights, example count) in, new weights out. Ours also reports, per update, what the rule
 * made of it (kept or not, Krum score, distance to the median, norm of its change), so a round
 * can blame a poisoner instead of slashing every proposer.
 */

/** The rule names `flock fl aggregate --rule` takes. */
export const RULE_NAMES = ['fedavg', 'median', 'trimmed', 'krum', 'multikrum', 'bulyan'] as const;
export type RuleName = (typeof RULE_NAMES)[number];

/** One valid update: its flat float32 weights (vector.ts layout) and its training example count. */
export interface Update {
  /** A stable identifier, e.g. the CID of the update's bytes: updates are ordered by it. */
  id: string;
  weights: Float32Array;
  /** Positive: FedAvg (and MultiKrum's average) weigh updates by it; the other rules ignore it. */
  examples: number;
}

export interface StrategyOptions {
  /** FedTrimmedAvg: the share cut from each end, 0 <= beta < 1, refused when floor(beta n) >= n / 2 (default 0.2). */
  beta?: number;
  /** Krum, MultiKrum, Bulyan: the number of malicious updates tolerated (default 0). */
  f?: number;
  /** MultiKrum: the number of updates kept (default n - f; Krum keeps 1). */
  m?: number;
}

/** What the rule made of one update. */
export interface UpdateSignal {
  id: string;
  /** Whether the update went into the aggregate (coordinate-wise rules keep every valid one). */
  kept: boolean;
  /** Krum, MultiKrum, Bulyan: the update's Krum score over all valid updates (lower is better). */
  krumScore?: number;
  /** L2 distance to the coordinate-wise median of the valid updates. */
  distanceToMedian: number;
  /** L2 norm of (update - global). */
  norm: number;
  rejected?: undefined;
}

/** An update validation refused: not aggregated, no numbers. */
export interface RejectedSignal {
  id: string;
  kept: false;
  /** Why, e.g. 'initializer dense/kernel: shape [4, 3], expected [4, 2]'. */
  rejected: string;
  krumScore?: undefined;
  distanceToMedian?: undefined;
  norm?: undefined;
}

export interface AggregateResult {
  /** The aggregate, float32, in the same layout as the inputs. */
  weights: Float32Array;
  /** One per update, in canonical (id) order. */
  signals: UpdateSignal[];
}

export interface Strategy {
  readonly name: RuleName;
  /**
   * Aggregates valid updates (same length as `global`, finite values, unique ids). The result
   * depends only on the set of updates, never on the order of the list.
   */
  aggregate(global: Float32Array, updates: readonly Update[], opts?: StrategyOptions): AggregateResult;
}

/** What a rule computes from updates already in canonical order. */
export interface RuleOutput {
  weights: Float32Array;
  /** Per update (canonical order): whether it went into the aggregate. */
  kept: boolean[];
  /** Per update (canonical order), for the Krum family. */
  krumScores?: number[];
}

/** A rule: updates in canonical order in, the aggregate out. */
export type Rule = (updates: readonly Update[], opts: StrategyOptions) => RuleOutput;
