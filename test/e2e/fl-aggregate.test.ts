/**
 * `flock fl aggregate` end to end: the built CLI on real ONNX files (an MLP exported by the
 * engine, updates with new values), text and --json output, a rejected update listed with its
 * reason, and the errors a user meets (unknown rule, too few updates for Bulyan, all rejected).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cidOf } from '../../src/storage/cid.js';
import { runCli, tempHome, type TempHome } from '../harness/index.js';
import { floats, globalModel, noisyUpdate, withFloats } from '../unit/fl/helpers.js';
import { ensureBuilt } from './helpers.js';

let t: TempHome;
let global: string;
let ups: string[];
let nan: string;

beforeAll(async () => {
  ensureBuilt();
  t = tempHome('flock-fl-e2e-');
  const g = await globalModel();
  global = join(t.dir, 'global.onnx');
  writeFileSync(global, g);
  ups = [1, 2, 3].map((seed) => {
    const f = join(t.dir, `update-${seed}.onnx`);
    writeFileSync(f, noisyUpdate(g, seed, 0.05));
    return f;
  });
  nan = join(t.dir, 'nan.onnx');
  writeFileSync(nan, withFloats(g, (n, x) => (n === 'l1_Dense/bias' ? x.map(() => NaN) : x)));
});
afterAll(() => t.cleanup());

const fl = (args: string[]) => runCli(['fl', 'aggregate', '--global', global, ...args], { home: t.home });

describe('flock fl aggregate', () => {
  it('--json: writes the aggregate, prints its CID and one signal per update, the rejected one with its reason', async () => {
    const out = join(t.dir, 'median.onnx');
    const r = await fl(['--rule', 'median', ...ups, nan, '-o', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json();
    expect(j.cid).toBe(cidOf(readFileSync(out)));
    expect(j).toMatchObject({ rule: 'median', parameters: 53, kept: 3, rejected: 1 });
    expect(j.updates).toHaveLength(4);
    const bad = j.updates.find((u: { file: string }) => u.file === nan);
    expect(bad).toMatchObject({ kept: false, rejected: 'initializer l1_Dense/bias: non-finite value NaN at index 0' });
    for (const u of j.updates.filter((x: { file: string }) => x.file !== nan)) {
      expect(u.kept).toBe(true);
      expect(u.norm).toBeGreaterThan(0);
      expect(u.distanceToMedian).toBeGreaterThanOrEqual(0);
    }
    expect(floats(readFileSync(out)).size).toBe(4);
  });

  it('text: a table with the CID, each update and its Krum score', async () => {
    const out = join(t.dir, 'krum.onnx');
    const r = await fl(['--rule', 'krum', ...ups, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`CID ${cidOf(readFileSync(out))}`);
    expect(r.stdout).toMatch(/krum: 1 of 3 update\(s\) kept, 53 parameters/);
    expect(r.stdout).toMatch(/krum score/);
    for (const u of ups) expect(r.stdout).toContain(u);
  });

  it('--examples weighs FedAvg: another weighting, another CID', async () => {
    const a = await fl(['--rule', 'fedavg', ...ups, '--examples', '1,1,1', '-o', join(t.dir, 'a.onnx'), '--json']);
    const b = await fl(['--rule', 'fedavg', ...ups, '--examples', '100,1,1', '-o', join(t.dir, 'b.onnx'), '--json']);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.json().cid).not.toBe(b.json().cid);
  });

  it('errors: one line, a code and an exit code; nothing written', async () => {
    const out = join(t.dir, 'never.onnx');
    const rule = await fl(['--rule', 'mean', ...ups, '-o', out, '--json']);
    expect(rule.code).toBe(2);
    expect(rule.json().error).toMatchObject({ code: 'FL_INVALID_RULE' });
    const few = await fl(['--rule', 'bulyan', '--f', '1', ...ups, '-o', out]);
    expect(few.code).toBe(2);
    expect(few.stderr).toMatch(/Bulyan with f = 1 needs n >= 4f \+ 3 = 7 valid updates, got 3/);
    const all = await fl(['--rule', 'median', nan, '-o', out, '--json']);
    expect(all.code).toBe(9);
    expect(all.json().error).toMatchObject({ code: 'FL_ALL_REJECTED' });
    const examples = await fl(['--rule', 'fedavg', ...ups, '--examples', '1,2', '-o', out, '--json']);
    expect(examples.code).toBe(2);
    expect(examples.json().error).toMatchObject({ code: 'FL_BAD_PARAMETER' });
    const dup = await fl(['--rule', 'fedavg', ups[0]!, ups[0]!, '-o', out, '--json']);
    expect(dup.json().error).toMatchObject({ code: 'FL_DUPLICATE_UPDATE' });
    const missing = await fl(['--rule', 'fedavg', join(t.dir, 'nope.onnx'), '-o', out, '--json']);
    expect(missing.json().error).toMatchObject({ code: 'FL_FILE' });
    expect(existsSync(out)).toBe(false);
  });
});
