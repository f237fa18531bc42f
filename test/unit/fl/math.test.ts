/**
 * The shared numeric kernels of src/fl/math.ts. weightedMean is blocked by coordinates and adds
 * several updates per pass; it must give the same bits as the naive loop below (one coordinate
 * at a time, sum from 0 adding w_i * x_i in update order in float64, then / total, rounded once
 * to float32) for every update count and length, including those that are not multiples of the
 * block or of the group of updates per pass.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/engine/random.js';
import { weightedMean } from '../../../src/fl/math.js';

/** The definition: per coordinate, ((0 + w0 x0) + w1 x1) + ... in float64, / total, to float32. */
function naiveWeightedMean(vectors: Float32Array[], weights: number[]): Float32Array {
  let total = 0;
  for (const w of weights) total += w;
  const out = new Float32Array(vectors[0]!.length);
  for (let j = 0; j < out.length; j++) {
    let acc = 0;
    for (let i = 0; i < vectors.length; i++) acc = acc + weights[i]! * vectors[i]![j]!;
    out[j] = acc / total;
  }
  return out;
}

/** The float32 bit patterns (so -0 differs from +0 and NaNs compare by payload). */
const bits = (v: Float32Array) => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));

/** Magnitudes far apart (2^60 + 1 rounds to 2^60 in float64), so a sum's order shows in its result. */
const SPECIAL = [2 ** 60, 2 ** 40, 1, 2 ** -20];

/**
 * `n` vectors of length `d`: exact zeros and -0 (8%), values from SPECIAL times 1, 1.25, 1.5 or
 * 1.75 with either sign (about half: with small integer weights they cancel exactly and absorb
 * each other, so a different order of additions gives different bits), the rest spread over
 * 2^-20..2^20 with either sign; and coordinate 1 (when d > 1) is -0 in every vector.
 */
function vectors(r: () => number, n: number, d: number): Float32Array[] {
  return Array.from({ length: n }, () => {
    const v = new Float32Array(d);
    for (let j = 0; j < d; j++) {
      const u = r();
      const sign = r() < 0.5 ? -1 : 1;
      if (u < 0.05) v[j] = -0;
      else if (u < 0.08) v[j] = 0;
      else if (u < 0.6) v[j] = sign * SPECIAL[Math.floor(r() * 4)]! * (1 + Math.floor(r() * 4) / 4);
      else v[j] = sign * r() * 2 ** Math.floor(r() * 40 - 20);
    }
    if (d > 1) v[1] = -0;
    return v;
  });
}

/** Weights of mixed kinds: small and large example counts, fractions, very large and very small values. */
function weights(r: () => number, n: number): number[] {
  const small = () => 1 + Math.floor(r() * 4);
  const kinds = [small, small, () => 1 + Math.floor(r() * 1000), () => r(), () => 1e6 * r(), () => 1e-6 * (1 + r()), () => 0.1];
  return Array.from({ length: n }, (_, i) => kinds[(i + Math.floor(r() * kinds.length)) % kinds.length]!());
}

describe('weightedMean', () => {
  const LENGTHS = [1, 2, 3, 4, 4095, 4096, 4097, 10001];
  const COUNTS = [1, 2, 3, 4, 5, 6, 7, 10, 11, 12];

  it('gives the same bits as the naive loop for n = 1..7, 10, 11, 12 updates and lengths around the block', () => {
    const r = mulberry32(7);
    for (const n of COUNTS) {
      for (const d of LENGTHS) {
        const vs = vectors(r, n, d);
        const ws = weights(r, n);
        const got = weightedMean(vs, ws);
        const want = naiveWeightedMean(vs, ws);
        expect(got.length).toBe(d);
        expect(bits(got), `n = ${n}, d = ${d}`).toEqual(bits(want));
        if (d > 1) expect(Object.is(got[1], 0), `n = ${n}, d = ${d}: all -0 gives +0`).toBe(true);
      }
    }
  });

  it('keeps equal example counts, -0 inputs and negative weights bit for bit too', () => {
    const r = mulberry32(11);
    for (const n of [1, 5, 6, 7]) {
      const vs = vectors(r, n, 4097);
      for (const ws of [Array<number>(n).fill(100), Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 2) * (i + 1))]) {
        expect(bits(weightedMean(vs, ws)), `n = ${n}, weights ${ws.join(',')}`).toEqual(bits(naiveWeightedMean(vs, ws)));
      }
    }
  });

  it('the inputs above would catch a change of order (the comparison is not vacuous)', () => {
    // The same products summed in reverse order give different float32 results on such inputs.
    const r = mulberry32(7);
    for (const n of [3, 5, 7]) {
      const vs = vectors(r, n, 4097);
      const ws = Array.from({ length: n }, (_, i) => 1 + (i % 3));
      const reversed = naiveWeightedMean([...vs].reverse(), [...ws].reverse());
      expect(bits(reversed), `n = ${n}`).not.toEqual(bits(weightedMean(vs, ws)));
    }
  });
});
