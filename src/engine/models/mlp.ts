/** Multi-layer perceptron for tabular (or flattened image) input. */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random.js';
import type { MlpConfig } from './config.js';
import { hiddenBlock, type ModelSpec } from './common.js';

export function buildMlp(config: MlpConfig, spec: ModelSpec, model: tf.Sequential): void {
  if (spec.inputShape.length > 1) model.add(tf.layers.flatten({}));
  config.hidden.forEach((units, i) => {
    const dense = tf.layers.dense({
      units,
      activation: config.batchNorm ? 'linear' : config.activation,
      useBias: !config.batchNorm, // BatchNormalization's beta takes the bias' role
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(spec.seed, 1, i) }),
    });
    hiddenBlock(model, dense, config, spec, i);
  });
}
