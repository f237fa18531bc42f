/**
 * The engine-facing part of a task spec (task.yaml): data schema, metric, model contract,
 * baseline and a suggested trainer config. Chain-side fields (stakes, phases) may sit alongside;
 * they are kept but not interpreted here.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { checkDataFile, DEFAULT_MIN_ROWS, type DataCheckResult } from './data/check.js';
import { dataSchemaSchema, parseDataSchema } from './data/schema.js';
import { EngineError } from './errors.js';
import { METRICS, type MetricName } from './metrics.js';
import { trainerConfigSchema } from './config.js';

const shape = z.array(z.number().int().positive()).min(1);

/** What a submitted model must satisfy to be scored at all. */
export const modelContractSchema = z
  .object({
    format: z.literal('onnx').default('onnx'),
    /** Input shape without the batch dimension (float32, channels last for images). */
    inputShape: shape,
    /** Output shape without the batch dimension. */
    outputShape: shape,
    /** Most tensor elements stored in the model (initializers and constants). */
    maxParams: z.number().int().positive(),
    /** Largest accepted model file. */
    maxBytes: z.number().int().positive(),
  })
  .strict();
export type ModelContract = z.input<typeof modelContractSchema>;

const metricNames = Object.keys(METRICS) as [MetricName, ...MetricName[]];

export const taskSpecSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    license: z.string().optional(),
    data: z
      .object({
        source: z.string().optional(),
        train: z.string(),
        validation: z.string().optional(),
        split: z.object({ seed: z.number().int(), validationFraction: z.number().min(0).lt(1) }).optional(),
        /** Fewest rows the training data and the validation set may have (default DEFAULT_MIN_ROWS). */
        minRows: z.number().int().positive().optional(),
      })
      .loose(),
    schema: dataSchemaSchema,
    metric: z
      .object({
        name: z.enum(metricNames),
        direction: z.enum(['higher', 'lower']).optional(),
        /**
         * How far (absolute, in the metric's units) a validator's score may lie from the consensus
         * without being slashed. Required on chain for mse, mae and log-loss; accuracy and f1 may
         * leave it to the governed default (arena.validatorTolerance).
         */
        tolerance: z.number().positive().optional(),
      })
      .strict(),
    contract: modelContractSchema,
    baseline: z.number().optional(),
    trainer: trainerConfigSchema.optional(),
  })
  .loose();
export type TaskSpec = z.output<typeof taskSpecSchema>;

/** Validates a task spec object; checks that the metric, schema and contract agree. */
export function parseTaskSpec(input: unknown): TaskSpec {
  const r = taskSpecSchema.safeParse(input);
  if (!r.success) {
    const why = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new EngineError('bad-config', `invalid task spec: ${why}`);
  }
  const t = r.data;
  parseDataSchema(t.schema);
  const want = METRICS[t.metric.name];
  if (t.metric.direction && t.metric.direction !== want) {
    throw new EngineError('bad-config', `metric ${t.metric.name}: ${want} is better, the spec says ${t.metric.direction}`);
  }
  const classification = t.schema.taskType === 'classification';
  if (classification !== ['accuracy', 'f1', 'log-loss'].includes(t.metric.name)) {
    throw new EngineError('bad-config', `metric ${t.metric.name} does not fit a ${t.schema.taskType} task`);
  }
  const outWidth = t.contract.outputShape.reduce((a, b) => a * b, 1);
  const classes = t.schema.numClasses ?? t.schema.classNames?.length ?? 0;
  const outOk = classification ? outWidth === classes || (classes === 2 && outWidth === 1) : outWidth === 1;
  if (!outOk) {
    throw new EngineError('bad-config', `contract.outputShape [${t.contract.outputShape}] does not fit a ${t.schema.taskType} task${classification ? ` with ${classes} classes` : ''}`);
  }
  if (t.schema.inputShape && t.schema.inputShape.join(',') !== t.contract.inputShape.join(',')) {
    throw new EngineError('bad-config', `schema.inputShape [${t.schema.inputShape}] differs from contract.inputShape [${t.contract.inputShape}]`);
  }
  return t;
}

export interface LoadedTask {
  spec: TaskSpec;
  /** Directory of the task file; data paths in the spec are relative to it. */
  dir: string;
  /** Absolute paths of the data files named in the spec. */
  files: { train: string; validation?: string; source?: string };
}

/** Reads and validates a task.yaml. */
export async function loadTaskSpec(file: string): Promise<LoadedTask> {
  let raw: unknown;
  try {
    raw = parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new EngineError('bad-config', `${file}: ${(err as Error).message}`, { cause: err });
  }
  const spec = parseTaskSpec(raw);
  const dir = path.dirname(path.resolve(file));
  const at = (p: string | undefined) => (p === undefined ? undefined : path.resolve(dir, p));
  const validation = at(spec.data.validation);
  const source = at(spec.data.source);
  return {
    spec,
    dir,
    files: { train: at(spec.data.train)!, ...(validation ? { validation } : {}), ...(source ? { source } : {}) },
  };
}

export interface TaskDataCheck {
  train: DataCheckResult;
  validation?: DataCheckResult;
}

/**
 * Checks a task's training data and, when given, its validation set against the spec's schema
 * and model contract (checkDataFile: columns, finite values within bounds, valid labels, at least
 * `data.minRows` rows); the validation set must have the training data's features in the same
 * order. Streams both files; throws EngineError('bad-data') naming the file, line and column.
 *
 * @example
 * const { spec, files } = await loadTaskSpec('task.yaml');
 * await checkTaskData(spec, files); // before anything is uploaded or staked
 */
export async function checkTaskData(spec: TaskSpec, files: { train: string; validation?: string }): Promise<TaskDataCheck> {
  const options = { minRows: spec.data.minRows ?? DEFAULT_MIN_ROWS, contract: spec.contract };
  const train = await checkDataFile(files.train, spec.schema, options);
  if (files.validation === undefined) return { train };
  const validation = await checkDataFile(files.validation, spec.schema, { ...options, features: train.features });
  return { train, validation };
}
