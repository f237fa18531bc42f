/**
 * `flock task init` (issue #10, finding 8): a task folder from one's own CSV: the schema
 * inferred, seeded stratified splits, a task.yaml that loads and whose data passes the same check
 * as `flock task create`, and a baseline a model must beat, from a model that ignores the features.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTaskData, loadTaskSpec } from '../../../src/engine/index.js';
import { isFlockError } from '../../../src/errors/index.js';
import { defaultTaskDir, initTask, strictBaseline } from '../../../src/tasks/init.js';

const dir = mkdtempSync(path.join(tmpdir(), 'flock-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csv = (name: string, header: string, n: number, row: (i: number) => string) => {
  const p = path.join(dir, name);
  writeFileSync(p, `${[header, ...Array.from({ length: n }, (_, i) => row(i))].join('\n')}\n`);
  return p;
};
const lines = (p: string) => readFileSync(p, 'utf8').trim().split('\n');

async function abort(p: Promise<unknown>, code: string) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isFlockError(e), String(e)).toBe(true);
  expect((e as { code: string }).code).toBe(code);
  expect((e as Error).message).not.toContain('\n');
  return e as Error & { hint?: string };
}

describe('initTask', () => {
  it('classification with text labels: classNames, stratified split, majority-class baseline, a task.yaml that loads and checks', async () => {
    // 60 / 30 / 30 rows of three species; feature a separates them.
    const data = csv('flowers.csv', 'a,b,species', 120, (i) => `${i % 4 === 0 ? 0.5 : 1.5 + (i % 4)},${(i * 7) % 11},${i % 4 < 2 ? 'setosa' : i % 4 === 2 ? 'versicolor' : 'virginica'}`);
    const out = path.join(dir, 'flowers-task');
    const r = await initTask({ data, label: 'species', out, seed: 5 });
    expect(r).toMatchObject({ rows: 120, features: ['a', 'b'], label: 'species', taskType: 'classification', metric: 'accuracy', direction: 'higher' });
    expect(r.classes).toEqual([
      { name: 'setosa', count: 60, train: 48, validation: 12 },
      { name: 'versicolor', count: 30, train: 24, validation: 6 },
      { name: 'virginica', count: 30, train: 24, validation: 6 },
    ]);
    expect(r.split).toEqual({ method: 'stratified', seed: 5, validationFraction: 0.2, train: 96, validation: 24 });
    // Majority class (setosa) on the validation set: 12 / 24 = 0.5, and a model must do better.
    expect(r.baselineScore).toBe(0.5);
    expect(r.baseline).toBe(0.5);

    const { spec, files } = await loadTaskSpec(r.spec);
    expect(files).toEqual({ train: path.join(out, 'train.csv'), validation: path.join(out, 'validation.csv'), source: data });
    expect(spec.schema).toMatchObject({ features: ['a', 'b'], label: 'species', taskType: 'classification', numClasses: 3, classNames: ['setosa', 'versicolor', 'virginica'], normalisation: 'standard' });
    expect(spec.contract).toMatchObject({ inputShape: [2], outputShape: [3] });
    expect(spec.metric).toEqual({ name: 'accuracy', direction: 'higher' });
    expect(spec.baseline).toBe(0.5);
    expect(spec.trainer?.model).toMatchObject({ kind: 'mlp' });
    const checked = await checkTaskData(spec, { train: files.train, validation: files.validation! });
    expect(checked.train.classCounts).toEqual([48, 24, 24]);
    expect(checked.validation!.classCounts).toEqual([12, 6, 6]);
    expect(lines(files.train)[0]).toBe('a,b,species');

    // Same data, same seed: the same bytes; --force needed to write over it.
    const before = readFileSync(files.validation!);
    await abort(initTask({ data, label: 'species', out, seed: 5 }), 'TASK_DIR_EXISTS');
    await initTask({ data, label: 'species', out, seed: 5, force: true });
    expect(readFileSync(files.validation!)).toEqual(before);
    await initTask({ data, label: 'species', out, seed: 6, force: true });
    expect(readFileSync(files.validation!)).not.toEqual(before);
  });

  it('labels 0..C-1 need no classNames; other whole numbers become class names, written canonically', async () => {
    const indexed = await initTask({ data: csv('ints.csv', 'x,y', 50, (i) => `${i},${i % 2}`), label: 'y', out: path.join(dir, 'ints') });
    const s1 = (await loadTaskSpec(indexed.spec)).spec;
    expect(s1.schema.numClasses).toBe(2);
    expect(s1.schema.classNames).toBeUndefined();
    const named = await initTask({ data: csv('pm.csv', 'x,y', 50, (i) => `${i},${i % 2 ? '1.0' : -1}`), label: 'y', out: path.join(dir, 'pm') });
    const t2 = await loadTaskSpec(named.spec);
    expect(t2.spec.schema.classNames).toEqual(['-1', '1']);
    expect(new Set(lines(t2.files.train).slice(1).map((l) => l.split(',')[1]))).toEqual(new Set(['-1', '1']));
    await checkTaskData(t2.spec, { train: t2.files.train, validation: t2.files.validation! });
  });

  it('regression: mse with a tolerance, split by bins of the sorted target, the train mean as the baseline', async () => {
    const data = csv('reg.csv', 'x1,x2,target', 100, (i) => `${i},${(i * 13) % 7},${(i * 0.37).toFixed(2)}`);
    const r = await initTask({ data, label: 'target', out: path.join(dir, 'reg') });
    expect(r).toMatchObject({ taskType: 'regression', metric: 'mse', direction: 'lower', split: { method: 'stratified', train: 80, validation: 20 } });
    const { spec, files } = await loadTaskSpec(r.spec);
    expect(spec.contract.outputShape).toEqual([1]);
    const y = (f: string) => lines(f).slice(1).map((l) => Number(l.split(',')[2]));
    const train = y(files.train);
    const val = y(files.validation!);
    const mean = train.reduce((a, b) => a + b, 0) / train.length;
    const mse = val.reduce((a, v) => a + (v - mean) ** 2, 0) / val.length;
    expect(r.baselineScore).toBeCloseTo(mse, 9);
    expect(r.baseline).toBeLessThanOrEqual(mse); // rounded down: a model predicting the mean does not beat it
    expect(r.baseline).toBeGreaterThan(mse * 0.999);
    expect(spec.metric.tolerance).toBeGreaterThan(0);
    expect(spec.baseline).toBe(r.baseline);
    // Two validation rows per bin of ten sorted targets, so both files span the whole range.
    expect(Math.min(...val)).toBeLessThan(4);
    expect(Math.max(...val)).toBeGreaterThan(33);
  });

  it('--metric picks another metric of the task type; a metric of the other type is refused', async () => {
    const data = csv('m.csv', 'x,y', 60, (i) => `${i},${i % 2}`);
    const r = await initTask({ data, label: 'y', out: path.join(dir, 'm-f1'), metric: 'log-loss' });
    expect(r.metric).toBe('log-loss');
    expect(r.baselineScore).toBeCloseTo(Math.log(2), 6);
    expect((await loadTaskSpec(r.spec)).spec.metric.tolerance).toBeGreaterThan(0);
    const e = await abort(initTask({ data, label: 'y', out: path.join(dir, 'm-mse'), metric: 'mse' }), 'USAGE');
    expect(e.message).toBe('--metric mse does not fit a classification task (accuracy, f1, log-loss)');
  });

  it('bad data is BAD_TASK_DATA naming line and column, and nothing is written', async () => {
    const out = path.join(dir, 'bad');
    const e = await abort(initTask({ data: csv('bad.csv', 'x,y', 40, (i) => `${i === 3 ? 'NaN' : i},${i % 2}`), label: 'y', out }), 'BAD_TASK_DATA');
    expect(e.message).toMatch(/bad\.csv:5: column 'x': "NaN" is not a number$/);
    const e2 = await abort(initTask({ data: csv('nohdr.csv', '5.1,3.5,setosa', 40, (i) => `${i},1,${i % 2 ? 'a' : 'b'}`), label: 'species', out }), 'BAD_TASK_DATA');
    expect(e2.message).toMatch(/nohdr\.csv:1: the first line looks like data, not a header/);
    const e3 = await abort(initTask({ data: csv('few.csv', 'x,y', 30, (i) => `${i},${i % 2}`), label: 'y', out }), 'BAD_TASK_DATA');
    expect(e3.message).toMatch(/6 validation rows; a task needs at least 10 in each file/);
    expect(e3.hint).toMatch(/--validation/);
    await abort(initTask({ data: path.join(dir, 'missing.csv'), label: 'y', out }), 'USAGE');
    expect(existsSync(out)).toBe(false);
  });

  it('the default folder is ./<name>-task; baselines round towards the harder side', () => {
    expect(defaultTaskDir('/data/My Data.csv.gz', '/here')).toBe('/here/My Data-task');
    expect(strictBaseline(1 / 3, 'higher')).toBe(0.3334);
    expect(strictBaseline(2 / 3, 'lower')).toBe(0.6666);
    expect(strictBaseline(5929.123, 'lower')).toBe(5929);
    expect(strictBaseline(0.5, 'higher')).toBe(0.5);
    expect(strictBaseline(0, 'lower')).toBe(0);
  });
});
