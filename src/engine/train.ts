/**
 * Training loop. It owns batching (in memory when the data fits, streamed from disk otherwise),
 * seeded shuffling, validation, early stopping and progress reporting; tfjs only runs the steps
 * (`trainOnBatch`). Progress goes to callbacks: rendering is the CLI's business.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendChoice, type BackendInfo } from './backend.js';
import { memoryBatches, TabularDataset, type Batch, type DatasetStats } from './data/dataset.js';
import { normalisationAffine } from './data/normalise.js';
import type { DataSchema, ResolvedSchema } from './data/schema.js';
import { EngineError } from './errors.js';
import { createAccumulator, type Metrics } from './metrics.js';
import { buildModel } from './models/index.js';
import { deriveSeed, permutation } from './random.js';
import { loadInitializers } from './warm-start.js';

import { parseTrainerConfig, type TrainerConfig, type TrainerConfigInput } from './config.js';

export { parseTrainerConfig, trainerConfigSchema, type TrainerConfig, type TrainerConfigInput } from './config.js';

export interface EpochReport {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** Mean training loss over the epoch (standardised target units for regression). */
  loss: number;
  valLoss?: number;
  /** Task metrics on the held-out rows, in the task's units. */
  valMetrics?: Metrics;
  /** Training throughput of this epoch (excludes validation). */
  samplesPerSec: number;
  durationMs: number;
  /** Whether this epoch is the best so far (by validation loss, else training loss). */
  improved: boolean;
}

export interface BatchReport {
  epoch: number;
  batch: number;
  loss: number;
  samplesSeen: number;
}

export interface TrainOptions {
  /** A training file (CSV or JSONL, plain or gzip), or an opened dataset (its split is used). */
  data: string | TabularDataset;
  /** Required when `data` is a path. */
  schema?: DataSchema;
  config: TrainerConfigInput;
  backend?: BackendChoice;
  onEpoch?: (report: EpochReport) => void;
  onBatch?: (report: BatchReport) => void;
  /** Aborting stops between batches with an EngineError('aborted'). */
  signal?: AbortSignal;
  /**
   * A global model (ONNX bytes) to start from instead of fresh weights: federated rounds. Its graph
   * must be the one `config.model` builds (see warm-start.ts); its normalisation is kept.
   */
  initialOnnx?: Uint8Array;
}

export interface TrainResult {
  /** Takes raw task inputs and returns class probabilities or target values; for prediction and export (its optimizer is disposed). Dispose it when done. */
  model: tf.Sequential;
  backend: BackendInfo;
  schema: ResolvedSchema;
  config: TrainerConfig;
  stats: DatasetStats;
  history: EpochReport[];
  /** Epoch whose weights the model holds (1-based). */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Whether the training rows were held in memory or streamed from disk each epoch. */
  mode: 'memory' | 'streaming';
  durationMs: number;
}

function makeOptimizer(cfg: TrainerConfig): tf.Optimizer {
  if (cfg.optimizer === 'sgd') return tf.train.sgd(cfg.learningRate);
  if (cfg.optimizer === 'rmsprop') return tf.train.rmsprop(cfg.learningRate);
  return tf.train.adam(cfg.learningRate);
}

/** Multiplies the final Dense layer so it outputs raw targets: y = (Wx + b) * std + mean. */
function foldTargetScaling(model: tf.Sequential, mean: number, std: number): void {
  const last = model.layers[model.layers.length - 1]!;
  const [kernel, bias] = last.getWeights() as [tf.Tensor, tf.Tensor];
  const folded = tf.tidy(() => [kernel.mul(std), bias.mul(std).add(mean)]);
  last.setWeights(folded);
  tf.dispose(folded);
}

/**
 * Trains a model on a task's data.
 *
 * @example
 * const r = await train({
 *   data: 'examples/tasks/digits/train.csv.gz',
 *   schema: task.schema,
 *   config: { model: { kind: 'cnn' }, epochs: 20, seed: 1 },
 *   onEpoch: (e) => console.log(e.epoch, e.loss, e.valMetrics),
 * });
 * const onnx = exportOnnx(r.model);
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  try {
    return await trainOnce(options);
  } catch (err) {
    if (err instanceof EngineError) throw err;
    // Whatever else fails (a tfjs kernel, the backend, memory) is reported as the engine's
    // failure with its cause, never as a crash: the caller (a trainer that has staked) gets a
    // documented code and a next step.
    const m = err instanceof Error ? err.message : String(err);
    throw new EngineError('training-failed', `training failed: ${(m.split('\n')[0] ?? m).slice(0, 300)}`, {
      hint: 'try another --backend or a smaller model or batchSize; --log-level debug shows the cause',
      cause: err,
    });
  }
}

/** What training and a fresh initial model share: the config, the backend, the data and the built model. */
async function prepare(options: TrainOptions) {
  const cfg = parseTrainerConfig(options.config);
  const backend = await initBackend({ backend: options.backend ?? 'auto' });

  let ds: TabularDataset;
  if (typeof options.data === 'string') {
    if (!options.schema) throw new EngineError('bad-config', 'train(): a schema is needed to read a data file');
    ds = await TabularDataset.open(options.data, options.schema, {
      split: { validationFraction: cfg.validationFraction, seed: cfg.seed },
    });
  } else ds = options.data;
  const schema = ds.schema;
  const stats = await ds.scan();
  const regression = schema.taskType === 'regression';
  const targetMean = regression ? (stats.labelMean ?? 0) : 0;
  const targetStd = regression && stats.labelStd && stats.labelStd > 1e-12 ? stats.labelStd : 1;

  const affine = normalisationAffine(schema.normalisation, stats.features, ds.featureSize);
  const model = buildModel(cfg.model, { taskType: schema.taskType, inputShape: schema.inputShape, outputShape: schema.outputShape, seed: cfg.seed }, affine);
  return { cfg, backend, ds, schema, stats, regression, targetMean, targetStd, model };
}

/**
 * The model `config` builds with fresh (seeded) weights and no training step, its normalisation
 * taken from `data`'s statistics: round 0 of a federated task. exportOnnx(model) is the first
 * global model. A regression model outputs raw targets, as a trained one does.
 *
 * @example
 * const global0 = exportOnnx(await initialModel({ data: 'train.csv.gz', schema, config }));
 */
export async function initialModel(options: Omit<TrainOptions, 'initialOnnx' | 'onEpoch' | 'onBatch' | 'signal'>): Promise<tf.Sequential> {
  const p = await prepare(options);
  if (p.regression) foldTargetScaling(p.model, p.targetMean, p.targetStd);
  return p.model;
}

async function trainOnce(options: TrainOptions): Promise<TrainResult> {
  const started = performance.now();
  const { cfg, backend, ds, schema, stats, regression, targetMean, targetStd, model } = await prepare(options);
  const f = ds.featureSize;
  if (options.initialOnnx) {
    try {
      loadInitializers(model, options.initialOnnx);
    } catch (err) {
      model.dispose();
      throw err;
    }
    // An exported regression model outputs raw targets (foldTargetScaling); training runs on
    // standardised ones, so undo the fold with this data's statistics (and redo it at the end).
    if (regression) foldTargetScaling(model, -targetMean / targetStd, 1 / targetStd);
  }
  // The model does not own an optimizer passed as an object (model.dispose() leaves it), so
  // training disposes it when it ends: the returned model is for prediction and export.
  const optimizer = makeOptimizer(cfg);
  model.compile({ optimizer, loss: regression ? 'meanSquaredError' : 'categoricalCrossentropy' });

  const inMemory = ds.bytesFor(stats.trainRows) <= cfg.maxInMemoryBytes;
  const trainData = inMemory ? await ds.load('train') : undefined;
  const valData = stats.validationRows > 0 && ds.bytesFor(stats.validationRows) <= cfg.maxInMemoryBytes ? await ds.load('validation') : undefined;

  const width = schema.outputShape.reduce((a, b) => a * b, 1);
  const toTensors = (b: Batch): [tf.Tensor, tf.Tensor] => {
    const x = tf.tensor(b.x, [b.size, ...schema.inputShape]);
    let y: Float32Array;
    if (regression) {
      y = new Float32Array(b.size);
      for (let i = 0; i < b.size; i++) y[i] = (b.y[i]! - targetMean) / targetStd;
    } else {
      y = new Float32Array(b.size * width);
      for (let i = 0; i < b.size; i++) y[i * width + b.y[i]!] = 1;
    }
    return [x, tf.tensor2d(y, [b.size, width])];
  };

  const validate = async (): Promise<{ loss: number; metrics: Metrics } | undefined> => {
    if (stats.validationRows === 0) return undefined;
    const acc = createAccumulator(schema.taskType, schema.numClasses, width);
    let lossSum = 0;
    const batches = valData ? memoryBatches(valData, f, 512) : ds.batches('validation', { batchSize: 512 });
    for await (const b of batches) {
      const out = tf.tidy(() => (model.predict(tf.tensor(b.x, [b.size, ...schema.inputShape])) as tf.Tensor).dataSync() as Float32Array);
      if (regression) {
        for (let i = 0; i < b.size; i++) {
          out[i] = out[i]! * targetStd + targetMean;
          lossSum += ((out[i]! - b.y[i]!) / targetStd) ** 2;
        }
      } else {
        // Keras' categorical cross-entropy clips probabilities to [1e-7, 1 - 1e-7].
        for (let i = 0; i < b.size; i++) lossSum -= Math.log(Math.min(Math.max(out[i * width + b.y[i]!]!, 1e-7), 1 - 1e-7));
      }
      acc.add(out, b.y, b.size);
    }
    return { loss: lossSum / acc.count, metrics: acc.result() };
  };

  const history: EpochReport[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] | undefined;
  let sinceBest = 0;
  let stoppedEarly = false;
  const es = cfg.earlyStopping;

  try {
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      const t0 = performance.now();
      const epochSeed = deriveSeed(cfg.seed, 1000, epoch);
      const batches = trainData
        ? memoryBatches(trainData, f, cfg.batchSize, permutation(trainData.size, epochSeed))
        : ds.batches('train', { batchSize: cfg.batchSize, shuffle: { seed: epochSeed, bufferRows: cfg.shuffleBufferRows } });
      let lossSum = 0;
      let seen = 0;
      let batchNo = 0;
      for await (const b of batches) {
        if (options.signal?.aborted) throw new EngineError('aborted', 'training was aborted');
        const [x, y] = toTensors(b);
        let loss: number;
        try {
          const r = await model.trainOnBatch(x, y);
          loss = Array.isArray(r) ? r[0]! : r;
        } finally {
          x.dispose();
          y.dispose();
        }
        lossSum += loss * b.size;
        seen += b.size;
        options.onBatch?.({ epoch, batch: ++batchNo, loss, samplesSeen: seen });
        // trainOnBatch settles on microtasks only: without a turn of the event loop, timers and
        // signal handlers (SIGTERM -> abort) would wait for the whole training.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const trainMs = performance.now() - t0;
      const loss = lossSum / Math.max(seen, 1);
      if (!Number.isFinite(loss)) {
        throw new EngineError('bad-config', `training diverged (loss ${loss} in epoch ${epoch})`, { hint: 'lower the learning rate or enable normalisation' });
      }
      const val = await validate();
      const monitored = val ? val.loss : loss;
      const improved = monitored < best - (es?.minDelta ?? 0);
      if (improved) {
        best = monitored;
        bestEpoch = epoch;
        sinceBest = 0;
        if (es?.restoreBest) {
          tf.dispose(bestWeights);
          bestWeights = model.getWeights().map((w) => w.clone());
        }
      } else sinceBest++;
      const report: EpochReport = {
        epoch,
        epochs: cfg.epochs,
        loss,
        ...(val ? { valLoss: val.loss, valMetrics: val.metrics } : {}),
        samplesPerSec: seen / (trainMs / 1000),
        durationMs: performance.now() - t0,
        improved,
      };
      history.push(report);
      options.onEpoch?.(report);
      if (es && val && sinceBest >= es.patience) {
        stoppedEarly = epoch < cfg.epochs;
        break;
      }
    }
    if (bestWeights && bestEpoch !== history.length) model.setWeights(bestWeights);
    else bestEpoch = history.length;
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    tf.dispose(bestWeights);
    optimizer.dispose();
  }
  if (regression) foldTargetScaling(model, targetMean, targetStd);

  return {
    model,
    backend,
    schema,
    config: cfg,
    stats,
    history,
    bestEpoch,
    stoppedEarly,
    mode: inMemory ? 'memory' : 'streaming',
    durationMs: performance.now() - started,
  };
}
