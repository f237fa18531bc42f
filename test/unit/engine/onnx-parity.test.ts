/**
 * Every model kind the engine exports must compute the same function in onnxruntime-node as in
 * tfjs, on real inputs: max |tfjs - onnx| <= 1e-4.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildModel,
  exportOnnx,
  initBackend,
  inspectOnnx,
  TabularDataset,
  train,
  type EvaluationData,
  type ModelConfigInput,
} from '../../../src/engine/index.js';
import { normalisationAffine, type Affine } from '../../../src/engine/data/normalise.js';
import { ACTIVATIONS } from '../../../src/engine/models/config.js';
import { maxAbsDiff, onnxPredict, task, tfPredict, validationData } from './helpers.js';

const TOLERANCE = 1e-4;
const diffs: Record<string, number> = {};

async function parity(name: string, model: tf.LayersModel, data: EvaluationData, inputShape: number[]): Promise<number> {
  const dims = [data.size, ...inputShape];
  const expected = tfPredict(model, data.x, dims);
  const bytes = exportOnnx(model);
  const got = await onnxPredict(bytes, data.x, dims);
  expect(got.dims).toEqual([data.size, ...(model.outputs[0]!.shape.slice(1) as number[])]);
  const d = maxAbsDiff(expected, got.data);
  diffs[name] = d;
  expect(d, name).toBeLessThanOrEqual(TOLERANCE);
  return d;
}

async function affineFor(name: 'digits' | 'breast-cancer' | 'diabetes', norm?: 'standard' | 'minmax'): Promise<Affine | null> {
  const t = await task(name);
  const ds = await TabularDataset.open(t.files.train, t.spec.schema);
  const stats = await ds.scan();
  return normalisationAffine(norm ?? ds.schema.normalisation, stats.features, ds.featureSize);
}

describe('ONNX export parity with tfjs (onnxruntime-node)', () => {
  let cancer: EvaluationData;
  let diabetes: EvaluationData;
  let digits: EvaluationData;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    [cancer, diabetes, digits] = await Promise.all([validationData('breast-cancer'), validationData('diabetes'), validationData('digits')]);
  });

  for (const activation of ACTIVATIONS) {
    it(`MLP with ${activation}: classification (softmax head) and regression (linear head)`, async () => {
      const cls = buildModel(
        { kind: 'mlp', hidden: [24, 12], activation },
        { taskType: 'classification', inputShape: [30], outputShape: [2], seed: 3 },
        await affineFor('breast-cancer'),
      );
      await parity(`mlp-${activation}-classification`, cls, cancer, [30]);
      const reg = buildModel(
        { kind: 'mlp', hidden: [16, 16], activation },
        { taskType: 'regression', inputShape: [10], outputShape: [1], seed: 4 },
        await affineFor('diabetes'),
      );
      await parity(`mlp-${activation}-regression`, reg, diabetes, [10]);
      for (const m of [cls, reg]) m.dispose();
    });
  }

  it('trained MLP with BatchNormalization and dropout (minmax normalisation)', async () => {
    const t = await task('breast-cancer');
    const r = await train({
      data: t.files.train,
      schema: { ...t.spec.schema, normalisation: 'minmax' },
      config: { model: { kind: 'mlp', hidden: [32, 16], batchNorm: true, dropout: 0.3, activation: 'tanh' }, epochs: 3, seed: 5 },
    });
    await parity('mlp-batchnorm-dropout', r.model, cancer, [30]);
    // BatchNormalization really is in the graph, in its inference form.
    expect(inspectOnnx(exportOnnx(r.model)).ops['BatchNormalization']).toBe(2);
    r.model.dispose();
  });

  it('trained regression MLP (target scaling folded into the last layer)', async () => {
    const t = await task('diabetes');
    const r = await train({ data: t.files.train, schema: t.spec.schema, config: { model: { kind: 'mlp', hidden: [16] }, epochs: 5, seed: 6 } });
    // Outputs are in the target's units (~25..350), so compare relative to their scale.
    const dims = [diabetes.size, 10];
    const expected = tfPredict(r.model, diabetes.x, dims);
    const got = await onnxPredict(exportOnnx(r.model), diabetes.x, dims);
    const d = maxAbsDiff(expected, got.data);
    diffs['mlp-regression-trained (target units ~25..350)'] = d;
    expect(d).toBeLessThanOrEqual(TOLERANCE);
    r.model.dispose();
  });

  it('MLP on image-shaped input flattens in tfjs order', async () => {
    const m = buildModel({ kind: 'mlp', hidden: [32] }, { taskType: 'classification', inputShape: [8, 8, 1], outputShape: [10], seed: 7 }, await affineFor('digits'));
    await parity('mlp-image-input', m, digits, [8, 8, 1]);
    m.dispose();
  });

  const cnns: [string, ModelConfigInput][] = [
    ['cnn-conv-maxpool-flatten-dense', { kind: 'cnn' }],
    ['cnn-avgpool', { kind: 'cnn', conv: [{ filters: 8, pool: 'avg' }, { filters: 12, kernelSize: 2, pool: 'avg' }], dense: [16], activation: 'elu' }],
    ['cnn-valid-stride2-nopool', { kind: 'cnn', conv: [{ filters: 6, kernelSize: 3, padding: 'valid', strides: 2, pool: 'none' }], dense: [], activation: 'selu' }],
    ['cnn-same-stride2-odd', { kind: 'cnn', conv: [{ filters: 5, kernelSize: 4, strides: 2, pool: 'max', poolSize: 3 }], dense: [8], activation: 'sigmoid' }],
  ];
  for (const [name, config] of cnns) {
    it(`CNN ${name}`, async () => {
      const affine = await affineFor('digits');
      const m = buildModel(config, { taskType: 'classification', inputShape: [8, 8, 1], outputShape: [10], seed: 8 }, affine);
      await parity(name, m, digits, [8, 8, 1]);
      // A linear head exposes raw activations that a softmax would squash.
      const reg = buildModel(config, { taskType: 'regression', inputShape: [8, 8, 1], outputShape: [1], seed: 8 }, affine);
      await parity(`${name} (linear head)`, reg, digits, [8, 8, 1]);
      for (const model of [m, reg]) model.dispose();
    });
  }

  it('trained CNN with BatchNormalization and dropout', async () => {
    const t = await task('digits');
    const r = await train({
      data: t.files.train,
      schema: t.spec.schema,
      config: { model: { kind: 'cnn', conv: [{ filters: 8 }, { filters: 16, pool: 'avg' }], dense: [32], batchNorm: true, dropout: 0.2 }, epochs: 2, seed: 9 },
    });
    await parity('cnn-batchnorm-dropout-trained', r.model, digits, [8, 8, 1]);
    const ops = inspectOnnx(exportOnnx(r.model)).ops;
    expect(ops['Conv']).toBe(2);
    expect(ops['BatchNormalization']).toBe(3);
    expect(ops['MaxPool']).toBe(1);
    expect(ops['AveragePool']).toBe(1);
    r.model.dispose();
  });

  it('hand-built tfjs model: dilation, GlobalAveragePooling, LeakyReLU, ReLU(max), Activation, Reshape', async () => {
    const m = tf.sequential();
    m.add(tf.layers.reshape({ inputShape: [8, 8, 1], targetShape: [8, 8, 1] }));
    m.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, dilationRate: 2, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), biasInitializer: tf.initializers.randomNormal({ seed: 2 }) }));
    m.add(tf.layers.leakyReLU({ alpha: 0.1 }));
    m.add(tf.layers.batchNormalization({ betaInitializer: tf.initializers.randomNormal({ seed: 3 }), movingVarianceInitializer: tf.initializers.constant({ value: 4 }) }));
    m.add(tf.layers.conv2d({ filters: 4, kernelSize: 2, padding: 'valid', activation: 'softplus', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
    m.add(tf.layers.reLU({ maxValue: 0.8 }));
    m.add(tf.layers.globalAveragePooling2d({}));
    m.add(tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }));
    m.add(tf.layers.activation({ activation: 'softmax' }));
    // Raw pixel counts 0..16 straight in: no normalisation layer.
    await parity('hand-built', m, digits, [8, 8, 1]);
    m.dispose();
  });

  it('reports the differences', () => {
    console.log('max |tfjs - onnxruntime| per model:', diffs);
    expect(Object.keys(diffs).length).toBeGreaterThan(20);
  });
});
