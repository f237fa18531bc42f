import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, initBackend, parseModelConfig } from '../../../src/engine/index.js';
import { SeededDropout } from '../../../src/engine/models/layers.js';

describe('models', () => {
  beforeAll(() => initBackend({ backend: 'wasm' }));

  it('builds an MLP and a CNN with the configured layers', () => {
    const norm = { scale: new Float32Array(64).fill(1 / 16), offset: new Float32Array(64) };
    const mlp = buildModel({ kind: 'mlp', hidden: [32, 16], batchNorm: true, dropout: 0.1, activation: 'elu' }, { taskType: 'classification', inputShape: [8, 8, 1], outputShape: [10], seed: 1 }, norm);
    expect(mlp.layers.map((l) => l.getClassName())).toEqual([
      'FlockAffine', 'Flatten',
      'Dense', 'BatchNormalization', 'Activation', 'FlockSeededDropout',
      'Dense', 'BatchNormalization', 'Activation', 'FlockSeededDropout',
      'Dense',
    ]);
    const cnn = buildModel({ kind: 'cnn' }, { taskType: 'classification', inputShape: [8, 8, 1], outputShape: [10], seed: 1 });
    expect(cnn.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);
    expect(cnn.outputs[0]!.shape).toEqual([null, 10]);
    expect(cnn.countParams()).toBe(16 * 9 + 16 + 32 * 16 * 9 + 32 + 128 * 64 + 64 + 64 * 10 + 10);
    for (const m of [mlp, cnn]) m.dispose();
  });

  it('same seed -> same initial weights', () => {
    const spec = { taskType: 'regression' as const, inputShape: [10], outputShape: [1], seed: 42 };
    const a = buildModel({ kind: 'mlp' }, spec);
    const b = buildModel({ kind: 'mlp' }, spec);
    const c = buildModel({ kind: 'mlp' }, { ...spec, seed: 43 });
    const w = (m: tf.LayersModel) => m.getWeights().map((x) => Array.from(x.dataSync()));
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    for (const m of [a, b, c]) m.dispose();
  });

  it('seeded dropout: identity at inference, a new reproducible mask at every training step', () => {
    const x = tf.ones([4, 50]);
    const masks = (seed: number) => {
      const d = new SeededDropout({ rate: 0.5, seed });
      expect(Array.from((d.apply(x, {}) as tf.Tensor).dataSync())).toEqual(new Array(200).fill(1));
      return [0, 1].map(() => Array.from((d.apply(x, { training: true }) as tf.Tensor).dataSync()));
    };
    const [m1, m2] = masks(7);
    expect(m1).not.toEqual(m2);
    expect(new Set(m1)).toEqual(new Set([0, 2]));
    expect(masks(7)).toEqual([m1, m2]);
    x.dispose();
  });

  it('validates configs', () => {
    const cnn = parseModelConfig({ kind: 'cnn' });
    expect(cnn.kind === 'cnn' && cnn.conv).toHaveLength(2);
    expect(() => parseModelConfig({ kind: 'mlp', activation: 'softmax' })).toThrow(/activation/);
    expect(() => parseModelConfig({ kind: 'rnn' })).toThrow(/invalid model config/);
    expect(() => buildModel({ kind: 'cnn', conv: [{ filters: 4 }, { filters: 4 }, { filters: 4 }, { filters: 4 }] }, { taskType: 'classification', inputShape: [8, 8, 1], outputShape: [10], seed: 1 })).toThrow(/smaller than poolSize/);
  });
});
