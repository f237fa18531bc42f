/** Pieces shared by the model builders. */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random.js';
import type { Activation } from './config.js';
import { SeededDropout } from './layers.js';

export interface ModelSpec {
  taskType: 'classification' | 'regression';
  inputShape: number[];
  outputShape: number[];
  seed: number;
}

/** Adds a hidden layer followed, as configured, by BatchNormalization + activation and dropout. */
export function hiddenBlock(
  model: tf.Sequential,
  layer: tf.layers.Layer,
  config: { activation: Activation; batchNorm: boolean; dropout: number },
  spec: ModelSpec,
  index: number,
): void {
  model.add(layer);
  if (config.batchNorm) {
    model.add(tf.layers.batchNormalization({}));
    if (config.activation !== 'linear') model.add(tf.layers.activation({ activation: config.activation }));
  }
  if (config.dropout > 0) model.add(new SeededDropout({ rate: config.dropout, seed: deriveSeed(spec.seed, 4, index) }));
}
