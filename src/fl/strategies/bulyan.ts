/**
 * Bulyan (El Mhamdi et al. 2018; Flower's `aggregate_bulyan`). With n updates of which at most f
 * are malicious, and n >= 4f + 3 (refused otherwise):
 *
 *  1. select theta = n - 2f updates by repeated Krum: score the remaining updates among
 *     themselves (Krum with f), move the lowest score into the selection, repeat;
 *  2. per coordinate, over the theta selected values, take the beta = theta - 2f values closest
 *     to their median and average them (unweighted).
 *
 * Ties (equal scores; values equally far from the median) go to the earlier update in canonical
 * order and to the smaller value, so the result is the same everywhere.
 *
 * Cost: one pairwise distance matrix, O(n^2 d), reused by the theta Krum rounds (O(theta n^2
 * log n) without d); then per coordinate a sort of theta values: O(theta^2 d) for small theta.
 */
import { AbortError } from '../../errors/index.js';
import { sortedColumn, sortedMedian } from '../math.js';
import { checkF, krumScores, lowestScores, pairwiseSquaredDistances } from './krum.js';
import { strategy } from './strategy.js';
import type { Rule } from './types.js';

/** The selection size theta = n - 2f and the kept count beta = theta - 2f; refuses n < 4f + 3. */
export function bulyanSizes(n: number, f: number): { theta: number; beta: number } {
  if (n < 4 * f + 3) {
    throw new AbortError(`Bulyan with f = ${f} needs n >= 4f + 3 = ${4 * f + 3} valid updates, got ${n}`, {
      code: 'FL_TOO_FEW_UPDATES',
      hint: `lower --f to at most ${Math.max(0, Math.floor((n - 3) / 4))} or aggregate more updates`,
    });
  }
  const theta = n - 2 * f;
  return { theta, beta: theta - 2 * f };
}

export const bulyanRule: Rule = (updates, opts) => {
  const n = updates.length;
  const f = checkF(opts);
  const { theta, beta } = bulyanSizes(n, f);
  const vectors = updates.map((u) => u.weights);
  const dist = pairwiseSquaredDistances(vectors);
  const firstScores = krumScores(dist, n, updates.map((_, i) => i), f);

  let remaining = updates.map((_, i) => i);
  const selected: number[] = [];
  while (selected.length < theta) {
    const scores = krumScores(dist, n, remaining, f);
    const pick = remaining[lowestScores(scores, 1)[0]!]!;
    selected.push(pick);
    remaining = remaining.filter((i) => i !== pick);
  }
  selected.sort((a, b) => a - b); // canonical order for the per-coordinate pass

  const chosen = selected.map((i) => vectors[i]!);
  const d = vectors[0]!.length;
  const out = new Float32Array(d);
  const col = new Float64Array(theta);
  for (let j = 0; j < d; j++) {
    sortedColumn(chosen, j, col);
    const med = sortedMedian(col, theta);
    // The beta values closest to the median form a contiguous window of the sorted column:
    // slide it from the left while the value entering on the right is closer than the one
    // leaving on the left (strictly: on a tie the smaller value stays).
    let lo = 0;
    while (lo + beta < theta && col[lo + beta]! - med < med - col[lo]!) lo++;
    let s = 0;
    for (let i = lo; i < lo + beta; i++) s += col[i]!; // ascending order: fixed
    out[j] = s / beta;
  }
  const kept = updates.map(() => false);
  for (const i of selected) kept[i] = true;
  return { weights: out, kept, krumScores: firstScores };
};

export const bulyan = strategy('bulyan', bulyanRule);
