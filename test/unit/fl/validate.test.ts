/**
 * Update validation on real ONNX files (an MLP exported by the engine): every way an update can
 * differ from the global model gives a reason, never a crash and never an aggregate.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregateModels, readGlobal, validateUpdate, type GlobalModel } from '../../../src/fl/index.js';
import { DataType } from '../../../src/engine/onnx/proto.js';
import { AbortError } from '../../../src/errors/index.js';
import { globalModel, noisyUpdate, withFloats } from './helpers.js';

let g: Uint8Array;
let global: GlobalModel;
beforeAll(async () => {
  g = await globalModel();
  global = readGlobal(g);
});

const reason = (bytes: Uint8Array, maxNorm?: number) => {
  const v = validateUpdate(global, bytes, { maxNorm });
  return v.ok ? 'valid' : v.reason;
};

describe('validateUpdate', () => {
  it('accepts the global model with new finite values, and gives the norm of the change', () => {
    const v = validateUpdate(global, withFloats(g, (_n, x) => x.map((y) => y + 0.5)));
    expect(v.ok).toBe(true);
    if (v.ok) expect(v.norm).toBeCloseTo(0.5 * Math.sqrt(53), 5);
  });

  it('rejects bytes that are not ONNX', () => {
    expect(reason(new TextEncoder().encode('not a model at all'))).toMatch(/^not an ONNX model/);
  });

  it('rejects a wrong shape', () => {
    const bad = withFloats(g, (n, x) => (n === 'l2_Dense/bias' ? new Float32Array(4) : x), (m) => {
      m.graph!.initializer!.find((t) => t.name === 'l2_Dense/bias')!.dims = [4];
    });
    expect(reason(bad)).toBe('initializer l2_Dense/bias: shape [4], expected [3]');
  });

  it('rejects a wrong (renamed) initializer', () => {
    const bad = withFloats(g, (_n, x) => x, (m) => {
      m.graph!.initializer!.find((t) => t.name === 'l1_Dense/bias')!.name = 'l1_Dense/b';
    });
    expect(reason(bad)).toBe("initializer names differ from the global model's: missing l1_Dense/bias; unexpected l1_Dense/b");
  });

  it('rejects a wrong dtype', () => {
    const bad = withFloats(g, (_n, x) => x, (m) => {
      const t = m.graph!.initializer!.find((t) => t.name === 'l1_Dense/bias')!;
      t.data_type = DataType.DOUBLE;
      t.raw_data = new Uint8Array(40);
    });
    expect(reason(bad)).toBe('initializer l1_Dense/bias: dtype DOUBLE, expected FLOAT');
  });

  it('rejects NaN and Inf', () => {
    expect(reason(withFloats(g, (n, x) => (n === 'l1_Dense/kernel' ? x.map((y, i) => (i === 7 ? NaN : y)) : x)))).toBe('initializer l1_Dense/kernel: non-finite value NaN at index 7');
    expect(reason(withFloats(g, (n, x) => (n === 'l2_Dense/bias' ? x.map((y, i) => (i === 2 ? -Infinity : y)) : x)))).toBe('initializer l2_Dense/bias: non-finite value -Infinity at index 2');
  });

  it('rejects a change over the norm bound, accepts one under it', () => {
    const u = withFloats(g, (_n, x) => x.map((y) => y + 1)); // norm sqrt(53) ~ 7.28
    expect(reason(u, 7)).toMatch(/^L2 norm of \(update - global\) is 7\.28\d*, over the bound 7$/);
    expect(reason(u, 8)).toBe('valid');
  });

  it('rejects a different graph: another op, or another wiring', () => {
    const relu = withFloats(g, (_n, x) => x, (m) => {
      const node = m.graph!.node!.find((n) => n.op_type === 'Relu' || n.op_type === 'Tanh' || n.op_type === 'Sigmoid')!;
      node.op_type = node.op_type === 'Relu' ? 'Sigmoid' : 'Relu';
    });
    expect(reason(relu)).toMatch(/^graph differs from the global model/);
    const rewired = withFloats(g, (_n, x) => x, (m) => {
      m.graph!.output![0]!.name = 'logits';
    });
    expect(reason(rewired)).toMatch(/^graph differs from the global model/);
  });

  it('accepts the same values written as float_data instead of raw_data (the encoding is not the content)', () => {
    const asFloatData = withFloats(g, (_n, x) => x, (m) => {
      for (const t of m.graph!.initializer!) {
        if (t.data_type !== DataType.FLOAT) continue;
        t.float_data = Array.from(new Float32Array(Uint8Array.from(t.raw_data!).buffer));
        delete t.raw_data;
      }
    });
    const v = validateUpdate(global, asFloatData);
    expect(v.ok && v.norm).toBe(0);
  });
});

describe('aggregateModels with rejected updates', () => {
  it('lists each rejected update with its reason and aggregates only the valid ones', () => {
    const good = [noisyUpdate(g, 1), noisyUpdate(g, 2)];
    const nan = withFloats(g, (_n, x) => x.map(() => NaN));
    const all = aggregateModels(g, [...good, nan].map((bytes) => ({ bytes })), { rule: 'fedavg' });
    const only = aggregateModels(g, good.map((bytes) => ({ bytes })), { rule: 'fedavg' });
    expect(all.cid).toBe(only.cid);
    const rejected = all.signals.filter((s) => s.rejected);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.rejected).toMatch(/non-finite value NaN at index 0/);
    expect(rejected[0]!.kept).toBe(false);
  });

  it('throws FL_ALL_REJECTED when nothing is valid, FL_BAD_GLOBAL when the global model is not one', () => {
    const code = (f: () => unknown) => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return (e as AbortError).code;
      }
    };
    expect(code(() => aggregateModels(g, [{ bytes: new Uint8Array([1, 2, 3]) }], { rule: 'median' }))).toBe('FL_ALL_REJECTED');
    expect(code(() => aggregateModels(new TextEncoder().encode('nope'), [{ bytes: g }], { rule: 'median' }))).toBe('FL_BAD_GLOBAL');
    expect(code(() => aggregateModels(withFloats(g, (_n, x) => x.map(() => Infinity)), [{ bytes: g }], { rule: 'median' }))).toBe('FL_BAD_GLOBAL');
  });
});
