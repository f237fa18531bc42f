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
    for (let i = 0; i < n; i++) col[i] = vectors[i]![j]! + 0; // + 0: -0 becomes +0 (total order)
    sortSmall(col, n);
    out[j] = sortedMedian(col, n);
  }
  return out;
}

/** Coordinates per block of weightedMean: a float64 accumulator of this size stays in L1. */
const BLOCK = 4096;

/**
 * Weighted mean sum_i(w_i * x_i) / sum_i(w_i), rounded once to float32. Each coordinate's sum
 * starts at 0 and adds w_i * x_i for i = 0..n-1 in the given order, in float64 (JS has no fused
 * multiply-add, so every step rounds the same way everywhere). The loop is blocked by
 * coordinates (for each block, for each update, for each coordinate of the block) so the
 * accumulator stays in cache: the same additions in the same order per coordinate as the naive
 * loop, about 2x faster on 1M parameters.
 */
export function weightedMean(vectors: readonly Float32Array[], weights: readonly number[]): Float32Array {
  const n = vectors.length;
  const d = vectors[0]!.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i]!;
  const out = new Float32Array(d);
  const acc = new Float64Array(BLOCK);
  for (let b = 0; b < d; b += BLOCK) {
    const e = Math.min(BLOCK, d - b);
    {
      // The first update: 0 + w * x (not w * x, which would keep a -0 that 0 + ... turns into +0).
      const w = weights[0]!;
      const v = vectors[0]!.subarray(b, b + e);
      for (let j = 0; j < e; j++) acc[j] = 0 + w * v[j]!;
    }
    for (let i = 1; i < n; i++) {
      const w = weights[i]!;
      const v = vectors[i]!.subarray(b, b + e);
      let j = 0;
      for (; j + 3 < e; j += 4) {
        acc[j] = acc[j]! + w * v[j]!;
        acc[j + 1] = acc[j + 1]! + w * v[j + 1]!;
        acc[j + 2] = acc[j + 2]! + w * v[j + 2]!;
        acc[j + 3] = acc[j + 3]! + w * v[j + 3]!;
      }
      for (; j < e; j++) acc[j] = acc[j]! + w * v[j]!;
    }
    for (let j = 0; j < e; j++) out[b + j] = acc[j]! / total;
  }
  return out;
}
