/**
 * The data schema of a task: which columns are features, which is the label, the task type and
 * how features are normalised. Resolving it against a table's columns fixes column indices and the
 * model's input and output shapes.
 */
import { z } from 'zod';
import { EngineError } from '../errors.js';

const positiveInt = z.number().int().positive();

export const normalisationSchema = z.union([
  z.enum(['none', 'standard', 'minmax']),
  z.object({ scale: z.number().positive().finite() }).strict(),
]);
export type Normalisation = z.infer<typeof normalisationSchema>;

export const dataSchemaSchema = z
  .object({
    features: z.union([z.array(z.string().min(1)).min(1), z.literal('all-but-label')]),
    label: z.string().min(1),
    taskType: z.enum(['classification', 'regression']),
    /** Required for classification (or implied by `classNames`). */
    numClasses: positiveInt.min(2).optional(),
    /** Names of the classes in label order; lets labels be given as names instead of indices. */
    classNames: z.array(z.string()).min(2).optional(),
    /** Shape of one input without the batch dimension, channels last (e.g. [8, 8, 1]). */
    inputShape: z.array(positiveInt).min(1).optional(),
    normalisation: normalisationSchema.default('none'),
  })
  .strict();
export type DataSchema = z.input<typeof dataSchemaSchema>;
type ParsedDataSchema = z.output<typeof dataSchemaSchema>;

export interface ResolvedSchema {
  features: string[];
  label: string;
  taskType: 'classification' | 'regression';
  /** Classes for classification, 0 for regression. */
  numClasses: number;
  classNames?: string[];
  /** Model input shape without the batch dimension. */
  inputShape: number[];
  /** Model output shape without the batch dimension: [numClasses] or [1]. */
  outputShape: number[];
  normalisation: Normalisation;
  /** Column index of each feature, in feature order. */
  featureIndex: number[];
  labelIndex: number;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Validates a schema object (e.g. from task.yaml) and fills defaults. */
export function parseDataSchema(input: unknown): ParsedDataSchema {
  const r = dataSchemaSchema.safeParse(input);
  if (!r.success) throw new EngineError('bad-schema', `invalid data schema: ${describeIssues(r.error)}`);
  const s = r.data;
  if (s.taskType === 'classification') {
    if (s.numClasses === undefined && s.classNames === undefined) {
      throw new EngineError('bad-schema', 'a classification schema needs numClasses (or classNames)');
    }
    if (s.numClasses !== undefined && s.classNames !== undefined && s.classNames.length !== s.numClasses) {
      throw new EngineError('bad-schema', `classNames has ${s.classNames.length} names but numClasses is ${s.numClasses}`);
    }
  }
  return s;
}

/** Binds a schema to a table's columns. */
export function resolveSchema(input: DataSchema, columns: readonly string[]): ResolvedSchema {
  const s = parseDataSchema(input);
  const labelIndex = columns.indexOf(s.label);
  if (labelIndex < 0) {
    throw new EngineError('bad-schema', `label column '${s.label}' not found (columns: ${columns.slice(0, 8).join(', ')}${columns.length > 8 ? ', ...' : ''})`);
  }
  const features = s.features === 'all-but-label' ? columns.filter((c) => c !== s.label) : s.features;
  const featureIndex = features.map((f) => {
    const i = columns.indexOf(f);
    if (i < 0) throw new EngineError('bad-schema', `feature column '${f}' not found`);
    if (i === labelIndex) throw new EngineError('bad-schema', `column '${f}' is both a feature and the label`);
    return i;
  });
  const inputShape = s.inputShape ?? [features.length];
  const size = inputShape.reduce((a, b) => a * b, 1);
  if (size !== features.length) {
    throw new EngineError('bad-schema', `inputShape [${inputShape.join(', ')}] holds ${size} values but there are ${features.length} features`);
  }
  const numClasses = s.taskType === 'classification' ? (s.numClasses ?? s.classNames!.length) : 0;
  return {
    features,
    label: s.label,
    taskType: s.taskType,
    numClasses,
    ...(s.classNames ? { classNames: s.classNames } : {}),
    inputShape,
    outputShape: s.taskType === 'classification' ? [numClasses] : [1],
    normalisation: s.normalisation,
    featureIndex,
    labelIndex,
  };
}
