/**
 * An Alliance node's round work (src/fl/node.ts) on the shipped breast-cancer task, cpu backend:
 * the private split is stable and disjoint, a proposal is a valid update of the global graph
 * (clipped to the bound with privacy on), and voters agree bit for bit whatever order the updates
 * come in, blaming the scaled update and only it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, initialModel, loadTaskSpec, type LoadedTask } from '../../../src/engine/index.js';
import { rowHash } from '../../../src/engine/data/split.js';
import { LOCAL_TEST_FRACTION, proposeUpdate, splitLocalData, voteOnUpdates, type LocalData, type RoundUpdate } from '../../../src/fl/node.js';
import { readGlobal } from '../../../src/fl/validate.js';
import { readModel, writeAggregate } from '../../../src/fl/model.js';
import { flatten, unflatten } from '../../../src/fl/vector.js';
import { cidOf } from '../../../src/storage/cid.js';
import { TASKS } from '../engine/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flock-fl-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let task: LoadedTask;
let global: Uint8Array;
let local: LocalData;
const trainer = () => {
  const { earlyStopping: _es, ...t } = task.spec.trainer!;
  return t;
};

beforeAll(async () => {
  task = await loadTaskSpec(join(TASKS, 'breast-cancer/task.yaml'));
  const m = await initialModel({ data: task.files.train, schema: task.spec.schema, config: { ...trainer(), epochs: 1, validationFraction: 0, seed: 1 }, backend: 'cpu' });
  global = exportOnnx(m);
  m.dispose();
  local = await splitLocalData(task.files.train, task.spec.schema, join(dir, 'node'), 7);
}, 60_000);

describe('an Alliance node', () => {
  it('splits its data once, the same way again, into private files', async () => {
    const again = await splitLocalData(task.files.train, task.spec.schema, join(dir, 'again'), 7);
    expect(readFileSync(again.train, 'utf8')).toBe(readFileSync(local.train, 'utf8'));
    expect(readFileSync(again.test, 'utf8')).toBe(readFileSync(local.test, 'utf8'));
    expect(local.testRows / (local.trainRows + local.testRows)).toBeGreaterThan(0.1);
    expect(local.testRows / (local.trainRows + local.testRows)).toBeLessThan(0.3);
    expect(statSync(local.train).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'node')).mode & 0o777).toBe(0o700);
  });

  it('keeps a row in each part of a small file whose hashes all fall one way (found by bench/alliance.ts: 22 rows, none to test, a voter exited 2)', async () => {
    const lines = gunzipSync(readFileSync(task.files.train)).toString('utf8').trim().split('\n');
    const seedWhere = (n: number, test: boolean) => {
      for (let s = 0; ; s++) if (Array.from({ length: n }, (_, i) => rowHash(i, s) < LOCAL_TEST_FRACTION === test).every(Boolean)) return s;
    };
    for (const [n, allTest] of [
      [3, false],
      [2, true],
    ] as const) {
      const file = join(dir, `small-${n}.csv`);
      writeFileSync(file, `${lines.slice(0, n + 1).join('\n')}\n`);
      const seed = seedWhere(n, allTest);
      const a = await splitLocalData(file, task.spec.schema, join(dir, `small-${n}-a`), seed);
      expect([a.trainRows, a.testRows]).toEqual(allTest ? [1, 1] : [2, 1]);
      const b = await splitLocalData(file, task.spec.schema, join(dir, `small-${n}-b`), seed);
      expect(readFileSync(b.test, 'utf8')).toBe(readFileSync(a.test, 'utf8'));
    }
  });

  it('proposes an update of the global graph; with privacy its change is clipped and noised', async () => {
    const p = await proposeUpdate({ global, schema: task.spec.schema, trainer: trainer(), data: local, epochs: 1, seed: 1, backend: 'cpu' });
    expect(p.cid).toBe(cidOf(p.bytes));
    expect(p.examples).toBe(local.trainRows);
    const g = readGlobal(global);
    expect(flatten(readModel(p.bytes), g.layout).length).toBe(g.vector.length);
    const dp = await proposeUpdate({ global, schema: task.spec.schema, trainer: trainer(), data: local, epochs: 1, seed: 1, privacy: { clip: 0.5, noise: 0 }, backend: 'cpu' });
    const delta = flatten(readModel(dp.bytes), g.layout).map((v, i) => v - g.vector[i]!);
    expect(Math.hypot(...delta)).toBeLessThanOrEqual(0.5 * (1 + 1e-5));
  }, 120_000);

  it('voters agree bit for bit in any order, and blame the scaled update only', async () => {
    const g = readGlobal(global);
    const updates: RoundUpdate[] = [];
    for (let i = 0; i < 4; i++) {
      const p = await proposeUpdate({ global, schema: task.spec.schema, trainer: trainer(), data: local, epochs: 1, seed: 10 + i, backend: 'cpu' });
      updates.push({ index: i * 2, cid: p.cid, bytes: p.bytes, examples: p.examples });
    }
    // Index 6 scales its change by 10.
    const model = readModel(updates[3]!.bytes);
    const scaled = flatten(model, g.layout).map((v, i) => g.vector[i]! + 10 * (v - g.vector[i]!));
    const bytes = writeAggregate(model, unflatten(scaled, g.layout));
    updates[3] = { index: 6, cid: cidOf(bytes), bytes, examples: updates[3]!.examples };
    const opts = { global, rule: 'median' as const, contract: task.spec.contract, metric: task.spec.metric.name, schema: task.spec.schema, test: local.test };
    const a = await voteOnUpdates({ ...opts, updates });
    const b = await voteOnUpdates({ ...opts, updates: [...updates].reverse() });
    expect(a.aggregate!.cid).toBe(b.aggregate!.cid);
    expect(a.blamed).toEqual([6]);
    expect(b.blamed).toEqual([6]);
    expect(a.newScore).not.toBeNull();
    expect(a.previousScore).not.toBeNull();
    // An invalid update (another graph's bytes) is rejected with its reason and blamed.
    const junk = new Uint8Array([1, 2, 3]);
    const c = await voteOnUpdates({ ...opts, updates: [...updates.slice(0, 3), { index: 9, cid: cidOf(junk), bytes: junk, examples: 1 }] });
    expect(c.blamed).toEqual([9]);
    expect(c.rejected[0]!.index).toBe(9);
  }, 180_000);
});
