import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EngineError, isValidationRow, rowHash, TabularDataset } from '../../../src/engine/index.js';
import { parseCsvLine } from '../../../src/engine/data/csv.js';
import { normalisationAffine } from '../../../src/engine/data/normalise.js';
import { TASKS } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'flock-engine-data-'));
const file = (name: string, text: string, gz = false) => {
  const p = path.join(dir, name);
  writeFileSync(p, gz ? gzipSync(text) : text);
  return p;
};

describe('CSV and JSONL reading', () => {
  it('parses quoted CSV fields', () => {
    expect(parseCsvLine('1, "a,b" ,"say ""hi""",')).toEqual(['1', 'a,b', 'say "hi"', '']);
    expect(() => parseCsvLine('"open')).toThrow(EngineError);
  });

  const schema = { features: ['a', 'b'], label: 'y', taskType: 'classification' as const, numClasses: 3 };
  const csv = 'a,b,y\n1,2,0\n3,4,1\n\n5,6,2\n';
  const jsonl = '{"a":1,"b":2,"y":0}\n{"a":3,"b":4,"y":1}\n{"a":5,"b":6,"y":2}\n';

  it('reads the same rows from CSV, gzip CSV (sniffed, no extension) and JSONL', async () => {
    const sources = [file('t.csv', csv), file('blob-without-extension', csv, true), file('t.jsonl', jsonl), file('t.jsonl.gz', jsonl, true)];
    for (const src of sources) {
      const ds = await TabularDataset.open(src, schema);
      const all = await ds.load('all');
      expect(Array.from(all.x)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(Array.from(all.y)).toEqual([0, 1, 2]);
    }
  });

  it('maps class names to indices and rejects bad rows with the row number', async () => {
    const named = await TabularDataset.open(file('n.csv', 'a,b,y\n1,2,cat\n3,4,dog\n'), { ...schema, numClasses: 2, classNames: ['dog', 'cat'] });
    expect(Array.from((await named.load('all')).y)).toEqual([1, 0]);
    const bad = await TabularDataset.open(file('bad.csv', 'a,b,y\n1,2,0\n1,x,1\n'), schema);
    await expect(bad.load('all')).rejects.toThrow(/row 2, column 'b'/);
    const badLabel = await TabularDataset.open(file('badl.csv', 'a,b,y\n1,2,7\n'), schema);
    await expect(badLabel.load('all')).rejects.toThrow(/not a class/);
  });

  it('a corrupt gzip file is a bad-data error, not a crash', async () => {
    const gz = gzipSync('a,b,y\n' + Array.from({ length: 5000 }, (_, i) => `${i},${i % 7},${i % 3}`).join('\n'));
    gz.fill(0xff, 30, 130);
    const p = path.join(dir, 'corrupt.csv.gz');
    writeFileSync(p, gz);
    const err = await TabularDataset.open(p, schema).then((d) => d.load('all')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('bad-data');
  });

  it('requires a header and the schema columns', async () => {
    await expect(TabularDataset.open(file('nohdr.csv', '1,2,0\n'), schema)).rejects.toThrow(/header/);
    await expect(TabularDataset.open(file('cols.csv', 'a,c,y\n1,2,0\n'), schema)).rejects.toThrow(/'b' not found/);
    await expect(TabularDataset.open(file('shape.csv', csv), { ...schema, inputShape: [3] })).rejects.toThrow(/inputShape/);
  });

  it('computes normalisation statistics over the training rows only', async () => {
    const ds = await TabularDataset.open(file('s.csv', 'a,b,y\n1,10,0\n2,10,1\n3,10,2\n4,10,0\n'), schema);
    const stats = await ds.scan();
    expect(Array.from(stats.features.mean)).toEqual([2.5, 10]);
    expect(stats.features.std[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(stats.classCounts).toEqual([2, 1, 1]);
    const std = normalisationAffine('standard', stats.features, 2)!;
    expect(std.scale[0]).toBeCloseTo(1 / Math.sqrt(1.25), 6);
    expect(std.offset[0]).toBeCloseTo(-2.5 / Math.sqrt(1.25), 6);
    expect([std.scale[1], std.offset[1]]).toEqual([1, -10]); // constant column: centred only
    const mm = normalisationAffine('minmax', stats.features, 2)!;
    expect(Array.from(mm.scale)).toEqual([1 / 3, 1].map(Math.fround));
    expect(normalisationAffine({ scale: 0.0625 }, undefined, 2)!.scale[1]).toBe(0.0625);
    expect(normalisationAffine('none', stats.features, 2)).toBeNull();

    const split = await TabularDataset.open(ds.table.file, schema, { split: { validationFraction: 0.5, seed: 3 } });
    const s2 = await split.scan();
    expect(s2.trainRows + s2.validationRows).toBe(4);
    const train = await split.load('train');
    const mean = Array.from({ length: train.size }, (_, i) => train.x[i * 2]!).reduce((a, b) => a + b, 0) / train.size;
    expect(s2.features.mean[0]).toBeCloseTo(mean, 12);
  });
});

describe('batches', () => {
  it('a shuffled pass (shuffle buffer smaller than the data) yields every row exactly once', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `${i},${i % 7},${i % 3}`);
    const ds = await TabularDataset.open(file('perm.csv', ['a,b,y', ...rows].join('\n')), {
      features: ['a', 'b'], label: 'y', taskType: 'classification', numClasses: 3,
    });
    const ids: number[] = [];
    for await (const b of ds.batches('all', { batchSize: 64, shuffle: { seed: 5, bufferRows: 100 } })) {
      for (let i = 0; i < b.size; i++) {
        ids.push(b.x[i * 2]!);
        expect(b.y[i]).toBe(b.x[i * 2]! % 3); // labels stay with their rows
      }
    }
    expect(ids).not.toEqual([...ids].sort((p, q) => p - q));
    expect([...ids].sort((p, q) => p - q)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});

describe('seeded split', () => {
  it('is a pure function of (row index, seed)', () => {
    expect(rowHash(12345, 7)).toBe(rowHash(12345, 7));
    expect(rowHash(12345, 7)).not.toBe(rowHash(12345, 8));
    const a = Array.from({ length: 1000 }, (_, i) => isValidationRow(i, { validationFraction: 0.2, seed: 42 }));
    const b = Array.from({ length: 1000 }, (_, i) => isValidationRow(i, { validationFraction: 0.2, seed: 42 }));
    const c = Array.from({ length: 1000 }, (_, i) => isValidationRow(i, { validationFraction: 0.2, seed: 43 }));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const share = a.filter(Boolean).length / a.length;
    expect(share).toBeGreaterThan(0.17);
    expect(share).toBeLessThan(0.23);
    // Works past 2^32 rows.
    expect(rowHash(2 ** 33 + 5, 1)).not.toBe(rowHash(5, 1));
  });

  it('the committed example splits are exactly what the engine split produces (make-splits.mjs uses split.ts)', () => {
    const lines = (p: string) => gunzipSync(readFileSync(p)).toString('utf8').split('\n').filter(Boolean);
    for (const name of ['digits', 'breast-cancer', 'diabetes']) {
      const spec = parse(readFileSync(path.join(TASKS, name, 'task.yaml'), 'utf8'));
      const [header, ...rows] = lines(path.join(TASKS, name, spec.data.source));
      const split = { seed: spec.data.split.seed, validationFraction: spec.data.split.validationFraction };
      const expectedVal = rows.filter((_, i) => isValidationRow(i, split));
      const expectedTrain = rows.filter((_, i) => !isValidationRow(i, split));
      expect(lines(path.join(TASKS, name, spec.data.validation))).toEqual([header, ...expectedVal]);
      expect(lines(path.join(TASKS, name, spec.data.train))).toEqual([header, ...expectedTrain]);
    }
  });

  it('the example data has the documented shapes', async () => {
    const counts: Record<string, [number, number]> = { digits: [1797, 65], 'breast-cancer': [569, 31], diabetes: [442, 11] };
    for (const [name, [rows, cols]] of Object.entries(counts)) {
      const text = gunzipSync(readFileSync(path.join(TASKS, name, 'data.csv.gz'))).toString('utf8').trim().split('\n');
      expect(text.length - 1).toBe(rows);
      expect(text[0]!.split(',').length).toBe(cols);
    }
  });
});
