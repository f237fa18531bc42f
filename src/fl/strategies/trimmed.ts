/**
 * FedTrimmedAvg (Yin et al. 2018; Flower's `aggregate_trimmed_avg`, scipy's `trim_mean`): per
 * coordinate sort the n values, cut k = floor(beta * n) from each end and average the n - 2k
 * left, unweighted. beta defaults to 0.2 (Flower's default) and lies in [0, 1). scipy refuses
 * 2k > n and returns NaN for 2k = n; we refuse both: beta is too large for n when nothing would
 * be left to average (so beta = 0.5 is fine for odd n: the median). O(n d) for small n.
 */
import { AbortError } from '../../errors/index.js';
import { sortedColumn } from '../math.js';
import { strategy } from './strategy.js';
import type { Rule } from './types.js';

export const DEFAULT_BETA = 0.2;

/** The number of values cut from each end: floor(beta * n), checked. */
export function trimCount(n: number, beta: number): number {
  if (!(Number.isFinite(beta) && beta >= 0 && beta < 1)) {
    throw new AbortError(`beta ${beta} is not in [0, 1)`, { code: 'FL_BAD_PARAMETER', hint: 'the share cut from each end, e.g. --beta 0.2' });
  }
  const k = Math.floor(beta * n);
  if (n - 2 * k < 1) {
    throw new AbortError(`beta ${beta} cuts ${k} of ${n} values from each end: nothing left to average`, { code: 'FL_TOO_FEW_UPDATES', hint: 'lower --beta or aggregate more updates' });
  }
  return k;
}

export const trimmedRule: Rule = (updates, opts) => {
  const n = updates.length;
  const k = trimCount(n, opts.beta ?? DEFAULT_BETA);
  const vectors = updates.map((u) => u.weights);
  const d = vectors[0]!.length;
  const out = new Float32Array(d);
  const col = new Float64Array(n);
  const keep = n - 2 * k;
  for (let j = 0; j < d; j++) {
    sortedColumn(vectors, j, col);
    let s = 0;
    for (let i = k; i < n - k; i++) s += col[i]!; // ascending order: fixed
    out[j] = s / keep;
  }
  return { weights: out, kept: updates.map(() => true) };
};

export const fedTrimmedAvg = strategy('trimmed', trimmedRule);
