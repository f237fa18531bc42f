/**
 * Warm start from a global model (issue #11): the engine loads an ONNX model's initializers into
 * the model its config builds, trains from there, and exports the same graph and names. Real
 * tfjs training (cpu backend) on the shipped breast-cancer, diabetes and digits tasks.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, EngineError, exportOnnx, initBackend, initialModel, loadInitializers, train, trainableInitializers, type ModelConfigInput } from '../../../src/engine/index.js';
import { decodeModel, encodeModel, type ModelObject, type TensorObject } from '../../../src/engine/onnx/proto.js';
import { maxAbsDiff, onnxPredict, task, validationData } from './helpers.js';

const MLP: ModelConfigInput = { kind: 'mlp', hidden: [32, 16], dropout: 0.1 };
const spec = (seed: number) => ({ taskType: 'classification' as const, inputShape: [30], outputShape: [2], seed });
/** A normalisation layer as training builds it (values arbitrary: loading overwrites them). */
const affine = (n: number, v: number) => ({ scale: new Float32Array(n).fill(v), offset: new Float32Array(n).fill(-v) });

const initializers = (bytes: Uint8Array) => decodeModel(bytes).graph!.initializer!;
const graphOf = (bytes: Uint8Array) => decodeModel(bytes).graph!.node!;
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const weights = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

/** Edits a decoded copy of a model and re-encodes it (a tampered global model). */
function tamper(bytes: Uint8Array, edit: (m: ModelObject) => void): Uint8Array {
  const m = decodeModel(bytes);
  edit(m);
  return encodeModel(m);
}

/** The engine's refusal: an EngineError('incompatible-model') whose message matches. */
function refusal(model: tf.LayersModel, bytes: Uint8Array): EngineError {
  try {
    loadInitializers(model, bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    return err as EngineError;
  }
  throw new Error('loadInitializers accepted the model');
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('loadInitializers', () => {
  it('round trip: load a flock-exported MLP, export without training -> the same bytes', () => {
    const a = buildModel({ ...MLP, batchNorm: true }, spec(1), affine(30, 2));
    const b = buildModel({ ...MLP, batchNorm: true }, spec(2), affine(30, 3));
    const bytes = exportOnnx(a);
    expect(same(exportOnnx(b), bytes)).toBe(false);
    const r = loadInitializers(b, bytes);
    expect(same(exportOnnx(b), bytes)).toBe(true);
    expect(weights(b)).toEqual(weights(a));
    // Weights (affine, kernels, batch-norm statistics) are loaded; the absent Dense biases are constants.
    expect(r.loaded).toContain('l0_FlockAffine/scale');
    expect(r.loaded).toContain('l2_BatchNormalization/moving_variance');
    expect(r.constants).toEqual(['l1_Dense/bias', 'l5_Dense/bias']);
    a.dispose();
    b.dispose();
  });

  it('round trip on a CNN: Conv kernels go back from [co, ci, kh, kw] to tfjs [kh, kw, ci, co]', () => {
    const cnn: ModelConfigInput = { kind: 'cnn', conv: [{ filters: 4 }, { filters: 3, kernelSize: 2 }], dense: [8], batchNorm: true };
    const s = (seed: number) => ({ taskType: 'classification' as const, inputShape: [8, 8, 1], outputShape: [10], seed });
    const a = buildModel(cnn, s(1), affine(64, 1));
    const b = buildModel(cnn, s(2), affine(64, 1));
    const bytes = exportOnnx(a);
    loadInitializers(b, bytes);
    expect(same(exportOnnx(b), bytes)).toBe(true);
    expect(weights(b)).toEqual(weights(a));
    a.dispose();
    b.dispose();
  });

  it('reads float_data as well as raw_data (other ONNX writers use either)', () => {
    const a = buildModel(MLP, spec(1), affine(30, 1));
    const b = buildModel(MLP, spec(2), affine(30, 1));
    const bytes = exportOnnx(a);
    const typed = tamper(bytes, (m) => {
      for (const t of m.graph!.initializer!) {
        t.float_data = Array.from(new Float32Array(new Uint8Array(t.raw_data!).buffer));
        delete t.raw_data;
      }
    });
    loadInitializers(b, typed);
    expect(same(exportOnnx(b), bytes)).toBe(true);
    a.dispose();
    b.dispose();
  });
});

describe('a global model the engine cannot map', () => {
  let bytes: Uint8Array;
  let target: tf.Sequential;
  let before: number[][];
  beforeAll(() => {
    const a = buildModel(MLP, spec(1), affine(30, 1));
    bytes = exportOnnx(a);
    a.dispose();
    target = buildModel(MLP, spec(2), affine(30, 1));
    before = weights(target);
  });
  const renameInit = (m: ModelObject, from: string, to: string) => {
    m.graph!.initializer!.find((t) => t.name === from)!.name = to;
    for (const n of m.graph!.node!) n.input = n.input!.map((i) => (i === from ? to : i));
  };

  it('names a renamed initializer, and what it found instead', () => {
    const err = refusal(target, tamper(bytes, (m) => renameInit(m, 'l3_Dense/kernel', 'dense_2/W')));
    expect(err.code).toBe('incompatible-model');
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe("the global model does not fit the task's model: initializer 'l3_Dense/kernel' [32, 16] expected, not found (found 'dense_2/W' [32, 16] instead)");
    expect(err.hint).toMatch(/trainer config/);
  });

  it('names an initializer of the wrong shape, expected vs found', () => {
    const narrow = buildModel({ ...MLP, hidden: [32, 8] }, spec(1), affine(30, 1));
    const err = refusal(target, exportOnnx(narrow));
    narrow.dispose();
    expect(err.message).toBe("the global model does not fit the task's model: initializer 'l3_Dense/kernel': shape [32, 16] expected, found [32, 8]");
  });

  it('names an initializer the task model has no place for', () => {
    const err = refusal(
      target,
      tamper(bytes, (m) => m.graph!.initializer!.push({ name: 'extra/w', dims: [2], data_type: 1, raw_data: new Uint8Array(8) } as TensorObject)),
    );
    expect(err.message).toBe("the global model does not fit the task's model: initializer 'extra/w' [2] has no counterpart in the task's model");
  });

  it('names an extra op', () => {
    const err = refusal(
      target,
      tamper(bytes, (m) => {
        const nodes = m.graph!.node!;
        nodes.at(-1)!.output = ['probs'];
        nodes.push({ op_type: 'Sigmoid', name: 'extra_sigmoid', input: ['probs'], output: ['output'] });
      }),
    );
    const n = graphOf(bytes).length;
    expect(err.message).toBe(`the global model does not fit the task's model: op Sigmoid (node #${n} 'extra_sigmoid') has no counterpart: the task's model ends after ${n} ops`);
  });

  it('names an op that differs, and one wired differently', () => {
    const relu = graphOf(bytes).findIndex((n) => n.op_type === 'Relu');
    const swapped = refusal(target, tamper(bytes, (m) => void (m.graph!.node![relu]!.op_type = 'Tanh')));
    expect(swapped.message).toBe(`the global model does not fit the task's model: op Tanh (node #${relu} 'relu_${relu}') cannot be mapped: the task's model has op Relu there`);
    // The second Relu fed from the graph input instead of the Gemm before it: same ops, other computation.
    const second = graphOf(bytes).findLastIndex((n) => n.op_type === 'Relu');
    const rewired = refusal(target, tamper(bytes, (m) => void (m.graph!.node![second]!.input = ['input'])));
    expect(rewired.message).toBe(`the global model does not fit the task's model: op Relu (node #${second} 'relu_${second}') input 0 is 'input', where the task's model has the previous op’s output`);
  });

  it('refuses a changed graph constant and bytes that are not ONNX; the model is left untouched', () => {
    const bn = buildModel({ ...MLP, batchNorm: true }, spec(1), affine(30, 1));
    const bnBytes = exportOnnx(bn);
    const err = refusal(bn, tamper(bnBytes, (m) => void (m.graph!.initializer!.find((t) => t.name === 'l1_Dense/bias')!.raw_data = new Uint8Array(new Float32Array(32).fill(1).buffer))));
    expect(err.message).toBe("the global model does not fit the task's model: initializer 'l1_Dense/bias' [32] is a constant of the task's model (not a trainable weight) and holds other values");
    bn.dispose();
    expect(() => loadInitializers(target, new Uint8Array([1, 2, 3, 255, 255]))).toThrow(expect.objectContaining({ code: 'unparsable' }));
    expect(weights(target)).toEqual(before);
  });
});

describe('training from a global model', () => {
  it('trains one epoch from the global model: new values, identical names, shapes and graph', async () => {
    const t = await task('breast-cancer');
    const config = { model: MLP, epochs: 1, batchSize: 32, learningRate: 0.003, seed: 5 };
    const global = await train({ data: t.files.train, schema: t.spec.schema, config: { ...config, epochs: 15 }, backend: 'cpu' });
    const globalBytes = exportOnnx(global.model);
    const warm = await train({ data: t.files.train, schema: t.spec.schema, config, backend: 'cpu', initialOnnx: globalBytes });
    const cold = await train({ data: t.files.train, schema: t.spec.schema, config, backend: 'cpu' });
    const updateBytes = exportOnnx(warm.model);

    expect(graphOf(updateBytes)).toEqual(graphOf(globalBytes));
    const g = initializers(globalBytes);
    const u = initializers(updateBytes);
    expect(u.map((x) => [x.name, x.dims])).toEqual(g.map((x) => [x.name, x.dims]));
    const differs = (name: string) => !same(u.find((x) => x.name === name)!.raw_data!, g.find((x) => x.name === name)!.raw_data!);
    for (const name of ['l1_Dense/kernel', 'l1_Dense/bias', 'l3_Dense/kernel', 'l5_Dense/kernel', 'l5_Dense/bias']) expect(differs(name), name).toBe(true);
    // The normalisation is the global model's (non-trainable, part of the model), not recomputed.
    expect(differs('l0_FlockAffine/scale')).toBe(false);
    // It started where the global model left off: its first epoch beats a first epoch from scratch.
    expect(warm.history[0]!.loss).toBeLessThan(cold.history[0]!.loss);
    expect(warm.history[0]!.loss).toBeLessThan(global.history[0]!.loss);
    for (const m of [global.model, warm.model, cold.model]) m.dispose();
  });

  it('regression: the exported (folded) target scaling is undone for training and redone after', async () => {
    const t = await task('diabetes');
    const model: ModelConfigInput = { kind: 'mlp', hidden: [16] };
    const global = await train({ data: t.files.train, schema: t.spec.schema, config: { model, epochs: 5, seed: 1 }, backend: 'cpu' });
    const globalBytes = exportOnnx(global.model);
    // A learning rate too small to move anything: the update must compute what the global model does.
    const warm = await train({ data: t.files.train, schema: t.spec.schema, config: { model, epochs: 1, seed: 1, optimizer: 'sgd', learningRate: 1e-12 }, backend: 'cpu', initialOnnx: globalBytes });
    const v = await validationData('diabetes');
    const dims = [v.size, 10];
    const a = await onnxPredict(globalBytes, v.x, dims);
    const b = await onnxPredict(exportOnnx(warm.model), v.x, dims);
    expect(maxAbsDiff(a.data, b.data)).toBeLessThan(1e-3); // targets are ~25..346
    global.model.dispose();
    warm.model.dispose();
  });

  it('a global model built from another config fails training with the engine error, before any epoch', async () => {
    const t = await task('breast-cancer');
    const other = buildModel({ kind: 'mlp', hidden: [8] }, spec(1), affine(30, 1));
    const bytes = exportOnnx(other);
    other.dispose();
    let epochs = 0;
    const p = train({ data: t.files.train, schema: t.spec.schema, config: { model: MLP, epochs: 1 }, backend: 'cpu', initialOnnx: bytes, onEpoch: () => epochs++ });
    await expect(p).rejects.toMatchObject({ code: 'incompatible-model' });
    expect(epochs).toBe(0);
  });
});

describe('round 0 of a federated task', () => {
  it('trainableInitializers: the weights training changes, not the normalisation, batch-norm statistics or constants', () => {
    const m = buildModel({ ...MLP, batchNorm: true }, spec(1), affine(30, 2));
    const names = trainableInitializers(m);
    expect(names).toContain('l1_Dense/kernel');
    expect(names).toContain('l2_BatchNormalization/gamma');
    expect(names).toContain('l5_Dense/kernel');
    for (const frozen of ['l0_FlockAffine/scale', 'l0_FlockAffine/offset', 'l2_BatchNormalization/moving_mean', 'l2_BatchNormalization/moving_variance', 'l1_Dense/bias']) {
      expect(names, frozen).not.toContain(frozen);
    }
    const exported = new Set(initializers(exportOnnx(m)).map((t) => t.name));
    for (const n of names) expect(exported.has(n), n).toBe(true);
    m.dispose();
  });

  it('initialModel: seeded fresh weights with the data’s normalisation, a global model training can start from', async () => {
    const t = await task('breast-cancer');
    const config = { model: MLP, epochs: 1, seed: 3 };
    const a = await initialModel({ data: t.files.train, schema: t.spec.schema, config, backend: 'cpu' });
    const b = await initialModel({ data: t.files.train, schema: t.spec.schema, config, backend: 'cpu' });
    const bytes = exportOnnx(a);
    expect(same(exportOnnx(b), bytes)).toBe(true);
    // Standard normalisation from the training file's statistics, not the identity.
    const scale = initializers(bytes).find((x) => x.name === 'l0_FlockAffine/scale')!;
    expect(new Float32Array(new Uint8Array(scale.raw_data!).buffer).some((v) => v !== 1)).toBe(true);
    const warm = await train({ data: t.files.train, schema: t.spec.schema, config, backend: 'cpu', initialOnnx: bytes });
    expect(graphOf(exportOnnx(warm.model))).toEqual(graphOf(bytes));
    for (const m of [a, b, warm.model]) m.dispose();
  });
});
