import { describe, expect, it } from 'vitest';
import { poison } from '../../../src/fl/simulate/attack.js';
import { classCounts, splitRows } from '../../../src/fl/simulate/split.js';

/** 1000 rows over 10 balanced classes. */
const labels = Float32Array.from({ length: 1000 }, (_, i) => i % 10);

function expectPartition(parts: number[][], n: number): void {
  const all = parts.flat().sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: n }, (_, i) => i)); // every row exactly once
  for (const p of parts) expect(p).toEqual([...p].sort((a, b) => a - b));
}

describe('splitRows', () => {
  it('iid: a partition into near-equal shares with every class in every share', () => {
    const parts = splitRows(labels, 7, { kind: 'iid', seed: 3 });
    expectPartition(parts, 1000);
    const sizes = parts.map((p) => p.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    for (const counts of classCounts(labels, parts, 10)) for (const c of counts) expect(c).toBeGreaterThan(3);
  });

  it('is seeded: same seed, same split; another seed, another split', () => {
    for (const kind of ['iid', 'label-skew'] as const) {
      expect(splitRows(labels, 10, { kind, seed: 1 })).toEqual(splitRows(labels, 10, { kind, seed: 1 }));
      expect(splitRows(labels, 10, { kind, seed: 1 })).not.toEqual(splitRows(labels, 10, { kind, seed: 2 }));
    }
  });

  it('label-skew: a partition whose clients hold a few dominant classes, more so for a smaller alpha', () => {
    // Share of a client's rows in its most common class, averaged over clients (iid: about 0.1).
    const dominance = (alpha: number) => {
      const parts = splitRows(labels, 10, { kind: 'label-skew', seed: 5, alpha });
      expectPartition(parts, 1000);
      const counts = classCounts(labels, parts, 10);
      return counts.reduce((s, c) => s + Math.max(...c) / c.reduce((a, b) => a + b, 0), 0) / counts.length;
    };
    const iid = classCounts(labels, splitRows(labels, 10, { kind: 'iid', seed: 5 }), 10);
    const iidDominance = iid.reduce((s, c) => s + Math.max(...c) / c.reduce((a, b) => a + b, 0), 0) / iid.length;
    expect(iidDominance).toBeLessThan(0.2);
    expect(dominance(0.5)).toBeGreaterThan(0.3);
    expect(dominance(0.1)).toBeGreaterThan(dominance(10));
  });

  it('label-skew: every client gets at least minRows rows', () => {
    const parts = splitRows(labels, 20, { kind: 'label-skew', seed: 9, alpha: 0.1, minRows: 15 });
    for (const p of parts) expect(p.length).toBeGreaterThanOrEqual(15);
  });

  it('refuses what cannot be split', () => {
    expect(() => splitRows(labels.subarray(0, 5), 10, { kind: 'iid', seed: 1 })).toThrow(/5 rows cannot be split across 10 clients/);
    expect(() => splitRows(labels, 0, { kind: 'iid', seed: 1 })).toThrow(/whole number/);
    expect(() => splitRows(labels, 10, { kind: 'label-skew', seed: 1, alpha: 0 })).toThrow(/alpha/);
  });
});

describe('poison', () => {
  const g = Float32Array.from([1, 2, 3, 4]);
  const l = Float32Array.from([1.5, 1, 3, 4.25]);

  it('scale: global + s * delta; sign-flip: global - s * delta', () => {
    expect([...poison(g, l, 'scale', 10, 1)]).toEqual([6, -8, 3, 6.5]);
    expect([...poison(g, l, 'sign-flip', 10, 1)]).toEqual([-4, 12, 3, 1.5]);
    expect([...poison(g, l, 'sign-flip', 1, 1)]).toEqual([0.5, 3, 3, 3.75]);
  });

  it('noise: seeded Gaussian noise of s times the update’s rms around the global model', () => {
    const big = Float32Array.from({ length: 20000 }, (_, i) => Math.sin(i));
    const local = big.map((v, i) => v + (i % 2 ? 0.01 : -0.01));
    const a = poison(big, local, 'noise', 10, 7);
    expect(a).toEqual(poison(big, local, 'noise', 10, 7));
    let sq = 0;
    for (let i = 0; i < a.length; i++) sq += (a[i]! - big[i]!) ** 2;
    expect(Math.sqrt(sq / a.length)).toBeCloseTo(0.1, 2); // 10 x rms 0.01
  });
});
