/**
 * Each rule against small examples computed by hand from Flower's formulas (FEDERATED.md):
 * FedAvg weights by examples, the median of an even count is the mean of the two middle values,
 * trimmed mean cuts floor(beta n) from each end, Krum sums the max(1, n - f - 2) nearest squared
 * distances, Bulyan refuses n < 4f + 3. Bulyan is also checked against a direct transcription of
 * Flower's aggregate_bulyan on random inputs.
 */
import { describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/errors/index.js';
import { bulyan, fedAvg, fedMedian, fedTrimmedAvg, krum, multiKrum, type Update } from '../../../src/fl/index.js';
import { bulyanSizes } from '../../../src/fl/strategies/bulyan.js';
import { krumNeighbours } from '../../../src/fl/strategies/krum.js';
import { trimCount } from '../../../src/fl/strategies/trimmed.js';
import { rng } from './helpers.js';

const ids = 'abcdefghijklmnop';
/** Updates a, b, c, … with these weight vectors (and examples, default 1). */
function ups(vectors: number[][], examples?: number[]): Update[] {
  return vectors.map((v, i) => ({ id: ids[i]!, weights: Float32Array.from(v), examples: examples?.[i] ?? 1 }));
}
const zeros = (d: number) => new Float32Array(d);
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof AbortError ? e.code : String(e);
  }
  return 'no error';
};

describe('FedAvg', () => {
  it('weighs updates by their example counts: (1*1 + 3*3) / 4, (1*2 + 3*6) / 4', () => {
    const r = fedAvg.aggregate(zeros(2), ups([[1, 2], [3, 6]], [1, 3]));
    expect([...r.weights]).toEqual([2.5, 5]);
    expect(r.signals.map((s) => s.kept)).toEqual([true, true]);
  });

  it('rounds once to float32 from a float64 sum (0.1 + 0.2 + 0.3 as float32 inputs)', () => {
    const r = fedAvg.aggregate(zeros(1), ups([[0.1], [0.2], [0.3]]));
    const f = Math.fround;
    expect(r.weights[0]).toBe(f((f(0.1) + f(0.2) + f(0.3)) / 3));
  });

  it('reports the norm of each change and the distance to the median', () => {
    const r = fedAvg.aggregate(Float32Array.from([1, 1]), ups([[4, 5], [1, 1], [2, 1]]));
    expect(r.signals.map((s) => s.norm)).toEqual([5, 0, 1]); // |(3,4)|, 0, |(1,0)|
    expect(r.signals.map((s) => s.distanceToMedian)).toEqual([Math.hypot(2, 4), 1, 0]); // median (2, 1)
  });
});

describe('FedMedian', () => {
  it('odd count: the middle value; even count: the mean of the two middle values (numpy)', () => {
    expect([...fedMedian.aggregate(zeros(2), ups([[1, 9], [5, -1], [3, 4]])).weights]).toEqual([3, 4]);
    expect([...fedMedian.aggregate(zeros(2), ups([[1, 1], [4, -2], [2, 0], [10, 7]])).weights]).toEqual([3, 0.5]);
  });

  it('ignores example counts (unweighted, as Flower)', () => {
    expect([...fedMedian.aggregate(zeros(1), ups([[1], [2], [100]], [1, 1, 1000])).weights]).toEqual([2]);
  });
});

describe('FedTrimmedAvg', () => {
  it('cuts floor(beta * n) from each end: n = 5, beta = 0.2 cuts 1', () => {
    expect(trimCount(5, 0.2)).toBe(1);
    expect([...fedTrimmedAvg.aggregate(zeros(1), ups([[100], [1], [4], [-7], [3]])).weights]).toEqual([Math.fround(8 / 3)]); // mean(1, 3, 4)
  });

  it('n = 4, beta = 0.2 cuts floor(0.8) = 0 (the plain mean); beta = 0.25 cuts 1', () => {
    const four = ups([[0], [1], [2], [9]]);
    expect(trimCount(4, 0.2)).toBe(0);
    expect([...fedTrimmedAvg.aggregate(zeros(1), four).weights]).toEqual([3]);
    expect([...fedTrimmedAvg.aggregate(zeros(1), four, { beta: 0.25 }).weights]).toEqual([1.5]);
  });

  it('beta = 0.5 on an odd count leaves the median; a beta that leaves nothing is refused', () => {
    expect([...fedTrimmedAvg.aggregate(zeros(1), ups([[0], [1], [9]]), { beta: 0.5 }).weights]).toEqual([1]);
    expect(codeOf(() => fedTrimmedAvg.aggregate(zeros(1), ups([[0], [1], [2], [3]]), { beta: 0.5 }))).toBe('FL_TOO_FEW_UPDATES');
    expect(codeOf(() => trimCount(5, 0.6))).toBe('FL_TOO_FEW_UPDATES'); // cuts 3 from each end of 5
    expect(codeOf(() => trimCount(5, -0.1))).toBe('FL_BAD_PARAMETER');
    expect(codeOf(() => trimCount(5, 1))).toBe('FL_BAD_PARAMETER');
  });
});

describe('Krum and MultiKrum', () => {
  // 1-D updates 0, 1, 3, 10; squared distances: 0-1: 1, 0-3: 9, 0-10: 100, 1-3: 4, 1-10: 81, 3-10: 49.
  const line = ups([[0], [1], [3], [10]]);

  it('f = 0: each score sums the max(1, 4 - 0 - 2) = 2 nearest squared distances', () => {
    expect(krumNeighbours(4, 0)).toBe(2);
    const r = krum.aggregate(zeros(1), line, { f: 0 });
    expect(r.signals.map((s) => s.krumScore)).toEqual([1 + 9, 1 + 4, 4 + 9, 49 + 81]);
    expect(r.signals.map((s) => s.kept)).toEqual([false, true, false, false]);
    expect([...r.weights]).toEqual([1]);
  });

  it('f = 1: one nearest (max(1, 1)); a tie goes to the first update in id order', () => {
    expect(krumNeighbours(4, 1)).toBe(1);
    const r = krum.aggregate(zeros(1), line, { f: 1 });
    expect(r.signals.map((s) => s.krumScore)).toEqual([1, 1, 4, 49]);
    expect(r.signals.map((s) => s.kept)).toEqual([true, false, false, false]);
  });

  it('never fewer than one neighbour: n = 3, f = 5 still scores by the nearest other', () => {
    expect(krumNeighbours(3, 5)).toBe(1);
    expect(krum.aggregate(zeros(1), ups([[0], [2], [7]]), { f: 5 }).signals.map((s) => s.krumScore)).toEqual([4, 4, 25]);
  });

  it('MultiKrum keeps the m lowest scores and averages them weighted by examples', () => {
    const r = multiKrum.aggregate(zeros(1), ups([[0], [1], [3], [10]], [3, 1, 1, 1]), { f: 0, m: 2 });
    expect(r.signals.map((s) => s.kept)).toEqual([true, true, false, false]);
    expect([...r.weights]).toEqual([0.25]); // (3*0 + 1*1) / 4
  });

  it('MultiKrum keeps n - f by default and refuses m > n', () => {
    expect(multiKrum.aggregate(zeros(1), line, { f: 1 }).signals.filter((s) => s.kept)).toHaveLength(3);
    expect(codeOf(() => multiKrum.aggregate(zeros(1), line, { m: 5 }))).toBe('FL_TOO_FEW_UPDATES');
    expect(codeOf(() => multiKrum.aggregate(zeros(1), line, { m: 0 }))).toBe('FL_BAD_PARAMETER');
    expect(codeOf(() => krum.aggregate(zeros(1), line, { f: 1.5 }))).toBe('FL_BAD_PARAMETER');
  });
});

describe('Bulyan', () => {
  it('refuses n < 4f + 3', () => {
    expect(codeOf(() => bulyanSizes(6, 1))).toBe('FL_TOO_FEW_UPDATES');
    expect(bulyanSizes(7, 1)).toEqual({ theta: 5, beta: 3 });
    expect(codeOf(() => bulyan.aggregate(zeros(1), ups([[0], [1], [2], [3], [4], [5], [6], [7], [8], [9]]), { f: 2 }))).toBe('FL_TOO_FEW_UPDATES');
    expect(codeOf(() => bulyan.aggregate(zeros(1), ups([[0], [1]]), { f: 0 }))).toBe('FL_TOO_FEW_UPDATES');
  });

  it('f = 1, n = 7 by hand: repeated Krum selects 0..4 (not 100 nor -50), then the 3 values nearest the median 2', () => {
    // Rounds (c = max(1, remaining - 3)): picks 2 (score 10), then 1 (14, tie with 3: id order),
    // then 3 (10), then 0 (16, tie with 4), then 4 (2916, tie with -50: id order).
    const r = bulyan.aggregate(zeros(1), ups([[0], [1], [2], [3], [4], [100], [-50]]), { f: 1 });
    expect(r.signals.map((s) => s.kept)).toEqual([true, true, true, true, true, false, false]);
    expect([...r.weights]).toEqual([2]); // mean(1, 2, 3)
  });

  it('f = 0: theta = beta = n, the plain unweighted mean', () => {
    expect([...bulyan.aggregate(zeros(2), ups([[0, 1], [3, 1], [9, 4]], [5, 1, 1]), { f: 0 }).weights]).toEqual([4, 2]);
  });

  it('matches a direct transcription of Flower’s aggregate_bulyan (random inputs, n = 11, f = 2)', () => {
    const r = rng(5);
    const n = 11;
    const d = 40;
    const vs = Array.from({ length: n }, (_, i) => Array.from({ length: d }, () => (i >= 9 ? 5 : 1) * (r() - 0.5)));
    const got = bulyan.aggregate(zeros(d), ups(vs), { f: 2 }).weights;
    expect([...got]).toEqual([...flowerBulyan(vs.map((v) => Float32Array.from(v)), 2)]);
  });
});

/**
 * Flower's aggregate_bulyan, transcribed naively: repeated aggregate_krum(to_keep=0) on the
 * remaining updates (distances recomputed each time), then per coordinate the beta values with
 * the smallest |v - median| (ties by value), averaged.
 */
function flowerBulyan(weights: Float32Array[], f: number): Float32Array {
  const theta = weights.length - 2 * f;
  const beta = theta - 2 * f;
  let remaining = weights.map((w, i) => ({ w, i }));
  const selected: Float32Array[] = [];
  while (selected.length < theta) {
    const n = remaining.length;
    const c = Math.min(Math.max(1, n - f - 2), n - 1);
    const scores = remaining.map((a) => {
      const ds = remaining.filter((b) => b !== a).map((b) => a.w.reduce((s, x, k) => s + (x - b.w[k]!) ** 2, 0));
      return ds.sort((x, y) => x - y).slice(0, c).reduce((s, x) => s + x, 0);
    });
    const best = scores.indexOf(Math.min(...scores));
    selected.push(remaining[best]!.w);
    remaining = remaining.filter((_, k) => k !== best);
  }
  const d = weights[0]!.length;
  const out = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    const col = selected.map((w) => w[j]!).sort((a, b) => a - b);
    const med = theta % 2 ? col[theta >> 1]! : (col[theta / 2 - 1]! + col[theta / 2]!) / 2;
    const closest = [...col].sort((a, b) => Math.abs(a - med) - Math.abs(b - med) || a - b).slice(0, beta).sort((a, b) => a - b);
    out[j] = closest.reduce((s, x) => s + x, 0) / beta;
  }
  return out;
}

describe('every rule', () => {
  it('refuses duplicate ids and bad example counts, and gives the same bytes for -0 and +0', () => {
    expect(codeOf(() => fedAvg.aggregate(zeros(1), [...ups([[1]]), ...ups([[2]])]))).toBe('FL_DUPLICATE_UPDATE');
    expect(codeOf(() => fedAvg.aggregate(zeros(1), ups([[1], [2]], [1, 0])))).toBe('FL_BAD_PARAMETER');
    expect(codeOf(() => fedAvg.aggregate(zeros(1), []))).toBe('FL_TOO_FEW_UPDATES');
    const a = fedMedian.aggregate(zeros(1), ups([[-0], [0], [1]])).weights;
    const b = fedMedian.aggregate(zeros(1), ups([[0], [-0], [1]])).weights;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });
});
