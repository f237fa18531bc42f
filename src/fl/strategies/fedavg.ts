/**
 * FedAvg (McMahan et al. 2017; Flower's `aggregate`): the mean of the updates weighted by their
 * example counts,
 *
 *     w = sum_i(n_i * w_i) / sum_i(n_i),
 *
 * accumulated in float64 in canonical order, rounded once to float32. O(n d).
 */
import { weightedMean } from '../math.js';
import { strategy } from './strategy.js';
import type { Rule } from './types.js';

export const fedAvgRule: Rule = (updates) => ({
  weights: weightedMean(
    updates.map((u) => u.weights),
    updates.map((u) => u.examples),
  ),
  kept: updates.map(() => true),
});

export const fedAvg = strategy('fedavg', fedAvgRule);
