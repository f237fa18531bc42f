/** Small convolutional network for image-shaped input ([height, width, channels], channels last). */
import * as tf from '@tensorflow/tfjs';
import { EngineError } from '../errors.js';
import { deriveSeed } from '../random.js';
import type { CnnConfig } from './config.js';
import { hiddenBlock, type ModelSpec } from './common.js';

export function buildCnn(config: CnnConfig, spec: ModelSpec, model: tf.Sequential): void {
  if (spec.inputShape.length !== 3) {
    throw new EngineError('bad-config', `a cnn needs an image-shaped inputShape [height, width, channels], got [${spec.inputShape.join(', ')}]`, {
      hint: 'set schema.inputShape (e.g. [8, 8, 1]) or use an mlp',
    });
  }
  let [h, w] = spec.inputShape as [number, number, number];
  config.conv.forEach((block, i) => {
    const conv = tf.layers.conv2d({
      filters: block.filters,
      kernelSize: block.kernelSize,
      strides: block.strides,
      padding: block.padding,
      activation: config.batchNorm ? 'linear' : config.activation,
      useBias: !config.batchNorm,
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(spec.seed, 2, i) }),
    });
    const out = (n: number) => (block.padding === 'same' ? Math.ceil(n / block.strides) : Math.ceil((n - block.kernelSize + 1) / block.strides));
    [h, w] = [out(h), out(w)];
    // Dropout belongs after the dense layers; conv blocks get BatchNorm and pooling only.
    hiddenBlock(model, conv, { ...config, dropout: 0 }, spec, 100 + i);
    if (block.pool !== 'none') {
      if (h < block.poolSize || w < block.poolSize) {
        throw new EngineError('bad-config', `conv block ${i + 1}: a ${h}x${w} feature map is smaller than poolSize ${block.poolSize}`, {
          hint: 'use fewer conv blocks, pool: none, or padding: same',
        });
      }
      const args = { poolSize: block.poolSize, strides: block.poolSize, padding: 'valid' as const };
      model.add(block.pool === 'max' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args));
      [h, w] = [Math.floor(h / block.poolSize), Math.floor(w / block.poolSize)];
    }
    if (h < 1 || w < 1) throw new EngineError('bad-config', `conv block ${i + 1} leaves an empty feature map`);
  });
  model.add(tf.layers.flatten({}));
  config.dense.forEach((units, i) => {
    const dense = tf.layers.dense({
      units,
      activation: config.batchNorm ? 'linear' : config.activation,
      useBias: !config.batchNorm,
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(spec.seed, 3, i) }),
    });
    hiddenBlock(model, dense, config, spec, 200 + i);
  });
}
