/**
 * Robustness sanity on real ONNX updates: 10 updates of which 2 are poisoned (one scaled x10,
 * one sign-flipped). The robust rules stay near the mean of the 8 clean updates while FedAvg is
 * dragged far away, and the Krum family scores the poisoners worst and leaves them out.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregateModels, type AggregateModelsOptions } from '../../../src/fl/index.js';
import { cidOf } from '../../../src/storage/cid.js';
import { floats, globalModel, noisyUpdate, withFloats } from './helpers.js';

let clean: Uint8Array[];
let poisoned: Uint8Array[];
let cleanMean: Float32Array;
let g: Uint8Array;

const flat = (bytes: Uint8Array) => Float32Array.from([...floats(bytes).entries()].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([, v]) => [...v]));
const dist = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0));

beforeAll(async () => {
  g = await globalModel();
  clean = Array.from({ length: 8 }, (_, i) => noisyUpdate(g, 100 + i, 0.05));
  poisoned = [withFloats(clean[0]!, (_n, x) => x.map((y) => 10 * y)), withFloats(clean[1]!, (_n, x) => x.map((y) => -y))];
  const vs = clean.map(flat);
  cleanMean = vs[0]!.map((_, j) => vs.reduce((s, v) => s + v[j]!, 0) / vs.length);
});

const run = (opts: AggregateModelsOptions) => aggregateModels(g, [...poisoned, ...clean].map((bytes) => ({ bytes })), opts);

describe('2 poisoners among 10 updates', () => {
  it('FedAvg moves far from the clean mean; median, trimmed mean, Krum, MultiKrum and Bulyan stay close', () => {
    const fedavg = dist(flat(run({ rule: 'fedavg' }).bytes), cleanMean);
    const spread = dist(flat(clean[0]!), cleanMean); // how far one honest update is from the mean
    expect(fedavg).toBeGreaterThan(5 * spread);
    const robust: AggregateModelsOptions[] = [
      { rule: 'median' },
      { rule: 'trimmed', beta: 0.2 },
      { rule: 'krum', f: 2 },
      { rule: 'multikrum', f: 2 },
      { rule: 'bulyan', f: 1 },
    ];
    for (const opts of robust) {
      const d = dist(flat(run(opts).bytes), cleanMean);
      expect(d, opts.rule).toBeLessThan(fedavg / 10);
      expect(d, opts.rule).toBeLessThan(1.5 * spread);
    }
  });

  it('the poisoners get the two worst Krum scores and are not kept by MultiKrum (f = 2) nor Bulyan (f = 1)', () => {
    const bad = new Set(poisoned.map(cidOf));
    for (const opts of [{ rule: 'multikrum', f: 2 }, { rule: 'bulyan', f: 1 }] as const) {
      const r = run(opts);
      const worst = [...r.signals].sort((a, b) => b.krumScore! - a.krumScore!).slice(0, 2);
      expect(new Set(worst.map((s) => s.id)), opts.rule).toEqual(bad);
      for (const s of r.signals) if (bad.has(s.id)) expect(s.kept, `${opts.rule} ${s.id}`).toBe(false);
      expect(r.signals.filter((s) => s.kept)).toHaveLength(8);
    }
  });

  it('the poisoners are also the farthest from the median and have the largest norms', () => {
    const r = run({ rule: 'median' });
    const bad = new Set(poisoned.map(cidOf));
    const byDist = [...r.signals].sort((a, b) => b.distanceToMedian! - a.distanceToMedian!).slice(0, 2);
    const byNorm = [...r.signals].sort((a, b) => b.norm! - a.norm!).slice(0, 2);
    expect(new Set(byDist.map((s) => s.id))).toEqual(bad);
    expect(new Set(byNorm.map((s) => s.id))).toEqual(bad);
  });
});
