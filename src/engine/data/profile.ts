/**
 * What a task made from a table would be: which column is the label, what kind of label it is,
 * and that every other column is a usable feature. `flock task init` profiles a user's CSV with
 * it before it splits the rows and writes a task.yaml; one streaming pass, holding one number per
 * row (the label) and the distinct label texts.
 *
 * The rule for the task type, unless the caller sets it: a label with any text value is a class
 * label (each distinct value a class); a label of whole numbers with at most
 * MAX_INFERRED_CLASSES distinct values is a class label too; any other numeric label (a fraction,
 * or more distinct whole numbers) is a value to predict (regression).
 */
import { EngineError } from '../errors.js';
import { MAX_ABS_VALUE } from './check.js';
import { openTable, type RowPosition, type TableFormat } from './table.js';

/** Most distinct whole-number labels still inferred as classes. */
export const MAX_INFERRED_CLASSES = 20;

export interface ProfileOptions {
  format?: TableFormat;
  /** Skip the inference. */
  taskType?: 'classification' | 'regression';
}

export interface TableProfile {
  file: string;
  columns: string[];
  rows: number;
  /** Every column but the label, in file order. */
  features: string[];
  label: string;
  taskType: 'classification' | 'regression';
  /** Why this task type, in words (the rule applied). */
  rule: string;
  /**
   * Classification: class names in class-index order and rows per class. `indexed` when the
   * labels already are the class indices 0..C-1 (the schema then needs no classNames).
   */
  classes?: { names: string[]; counts: number[]; indexed: boolean };
  /** Regression: the label's range and mean. */
  labelStats?: { min: number; max: number; mean: number };
  /** Per row: its class index, or its target value. */
  labels: Float64Array;
}

const listColumns = (columns: readonly string[]) => `${columns.slice(0, 8).join(', ')}${columns.length > 8 ? ', ...' : ''}`;
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : String(v));
const isNumber = (s: string) => s !== '' && Number.isFinite(Number(s));

/**
 * Profiles `file` for a task predicting column `label`. Throws EngineError('bad-data') naming the
 * file, line and column of the first problem: no such column, a feature value that is not a
 * finite number (or beyond ±MAX_ABS_VALUE), an empty label, a label with one value only.
 *
 * @example
 * const p = await profileTable('iris.csv', 'species');
 * p.taskType; // 'classification'
 * p.classes;  // { names: ['setosa', 'versicolor', 'virginica'], counts: [50, 50, 50], indexed: false }
 */
export async function profileTable(file: string, label: string, options: ProfileOptions = {}): Promise<TableProfile> {
  const table = await openTable(file, options.format);
  const columns = [...table.columns];
  const labelIndex = columns.indexOf(label);
  if (labelIndex < 0) throw new EngineError('bad-data', `${file}:1: no column '${label}' to use as the label (columns: ${listColumns(columns)})`, { hint: 'pass --label with one of the columns of the first line' });
  const featureIndex = columns.map((_, i) => i).filter((i) => i !== labelIndex);
  if (featureIndex.length === 0) throw new EngineError('bad-data', `${file}:1: the label is the only column; a task needs feature columns too`);

  // Labels dictionary-encoded: distinct texts, and per row the text's id.
  const ids = new Map<string, number>();
  const texts: string[] = [];
  const firstLine: number[] = [];
  const rowIds: number[] = [];
  const at: RowPosition = { line: 0 };
  for await (const row of table.rows(undefined, at)) {
    for (const j of featureIndex) {
      const v = row[j];
      const n = typeof v === 'number' ? v : isNumber(text(v)) ? Number(text(v)) : NaN;
      if (!Number.isFinite(n)) {
        throw new EngineError('bad-data', `${file}:${at.line}: column '${columns[j]}': ${JSON.stringify(text(v))} is not a number`, {
          hint: 'a task takes numbers only as features: drop the column or encode it as numbers (one 0/1 column per category), then run this again',
        });
      }
      if (Math.abs(n) > MAX_ABS_VALUE) throw new EngineError('bad-data', `${file}:${at.line}: column '${columns[j]}': ${text(v)} is beyond ±${MAX_ABS_VALUE.toExponential().replace('e+', 'e')} (values reach the model as float32)`);
    }
    const y = text(row[labelIndex]);
    if (y === '') throw new EngineError('bad-data', `${file}:${at.line}: column '${label}': the label is empty`, { hint: 'fill in or drop the rows without a label' });
    let id = ids.get(y);
    if (id === undefined) {
      id = texts.length;
      ids.set(y, id);
      texts.push(y);
      firstLine.push(at.line);
    }
    rowIds.push(id);
  }
  const rows = rowIds.length;
  if (rows === 0) throw new EngineError('bad-data', `${file}: no data rows`);

  const numeric = texts.map(isNumber);
  const allNumeric = numeric.every(Boolean);
  const values = texts.map(Number);
  const distinctNumbers = allNumeric ? [...new Set(values)].sort((a, b) => a - b) : [];
  let taskType = options.taskType;
  let rule: string;
  if (taskType) rule = `set by the caller (${taskType})`;
  else if (!allNumeric) {
    taskType = 'classification';
    rule = 'the label has text values: each distinct value is a class';
  } else if (distinctNumbers.every(Number.isInteger) && distinctNumbers.length <= MAX_INFERRED_CLASSES) {
    taskType = 'classification';
    rule = `the label has ${distinctNumbers.length} distinct whole numbers (at most ${MAX_INFERRED_CLASSES}): each is a class`;
  } else {
    taskType = 'regression';
    rule = distinctNumbers.every(Number.isInteger)
      ? `the label has ${distinctNumbers.length} distinct whole numbers (more than ${MAX_INFERRED_CLASSES}): a value to predict`
      : 'the label has fractional numbers: a value to predict';
  }
  const features = featureIndex.map((i) => columns[i]!);
  const labels = new Float64Array(rows);

  if (taskType === 'regression') {
    const bad = numeric.indexOf(false);
    if (bad >= 0) throw new EngineError('bad-data', `${file}:${firstLine[bad]}: column '${label}': a regression label must be a number, not ${JSON.stringify(texts[bad])}`);
    const big = values.findIndex((v) => Math.abs(v) > MAX_ABS_VALUE);
    if (big >= 0) throw new EngineError('bad-data', `${file}:${firstLine[big]}: column '${label}': ${texts[big]} is beyond ±${MAX_ABS_VALUE.toExponential().replace('e+', 'e')}`);
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    rowIds.forEach((id, r) => {
      const v = values[id]!;
      labels[r] = v;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    });
    return { file, columns, rows, features, label, taskType, rule, labelStats: { min, max, mean: sum / rows }, labels };
  }

  // Classes: numbers in numeric order ("1" and "1.0" are one class), texts in sorted order.
  let names: string[];
  let classOf: number[];
  if (allNumeric) {
    names = distinctNumbers.map(String);
    const index = new Map(distinctNumbers.map((v, i) => [v, i]));
    classOf = values.map((v) => index.get(v)!);
  } else {
    names = [...texts].sort();
    const index = new Map(names.map((n, i) => [n, i]));
    classOf = texts.map((t) => index.get(t)!);
  }
  if (names.length < 2) throw new EngineError('bad-data', `${file}: the label '${label}' has one value only (${JSON.stringify(texts[0])}): nothing to learn`, { hint: 'pick another --label column' });
  const counts = new Array<number>(names.length).fill(0);
  rowIds.forEach((id, r) => {
    const k = classOf[id]!;
    labels[r] = k;
    counts[k]!++;
  });
  const indexed = allNumeric && distinctNumbers.every((v, i) => v === i);
  return { file, columns, rows, features, label, taskType, rule, classes: { names, counts, indexed }, labels };
}
