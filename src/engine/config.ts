/**
 * The trainer's hyperparameters, kept apart from train.ts so code that only reads task specs
 * (validators, `flock task`) does not load tfjs.
 */
import { z } from 'zod';
import { EngineError } from './errors.js';
import { modelConfigSchema } from './models/config.js';

export const trainerConfigSchema = z
  .object({
    model: modelConfigSchema,
    epochs: z.number().int().positive().default(20),
    batchSize: z.number().int().positive().default(32),
    learningRate: z.number().positive().default(1e-3),
    optimizer: z.enum(['adam', 'sgd', 'rmsprop']).default('adam'),
    /** Share of the training file held out to monitor training (early stopping). */
    validationFraction: z.number().min(0).lt(1).default(0.1),
    /** Stop after `patience` epochs without a validation-loss improvement of at least `minDelta`. */
    earlyStopping: z
      .object({
        patience: z.number().int().positive(),
        minDelta: z.number().min(0).default(0),
        /** Keep the weights of the best epoch rather than the last. */
        restoreBest: z.boolean().default(true),
      })
      .strict()
      .optional(),
    seed: z.number().int().min(0).default(0),
    /** Data larger than this is streamed from disk every epoch instead of held in memory. */
    maxInMemoryBytes: z.number().int().min(0).default(256 * 1024 * 1024),
    /** Rows in the streaming shuffle buffer. */
    shuffleBufferRows: z.number().int().positive().default(10_000),
  })
  .strict();

export type TrainerConfig = z.output<typeof trainerConfigSchema>;
export type TrainerConfigInput = z.input<typeof trainerConfigSchema>;

export function parseTrainerConfig(input: unknown): TrainerConfig {
  const r = trainerConfigSchema.safeParse(input);
  if (!r.success) {
    const why = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new EngineError('bad-config', `invalid trainer config: ${why}`);
  }
  return r.data;
}

