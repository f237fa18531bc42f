/**
 * Wraps a rule into a Strategy: checks the inputs, puts the updates in canonical order (by id,
 * code-unit order: never by arrival, so every permutation gives the same bytes) and adds the
 * signals every rule reports (norm of the change, distance to the coordinate-wise median).
 */
import { AbortError } from '../../errors/index.js';
import { coordinateMedian, distance } from '../math.js';
import { compareCodeUnits } from '../vector.js';
import type { Rule, RuleName, Strategy, StrategyOptions, Update, UpdateSignal } from './types.js';

/** The updates sorted by id; throws on an empty list, duplicate ids, bad lengths or example counts. */
export function canonicalOrder(global: Float32Array, updates: readonly Update[]): Update[] {
  if (updates.length === 0) throw new AbortError('no updates to aggregate', { code: 'FL_TOO_FEW_UPDATES', hint: 'pass at least one valid update' });
  const sorted = [...updates].sort((a, b) => compareCodeUnits(a.id, b.id));
  for (let i = 0; i < sorted.length; i++) {
    const u = sorted[i]!;
    if (i > 0 && sorted[i - 1]!.id === u.id) throw new AbortError(`update ${u.id} is given twice`, { code: 'FL_DUPLICATE_UPDATE', hint: 'each update once' });
    if (u.weights.length !== global.length) throw new Error(`update ${u.id} has ${u.weights.length} parameters, the global model ${global.length}`);
    if (!(Number.isFinite(u.examples) && u.examples > 0)) {
      throw new AbortError(`update ${u.id}: example count ${u.examples} is not a positive number`, { code: 'FL_BAD_PARAMETER', hint: 'each update was trained on at least one example' });
    }
  }
  return sorted;
}

/** A Strategy from a rule: canonical order, then the rule, then the signals. */
export function strategy(name: RuleName, rule: Rule): Strategy {
  return {
    name,
    aggregate(global, updates, opts: StrategyOptions = {}) {
      const sorted = canonicalOrder(global, updates);
      const out = rule(sorted, opts);
      const median = coordinateMedian(sorted.map((u) => u.weights));
      const signals = sorted.map((u, i): UpdateSignal => ({
        id: u.id,
        kept: out.kept[i]!,
        ...(out.krumScores ? { krumScore: out.krumScores[i]! } : {}),
        distanceToMedian: distance(u.weights, median),
        norm: distance(u.weights, global),
      }));
      return { weights: out.weights, signals };
    },
  };
}
