/**
 * FedMedian (Yin et al. 2018; Flower's `aggregate_median`): per coordinate the median of the n
 * values, unweighted; for even n the mean of the two middle values (as numpy's median). A
 * minority of arbitrary updates cannot move it outside the range of the honest values. O(n d)
 * for the small n of a round (an insertion sort of n values per coordinate).
 */
import { coordinateMedian } from '../math.js';
import { strategy } from './strategy.js';
import type { Rule } from './types.js';

export const medianRule: Rule = (updates) => ({
  weights: coordinateMedian(updates.map((u) => u.weights)),
  kept: updates.map(() => true),
});

export const fedMedian = strategy('median', medianRule);
