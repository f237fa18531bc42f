/**
 * A full check of a data file against a task's schema and model contract, streamed (a file
 * larger than memory is fine): every declared column present, every feature value a finite
 * number within MAX_ABS_VALUE (after the schema's scale, if any), every label valid for the task
 * type, enough rows, and a contract whose shapes fit the features and classes. The first problem
 * is thrown as one line naming the file, the line and the column, so `flock task create` refuses
 * bad data before anything is uploaded or staked, and a trainer or validator refuses a task whose
 * published data is bad before it stakes.
 */
import { EngineError } from '../errors.js';
import { resolveSchema, type DataSchema, type ResolvedSchema } from './schema.js';
import { openTable, type RowPosition, type TableFormat } from './table.js';

/**
 * The largest magnitude accepted for a feature (after a `{ scale }` normalisation) or a
 * regression label. Values reach the model as float32 (largest finite value ~3.4e38): 1e308 is
 * finite in JavaScript but becomes Infinity the moment it is stored in a Float32Array, and a
 * value whose square overflows float32 (|x| > ~1.8e19) turns a variance, a squared-error loss or a
 * gradient into Infinity and the trained model into NaN. At 1e12 a square is 1e24 and a sum of
 * squares over a billion rows 1e33, still inside float32, so statistics, losses and gradients stay
 * finite; no real feature (pixel counts, measurements, prices in cents) comes near it.
 */
export const MAX_ABS_VALUE = 1e12;

/** Rows a data file needs at least when the spec sets no `data.minRows`. */
export const DEFAULT_MIN_ROWS = 10;

export interface DataCheckOptions {
  format?: TableFormat;
  /** Fewest data rows accepted (default DEFAULT_MIN_ROWS). */
  minRows?: number;
  /** The model contract's shapes (without the batch dimension), checked against the features and classes. */
  contract?: { inputShape: readonly number[]; outputShape: readonly number[] };
  /** Features the file must resolve to, in this order (the training data's, for a validation set). */
  features?: readonly string[];
}

export interface DataCheckResult {
  file: string;
  rows: number;
  /** The features, in model input order. */
  features: string[];
  schema: ResolvedSchema;
  /** Classification: rows per class. */
  classCounts?: number[];
}

const BOUND_TEXT = MAX_ABS_VALUE.toExponential().replace('e+', 'e');
const show = (v: unknown) => (v === undefined ? 'undefined' : JSON.stringify(v));
const listColumns = (columns: readonly string[]) => `${columns.slice(0, 8).join(', ')}${columns.length > 8 ? ', ...' : ''}`;
const bad = (message: string, hint?: string) => new EngineError('bad-data', message, hint ? { hint } : {});

/**
 * Checks `file` against `schema` (and `options.contract`) in one streaming pass; throws
 * EngineError('bad-data') at the first problem, e.g. `train.csv:17: column 'px0_3': "NaN" is not
 * a finite number`.
 *
 * @example
 * const r = await checkDataFile('train.csv.gz', spec.schema, { contract: spec.contract, minRows: 100 });
 * console.log(r.rows, r.classCounts);
 */
export async function checkDataFile(file: string, schema: DataSchema, options: DataCheckOptions = {}): Promise<DataCheckResult> {
  const table = await openTable(file, options.format);
  const { columns } = table;
  if (!columns.includes(schema.label)) throw bad(`${file}:1: no label column '${schema.label}' (columns: ${listColumns(columns)})`);
  if (schema.features !== 'all-but-label') {
    const missing = schema.features.find((f) => !columns.includes(f));
    if (missing !== undefined) throw bad(`${file}:1: no feature column '${missing}' (columns: ${listColumns(columns)})`);
  }
  let s: ResolvedSchema;
  try {
    s = resolveSchema(schema, columns);
  } catch (e) {
    throw bad(`${file}:1: ${(e as Error).message}`);
  }
  if (options.features && options.features.join('\u0000') !== s.features.join('\u0000')) {
    throw bad(`${file}:1: features ${listColumns(s.features)} differ from the training data's ${listColumns(options.features)}`);
  }
  if (options.contract) checkContract(file, s, options.contract);

  const scale = typeof s.normalisation === 'object' ? s.normalisation.scale : 1;
  const classCounts = s.taskType === 'classification' ? new Array<number>(s.numClasses).fill(0) : undefined;
  const at: RowPosition = { line: 0 };
  const number = (v: unknown, column: string, scaled: number): number => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) throw bad(`${file}:${at.line}: column '${column}': ${show(v)} is not a finite number`);
    // Raw values reach the model (its normalisation is baked in), scaled ones its first layer.
    const raw = Math.abs(n) > MAX_ABS_VALUE;
    if (raw || Math.abs(n * scaled) > MAX_ABS_VALUE) {
      const text = typeof v === 'string' ? v.trim() : String(v);
      throw bad(`${file}:${at.line}: column '${column}': ${text} is beyond ±${BOUND_TEXT}${raw ? ' (values reach the model as float32)' : ` once scaled by ${scaled}`}`);
    }
    return n;
  };
  let rows = 0;
  for await (const row of table.rows(undefined, at)) {
    rows++;
    for (let j = 0; j < s.featureIndex.length; j++) number(row[s.featureIndex[j]!], s.features[j]!, scale);
    const y = row[s.labelIndex];
    if (!classCounts) {
      number(y, s.label, 1);
      continue;
    }
    const named = typeof y === 'string' && s.classNames ? s.classNames.indexOf(y.trim()) : -1;
    const k = named >= 0 ? named : typeof y === 'number' ? y : typeof y === 'string' && y.trim() !== '' ? Number(y) : NaN;
    if (!Number.isInteger(k) || k < 0 || k >= s.numClasses) {
      throw bad(`${file}:${at.line}: column '${s.label}': label ${show(y)} is not a class in 0..${s.numClasses - 1}${s.classNames ? ` nor one of ${listColumns(s.classNames)}` : ''}`);
    }
    classCounts[k]!++;
  }
  const minRows = options.minRows ?? DEFAULT_MIN_ROWS;
  if (rows < minRows) throw bad(`${file}: ${rows} data rows; the task needs at least ${minRows}`);
  return { file, rows, features: s.features, schema: s, ...(classCounts ? { classCounts } : {}) };
}

/** The contract's input must hold the features, its output the classes (or one value). */
function checkContract(file: string, s: ResolvedSchema, contract: NonNullable<DataCheckOptions['contract']>): void {
  const inSize = contract.inputShape.reduce((a, b) => a * b, 1);
  if (inSize !== s.features.length) {
    throw bad(`${file}: the data has ${s.features.length} features but contract.inputShape [${contract.inputShape.join(', ')}] holds ${inSize}`);
  }
  const outWidth = contract.outputShape.reduce((a, b) => a * b, 1);
  const classification = s.taskType === 'classification';
  const ok = classification ? outWidth === s.numClasses || (s.numClasses === 2 && outWidth === 1) : outWidth === 1;
  if (!ok) {
    throw bad(`${file}: contract.outputShape [${contract.outputShape.join(', ')}] does not fit a ${s.taskType} task${classification ? ` with ${s.numClasses} classes` : ''}`);
  }
}
