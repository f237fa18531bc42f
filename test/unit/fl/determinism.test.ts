/**
 * Bit-for-bit determinism on real ONNX files: the aggregate is a canonical ONNX model that
 * onnxruntime loads; every permutation of the updates gives the same bytes and CID for every
 * rule; and two separate node processes (the built CLI, updates in opposite orders) agree.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, decodeModel, encodeModel } from '../../../src/engine/onnx/proto.js';
import { aggregateModels, RULE_NAMES, type AggregateModelsOptions, type RuleName } from '../../../src/fl/index.js';
import { cidOf } from '../../../src/storage/cid.js';
import { runCli, tempHome, type TempHome } from '../../harness/index.js';
import { ensureBuilt } from '../../e2e/helpers.js';
import { floats, globalModel, noisyUpdate, withFloats } from './helpers.js';

/** Parameters valid for 5 updates. */
const OPTS: Record<RuleName, AggregateModelsOptions> = {
  fedavg: { rule: 'fedavg' },
  median: { rule: 'median' },
  trimmed: { rule: 'trimmed', beta: 0.2 },
  krum: { rule: 'krum', f: 1 },
  multikrum: { rule: 'multikrum', f: 1, m: 3 },
  bulyan: { rule: 'bulyan', f: 0 },
};

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

let g: Uint8Array;
let updates: { bytes: Uint8Array; examples: number }[];
beforeAll(async () => {
  g = await globalModel();
  updates = [1, 2, 3, 4, 5].map((seed) => ({ bytes: noisyUpdate(g, seed, 0.05), examples: seed * 10 }));
});

describe('the aggregate file', () => {
  it('is the global model with new values: same graph, onnxruntime runs it, only initializer values change', async () => {
    const r = aggregateModels(g, updates, { rule: 'median' });
    const a = decodeModel(r.bytes);
    const b = decodeModel(g);
    expect(a.graph!.node).toEqual(b.graph!.node);
    expect(a.graph!.initializer!.map((t) => t.name)).toEqual(b.graph!.initializer!.map((t) => t.name));
    const session = await ort.InferenceSession.create(r.bytes, { logSeverityLevel: 3 });
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(12).fill(0.5), [2, 6]) });
    const probs = out[session.outputNames[0]!]!.data as Float32Array;
    expect(probs[0]! + probs[1]! + probs[2]!).toBeCloseTo(1, 5); // a softmax: the graph survived
    await session.release();
    const vals = floats(r.bytes);
    expect(vals.get('l2_Dense/bias')).not.toEqual(floats(g).get('l2_Dense/bias'));
  });

  it('FedAvg of copies of the global model is the global model, re-encoded canonically', () => {
    const copies = [withFloats(g, (_n, x) => x), withFloats(g, (_n, x) => x.map((y) => y + 0))];
    const r = aggregateModels(g, [{ bytes: copies[0]!, examples: 3 }, { id: 'other', bytes: copies[1]!, examples: 5 }], { rule: 'fedavg' });
    expect(floats(r.bytes)).toEqual(floats(g));
    expect(Buffer.from(r.bytes).equals(Buffer.from(encodeModel(decodeModel(g))))).toBe(true);
  });

  it('its CID depends on the content, not on how the global model stores its values (raw_data vs float_data)', () => {
    const asFloatData = withFloats(g, (_n, x) => x, (m) => {
      for (const t of m.graph!.initializer!) {
        if (t.data_type !== DataType.FLOAT) continue;
        t.float_data = Array.from(new Float32Array(Uint8Array.from(t.raw_data!).buffer));
        delete t.raw_data;
      }
    });
    expect(cidOf(asFloatData)).not.toBe(cidOf(g));
    expect(aggregateModels(asFloatData, updates, { rule: 'trimmed' }).cid).toBe(aggregateModels(g, updates, { rule: 'trimmed' }).cid);
  });
});

describe('permutation determinism', () => {
  for (const rule of RULE_NAMES) {
    it(`${rule}: all 120 orders of 5 updates give the same bytes and CID`, () => {
      const first = aggregateModels(g, updates, OPTS[rule]);
      const seen = new Set<string>();
      for (const p of permutations(updates)) {
        const r = aggregateModels(g, p, OPTS[rule]);
        seen.add(r.cid);
        expect(Buffer.from(r.bytes).equals(Buffer.from(first.bytes))).toBe(true);
        expect(r.signals).toEqual(first.signals);
      }
      expect([...seen]).toEqual([first.cid]);
      expect(first.cid).toBe(cidOf(first.bytes));
    });
  }

  it('different inputs give different CIDs (the check above can fail)', () => {
    const cids = new Set(RULE_NAMES.map((rule) => aggregateModels(g, updates, OPTS[rule]).cid));
    expect(cids.size).toBe(RULE_NAMES.length);
  });
});

describe('two processes', () => {
  let t: TempHome;
  beforeAll(() => {
    ensureBuilt();
    t = tempHome('flock-fl-');
  });
  afterAll(() => t.cleanup());

  it('the built CLI run twice, updates and example counts in opposite orders, writes the same bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flock-fl-files-'));
    try {
      writeFileSync(join(dir, 'global.onnx'), g);
      const files = updates.map((u, i) => {
        const f = join(dir, `u${i}.onnx`);
        writeFileSync(f, u.bytes);
        return f;
      });
      const run = (order: number[], out: string) =>
        runCli(['fl', 'aggregate', '--rule', 'multikrum', '--f', '1', '--global', join(dir, 'global.onnx'), ...order.map((i) => files[i]!), '--examples', order.map((i) => updates[i]!.examples).join(','), '-o', join(dir, out), '--json'], { home: t.home });
      const [a, b] = await Promise.all([run([0, 1, 2, 3, 4], 'a.onnx'), run([4, 2, 0, 3, 1], 'b.onnx')]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      expect(a.json().cid).toBe(b.json().cid);
      const bytesA = readFileSync(join(dir, 'a.onnx'));
      expect(bytesA.equals(readFileSync(join(dir, 'b.onnx')))).toBe(true);
      expect(a.json().cid).toBe(cidOf(bytesA));
      // and the same as this process computes
      expect(a.json().cid).toBe(aggregateModels(g, updates, { rule: 'multikrum', f: 1 }).cid);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
