/** The aggregation rules by name (`flock fl aggregate --rule`), all behind the Strategy interface. */
import { bulyan } from './bulyan.js';
import { fedAvg } from './fedavg.js';
import { krum, multiKrum } from './krum.js';
import { fedMedian } from './median.js';
import { fedTrimmedAvg } from './trimmed.js';
import { RULE_NAMES, type RuleName, type Strategy } from './types.js';

export const STRATEGIES: Readonly<Record<RuleName, Strategy>> = {
  fedavg: fedAvg,
  median: fedMedian,
  trimmed: fedTrimmedAvg,
  krum,
  multikrum: multiKrum,
  bulyan,
};

export function isRuleName(name: string): name is RuleName {
  return (RULE_NAMES as readonly string[]).includes(name);
}

export { bulyan, fedAvg, fedMedian, fedTrimmedAvg, krum, multiKrum, RULE_NAMES };
export { canonicalOrder, strategy } from './strategy.js';
export type { AggregateResult, RejectedSignal, Rule, RuleName, RuleOutput, Strategy, StrategyOptions, Update, UpdateSignal } from './types.js';
