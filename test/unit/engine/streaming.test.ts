/**
 * Data is streamed: batches are produced lazily while the file is being read, and a file is
 * trained on without ever being held in memory.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, TabularDataset, train } from '../../../src/engine/index.js';

const FEATURES = 8;
const ROWS = 200_000;
const schema = { features: 'all-but-label' as const, label: 'y', taskType: 'classification' as const, numClasses: 2, normalisation: 'standard' as const };
let file: string;
let rawBytes: number;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  // y = 1 when the sum of the first two features is positive: learnable by a linear model.
  let seed = 99;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const lines = [[...Array.from({ length: FEATURES }, (_, j) => `f${j}`), 'y'].join(',')];
  for (let i = 0; i < ROWS; i++) {
    const f = Array.from({ length: FEATURES }, () => rnd());
    lines.push([...f.map((v) => v.toFixed(5)), f[0]! + f[1]! > 0 ? 1 : 0].join(','));
  }
  const text = lines.join('\n') + '\n';
  rawBytes = Buffer.byteLength(text);
  file = path.join(mkdtempSync(path.join(tmpdir(), 'flock-stream-')), 'big.csv.gz');
  writeFileSync(file, gzipSync(text, { level: 1 }));
});

describe('streaming', () => {
  it('yields the first batch long before the file has been read', async () => {
    const ds = await TabularDataset.open(file, schema);
    const it = ds.batches('all', { batchSize: 64 });
    const first = await it.next();
    expect(first.done).toBe(false);
    expect(first.value!.size).toBe(64);
    expect(ds.progress.totalBytes).toBe(statSync(file).size);
    expect(ds.progress.bytesRead).toBeGreaterThan(0);
    expect(ds.progress.bytesRead).toBeLessThan(ds.progress.totalBytes / 10);
    await it.return(undefined); // closes the file
  });

  it('the streaming shuffle is reproducible for a seed and differs across seeds', async () => {
    const small = await TabularDataset.open(file, schema);
    const seen = async (seed: number) => {
      const firsts: number[] = [];
      let n = 0;
      for await (const b of small.batches('all', { batchSize: 1000, shuffle: { seed, bufferRows: 500 } })) {
        for (let i = 0; i < b.size; i++) firsts.push(b.x[i * FEATURES]!);
        n += b.size;
        if (n >= 20_000) break;
      }
      return firsts;
    };
    const a = await seen(1);
    expect(await seen(1)).toEqual(a);
    expect(await seen(2)).not.toEqual(a);
  });

  it(`trains an epoch on a ${ROWS}-row gzip CSV without holding it in memory`, async () => {
    // A forced collection before each sample measures what is retained, not garbage awaiting GC.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const retained = () => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const samples: number[] = [];
    const r = await train({
      data: file,
      schema,
      config: { model: { kind: 'mlp', hidden: [8] }, epochs: 1, batchSize: 512, learningRate: 0.01, validationFraction: 0.05, maxInMemoryBytes: 0, shuffleBufferRows: 4096, seed: 1 },
      onBatch: (b) => {
        if (b.batch % 50 === 0) samples.push(retained());
      },
    });
    expect(r.mode).toBe('streaming');
    expect(r.stats.rows).toBe(ROWS);
    expect(r.history[0]!.valMetrics!.accuracy).toBeGreaterThan(0.95);
    // Retained memory must not grow with the rows read: between the first sample (~25k rows in)
    // and the last (~175k rows in), holding rows would retain >= 150k * 9 * 4 bytes = 5.1 MiB.
    const growth = Math.max(...samples) - samples[0]!;
    console.log(`streaming: raw ${(rawBytes / 2 ** 20).toFixed(1)} MiB, gz ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB, ${samples.length} samples, retained growth over the epoch ${(growth / 2 ** 20).toFixed(2)} MiB, ${Math.round(r.history[0]!.samplesPerSec)} samples/s, ${(r.durationMs / 1000).toFixed(1)} s`);
    expect(samples.length).toBeGreaterThanOrEqual(7);
    // Half of that bound: still proves no rows are held, with room for GC noise (~1 MiB seen).
    expect(growth).toBeLessThan(2.5 * 2 ** 20);
    r.model.dispose();
  });
});
