/**
 * The task data check (issue #9): `flock task create` accepted training data without the label
 * column, with NaN or 1e308 values, and a validation set without labels; trainers and validators
 * found out only after they had staked. checkTaskData streams both files against the task's
 * schema and contract and names the file, the line and the column of the first problem.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDataFile, checkTaskData, DEFAULT_MIN_ROWS, EngineError, MAX_ABS_VALUE, parseTaskSpec, type TaskSpec } from '../../../src/engine/index.js';
import { task } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'flock-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string, gz = false) => {
  const p = path.join(dir, name);
  writeFileSync(p, gz ? gzipSync(text) : text);
  return p;
};

const schema = { features: ['a', 'b'], label: 'y', taskType: 'classification' as const, numClasses: 3 };
const contract = { inputShape: [2], outputShape: [3] };
/** `n` good rows of a, b, y after a header. */
const rows = (n: number, header = 'a,b,y') => [header, ...Array.from({ length: n }, (_, i) => `${i},${i % 5},${i % 3}`)].join('\n') + '\n';
/** Replaces data row `row` (1-based, so file line row + 1) by `line`. */
const withRow = (text: string, row: number, line: string) => {
  const lines = text.split('\n');
  lines[row] = line;
  return lines.join('\n');
};

async function failure(p: Promise<unknown>): Promise<EngineError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the check passed').toBeInstanceOf(EngineError);
  expect((err as EngineError).code).toBe('bad-data');
  expect((err as EngineError).message).not.toContain('\n');
  return err as EngineError;
}

describe('checkDataFile', () => {
  it('passes good data and counts its rows and classes', async () => {
    const r = await checkDataFile(file('good.csv', rows(12)), schema, { contract });
    expect(r).toMatchObject({ rows: 12, features: ['a', 'b'], classCounts: [4, 4, 4] });
  });

  it('a missing label column names the file, line 1 and the column', async () => {
    const p = file('nolabel.csv', rows(12, 'a,b,z'));
    const e = await failure(checkDataFile(p, schema));
    expect(e.message).toBe(`${p}:1: no label column 'y' (columns: a, b, z)`);
  });

  it('a missing feature column', async () => {
    const p = file('nofeature.csv', rows(12, 'a,c,y'));
    expect((await failure(checkDataFile(p, schema))).message).toBe(`${p}:1: no feature column 'b' (columns: a, c, y)`);
  });

  it('a NaN names the line and the column (blank lines counted)', async () => {
    const p = file('nan.csv', withRow(rows(12), 5, '4,NaN,1').replace('\n', '\n\n'));
    expect((await failure(checkDataFile(p, schema))).message).toBe(`${p}:7: column 'b': "NaN" is not a finite number`);
  });

  it('an empty field is not a number', async () => {
    const p = file('empty.csv', withRow(rows(12), 2, ',1,1'));
    expect((await failure(checkDataFile(p, schema))).message).toBe(`${p}:3: column 'a': "" is not a finite number`);
  });

  it(`1e308 is refused: beyond ±${MAX_ABS_VALUE} (it overflows float32)`, async () => {
    const p = file('huge.csv', withRow(rows(12), 9, '1e308,1,1'));
    expect((await failure(checkDataFile(p, schema))).message).toBe(`${p}:10: column 'a': 1e308 is beyond ±1e12 (values reach the model as float32)`);
    const neg = file('huge-neg.csv', withRow(rows(12), 3, '1,-3e12,1'));
    expect((await failure(checkDataFile(neg, schema))).message).toMatch(/huge-neg\.csv:4: column 'b': -3e12 is beyond/);
  });

  it('the bound applies after a scale normalisation too', async () => {
    const p = file('scaled.csv', withRow(rows(12), 1, '2e11,1,1'));
    await expect(checkDataFile(p, schema)).resolves.toMatchObject({ rows: 12 });
    const e = await failure(checkDataFile(p, { ...schema, normalisation: { scale: 10 } }));
    expect(e.message).toBe(`${p}:2: column 'a': 2e11 is beyond ±1e12 once scaled by 10`);
  });

  it('labels out of range, fractional or unknown names', async () => {
    const out = file('label7.csv', withRow(rows(12), 4, '1,1,7'));
    expect((await failure(checkDataFile(out, schema))).message).toBe(`${out}:5: column 'y': label "7" is not a class in 0..2`);
    const frac = file('label15.csv', withRow(rows(12), 4, '1,1,1.5'));
    expect((await failure(checkDataFile(frac, schema))).message).toMatch(/label15\.csv:5: column 'y': label "1.5" is not a class in 0\.\.2/);
    const named = file('named.csv', 'a,b,y\n' + Array.from({ length: 12 }, (_, i) => `${i},1,${i === 6 ? 'bird' : i % 2 ? 'cat' : 'dog'}`).join('\n'));
    const e = await failure(checkDataFile(named, { ...schema, numClasses: 2, classNames: ['dog', 'cat'] }));
    expect(e.message).toBe(`${named}:8: column 'y': label "bird" is not a class in 0..1 nor one of dog, cat`);
  });

  it('regression labels must be finite and within the bound', async () => {
    const reg = { features: ['a', 'b'], label: 'y', taskType: 'regression' as const };
    const p = file('reg.csv', withRow(rows(12), 3, '1,1,inf'));
    expect((await failure(checkDataFile(p, reg))).message).toBe(`${p}:4: column 'y': "inf" is not a finite number`);
    const big = file('reg-big.csv', withRow(rows(12), 3, '1,1,1e300'));
    expect((await failure(checkDataFile(big, reg))).message).toMatch(/reg-big\.csv:4: column 'y': 1e300 is beyond/);
  });

  it(`too few rows: the spec's minimum, else ${DEFAULT_MIN_ROWS}`, async () => {
    const p = file('few.csv', rows(3));
    expect((await failure(checkDataFile(p, schema))).message).toBe(`${p}: 3 data rows; the task needs at least ${DEFAULT_MIN_ROWS}`);
    expect((await failure(checkDataFile(file('few2.csv', rows(12)), schema, { minRows: 20 }))).message).toMatch(/12 data rows; the task needs at least 20/);
    await expect(checkDataFile(file('few3.csv', rows(3)), schema, { minRows: 3 })).resolves.toMatchObject({ rows: 3 });
  });

  it('the model contract must fit the schema bound to the file', async () => {
    const p = file('shape.csv', rows(12));
    expect((await failure(checkDataFile(p, schema, { contract: { inputShape: [8, 8, 1], outputShape: [3] } }))).message).toBe(
      `${p}: the data has 2 features but contract.inputShape [8, 8, 1] holds 64`,
    );
    expect((await failure(checkDataFile(p, schema, { contract: { inputShape: [2], outputShape: [4] } }))).message).toBe(
      `${p}: contract.outputShape [4] does not fit a classification task with 3 classes`,
    );
    const all = { ...schema, features: 'all-but-label' as const, inputShape: [3] };
    expect((await failure(checkDataFile(p, all))).message).toMatch(/shape\.csv:1: inputShape \[3\] holds 3 values but there are 2 features/);
  });

  it('the validation file must have the training data’s features, in order', async () => {
    const all = { ...schema, features: 'all-but-label' as const };
    const p = file('swapped.csv', rows(12, 'b,a,y'));
    expect((await failure(checkDataFile(p, all, { features: ['a', 'b'] }))).message).toBe(`${p}:1: features b, a differ from the training data's a, b`);
  });

  it('reads JSONL and gzip the same way; a missing key is a missing value', async () => {
    const jsonl = Array.from({ length: 12 }, (_, i) => JSON.stringify(i === 4 ? { a: 1, y: 0 } : { a: i, b: 1, y: i % 3 })).join('\n');
    const p = file('t.jsonl', jsonl);
    expect((await failure(checkDataFile(p, schema))).message).toBe(`${p}:5: column 'b': undefined is not a finite number`);
    await expect(checkDataFile(file('t.csv.gz', rows(12), true), schema)).resolves.toMatchObject({ rows: 12 });
  });

  it('a file without a header: a first line of data is refused, not taken for column names (issue #10)', async () => {
    const iris = (n: number) => Array.from({ length: n }, (_, i) => `5.${i % 10},3.${i % 7},1.4,0.2,${['setosa', 'versicolor', 'virginica'][i % 3]}`).join('\n');
    const irisSchema = { features: 'all-but-label' as const, label: 'species', taskType: 'classification' as const, classNames: ['setosa', 'versicolor', 'virginica'] };
    // Numbers and a text label: the first row used to become the columns "5.0", "3.0", ...
    const mixed = file('headerless-mixed.csv', iris(12));
    const e = await failure(checkDataFile(mixed, irisSchema));
    expect(e.message).toBe(`${mixed}:1: the first line looks like data, not a header: '5.0' (column 1) is a number`);
    expect(e.hint).toBe('add a first line naming the columns, e.g. x1,x2,x3,x4,label (a column name must not be a number)');
    // All numbers, as before.
    const numeric = file('headerless.csv', rows(12).split('\n').slice(1).join('\n'));
    expect((await failure(checkDataFile(numeric, schema))).message).toBe(`${numeric}:1: the first line looks like data, not a header: '0' (column 1) is a number`);
  });

  it('a line with too few fields is reported by the reader with its line', async () => {
    const p = file('short.csv', withRow(rows(12), 2, '1,2'));
    expect((await failure(checkDataFile(p, schema))).message).toBe(`${p}:3: 2 fields, the header has 3`);
  });
});

describe('checkTaskData', () => {
  const spec = (over: Record<string, unknown> = {}): TaskSpec =>
    parseTaskSpec({ name: 't', data: { train: 'train.csv' }, schema, metric: { name: 'accuracy' }, contract: { ...contract, maxParams: 1000, maxBytes: 100000 }, ...over });

  it('passes every example task (training and validation data)', async () => {
    for (const name of ['digits', 'breast-cancer', 'diabetes'] as const) {
      const t = await task(name);
      const r = await checkTaskData(t.spec, t.files);
      expect(r.train.rows, name).toBeGreaterThan(100);
      expect(r.validation!.rows, name).toBeGreaterThan(10);
    }
  }, 60_000);

  it('a validation set without labels names the validation file', async () => {
    const train = file('t-train.csv', rows(12));
    const validation = file('t-val.csv', rows(12, 'a,b,label'));
    const e = await failure(checkTaskData(spec(), { train, validation }));
    expect(e.message).toBe(`${validation}:1: no label column 'y' (columns: a, b, label)`);
  });

  it("data.minRows in the spec applies to both files", async () => {
    const train = file('m-train.csv', rows(30));
    const validation = file('m-val.csv', rows(12));
    await expect(checkTaskData(spec(), { train, validation })).resolves.toMatchObject({ train: { rows: 30 }, validation: { rows: 12 } });
    const e = await failure(checkTaskData(spec({ data: { train: 'x', minRows: 20 } }), { train, validation }));
    expect(e.message).toBe(`${validation}: 12 data rows; the task needs at least 20`);
  });
});
