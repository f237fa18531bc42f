/**
 * The numeric kernels every rule shares. Determinism rules (docs: /FEDERATED.md "Determinism"):
 * float32 in, float64 accumulation in a fixed order (coordinate 0 to d-1, updates in canonical
 * order), one rounding to float32 out; plain loops over typed arrays, no threads, no tfjs. Inputs
 * are finite (validation rejects NaN and Inf), so `<` is a total order once -0 is folded into +0
 * (`x + 0`), which the sorting helpers do.
 */

/** Squared L2 distance between two vectors, summed in float64 from coordinate 0. */
export function squaredDistance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return s;
}

/** L2 distance (sqrt of squaredDistance). */
export function distance(a: Float32Array, b: Float32Array): number {
  return Math.sqrt(squaredDistance(a, b));
}

/**
 * Sorts the first `n` values of `xs` ascending in place (insertion sort: n is the number of
 * updates, small, and a typed-array sort call per coordinate costs more than the sort itself).
 */
export function sortSmall(xs: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = xs[i]!;
    let j = i - 1;
    while (j >= 0 && xs[j]! > v) {
      xs[j + 1] = xs[j]!;
      j--;
    }
    xs[j + 1] = v;
  }
}

/**
 * Coordinate `j` of every vector into `col`, sorted ascending: the column the coordinate-wise
 * rules (median, trimmed mean, Bulyan) work on. `+ 0` folds -0 into +0, so `<` is a total order
 * and every machine sorts the column the same way.
 */
export function sortedColumn(vectors: readonly Float32Array[], j: number, col: Float64Array): void {
  const n = vectors.length;
  for (let i = 0; i < n; i++) col[i] = vectors[i]![j]! + 0;
  sortSmall(col, n);
}

/** Median of the first `n` values of a sorted array: the middle one, or the mean of the two middle ones (as numpy). */
export function sortedMedian(xs: Float64Array, n: number): number {
  const h = n >> 1;
  return n % 2 === 1 ? xs[h]! : (xs[h - 1]! + xs[h]!) / 2;
}

/**
 * Coordinate-wise median of `vectors` (n >= 1), rounded once to float32. Cost O(n^2 d) worst case
 * (insertion sort of n values per coordinate), O(n d) memory-bound in practice for small n.
 */
export function coordinateMedian(vectors: readonly Float32Array[]): Float32Array {
  const n = vectors.length;
  const d = vectors[0]!.length;
  const out = new Float32Array(d);
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    sortedColumn(vectors, j, col);
    out[j] = sortedMedian(col, n);
  }
  return out;
}

/** Coordinates per block of weightedMean: a float64 accumulator of this size stays in L1. */
const BLOCK = 4096;

/** Updates added per pass over a block of weightedMean (the first pass may add fewer). */
const GROUP = 5;

/**
 * Weighted mean sum_i(w_i * x_i) / sum_i(w_i), rounded once to float32. Each coordinate's sum
 * starts at 0 and adds w_i * x_i for i = 0..n-1 in the given order, in float64 (JS has no fused
 * multiply-add, so every step rounds the same way everywhere): exactly
 * `(((0 + w_0 x_0) + w_1 x_1) + ... + w_n-1 x_n-1) / total`, as the naive loop computes it.
 *
 * The loop is blocked by coordinates so the float64 accumulator stays in L1, and each pass over
 * a block adds several updates in one expression per coordinate, the partial sum staying in a
 * register between them: the first pass adds the first `n mod GROUP` updates (GROUP if that is 0)
 * to 0, each later pass adds the next GROUP updates to the accumulator, and the last pass divides
 * by the total and writes the float32 result instead of storing the sum. This changes how the
 * operations are scheduled, not which ones run or their order per coordinate
 * (test/unit/fl/math.test.ts compares it bit for bit with the naive loop); it saves the
 * accumulator's load and store for all but one update in GROUP, about 1.3x faster than adding
 * one update per pass on 10 updates of 1M parameters.
 */
export function weightedMean(vectors: readonly Float32Array[], weights: readonly number[]): Float32Array {
  const n = vectors.length;
  const d = vectors[0]!.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i]!;
  const out = new Float32Array(d);
  const acc = new Float64Array(BLOCK);
  const head = n % GROUP || GROUP;
  for (let b = 0; b < d; b += BLOCK) {
    const e = Math.min(b + BLOCK, d);
    if (head === n) firstPassOut(vectors, weights, n, out, total, b, e);
    else firstPassAcc(vectors, weights, head, acc, b, e);
    for (let i = head; i < n; i += GROUP) {
      const x0 = vectors[i]!, x1 = vectors[i + 1]!, x2 = vectors[i + 2]!, x3 = vectors[i + 3]!, x4 = vectors[i + 4]!;
      const w0 = weights[i]!, w1 = weights[i + 1]!, w2 = weights[i + 2]!, w3 = weights[i + 3]!, w4 = weights[i + 4]!;
      if (i + GROUP < n) {
        for (let j = b; j < e; j++) acc[j - b] = ((((acc[j - b]! + w0 * x0[j]!) + w1 * x1[j]!) + w2 * x2[j]!) + w3 * x3[j]!) + w4 * x4[j]!;
      } else {
        for (let j = b; j < e; j++) out[j] = (((((acc[j - b]! + w0 * x0[j]!) + w1 * x1[j]!) + w2 * x2[j]!) + w3 * x3[j]!) + w4 * x4[j]!) / total;
      }
    }
  }
  return out;
}

/** weightedMean's first pass over coordinates [b, e) when more follow: the sum of updates 0..k-1 (k <= GROUP) from 0, into acc[j - b]. */
function firstPassAcc(vectors: readonly Float32Array[], weights: readonly number[], k: number, acc: Float64Array, b: number, e: number): void {
  const x0 = vectors[0]!, w0 = weights[0]!;
  if (k === 1) {
    for (let j = b; j < e; j++) acc[j - b] = 0 + w0 * x0[j]!; // 0 + w * x, not w * x, which would keep a -0 that 0 + ... turns into +0
    return;
  }
  const x1 = vectors[1]!, w1 = weights[1]!;
  if (k === 2) {
    for (let j = b; j < e; j++) acc[j - b] = (0 + w0 * x0[j]!) + w1 * x1[j]!;
    return;
  }
  const x2 = vectors[2]!, w2 = weights[2]!;
  if (k === 3) {
    for (let j = b; j < e; j++) acc[j - b] = ((0 + w0 * x0[j]!) + w1 * x1[j]!) + w2 * x2[j]!;
    return;
  }
  const x3 = vectors[3]!, w3 = weights[3]!;
  if (k === 4) {
    for (let j = b; j < e; j++) acc[j - b] = (((0 + w0 * x0[j]!) + w1 * x1[j]!) + w2 * x2[j]!) + w3 * x3[j]!;
    return;
  }
  const x4 = vectors[4]!, w4 = weights[4]!;
  for (let j = b; j < e; j++) acc[j - b] = ((((0 + w0 * x0[j]!) + w1 * x1[j]!) + w2 * x2[j]!) + w3 * x3[j]!) + w4 * x4[j]!;
}

/** weightedMean's only pass over coordinates [b, e) when n <= GROUP: the sum of all n updates from 0, divided by total, into out[j]. */
function firstPassOut(vectors: readonly Float32Array[], weights: readonly number[], n: number, out: Float32Array, total: number, b: number, e: number): void {
  const x0 = vectors[0]!, w0 = weights[0]!;
  if (n === 1) {
    for (let j = b; j < e; j++) out[j] = (0 + w0 * x0[j]!) / total;
    return;
  }
  const x1 = vectors[1]!, w1 = weights[1]!;
  if (n === 2) {
    for (let j = b; j < e; j++) out[j] = ((0 + w0 * x0[j]!) + w1 * x1[j]!) / total;
    return;
  }
  const x2 = vectors[2]!, w2 = weights[2]!;
  if (n === 3) {
    for (let j = b; j < e; j++) out[j] = (((0 + w0 * x0[j]!) + w1 * x1[j]!) + w2 * x2[j]!) / total;
    return;
  }
  const x3 = vectors[3]!, w3 = weights[3]!;
  if (n === 4) {
    for (let j = b; j < e; j++) out[j] = ((((0 + w0 * x0[j]!) + w1 * x1[j]!) + w2 * x2[j]!) + w3 * x3[j]!) / total;
    return;
  }
  const x4 = vectors[4]!, w4 = weights[4]!;
  for (let j = b; j < e; j++) out[j] = (((((0 + w0 * x0[j]!) + w1 * x1[j]!) + w2 * x2[j]!) + w3 * x3[j]!) + w4 * x4[j]!) / total;
}
