/** Builds the tfjs model for a config: normalisation, the hidden stack, and the task's head. */
import * as tf from '@tensorflow/tfjs';
import { EngineError } from '../errors.js';
import type { Affine as AffineMap } from '../data/normalise.js';
import { deriveSeed } from '../random.js';
import { buildCnn } from './cnn.js';
import type { ModelSpec } from './common.js';
import { modelConfigSchema, type ModelConfig, type ModelConfigInput } from './config.js';
import { Affine } from './layers.js';
import { buildMlp } from './mlp.js';

export type { ModelSpec } from './common.js';
export * from './config.js';
export { Affine, SeededDropout } from './layers.js';

export function parseModelConfig(input: unknown): ModelConfig {
  const r = modelConfigSchema.safeParse(input);
  if (!r.success) {
    const why = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new EngineError('bad-config', `invalid model config: ${why}`);
  }
  return r.data;
}

/**
 * A Sequential model: [FlockAffine normalisation] -> hidden layers -> Dense head (softmax over
 * classes, or linear for regression). Input is raw task input of `spec.inputShape`.
 *
 * @example
 * const model = buildModel({ kind: 'mlp', hidden: [64] }, { taskType: 'classification', inputShape: [30], outputShape: [2], seed: 1 });
 */
export function buildModel(config: ModelConfigInput | ModelConfig, spec: ModelSpec, normalisation: AffineMap | null = null): tf.Sequential {
  const cfg = parseModelConfig(config);
  const model = tf.sequential();
  if (normalisation) {
    model.add(new Affine({ inputShape: spec.inputShape, scale: Array.from(normalisation.scale), offset: Array.from(normalisation.offset) }));
  } else {
    model.add(tf.layers.inputLayer({ inputShape: spec.inputShape }));
  }
  if (cfg.kind === 'mlp') buildMlp(cfg, spec, model);
  else buildCnn(cfg, spec, model);
  const units = spec.outputShape.reduce((a, b) => a * b, 1);
  model.add(
    tf.layers.dense({
      units,
      activation: spec.taskType === 'classification' ? 'softmax' : 'linear',
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(spec.seed, 5) }),
    }),
  );
  return model;
}
