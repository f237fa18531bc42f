/**
 * A tabular dataset bound to a task schema: streaming passes over a subset of rows (with an
 * optional seeded shuffle buffer), statistics in one pass, and materialisation when it fits.
 * Rows are read lazily from disk on every pass, so a file larger than memory can still train.
 */
import { EngineError } from '../errors.js';
import { mulberry32 } from '../random.js';
import type { ReadProgress } from './lines.js';
import { StatsAccumulator, type FeatureStats } from './normalise.js';
import { resolveSchema, type DataSchema, type ResolvedSchema } from './schema.js';
import { inSubset, type SplitSpec, type Subset } from './split.js';
import { openTable, type TableFormat, type TableReader } from './table.js';

export interface DatasetOptions {
  format?: TableFormat;
  /** Split rows into train/validation subsets; without it every row is 'train'. */
  split?: SplitSpec;
}

export interface DatasetStats {
  rows: number;
  trainRows: number;
  validationRows: number;
  /** Feature statistics over the training subset. */
  features: FeatureStats;
  /** Classification: rows per class (training subset). */
  classCounts?: number[];
  /** Regression: label mean and population std (training subset). */
  labelMean?: number;
  labelStd?: number;
}

/** A batch of examples: features row-major in input-shape order, labels as class index or value. */
export interface Batch {
  x: Float32Array;
  y: Float32Array;
  size: number;
}

export interface BatchOptions {
  batchSize: number;
  /** Shuffle through a buffer of `bufferRows` rows with a seeded generator (streaming shuffle). */
  shuffle?: { seed: number; bufferRows: number };
}

export class TabularDataset {
  /** Progress of the pass currently running (for progress displays and tests). */
  readonly progress: ReadProgress = { bytesRead: 0, totalBytes: 0 };
  private stats?: DatasetStats;

  private constructor(
    readonly table: TableReader,
    readonly schema: ResolvedSchema,
    readonly split: SplitSpec | undefined,
  ) {}

  /** Opens `file` (CSV or JSONL, plain or gzip) and binds `schema` to its columns. */
  static async open(file: string, schema: DataSchema, options: DatasetOptions = {}): Promise<TabularDataset> {
    const table = await openTable(file, options.format);
    if (options.split && !(options.split.validationFraction >= 0 && options.split.validationFraction < 1)) {
      throw new EngineError('bad-config', `validationFraction must be in [0, 1), got ${options.split.validationFraction}`);
    }
    return new TabularDataset(table, resolveSchema(schema, table.columns), options.split);
  }

  get featureSize(): number {
    return this.schema.features.length;
  }

  private value(v: unknown, row: number, column: string): number {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) {
      throw new EngineError('bad-data', `${this.table.file}: row ${row + 1}, column '${column}': ${JSON.stringify(v)} is not a finite number`);
    }
    return n;
  }

  private label(v: unknown, row: number): number {
    const s = this.schema;
    if (s.taskType === 'regression') return this.value(v, row, s.label);
    const named = typeof v === 'string' && s.classNames ? s.classNames.indexOf(v.trim()) : -1;
    const k = named >= 0 ? named : this.value(v, row, s.label);
    if (!Number.isInteger(k) || k < 0 || k >= s.numClasses) {
      throw new EngineError('bad-data', `${this.table.file}: row ${row + 1}: label ${JSON.stringify(v)} is not a class in 0..${s.numClasses - 1}`);
    }
    return k;
  }

  /** Lazily yields (features, label) of the rows in `subset`; `x` is reused between yields. */
  async *examples(subset: Subset): AsyncGenerator<{ x: Float32Array; y: number; index: number }> {
    const { featureIndex, features } = this.schema;
    const x = new Float32Array(featureIndex.length);
    let index = -1;
    for await (const row of this.table.rows(this.progress)) {
      index++;
      if (!inSubset(index, subset, this.split)) continue;
      for (let j = 0; j < featureIndex.length; j++) x[j] = this.value(row[featureIndex[j]!], index, features[j]!);
      yield { x, y: this.label(row[this.schema.labelIndex], index), index };
    }
  }

  /** One streaming pass: row counts and training-subset statistics. Cached. */
  async scan(): Promise<DatasetStats> {
    if (this.stats) return this.stats;
    const acc = new StatsAccumulator(this.featureSize);
    const classCounts = this.schema.taskType === 'classification' ? new Array<number>(this.schema.numClasses).fill(0) : undefined;
    let rows = 0;
    let validationRows = 0;
    let labelMean = 0;
    let labelM2 = 0;
    let trainN = 0;
    for await (const { x, y, index } of this.examples('all')) {
      rows++;
      if (inSubset(index, 'validation', this.split)) {
        validationRows++;
        continue;
      }
      acc.add(x);
      trainN++;
      if (classCounts) classCounts[y]!++;
      else {
        const d = y - labelMean;
        labelMean += d / trainN;
        labelM2 += d * (y - labelMean);
      }
    }
    const features = acc.result();
    if (features.count === 0) throw new EngineError('bad-data', `${this.table.file}: no training rows`);
    this.stats = {
      rows,
      trainRows: rows - validationRows,
      validationRows,
      features,
      ...(classCounts ? { classCounts } : { labelMean, labelStd: Math.sqrt(labelM2 / features.count) }),
    };
    return this.stats;
  }

  /** Lazily yields batches of `subset`; with `shuffle`, through a seeded shuffle buffer. */
  async *batches(subset: Subset, options: BatchOptions): AsyncGenerator<Batch> {
    const f = this.featureSize;
    const bs = options.batchSize;
    let bx = new Float32Array(bs * f);
    let by = new Float32Array(bs);
    let n = 0;
    const push = function* (x: Float32Array, xOff: number, y: number): Generator<Batch> {
      bx.set(x.subarray(xOff, xOff + f), n * f);
      by[n++] = y;
      if (n === bs) {
        yield { x: bx, y: by, size: n };
        bx = new Float32Array(bs * f);
        by = new Float32Array(bs);
        n = 0;
      }
    };
    if (!options.shuffle) {
      for await (const e of this.examples(subset)) yield* push(e.x, 0, e.y);
    } else {
      // Reservoir-style buffer: once full, each new row replaces a randomly drawn one.
      const cap = Math.max(1, options.shuffle.bufferRows);
      const rnd = mulberry32(options.shuffle.seed);
      const buf = new Float32Array(cap * f);
      const lab = new Float32Array(cap);
      let filled = 0;
      for await (const e of this.examples(subset)) {
        if (filled < cap) {
          buf.set(e.x, filled * f);
          lab[filled++] = e.y;
          continue;
        }
        const j = Math.floor(rnd() * cap);
        yield* push(buf, j * f, lab[j]!);
        buf.set(e.x, j * f);
        lab[j] = e.y;
      }
      while (filled > 0) {
        const j = Math.floor(rnd() * filled);
        yield* push(buf, j * f, lab[j]!);
        filled--;
        buf.copyWithin(j * f, filled * f, filled * f + f);
        lab[j] = lab[filled]!;
      }
    }
    if (n > 0) yield { x: bx.subarray(0, n * f), y: by.subarray(0, n), size: n };
  }

  /** Reads `subset` into memory (call only when it fits; see `bytesFor`). */
  async load(subset: Subset): Promise<Batch> {
    const f = this.featureSize;
    let cap = 1024;
    let x = new Float32Array(cap * f);
    let y = new Float32Array(cap);
    let n = 0;
    for await (const e of this.examples(subset)) {
      if (n === cap) {
        cap *= 2;
        const nx = new Float32Array(cap * f);
        nx.set(x);
        const ny = new Float32Array(cap);
        ny.set(y);
        x = nx;
        y = ny;
      }
      x.set(e.x, n * f);
      y[n++] = e.y;
    }
    return { x: x.slice(0, n * f), y: y.slice(0, n), size: n };
  }

  /** Memory needed to hold `rows` rows as float32 features and labels. */
  bytesFor(rows: number): number {
    return rows * (this.featureSize + 1) * 4;
  }
}

/** Batches over in-memory data, optionally in a given row order. */
export function* memoryBatches(data: Batch, featureSize: number, batchSize: number, order?: Uint32Array): Generator<Batch> {
  for (let start = 0; start < data.size; start += batchSize) {
    const size = Math.min(batchSize, data.size - start);
    if (!order) {
      yield { x: data.x.subarray(start * featureSize, (start + size) * featureSize), y: data.y.subarray(start, start + size), size };
      continue;
    }
    const x = new Float32Array(size * featureSize);
    const y = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const r = order[start + i]!;
      x.set(data.x.subarray(r * featureSize, (r + 1) * featureSize), i * featureSize);
      y[i] = data.y[r]!;
    }
    yield { x, y, size };
  }
}
