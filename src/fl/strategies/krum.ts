/**
 * Krum and MultiKrum (Blanchard et al. 2017; Flower's `aggregate_krum`). With n updates of which
 * at most f are malicious, update i's score is the sum of squared L2 distances to its
 *
 *     c = max(1, n - f - 2)
 *
 * nearest other updates; MultiKrum keeps the m lowest scores and averages them as FedAvg does
 * (weighted by examples); Krum is m = 1. Ties (equal scores, equal distances) go to the earlier
 * update in canonical order, so the choice is the same everywhere.
 *
 * Cost: the pairwise distance matrix is n(n-1)/2 float64 sums over d coordinates, O(n^2 d) time
 * and O(n^2) memory; the scores are O(n^2 log n). It dominates every other step for n >= 3.
 */
import { AbortError } from '../../errors/index.js';
import { squaredDistance, weightedMean } from '../math.js';
import { strategy } from './strategy.js';
import type { Rule, StrategyOptions } from './types.js';

/** Pairwise squared L2 distances, an n x n row-major float64 matrix (zero diagonal). O(n^2 d). */
export function pairwiseSquaredDistances(vectors: readonly Float32Array[]): Float64Array {
  const n = vectors.length;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = squaredDistance(vectors[i]!, vectors[j]!);
      m[i * n + j] = d;
      m[j * n + i] = d;
    }
  }
  return m;
}

/** The number of nearest others a score sums: max(1, n - f - 2), at most n - 1. */
export function krumNeighbours(n: number, f: number): number {
  return Math.min(Math.max(1, n - f - 2), n - 1);
}

/**
 * Krum scores of the updates `among` (indexes into the n x n matrix `dist`), with f tolerated:
 * each the sum of its krumNeighbours(|among|, f) smallest distances to the others of `among`,
 * added smallest first.
 */
export function krumScores(dist: Float64Array, n: number, among: readonly number[], f: number): number[] {
  const c = krumNeighbours(among.length, f);
  return among.map((i) => {
    const ds = among.filter((j) => j !== i).map((j) => dist[i * n + j]!);
    ds.sort((a, b) => a - b);
    let s = 0;
    for (let k = 0; k < c; k++) s += ds[k]!;
    return s;
  });
}

/** Positions (into `scores`) of the m lowest scores, ties to the lower position, ascending by score. */
export function lowestScores(scores: readonly number[], m: number): number[] {
  return scores
    .map((s, i) => [s, i] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .slice(0, m)
    .map(([, i]) => i);
}

/** f: a non-negative integer (default 0). */
export function checkF(opts: StrategyOptions): number {
  const f = opts.f ?? 0;
  if (!(Number.isInteger(f) && f >= 0)) throw new AbortError(`f ${f} is not a non-negative integer`, { code: 'FL_BAD_PARAMETER', hint: 'the number of malicious updates tolerated, e.g. --f 1' });
  return f;
}

function makeMultiKrum(defaultM: (n: number, f: number) => number): Rule {
  return (updates, opts) => {
    const n = updates.length;
    const f = checkF(opts);
    const m = opts.m ?? defaultM(n, f);
    if (!(Number.isInteger(m) && m >= 1)) throw new AbortError(`m ${m} is not a positive integer`, { code: 'FL_BAD_PARAMETER', hint: 'the number of updates MultiKrum keeps, e.g. --m 3' });
    if (m > n) throw new AbortError(`MultiKrum keeps m = ${m} of ${n} valid updates`, { code: 'FL_TOO_FEW_UPDATES', hint: `lower --m to at most ${n}` });
    const vectors = updates.map((u) => u.weights);
    const dist = pairwiseSquaredDistances(vectors);
    const all = updates.map((_, i) => i);
    const scores = krumScores(dist, n, all, f);
    const best = lowestScores(scores, m).sort((a, b) => a - b); // averaged in canonical order
    const kept = updates.map(() => false);
    for (const i of best) kept[i] = true;
    return {
      weights: weightedMean(
        best.map((i) => vectors[i]!),
        best.map((i) => updates[i]!.examples),
      ),
      kept,
      krumScores: scores,
    };
  };
}

/** Krum: MultiKrum with m = 1 (an --m given to krum is ignored: it keeps one). */
export const krumRule: Rule = (updates, opts) => makeMultiKrum(() => 1)(updates, { ...opts, m: 1 });
/** MultiKrum: m defaults to n - f. */
export const multiKrumRule: Rule = makeMultiKrum((n, f) => Math.max(1, n - f));

export const krum = strategy('krum', krumRule);
export const multiKrum = strategy('multikrum', multiKrumRule);
