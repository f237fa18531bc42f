/**
 * `flock task init`: a task folder from one's own table. The label's type is inferred
 * (profileTable's rule), the rows are split with a seeded stratified split into train.csv and the
 * hidden validation.csv, and a task.yaml is written with the schema, the metric, a model contract
 * for tabular input, a trainer config `flock train` can use, and a baseline: the score, on the
 * validation set, of a model that ignores the features (the training class frequencies, or the
 * training mean). The baseline goes on chain with the task; a node whose model does not beat it
 * is not paid. The written files then pass the same check as `flock task create`.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { checkTaskData, loadTaskSpec } from '../engine/task.js';
import { DEFAULT_MIN_ROWS } from '../engine/data/check.js';
import { profileTable, type TableProfile } from '../engine/data/profile.js';
import { quantileStrata, stratifiedSplit } from '../engine/data/split.js';
import { openTable } from '../engine/data/table.js';
import { EngineError } from '../engine/errors.js';
import { CLASSIFICATION_METRICS, computeMetrics, METRICS, REGRESSION_METRICS, type MetricDirection, type MetricName } from '../engine/metrics.js';
import { AbortError } from '../errors/index.js';

export interface InitTaskOptions {
  /** The table (CSV or JSONL, plain or gzip) with a header. */
  data: string;
  /** The column to predict. */
  label: string;
  /** The task folder to write (see defaultTaskDir). */
  out: string;
  seed?: number;
  /** Share of the rows in the hidden validation set (default 0.2). */
  validationFraction?: number;
  /** Default: accuracy for classification, mse for regression. */
  metric?: MetricName;
  /** Skip the inference of the task type. */
  taskType?: 'classification' | 'regression';
  /** Task name (default: the data file's name). */
  name?: string;
  /** Write over task.yaml, train.csv and validation.csv in `out`. */
  force?: boolean;
}

export interface InitTaskResult {
  dir: string;
  /** The task.yaml written. */
  spec: string;
  train: string;
  validation: string;
  source: string;
  name: string;
  rows: number;
  features: string[];
  label: string;
  taskType: 'classification' | 'regression';
  /** Why this task type. */
  rule: string;
  classes?: { name: string; count: number; train: number; validation: number }[];
  labelStats?: { min: number; max: number; mean: number };
  split: { method: 'stratified'; seed: number; validationFraction: number; train: number; validation: number };
  metric: MetricName;
  direction: MetricDirection;
  /** The featureless model's score on the validation set. */
  baselineScore: number;
  /** What goes in task.yaml: baselineScore rounded to 4 significant digits towards the harder side. */
  baseline: number;
  baselineModel: string;
  /** mse, mae and log-loss: how far a validator may lie from the consensus unslashed (1% of the baseline). */
  tolerance?: number;
}

export const TASK_FILES = ['task.yaml', 'train.csv', 'validation.csv'] as const;
const DEFAULT_SEED = 1;
const DEFAULT_VALIDATION = 0.2;
/** Strata of a regression target: bins of sorted values. */
const REGRESSION_BINS = 10;

/** `./<data file name without extensions>-task`, e.g. `iris.csv.gz` -> `./iris-task`. */
export function defaultTaskDir(data: string, cwd = process.cwd()): string {
  return path.resolve(cwd, `${path.basename(data).replace(/(\.gz)?$/i, '').replace(/\.[^.]*$/, '')}-task`);
}

/**
 * `x` to 4 significant digits, rounded so that a model scoring exactly `x` does not beat it
 * (up when higher is better, down when lower is).
 */
export function strictBaseline(x: number, direction: MetricDirection): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const step = 10 ** (Math.floor(Math.log10(Math.abs(x))) - 3);
  const q = x / step;
  const n = Math.abs(q - Math.round(q)) < 1e-9 ? Math.round(q) : direction === 'higher' ? Math.ceil(q) : Math.floor(q);
  return Number((n * step).toPrecision(4));
}

const fail = (message: string, hint: string, cause?: unknown) => new AbortError(message, { code: 'BAD_TASK_DATA', hint, cause });

/**
 * Writes `out`/task.yaml, train.csv and validation.csv from `data`; nothing is uploaded or sent.
 *
 * @example
 * const r = await initTask({ data: 'iris.csv', label: 'species', out: defaultTaskDir('iris.csv') });
 * // then: flock task create --spec iris-task/task.yaml
 */
export async function initTask(o: InitTaskOptions): Promise<InitTaskResult> {
  const data = path.resolve(o.data);
  const out = path.resolve(o.out);
  const seed = o.seed ?? DEFAULT_SEED;
  const fraction = o.validationFraction ?? DEFAULT_VALIDATION;
  if (!existsSync(data)) throw new AbortError(`${o.data}: no such file`, { code: 'USAGE', hint: 'pass the path of a CSV file with a header line' });
  if (!(fraction > 0 && fraction < 1)) throw new AbortError(`--validation ${fraction} is not a share between 0 and 1`, { code: 'USAGE', hint: 'e.g. --validation 0.2' });
  const taken = TASK_FILES.filter((f) => existsSync(path.join(out, f)));
  if (taken.length > 0 && !o.force) {
    throw new AbortError(`${out} already holds ${taken.join(', ')}`, { code: 'TASK_DIR_EXISTS', hint: 'pass --force to write over them, or --out <another folder>' });
  }

  let p: TableProfile;
  try {
    p = await profileTable(data, o.label, o.taskType ? { taskType: o.taskType } : {});
  } catch (e) {
    if (e instanceof EngineError) throw fail(e.message, e.hint ?? `fix ${o.data} and run \`flock task init\` again; nothing was written`, e);
    throw e;
  }
  const classification = p.taskType === 'classification';
  const allowed: readonly MetricName[] = classification ? CLASSIFICATION_METRICS : REGRESSION_METRICS;
  const metric = o.metric ?? (classification ? 'accuracy' : 'mse');
  if (!allowed.includes(metric)) throw new AbortError(`--metric ${metric} does not fit a ${p.taskType} task (${allowed.join(', ')})`, { code: 'USAGE', hint: `pass one of ${allowed.join(', ')}, or --type to change the task type` });

  const strata = classification ? p.labels : quantileStrata(p.labels, Math.min(REGRESSION_BINS, Math.max(1, Math.floor(p.rows / 2))));
  const isVal = stratifiedSplit(strata, { validationFraction: fraction, seed });
  const valRows = isVal.reduce((a, b) => a + b, 0);
  const trainRows = p.rows - valRows;
  if (valRows < DEFAULT_MIN_ROWS || trainRows < DEFAULT_MIN_ROWS) {
    const small = valRows < DEFAULT_MIN_ROWS ? `${valRows} validation rows` : `${trainRows} training rows`;
    throw fail(`${o.data}: ${p.rows} rows split into ${trainRows} training and ${valRows} validation rows; a task needs at least ${DEFAULT_MIN_ROWS} in each file`, `use more data, or a larger or smaller --validation share (${small} now)`);
  }

  const base = baseline(p, isVal, metric);
  const direction = METRICS[metric];
  const rounded = strictBaseline(base.score, direction);
  const tolerance = ['mse', 'mae', 'log-loss'].includes(metric) ? Number((Math.max(Math.abs(rounded), 1e-6) * 0.01).toPrecision(2)) : undefined;
  const name = o.name ?? path.basename(out).replace(/-task$/, '');

  mkdirSync(out, { recursive: true });
  const files = { train: path.join(out, 'train.csv'), validation: path.join(out, 'validation.csv') };
  await writeSplits(p, isVal, files);
  const specFile = path.join(out, 'task.yaml');
  writeFileSync(specFile, taskYaml({ p, name, data, out, seed, fraction, metric, direction, baseline: rounded, baselineScore: base.score, baselineModel: base.model, tolerance }));

  // The files just written, through the same check as `flock task create`.
  const loaded = await loadTaskSpec(specFile);
  await checkTaskData(loaded.spec, { train: files.train, validation: files.validation });

  const classes = p.classes?.names.map((n, k) => {
    let v = 0;
    for (let r = 0; r < p.rows; r++) if (isVal[r] && p.labels[r] === k) v++;
    return { name: n, count: p.classes!.counts[k]!, train: p.classes!.counts[k]! - v, validation: v };
  });
  return {
    dir: out,
    spec: specFile,
    ...files,
    source: data,
    name,
    rows: p.rows,
    features: p.features,
    label: p.label,
    taskType: p.taskType,
    rule: p.rule,
    ...(classes ? { classes } : {}),
    ...(p.labelStats ? { labelStats: p.labelStats } : {}),
    split: { method: 'stratified', seed, validationFraction: fraction, train: trainRows, validation: valRows },
    metric,
    direction,
    baselineScore: base.score,
    baseline: rounded,
    baselineModel: base.model,
    ...(tolerance !== undefined ? { tolerance } : {}),
  };
}

/** The score on the validation rows of a model that ignores the features. */
function baseline(p: TableProfile, isVal: Uint8Array, metric: MetricName): { score: number; model: string } {
  const val: number[] = [];
  for (let r = 0; r < p.rows; r++) if (isVal[r]) val.push(p.labels[r]!);
  if (p.taskType === 'regression') {
    let sum = 0;
    let n = 0;
    for (let r = 0; r < p.rows; r++) {
      if (isVal[r]) continue;
      sum += p.labels[r]!;
      n++;
    }
    const mean = sum / n;
    const m = computeMetrics('regression', new Float64Array(val.length).fill(mean), val);
    return { score: m[metric]!, model: 'predicting the training mean' };
  }
  const k = p.classes!.names.length;
  const prior = new Float64Array(k);
  for (let r = 0; r < p.rows; r++) if (!isVal[r]) prior[p.labels[r]!]!++;
  const total = prior.reduce((a, b) => a + b, 0);
  for (let c = 0; c < k; c++) prior[c]! /= total;
  const outputs = new Float64Array(val.length * k);
  for (let i = 0; i < val.length; i++) outputs.set(prior, i * k);
  const m = computeMetrics('classification', outputs, val, { numClasses: k });
  return { score: m[metric]!, model: 'predicting the training class frequencies (always the majority class)' };
}

/** A CSV field, quoted when it must be. */
const field = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Second pass over the table: each row to train.csv or validation.csv, labels written canonically. */
async function writeSplits(p: TableProfile, isVal: Uint8Array, files: { train: string; validation: string }): Promise<void> {
  const table = await openTable(p.file);
  const labelIndex = p.columns.indexOf(p.label);
  const header = `${p.columns.map(field).join(',')}\n`;
  const streams = [files.train, files.validation].map((f) => createWriteStream(`${f}.tmp`));
  const write = async (s: (typeof streams)[number], line: string) => {
    if (!s.write(line)) await once(s, 'drain');
  };
  for (const s of streams) await write(s, header);
  let r = 0;
  for await (const row of table.rows()) {
    const cells = row.map((v, j) => {
      if (j !== labelIndex) return field(typeof v === 'string' ? v.trim() : String(v));
      return field(p.classes ? p.classes.names[p.labels[r]!]! : typeof v === 'string' ? v.trim() : String(v));
    });
    await write(streams[isVal[r]!]!, `${cells.join(',')}\n`);
    r++;
  }
  await Promise.all(streams.map((s) => new Promise<void>((resolve, reject) => s.end((e?: Error | null) => (e ? reject(e) : resolve())))));
  renameSync(`${files.train}.tmp`, files.train);
  renameSync(`${files.validation}.tmp`, files.validation);
}

interface YamlInput {
  p: TableProfile;
  name: string;
  data: string;
  out: string;
  seed: number;
  fraction: number;
  metric: MetricName;
  direction: MetricDirection;
  baseline: number;
  baselineScore: number;
  baselineModel: string;
  tolerance: number | undefined;
}

/** task.yaml with comments, like examples/tasks/*\/task.yaml. JSON strings are YAML strings. */
function taskYaml(y: YamlInput): string {
  const { p } = y;
  const q = (s: string) => JSON.stringify(s);
  const list = (xs: readonly string[]) => `[${xs.map(q).join(', ')}]`;
  const classes = p.classes?.names.length ?? 0;
  const width = p.taskType === 'classification' ? classes : 1;
  // The suggested MLP: two hidden layers; the contract leaves it room (and models from elsewhere).
  const hidden = [32, 16];
  const params = 2 * p.features.length + p.features.length * hidden[0]! + hidden[0]! + hidden[0]! * hidden[1]! + hidden[1]! + hidden[1]! * width + width;
  const maxParams = Math.max(100_000, 4 * params);
  const maxBytes = Math.max(1 << 20, 8 * maxParams);
  const what = p.taskType === 'classification' ? `${classes} classes` : 'regression';
  /** A line with its comment at column 33, as in the example tasks. */
  const c = (text: string, comment: string) => `${text.padEnd(31)} # ${comment}`;
  return [
    `# Arena task written by \`flock task init\` from ${path.basename(y.data)}. Review it (description, license,`,
    '# contract limits, trainer), then: flock task create --spec task.yaml',
    `name: ${q(y.name)}`,
    'description: >-',
    `  Predict ${p.label} from ${p.features.length} numeric columns of ${path.basename(y.data)} (${what}; ${p.rows} rows).`,
    '# license: the data’s license, e.g. CC BY 4.0',
    'data:',
    c(`  source: ${q(path.relative(y.out, y.data))}`, 'the whole table (never published)'),
    c('  train: train.csv', 'published to training nodes'),
    c('  validation: validation.csv', 'hidden: only its commitment is published until the reveal phase'),
    c(`  split: { method: stratified, seed: ${y.seed}, validationFraction: ${y.fraction} }`, `flock task init --seed ${y.seed} --validation ${y.fraction}`),
    'schema:',
    `  features: ${list(p.features)}`,
    `  label: ${q(p.label)}`,
    c(`  taskType: ${p.taskType}`, p.rule),
    ...(p.classes ? [`  numClasses: ${classes}`] : []),
    ...(p.classes && !p.classes.indexed ? [c(`  classNames: ${list(p.classes.names)}`, 'the label’s values, in class order')] : []),
    c('  normalisation: standard', 'from the training data, baked into the model: models take raw inputs'),
    y.tolerance === undefined
      ? `metric: { name: ${y.metric}, direction: ${y.direction} }`
      : c(`metric: { name: ${y.metric}, direction: ${y.direction}, tolerance: ${y.tolerance} }`, 'how far a validator’s score may lie from the consensus unslashed (1% of the baseline)'),
    'contract:',
    '  format: onnx',
    c(`  inputShape: [${p.features.length}]`, `float32 [N, ${p.features.length}]: the raw feature columns, in the order above`),
    c(`  outputShape: [${width}]`, `float32 [N, ${width}]: ${p.taskType === 'classification' ? 'class probabilities (non-negative, each row summing to 1)' : 'the predicted value'}`),
    `  maxParams: ${maxParams}`,
    `  maxBytes: ${maxBytes}`,
    c(`baseline: ${y.baseline}`, `${y.metric} ${Number(y.baselineScore.toPrecision(6))} on the validation set by ${y.baselineModel}: a model must beat it to be paid`),
    c('trainer:', 'suggested to `flock train` (a node may bring its own config or model)'),
    `  model: { kind: mlp, hidden: [${hidden.join(', ')}], activation: relu }`,
    '  epochs: 100',
    '  batchSize: 32',
    '  learningRate: 0.003',
    '  validationFraction: 0.15',
    '  earlyStopping: { patience: 10 }',
    '  seed: 1',
    '',
  ].join('\n');
}
