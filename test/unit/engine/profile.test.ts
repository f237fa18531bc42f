/**
 * Authoring a task from one's own CSV (issue #10, finding 8): the label column's type is inferred
 * by a stated rule, feature columns must be numbers, and the seeded stratified split keeps every
 * class's share in both files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineError, MAX_INFERRED_CLASSES, profileTable, quantileStrata, stratifiedSplit } from '../../../src/engine/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'flock-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, lines: string[]) => {
  const p = path.join(dir, name);
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
};
const table = (header: string, n: number, row: (i: number) => string) => [header, ...Array.from({ length: n }, (_, i) => row(i))];

async function failure(p: Promise<unknown>): Promise<EngineError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'it passed').toBeInstanceOf(EngineError);
  expect((err as EngineError).message).not.toContain('\n');
  return err as EngineError;
}

describe('stratifiedSplit', () => {
  it('puts round(n * fraction) rows of every stratum into validation, seeded', () => {
    const strata = Array.from({ length: 150 }, (_, i) => (i < 50 ? 0 : i < 130 ? 1 : 2)); // 50, 80, 20
    const v = stratifiedSplit(strata, { validationFraction: 0.2, seed: 1 });
    const per = [0, 1, 2].map((s) => strata.filter((x, i) => x === s && v[i]).length);
    expect(per).toEqual([10, 16, 4]);
    expect(stratifiedSplit(strata, { validationFraction: 0.2, seed: 1 })).toEqual(v);
    expect(stratifiedSplit(strata, { validationFraction: 0.2, seed: 2 })).not.toEqual(v);
  });

  it('keeps a stratum of two rows in both files, one of one row in training', () => {
    const v = stratifiedSplit([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2], { validationFraction: 0.1, seed: 3 });
    expect(v.slice(10, 12).reduce((a, b) => a + b, 0)).toBe(1);
    expect(v[12]).toBe(0);
  });

  it('quantileStrata bins sorted values into equal-count strata', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i * 37) % 100);
    const s = quantileStrata(values, 10);
    for (let i = 0; i < 100; i++) expect(s[i]).toBe(Math.floor(values[i]! / 10));
  });
});

describe('profileTable', () => {
  it('text labels are classes (in sorted order), with their counts; every other column is a feature', async () => {
    const p = file('iris.csv', table('a,b,species', 30, (i) => `${i},${i / 2},${['virginica', 'setosa', 'versicolor'][i % 3]}`));
    const r = await profileTable(p, 'species');
    expect(r).toMatchObject({ rows: 30, features: ['a', 'b'], label: 'species', taskType: 'classification' });
    expect(r.classes).toEqual({ names: ['setosa', 'versicolor', 'virginica'], counts: [10, 10, 10], indexed: false });
    expect(r.rule).toMatch(/text/);
    expect(Array.from(r.labels.slice(0, 3))).toEqual([2, 0, 1]);
  });

  it(`whole numbers 0..C-1 with at most ${MAX_INFERRED_CLASSES} values are class indices; other whole numbers are class names`, async () => {
    const indexed = await profileTable(file('ints.csv', table('x,y', 40, (i) => `${i},${i % 4}`)), 'y');
    expect(indexed.taskType).toBe('classification');
    expect(indexed.classes).toEqual({ names: ['0', '1', '2', '3'], counts: [10, 10, 10, 10], indexed: true });
    const named = await profileTable(file('pm.csv', table('x,y', 40, (i) => `${i},${i % 2 ? 1 : -1}`)), 'y');
    expect(named.classes).toEqual({ names: ['-1', '1'], counts: [20, 20], indexed: false });
  });

  it(`a label with a fraction, or more than ${MAX_INFERRED_CLASSES} whole numbers, is regression; --type overrides`, async () => {
    const frac = await profileTable(file('frac.csv', table('x,y', 40, (i) => `${i},${i % 3}.5`)), 'y');
    expect(frac.taskType).toBe('regression');
    expect(frac.labelStats).toEqual({ min: 0.5, max: 2.5, mean: expect.closeTo(1.475, 10) });
    const many = await profileTable(file('many.csv', table('x,y', 40, (i) => `${i},${i}`)), 'y');
    expect(many.taskType).toBe('regression');
    expect(many.rule).toMatch(/40 distinct/);
    const forced = await profileTable(file('many2.csv', table('x,y', 40, (i) => `${i},${i % 25}`)), 'y', { taskType: 'classification' });
    expect(forced.taskType).toBe('classification');
    expect(forced.classes!.names).toHaveLength(25);
  });

  it('refuses, in one line naming the line and column: a missing label column, a text feature, an empty value, one class only', async () => {
    const p = file('ok.csv', table('a,b,y', 20, (i) => `${i},1,${i % 2}`));
    expect((await failure(profileTable(p, 'label'))).message).toBe(`${p}:1: no column 'label' to use as the label (columns: a, b, y)`);
    const text = file('text.csv', table('a,island,y', 20, (i) => `${i},${i === 4 ? 'Biscoe' : 2},${i % 2}`));
    const e = await failure(profileTable(text, 'y'));
    expect(e.message).toBe(`${text}:6: column 'island': "Biscoe" is not a number`);
    expect(e.hint).toMatch(/numbers only.*drop the column or encode it as numbers/);
    const empty = file('empty.csv', table('a,b,y', 20, (i) => `${i},${i === 7 ? '' : 1},${i % 2}`));
    expect((await failure(profileTable(empty, 'y'))).message).toBe(`${empty}:9: column 'b': "" is not a number`);
    const emptyLabel = file('empty-label.csv', table('a,y', 20, (i) => `${i},${i === 2 ? '' : i % 2}`));
    expect((await failure(profileTable(emptyLabel, 'y'))).message).toBe(`${emptyLabel}:4: column 'y': the label is empty`);
    const one = file('one.csv', table('a,y', 20, (i) => `${i},cat`));
    expect((await failure(profileTable(one, 'y'))).message).toBe(`${one}: the label 'y' has one value only ("cat"): nothing to learn`);
    const textRegression = file('tr.csv', table('a,y', 20, (i) => `${i},${i % 2 ? 'a' : 'b'}`));
    expect((await failure(profileTable(textRegression, 'y', { taskType: 'regression' }))).message).toBe(`${textRegression}:2: column 'y': a regression label must be a number, not "b"`);
  });
});
