/**
 * `flock fl split`: one data file dealt into one file per client, so several Alliance nodes can
 * be tried on one machine, each with its own private data. The rows go out exactly as they came
 * in (the same text, in the file's order within each client); which client gets a row is
 * simulate/split.ts's seeded IID or label-skewed partition, over the classes exactly as the engine
 * reads them (TabularDataset: a class index, or a name of the schema's classNames).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TabularDataset, type DataSchema } from '../engine/index.js';
import { readLines } from '../engine/data/lines.js';
import { AbortError } from '../errors/index.js';
import { writeFileAtomic } from '../files/atomic.js';
import { mkdirPrivate } from '../files/dirs.js';
import { classCounts, splitRows, type SplitKind } from './simulate/split.js';

export interface SplitFileOptions {
  /** CSV (with a header) or JSONL, plain or gzip. */
  file: string;
  /** The task's data schema: its label column and classes. */
  schema: DataSchema;
  /** At least 2. */
  clients: number;
  kind: SplitKind;
  /** label-skew: Dirichlet concentration (default 0.5). */
  alpha?: number;
  seed: number;
  /** The folder of the client files (created 0700 when missing). */
  out: string;
}

export interface ClientFile {
  /** `client-1.csv` … under `out`. */
  file: string;
  rows: number;
  /** Classification: rows per class, in class order. */
  classCounts?: number[];
}

export interface SplitFileResult {
  format: 'csv' | 'jsonl';
  /** Data rows of the input (header and blank lines excluded). */
  rows: number;
  /** Classification: the class names (the schema's classNames, else the indices). */
  classes?: string[];
  clients: ClientFile[];
}

const badData = (message: string, hint: string, cause?: unknown) => new AbortError(message, { code: 'FL_BAD_DATA', hint, ...(cause ? { cause } : {}) });
const badParameter = (message: string, hint: string) => new AbortError(message, { code: 'FL_BAD_PARAMETER', hint });

/**
 * Splits `file` into `out`/client-1.csv … client-n.csv (client-n.jsonl for JSONL input): each
 * the header, then that client's rows, every row of the input in exactly one file. Files 0600.
 *
 * @example
 * const r = await splitDataFile({ file: 'train.csv.gz', schema: spec.schema, clients: 3, kind: 'label-skew', alpha: 0.5, seed: 1, out: 'nodes' });
 * r.clients.map((c) => c.rows); // [131, 201, 114]
 */
export async function splitDataFile(o: SplitFileOptions): Promise<SplitFileResult> {
  if (!(Number.isInteger(o.clients) && o.clients >= 2)) throw badParameter(`--clients ${o.clients}: a split needs at least 2 clients`, 'e.g. --clients 3');
  if (o.alpha !== undefined && !(o.alpha > 0 && Number.isFinite(o.alpha))) throw badParameter(`--alpha ${o.alpha} is not a positive number`, 'e.g. --alpha 0.5 (smaller is more skewed)');
  if (!Number.isInteger(o.seed)) throw badParameter(`--seed ${o.seed} is not a whole number`, 'e.g. --seed 1');
  if (!existsSync(o.file)) throw badData(`no data file ${o.file}`, 'pass a CSV or JSONL file (plain or .gz) in the task’s schema');

  // Labels as the engine reads them: every row checked against the schema, as a node's training would.
  let ds: TabularDataset;
  const labels: number[] = [];
  try {
    ds = await TabularDataset.open(o.file, o.schema);
    const classification = ds.schema.taskType === 'classification';
    for await (const e of ds.examples('all')) labels.push(classification ? e.y : 0);
  } catch (cause) {
    throw badData(`cannot split ${o.file}: ${(cause as Error).message}`, 'pass a file in the task’s schema: its label column and features, numeric values, labels that are classes of the task', cause);
  }
  const classification = ds.schema.taskType === 'classification';
  if (o.kind === 'label-skew' && !classification) throw badParameter('--split label-skew needs classes; this task is a regression', 'use --split iid');
  if (labels.length < o.clients) throw badParameter(`${labels.length} rows cannot be split across ${o.clients} clients`, `use at most ${labels.length} clients`);

  // The rows' own text, in the order the engine read them: non-blank lines, the CSV header first.
  const format = ds.table.format;
  const lines: string[] = [];
  for await (const line of readLines(o.file)) if (line.trim() !== '') lines.push(line);
  const header = format === 'csv' ? lines.shift() : undefined;
  if (lines.length !== labels.length) throw new Error(`${o.file}: ${lines.length} lines but ${labels.length} rows read`); // a reader changed: a bug

  let parts: number[][];
  try {
    parts = splitRows(labels, o.clients, { kind: o.kind, seed: o.seed, ...(o.alpha !== undefined ? { alpha: o.alpha } : {}) });
  } catch (e) {
    throw badParameter((e as Error).message, o.kind === 'label-skew' ? 'raise --alpha or use fewer clients' : 'use fewer clients');
  }
  const counts = classification ? classCounts(labels, parts, ds.schema.numClasses) : undefined;
  mkdirPrivate(o.out);
  const clients = parts.map((rows, c): ClientFile => {
    const file = path.join(o.out, `client-${c + 1}.${format}`);
    const text = [...(header !== undefined ? [header] : []), ...rows.map((i) => lines[i]!)].join('\n');
    writeFileAtomic(file, `${text}\n`, { mode: 0o600 });
    return { file, rows: rows.length, ...(counts ? { classCounts: counts[c]! } : {}) };
  });
  const classes = classification ? (ds.schema.classNames ?? Array.from({ length: ds.schema.numClasses }, (_, k) => String(k))) : undefined;
  return { format, rows: labels.length, ...(classes ? { classes } : {}), clients };
}
