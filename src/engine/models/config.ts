/** Model hyperparameters, validated (they come from task.yaml or the command line). */
import { z } from 'zod';

/** Hidden-layer activations the engine trains and exports. */
export const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'elu', 'selu', 'softplus', 'softsign', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

const common = {
  activation: z.enum(ACTIVATIONS).default('relu'),
  /** Dropout rate after each hidden block (0 = none). */
  dropout: z.number().min(0).lt(1).default(0),
  /** BatchNormalization between each hidden layer and its activation. */
  batchNorm: z.boolean().default(false),
};

export const mlpConfigSchema = z
  .object({
    kind: z.literal('mlp'),
    /** Units of each hidden Dense layer. */
    hidden: z.array(z.number().int().positive()).default([128, 64]),
    ...common,
  })
  .strict();

export const convBlockSchema = z
  .object({
    filters: z.number().int().positive(),
    kernelSize: z.number().int().positive().default(3),
    strides: z.number().int().positive().default(1),
    padding: z.enum(['same', 'valid']).default('same'),
    pool: z.enum(['max', 'avg', 'none']).default('max'),
    poolSize: z.number().int().positive().default(2),
  })
  .strict();

export const cnnConfigSchema = z
  .object({
    kind: z.literal('cnn'),
    conv: z.array(convBlockSchema).min(1).default(() => [
      { filters: 16, kernelSize: 3, strides: 1, padding: 'same' as const, pool: 'max' as const, poolSize: 2 },
      { filters: 32, kernelSize: 3, strides: 1, padding: 'same' as const, pool: 'max' as const, poolSize: 2 },
    ]),
    /** Units of the Dense layers after Flatten. */
    dense: z.array(z.number().int().positive()).default([64]),
    ...common,
  })
  .strict();

export const modelConfigSchema = z.discriminatedUnion('kind', [mlpConfigSchema, cnnConfigSchema]);

export type MlpConfig = z.output<typeof mlpConfigSchema>;
export type CnnConfig = z.output<typeof cnnConfigSchema>;
export type ConvBlock = z.output<typeof convBlockSchema>;
export type ModelConfig = z.output<typeof modelConfigSchema>;
/** What callers may write: every field but `kind` has a default. */
export type ModelConfigInput = z.input<typeof modelConfigSchema>;
