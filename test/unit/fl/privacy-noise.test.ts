import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addGaussianNoise, clipDelta, clipUpdate, GaussianSource, l2Norm, noiseStd, privatiseAggregate, updateDelta, type RandomBytes } from '../../../src/fl/privacy/index.js';

/** A reproducible byte source for tests only: SHA-256 in counter mode. */
function seededBytes(seed: string): RandomBytes {
  let counter = 0;
  return (buf) => {
    for (let o = 0; o < buf.length; o += 32) {
      const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
      buf.set(block.subarray(0, Math.min(32, buf.length - o)), o);
    }
  };
}

const model = (entries: Record<string, number[]>, kind: 'f32' | 'f64' = 'f32') =>
  new Map(Object.entries(entries).map(([k, v]) => [k, kind === 'f32' ? Float32Array.from(v) : Float64Array.from(v)]));

describe('fixed clipping', () => {
  const global = model({ 'l1/kernel': [0, 0, 0, 0], 'l1/bias': [1, 1] });

  it('measures one L2 norm over the whole update, not per tensor', () => {
    const local = model({ 'l1/kernel': [3, 0, 0, 0], 'l1/bias': [5, 1] }); // delta (3,0,0,0 | 4,0): norm 5
    const delta = updateDelta(local, global);
    expect(l2Norm(delta)).toBe(5);
    expect([...delta.get('l1/bias')!]).toEqual([4, 0]);
  });

  it('scales an update above C down to norm C, keeping its direction', () => {
    const local = model({ 'l1/kernel': [3, 0, -1.5, 2], 'l1/bias': [5, -7] });
    const before = updateDelta(local, global);
    const { delta, norm, scale } = clipDelta(before, 1);
    expect(norm).toBeCloseTo(l2Norm(before), 12);
    expect(scale).toBeCloseTo(1 / norm, 15);
    expect(l2Norm(delta)).toBeLessThanOrEqual(1 + 1e-12);
    expect(l2Norm(delta)).toBeGreaterThan(1 - 1e-12);
    // Same direction: every coordinate is the original times one positive factor.
    for (const [name, d] of delta) d.forEach((v, i) => expect(v).toBeCloseTo(before.get(name)![i]! * scale, 14));
    // What the client publishes: global + clipped delta, float32 like the model, norm C up to float32 rounding.
    const up = clipUpdate(local, global, 1);
    expect(up.weights.get('l1/kernel')).toBeInstanceOf(Float32Array);
    expect(l2Norm(updateDelta(up.weights, global))).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('leaves an update at or below C unchanged (bit for bit)', () => {
    const local = model({ 'l1/kernel': [0.1, 0.2, -0.3, 0], 'l1/bias': [1.25, 0.5] });
    const up = clipUpdate(local, global, 10);
    expect(up.scale).toBe(1);
    for (const [name, w] of up.weights) expect(Buffer.from(w.buffer).equals(Buffer.from(local.get(name)!.buffer))).toBe(true);
  });

  it('refuses mismatched or non-finite updates and a bad clipping norm', () => {
    expect(() => updateDelta(model({ 'l1/kernel': [0, 0, 0, 0] }), global)).toThrow(/lacks initializer 'l1\/bias'/);
    expect(() => updateDelta(model({ 'l1/kernel': [0, 0, 0], 'l1/bias': [1, 1] }), global)).toThrow(/3 values in the update, 4/);
    expect(() => updateDelta(model({ 'l1/kernel': [0, 0, 0, 0], 'l1/bias': [1, 1], extra: [1] }), global)).toThrow(/'extra'/);
    expect(() => updateDelta(model({ 'l1/kernel': [0, NaN, 0, 0], 'l1/bias': [1, 1] }), global)).toThrow(/non-finite/);
    expect(() => clipDelta(global, 0)).toThrow(RangeError);
    expect(() => clipDelta(global, Infinity)).toThrow(RangeError);
  });
});

describe('Gaussian noise', () => {
  it('sigma = z * C / m', () => {
    expect(noiseStd(1.1, 2, 4)).toBeCloseTo(0.55, 15);
    expect(noiseStd(0, 1, 1)).toBe(0);
    expect(() => noiseStd(-1, 1, 1)).toThrow(RangeError);
    expect(() => noiseStd(1, 0, 1)).toThrow(RangeError);
    expect(() => noiseStd(1, 1, 0)).toThrow(RangeError);
    expect(() => noiseStd(1, 1, 1.5)).toThrow(RangeError);
  });

  it('has mean 0 and std sigma over 1e5 coordinates, and a Gaussian shape (CSPRNG)', () => {
    const n = 100_000;
    const sigma = 0.37;
    const zero = new Map([['w', new Float64Array(n)]]);
    const { weights, std } = privatiseAggregate(zero, { noiseMultiplier: 1.48, clipNorm: 1, updates: 4 });
    expect(std).toBeCloseTo(sigma, 15);
    const x = weights.get('w')!;
    let sum = 0;
    let sq = 0;
    let within1 = 0;
    let within2 = 0;
    for (const v of x) {
      sum += v;
      sq += v * v;
      if (Math.abs(v) < sigma) within1++;
      if (Math.abs(v) < 2 * sigma) within2++;
    }
    const mean = sum / n;
    const sd = Math.sqrt(sq / n - mean * mean);
    // Six standard errors each: a false failure has probability ~1e-9 per check.
    expect(Math.abs(mean)).toBeLessThan((6 * sigma) / Math.sqrt(n));
    expect(Math.abs(sd / sigma - 1)).toBeLessThan(6 / Math.sqrt(2 * n));
    // P(|Z| < 1) = 0.682689, P(|Z| < 2) = 0.954500: a uniform or Laplace draw of the same std fails these.
    expect(Math.abs(within1 / n - 0.682689)).toBeLessThan(6 * Math.sqrt((0.682689 * 0.317311) / n));
    expect(Math.abs(within2 / n - 0.9545)).toBeLessThan(6 * Math.sqrt((0.9545 * 0.0455) / n));
  });

  it('differs from call to call (fresh CSPRNG bytes, no fixed seed)', () => {
    const zero = new Map([['w', new Float32Array(64)]]);
    const a = addGaussianNoise(zero, 1).get('w')!;
    const b = addGaussianNoise(zero, 1).get('w')!;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(false);
    expect(a.some((v) => v === 0)).toBe(false);
  });

  it('is reproducible only with an injected source, keeps array types and leaves its input alone', () => {
    const agg = model({ b: [1, 2, 3], a: [0.5] }, 'f32');
    const src = () => new GaussianSource(seededBytes('t'));
    const x = addGaussianNoise(agg, 0.1, { source: src() });
    const y = addGaussianNoise(agg, 0.1, { source: src() });
    expect(x.get('b')).toEqual(y.get('b'));
    expect(x.get('b')).toBeInstanceOf(Float32Array);
    expect([...agg.get('b')!]).toEqual([1, 2, 3]);
    // Canonical order: 'a' is drawn before 'b' whatever the map's insertion order.
    const reordered = addGaussianNoise(model({ a: [0.5], b: [1, 2, 3] }), 0.1, { source: src() });
    expect(reordered.get('a')).toEqual(x.get('a'));
    expect(addGaussianNoise(agg, 0).get('b')).toEqual(agg.get('b'));
  });

  it('uniforms lie in (0, 1] even for all-zero and all-one bytes', () => {
    const zeros = new GaussianSource((b) => b.fill(0));
    expect(zeros.uniform()).toBe(2 ** -53);
    expect(Number.isFinite(zeros.normal())).toBe(true);
    const ones = new GaussianSource((b) => b.fill(255));
    expect(ones.uniform()).toBe(1);
  });
});
