/**
 * `flock fl split`'s writer (src/fl/split-file.ts) on the shipped breast-cancer training file and
 * on small files of its own: every row of the input in exactly one client file, as the same text;
 * the same seed gives the same files; label-skew deals the classes unevenly where IID does not;
 * the classes are counted as the engine reads them (indices or class names); bad input is a
 * one-line error with a code.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTaskSpec, type DataSchema } from '../../../src/engine/index.js';
import { parseCsvLine } from '../../../src/engine/data/csv.js';
import { splitDataFile, type SplitFileOptions } from '../../../src/fl/split-file.js';
import { TASKS } from '../engine/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flock-fl-split-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DATA = join(TASKS, 'breast-cancer/train.csv.gz');
let schema: DataSchema;
let header: string;
let rows: string[];
let labelIndex: number;

beforeAll(async () => {
  schema = (await loadTaskSpec(join(TASKS, 'breast-cancer/task.yaml'))).spec.schema;
  const lines = gunzipSync(readFileSync(DATA)).toString('utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  header = lines[0]!;
  rows = lines.slice(1);
  labelIndex = parseCsvLine(header).indexOf('diagnosis');
});

const split = (out: string, o: Partial<SplitFileOptions> = {}) => splitDataFile({ file: DATA, schema, clients: 4, kind: 'iid', seed: 1, out: join(dir, out), ...o });
const read = (file: string) => readFileSync(file, 'utf8').split('\n').slice(0, -1); // the files end with a newline
const labelOf = (row: string) => Number(parseCsvLine(row)[labelIndex]);

describe('splitDataFile', () => {
  it('deals every row of the file to exactly one client, as the same text, under the header', async () => {
    const r = await split('iid');
    expect(r).toMatchObject({ format: 'csv', rows: rows.length, classes: ['malignant', 'benign'] });
    expect(r.clients.map((c) => c.file)).toEqual([1, 2, 3, 4].map((c) => join(dir, 'iid', `client-${c}.csv`)));
    expect(readdirSync(join(dir, 'iid')).sort()).toEqual(['client-1.csv', 'client-2.csv', 'client-3.csv', 'client-4.csv']);
    const dealt: string[] = [];
    for (const c of r.clients) {
      const lines = read(c.file);
      expect(lines[0]).toBe(header);
      expect(lines.length - 1).toBe(c.rows);
      // The counts printed are those of the rows written, and each file keeps the input's order.
      const body = lines.slice(1);
      expect(c.classCounts).toEqual([0, 1].map((k) => body.filter((l) => labelOf(l) === k).length));
      const positions = body.map((l) => rows.indexOf(l));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(statSync(c.file).mode & 0o777).toBe(0o600);
      dealt.push(...body);
    }
    expect(r.clients.reduce((s, c) => s + c.rows, 0)).toBe(rows.length);
    expect(dealt.sort()).toEqual([...rows].sort());
    expect(statSync(join(dir, 'iid')).mode & 0o777).toBe(0o700);
    // IID: near-equal shares.
    expect(Math.max(...r.clients.map((c) => c.rows)) - Math.min(...r.clients.map((c) => c.rows))).toBeLessThanOrEqual(1);
  });

  it('is deterministic for a seed; another seed deals other rows', async () => {
    const a = await split('seed-a', { seed: 7 });
    const b = await split('seed-b', { seed: 7 });
    const c = await split('seed-c', { seed: 8 });
    for (let i = 0; i < 4; i++) expect(readFileSync(b.clients[i]!.file, 'utf8')).toBe(readFileSync(a.clients[i]!.file, 'utf8'));
    expect(c.clients.map((x) => readFileSync(x.file, 'utf8'))).not.toEqual(a.clients.map((x) => readFileSync(x.file, 'utf8')));
  });

  it('label-skew deals the classes unevenly where IID keeps the file’s mix', async () => {
    const iid = await split('mix-iid', { seed: 3 });
    const skew = await split('mix-skew', { seed: 3, kind: 'label-skew', alpha: 0.3 });
    const share = (counts: number[]) => counts[1]! / (counts[0]! + counts[1]!);
    const overall = rows.filter((l) => labelOf(l) === 1).length / rows.length;
    const spread = (r: typeof iid) => Math.max(...r.clients.map((c) => Math.abs(share(c.classCounts!) - overall)));
    expect(spread(iid)).toBeLessThan(0.15);
    expect(spread(skew)).toBeGreaterThan(0.25);
    expect(skew.clients.reduce((s, c) => s + c.rows, 0)).toBe(rows.length);
    const dealt = skew.clients.flatMap((c) => read(c.file).slice(1));
    expect(dealt.sort()).toEqual([...rows].sort());
  });

  it('reads classes as the engine does (names of classNames too), and JSONL gives JSONL files', async () => {
    const csv = join(dir, 'named.csv');
    // Blank lines and a quoted field: each line goes out exactly as it came in.
    writeFileSync(csv, 'x,"y"\n1,ham\n\n2, "spam"\n3,ham\n4,spam\n5,ham\n6,1\n');
    const named: DataSchema = { features: ['x'], label: 'y', taskType: 'classification', classNames: ['ham', 'spam'] };
    const r = await splitDataFile({ file: csv, schema: named, clients: 2, kind: 'iid', seed: 1, out: join(dir, 'named') });
    expect(r.classes).toEqual(['ham', 'spam']);
    expect(r.rows).toBe(6);
    const body = r.clients.flatMap((c) => read(c.file).slice(1));
    expect(body.sort()).toEqual(['1,ham', '2, "spam"', '3,ham', '4,spam', '5,ham', '6,1']);
    expect(r.clients.map((c) => read(c.file)[0])).toEqual(['x,"y"', 'x,"y"']);
    expect(r.clients.reduce((s, c) => [s[0]! + c.classCounts![0]!, s[1]! + c.classCounts![1]!], [0, 0])).toEqual([3, 3]);

    const jsonl = join(dir, 'rows.jsonl');
    writeFileSync(jsonl, ['{"x":1,"y":0}', '{"x":2,"y":1}', '{"x":3,"y":0}', '{"x":4,"y":1}'].join('\n') + '\n');
    const j = await splitDataFile({ file: jsonl, schema: { features: ['x'], label: 'y', taskType: 'classification', numClasses: 2 }, clients: 2, kind: 'iid', seed: 1, out: join(dir, 'jsonl') });
    expect(j.format).toBe('jsonl');
    expect(j.clients.map((c) => c.file)).toEqual([join(dir, 'jsonl', 'client-1.jsonl'), join(dir, 'jsonl', 'client-2.jsonl')]);
    expect(j.clients.flatMap((c) => read(c.file)).sort()).toEqual(['{"x":1,"y":0}', '{"x":2,"y":1}', '{"x":3,"y":0}', '{"x":4,"y":1}']);
  });

  it('refuses bad input with a one-line error, a hint and a code', async () => {
    await expect(split('e1', { clients: 1 })).rejects.toMatchObject({ code: 'FL_BAD_PARAMETER', message: '--clients 1: a split needs at least 2 clients' });
    await expect(split('e2', { clients: rows.length + 1 })).rejects.toMatchObject({ code: 'FL_BAD_PARAMETER', message: `${rows.length} rows cannot be split across ${rows.length + 1} clients` });
    await expect(split('e3', { file: join(dir, 'missing.csv') })).rejects.toMatchObject({ code: 'FL_BAD_DATA', message: `no data file ${join(dir, 'missing.csv')}` });
    const noLabel = split('e4', { schema: { ...(schema as object), label: 'nope' } as DataSchema });
    await expect(noLabel).rejects.toMatchObject({ code: 'FL_BAD_DATA' });
    await expect(noLabel).rejects.toThrow(/label column 'nope' not found/);
    await expect(split('e5', { kind: 'label-skew', alpha: 0 })).rejects.toMatchObject({ code: 'FL_BAD_PARAMETER' });
    const e = await split('e6', { clients: 0 }).catch((x: { message: string; hint?: string }) => x);
    expect((e as { hint?: string }).hint).toBe('e.g. --clients 3');
    const regression = join(dir, 'regression.csv');
    writeFileSync(regression, 'x,y\n1,0.5\n2,1.5\n3,2.5\n');
    await expect(splitDataFile({ file: regression, schema: { features: ['x'], label: 'y', taskType: 'regression' }, clients: 2, kind: 'label-skew', seed: 1, out: join(dir, 'e7') })).rejects.toMatchObject({
      code: 'FL_BAD_PARAMETER',
      message: '--split label-skew needs classes; this task is a regression',
    });
    // Nothing written for a refused split.
    expect(readdirSync(dir).filter((n) => /^e\d$/.test(n))).toEqual([]);
  });
});
