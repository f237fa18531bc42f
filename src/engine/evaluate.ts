/**
 * Scores any ONNX model against a task's hidden validation data with onnxruntime-node.
 *
 * Whatever a submitted model does (wrong shapes, garbage bytes, NaN outputs, a crash inside
 * onnxruntime, raw logits where the task reads class probabilities) the result is
 * `{ valid: false, code, reason }` (contract.ts says what to change), never an exception. Problems on the
 * validator's side (missing or malformed validation data, a bad contract) do throw: a validator
 * must not mark every model invalid because its own data is broken.
 */
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { TabularDataset, type Batch } from './data/dataset.js';
import type { DataSchema, ResolvedSchema } from './data/schema.js';
import { EngineError } from './errors.js';
import { createAccumulator, METRICS, type MetricDirection, type MetricName, type Metrics } from './metrics.js';
import { checkProbabilities, checkSignature, ContractViolation as Invalid, outputShapeProblem, type InvalidCode } from './contract.js';
import { inspectOnnx, type OnnxSummary } from './onnx/inspect.js';
import type { ModelContract } from './task.js';

export { INVALID_CODES, type InvalidCode } from './contract.js';

interface ResultBase {
  /** Size of the model file. */
  bytes: number;
  /** Hex sha256 of the model file (absent if it was too large to be hashed). */
  sha256?: string;
  parameterCount?: number;
  durationMs: number;
}

export interface ValidEvaluation extends ResultBase {
  valid: true;
  metric: MetricName;
  direction: MetricDirection;
  /** The task metric's value. */
  score: number;
  /** Every metric of the task type. */
  metrics: Metrics;
  samples: number;
  /** Inference throughput (excludes loading). */
  samplesPerSec: number;
}

export interface InvalidEvaluation extends ResultBase {
  valid: false;
  code: InvalidCode;
  /** `<code>: <human-readable detail>` */
  reason: string;
}

export type EvaluationResult = ValidEvaluation | InvalidEvaluation;

/** Validation rows in memory, ready to be fed to many models. */
export interface EvaluationData {
  schema: ResolvedSchema;
  x: Float32Array;
  y: Float32Array;
  size: number;
}

/** Loads a validation file (all rows) for repeated evaluation. Throws on bad data. */
export async function loadEvaluationData(file: string, schema: DataSchema): Promise<EvaluationData> {
  const ds = await TabularDataset.open(file, schema);
  const b = await ds.load('all');
  if (b.size === 0) throw new EngineError('bad-data', `${file}: no rows to evaluate on`);
  return { schema: ds.schema, ...b };
}

export interface EvaluateOptions {
  contract: ModelContract;
  metric: MetricName;
  /** The hidden validation data: a file (streamed in batches) or data loaded once for many models. */
  data: string | EvaluationData;
  /** Required when `data` is a file. */
  schema?: DataSchema;
  /** Expected hex sha256 of the model bytes. */
  expectedSha256?: string;
  /**
   * Extra integrity check (e.g. that the bytes match a content identifier). Return or resolve
   * `false` or a string (the reason), or throw, to reject the model as `hash-mismatch`.
   */
  verify?: (bytes: Uint8Array) => boolean | string | void | Promise<boolean | string | void>;
  /** Rows per inference call (default 256). */
  batchSize?: number;
  /** onnxruntime intra-op threads (default: onnxruntime's choice). */
  threads?: number;
}

function firstLine(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return (m.split('\n')[0] ?? m).slice(0, 300);
}

/**
 * Scores a model. Never throws for a bad model; throws EngineError for bad data or options.
 *
 * @example
 * const data = await loadEvaluationData('validation.csv.gz', task.schema);
 * const r = await evaluateModel(bytes, { contract: task.contract, metric: 'accuracy', data });
 * if (r.valid) console.log(r.score); else console.log(r.reason); // e.g. 'shape-mismatch: ...'
 */
export async function evaluateModel(bytes: Uint8Array, options: EvaluateOptions): Promise<EvaluationResult> {
  const started = performance.now();
  const { contract, metric } = options;
  if (!Object.hasOwn(METRICS, metric)) throw new EngineError('bad-config', `unknown metric '${metric}'`);
  const base: ResultBase = { bytes: bytes.length, durationMs: 0 };
  const invalid = (code: InvalidCode, detail: string): InvalidEvaluation => ({
    ...base,
    valid: false,
    code,
    reason: `${code}: ${detail}`,
    durationMs: performance.now() - started,
  });

  // Validator-side inputs first, so their errors are never blamed on the model.
  let data: EvaluationData | undefined;
  let stream: TabularDataset | undefined;
  if (typeof options.data === 'string') {
    if (!options.schema) throw new EngineError('bad-config', 'evaluateModel(): a schema is needed to read a data file');
    stream = await TabularDataset.open(options.data, options.schema);
  } else data = options.data;
  const schema = data?.schema ?? stream!.schema;
  const inSize = contract.inputShape.reduce((a, b) => a * b, 1);
  const outWidth = contract.outputShape.reduce((a, b) => a * b, 1);
  if (inSize !== schema.features.length) {
    throw new EngineError('bad-config', `contract inputShape [${contract.inputShape.join(', ')}] does not hold the ${schema.features.length} features of the data`);
  }
  const binaryWidth1 = schema.taskType === 'classification' && schema.numClasses === 2 && outWidth === 1;
  if (schema.taskType === 'classification' ? outWidth !== schema.numClasses && !binaryWidth1 : outWidth !== 1) {
    throw new EngineError('bad-config', `contract outputShape [${contract.outputShape.join(', ')}] does not fit a ${schema.taskType} task${schema.numClasses ? ` with ${schema.numClasses} classes` : ''}`);
  }
  if ((schema.taskType === 'classification') !== ['accuracy', 'f1', 'log-loss'].includes(metric)) {
    throw new EngineError('bad-config', `metric ${metric} does not fit a ${schema.taskType} task`);
  }

  if (bytes.length > contract.maxBytes) return invalid('too-large', `${bytes.length} bytes exceeds the limit of ${contract.maxBytes}`);
  base.sha256 = createHash('sha256').update(bytes).digest('hex');
  if (options.expectedSha256 && options.expectedSha256.toLowerCase() !== base.sha256) {
    return invalid('hash-mismatch', `sha256 ${base.sha256} differs from the expected ${options.expectedSha256.toLowerCase()}`);
  }
  if (options.verify) {
    let verdict: boolean | string | void;
    try {
      verdict = await options.verify(bytes);
    } catch (err) {
      verdict = firstLine(err);
    }
    if (verdict === false || typeof verdict === 'string') return invalid('hash-mismatch', typeof verdict === 'string' ? verdict : 'rejected by the integrity check');
  }

  let summary: OnnxSummary;
  try {
    summary = inspectOnnx(bytes);
  } catch (err) {
    return invalid('unparsable', firstLine(err));
  }
  if (summary.externalData) return invalid('unparsable', 'the model refers to external data files; submit a single self-contained file');
  base.parameterCount = summary.parameterCount;
  if (summary.parameterCount > contract.maxParams) {
    return invalid('too-many-params', `${summary.parameterCount} parameters exceeds the limit of ${contract.maxParams}`);
  }

  let session: ort.InferenceSession | undefined;
  try {
    const signature = checkSignature(summary, contract, schema);
    try {
      session = await ort.InferenceSession.create(bytes, {
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        logSeverityLevel: 4, // failures come back to us as errors; keep stderr quiet
        ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
      });
    } catch (err) {
      throw new Invalid('load-failed', `onnxruntime cannot load the model: ${firstLine(err)}`);
    }
    if (!session.inputNames.includes(signature.input) || !session.outputNames.includes(signature.output)) {
      throw new Invalid('shape-mismatch', `onnxruntime sees inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]`);
    }

    const acc = createAccumulator(schema.taskType, schema.numClasses, outWidth);
    const rowsPerRun = signature.fixedBatch ?? options.batchSize ?? 256;
    const batches: AsyncIterable<Batch> | Iterable<Batch> = data
      ? (function* () {
          for (let s = 0; s < data.size; s += rowsPerRun) {
            const n = Math.min(rowsPerRun, data.size - s);
            yield { x: data.x.subarray(s * inSize, (s + n) * inSize), y: data.y.subarray(s, s + n), size: n };
          }
        })()
      : stream!.batches('all', { batchSize: rowsPerRun });
    let inferMs = 0;
    for await (const b of batches) {
      // A fixed batch dimension gets zero-padded rows, whose outputs are dropped.
      const rows = signature.fixedBatch ?? b.size;
      let x = b.x;
      if (rows !== b.size) {
        x = new Float32Array(rows * inSize);
        x.set(b.x);
      }
      const t0 = performance.now();
      let out: ort.Tensor;
      try {
        const feeds = { [signature.input]: new ort.Tensor('float32', x, [rows, ...contract.inputShape]) };
        const result = await session.run(feeds, [signature.output], { logSeverityLevel: 4 });
        out = result[signature.output]!;
      } catch (err) {
        throw new Invalid('inference-failed', `onnxruntime failed to run the model: ${firstLine(err)}`);
      }
      inferMs += performance.now() - t0;
      if (out.type !== 'float32') throw new Invalid('type-mismatch', `output '${signature.output}' has element type ${out.type}; the task reads float32`);
      const shapeProblem = outputShapeProblem(signature.output, out.dims, contract.outputShape, schema, rows);
      if (shapeProblem) throw new Invalid('shape-mismatch', shapeProblem);
      const values = (out.data as Float32Array).subarray(0, b.size * outWidth);
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i]!)) throw new Invalid('non-finite-output', `output ${values[i]} for validation row ${acc.count + Math.floor(i / outWidth) + 1}`);
      }
      // A classification task reads class probabilities: raw logits would pass accuracy unnoticed.
      if (schema.taskType === 'classification') checkProbabilities(values, b.size, outWidth, acc.count);
      acc.add(values, b.y, b.size);
      out.dispose?.();
    }
    const metrics = acc.result();
    return {
      ...base,
      valid: true,
      metric,
      direction: METRICS[metric],
      score: metrics[metric]!,
      metrics,
      samples: acc.count,
      samplesPerSec: acc.count / Math.max(inferMs / 1000, 1e-9),
      durationMs: performance.now() - started,
    };
  } catch (err) {
    if (err instanceof Invalid) return invalid(err.code, err.message);
    if (err instanceof EngineError) throw err; // the validator's own data
    return invalid('inference-failed', firstLine(err));
  } finally {
    await session?.release().catch(() => undefined);
  }
}
