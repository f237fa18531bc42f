import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployment } from '../../src/chain/deployment.js';
import { Role } from '../../src/protocol/arena/index.js';
import { createProtocolClient, type ProtocolClient } from '../../src/protocol/client.js';
import { freePort, ROOT, runCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt, stopCliDevnet } from './helpers.js';

/**
 * Nothing staked on bad input (issue #9), through the built CLI on a devnet: `flock task create`
 * with bad training data (a 1e308 value) or a validation set without labels exits 2 naming the
 * file, line and column, and sends nothing (the creator's nonce, FLOCK, gmFLOCK, the task count
 * and the store are as before); `flock train --model missing.onnx` exits 2 and `--model <not
 * ONNX>` exits 9, both before registering (the Arena still has no participant for the account).
 * A task on an unbounded metric (mse) without a score tolerance exits 2 (SCORE_TOLERANCE) before
 * anything is uploaded or sent; with one (the spec's metric.tolerance, or --tolerance) it is
 * created with that tolerance.
 */

const ALICE_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'; // anvil #1
const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const CREATOR_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'; // anvil #0
const CREATOR = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const DIGITS = join(ROOT, 'examples/tasks/digits');
const DIABETES = join(ROOT, 'examples/tasks/diabetes');

describe('bad inputs cost no stake', () => {
  let t: TempHome;
  let provider: JsonRpcProvider;
  let client: ProtocolClient;
  const cli = (args: string[]) => runCli(args, { home: t.home, timeoutMs: 60_000 });
  const ok = async (args: string[]) => {
    const r = await cli(args);
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r;
  };
  const as = (who: 'alice' | 'creator') => ['--account', who, '--password-file', join(t.dir, 'password')];
  /** What a transaction would change: the creator's nonce and balances, the tasks, the store. */
  const snapshot = async () => {
    const s = await client.account.getAccountStatus({ account: CREATOR });
    const store = join(t.home, 'store');
    return {
      nonce: await provider.getTransactionCount(CREATOR),
      flock: s.flock,
      gmFlock: s.gmFlock,
      tasks: await client.arena.getTaskCount(),
      stored: existsSync(store) ? readdirSync(store).filter((f) => !f.startsWith('.')).length : 0,
    };
  };
  /** A copy of the digits task whose training (or validation) file is `text`. */
  const spec = (name: string, files: { train?: string; validation?: string }) => {
    const yaml = readFileSync(join(DIGITS, 'task.yaml'), 'utf8')
      .replace(/^  source: .*$/m, '')
      .replace(/^  train: .*$/m, `  train: ${files.train ?? join(DIGITS, 'train.csv.gz')}`)
      .replace(/^  validation: .*$/m, `  validation: ${files.validation ?? join(DIGITS, 'validation.csv.gz')}`);
    const p = join(t.dir, `${name}.yaml`);
    writeFileSync(p, yaml);
    return p;
  };
  const digitsLines = (file: string) => gunzipSync(readFileSync(join(DIGITS, file))).toString('utf8').split('\n');

  beforeAll(async () => {
    ensureBuilt();
    t = tempHome('flock-inputs-');
    const up = await runCli(['devnet', 'up', '--port', String(await freePort()), '--json'], { home: t.home, timeoutMs: 120_000 });
    expect(up.code, up.stderr).toBe(0);
    provider = new JsonRpcProvider(up.json().rpcUrl, undefined, { staticNetwork: true });
    client = createProtocolClient({ record: readDeployment(t.home, 31337)!, runner: provider });
    writeFileSync(join(t.dir, 'password'), 'correct horse');
    for (const [who, key] of [['creator', CREATOR_KEY], ['alice', ALICE_KEY]] as const) {
      writeFileSync(join(t.dir, `${who}.key`), key);
      await ok(['wallet', 'import', who, '--private-key-file', join(t.dir, `${who}.key`), ...as(who)]);
      await ok(['stake', '200', '--lock', '0', ...as(who)]);
    }
  }, 120_000);

  afterAll(async () => {
    provider?.destroy();
    if (!t) return;
    await stopCliDevnet(t.home);
    t.cleanup();
  });

  it('task create refuses bad data with exit 2, naming the file, line and column, and sends nothing', async () => {
    const before = await snapshot();
    expect(before.gmFlock).toBeGreaterThan(0n);

    // Training data with a 1e308 (the value that once trained 8 epochs, then failed as "fix the model").
    const lines = digitsLines('train.csv.gz');
    const header = lines[0]!.split(',');
    const row = lines[5]!.split(',');
    row[3] = '1e308';
    lines[5] = row.join(',');
    const huge = join(t.dir, 'huge-train.csv');
    writeFileSync(huge, lines.join('\n'));
    const r1 = await cli(['task', 'create', '--spec', spec('huge', { train: huge }), '--phase', '1h', '--json', ...as('creator')]);
    expect(r1.code, r1.stdout + r1.stderr).toBe(2);
    const e1 = r1.json().error;
    expect(e1.code).toBe('BAD_TASK_DATA');
    expect(e1.message).toBe(`${huge}:6: column '${header[3]}': 1e308 is beyond ±1e12 (values reach the model as float32)`);
    expect(e1.hint).toContain(`fix ${huge}`);
    expect(e1.hint).toContain('nothing was uploaded or sent');

    // A validation set without its label column (human output: one line and a hint on stderr).
    const val = digitsLines('validation.csv.gz').map((l) => l.split(',').slice(0, -1).join(','));
    const unlabelled = join(t.dir, 'unlabelled.csv');
    writeFileSync(unlabelled, val.join('\n'));
    const r2 = await cli(['task', 'create', '--spec', spec('unlabelled', { validation: unlabelled }), '--phase', '1h', ...as('creator')]);
    expect(r2.code, r2.stdout + r2.stderr).toBe(2);
    expect(r2.stderr).toMatch(new RegExp(`^error: ${unlabelled.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: no label column 'digit' \\(columns: px0_0, `, 'm'));
    expect(r2.stderr).toMatch(/^hint: fix .*unlabelled\.csv/m);

    expect(await snapshot()).toEqual(before);
  }, 60_000);

  it('an mse task needs a score tolerance: refused with exit 2 before anything is sent; the spec’s or --tolerance is sent', async () => {
    const yaml = readFileSync(join(DIABETES, 'task.yaml'), 'utf8')
      .replace(/^  source: .*$/m, '')
      .replace(/^  train: .*$/m, `  train: ${join(DIABETES, 'train.csv.gz')}`)
      .replace(/^  validation: .*$/m, `  validation: ${join(DIABETES, 'validation.csv.gz')}`);
    expect(yaml).toMatch(/tolerance: 100\b/);
    const withSpec = join(t.dir, 'diabetes.yaml');
    writeFileSync(withSpec, yaml);
    const without = join(t.dir, 'diabetes-no-tolerance.yaml');
    writeFileSync(without, yaml.replace(/, tolerance: 100/, ''));

    await ok(['stake', '200', '--lock', '0', ...as('creator')]); // the two tasks created below stake it
    const before = await snapshot();
    const r = await cli(['task', 'create', '--spec', without, '--phase', '1h', '--json', ...as('creator')]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.json().error).toMatchObject({ code: 'SCORE_TOLERANCE', message: expect.stringMatching(/^a mse task needs a score tolerance/) });
    expect(r.json().error.hint).toMatch(/--tolerance/);
    const bad = await cli(['task', 'create', '--spec', withSpec, '--tolerance', '-3', '--phase', '1h', ...as('creator')]);
    expect(bad.code, bad.stdout + bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/^error: score tolerance -3 is not a positive number of mse units/m);
    expect(await snapshot()).toEqual(before);

    const fromSpec = (await ok(['task', 'create', '--spec', withSpec, '--phase', '1h', '--json', ...as('creator')])).json();
    expect((await ok(['task', 'show', fromSpec.taskId, '--json'])).json()).toMatchObject({ metric: 'mse', scoreTolerance: 100 });
    const fromFlag = (await ok(['task', 'create', '--spec', without, '--tolerance', '42.5', '--phase', '1h', '--json', ...as('creator')])).json();
    const shown = await ok(['task', 'show', fromFlag.taskId]);
    expect(shown.stdout).toContain('score tolerance ±42.5');
  }, 90_000);

  it('flock train --model <missing> exits 2, --model <not ONNX> exits 9, both before registering', async () => {
    const created = (await ok(['task', 'create', '--spec', spec('good', {}), '--phase', '1h', '--json', ...as('creator')])).json();
    const taskId = BigInt(created.taskId);
    const nonce = await provider.getTransactionCount(ALICE);

    const missing = join(t.dir, 'missing.onnx');
    const r1 = await cli(['train', '--task', created.taskId, '--model', missing, '--json', ...as('alice')]);
    expect(r1.code, r1.stdout + r1.stderr).toBe(2);
    expect(r1.json().error).toMatchObject({ code: 'MODEL_FILE', message: `--model ${missing}: no such file` });

    const garbage = join(t.dir, 'garbage.onnx');
    writeFileSync(garbage, 'not an onnx model, just bytes'.repeat(10));
    const r2 = await cli(['train', '--task', created.taskId, '--model', garbage, '--json', ...as('alice')]);
    expect(r2.code, r2.stdout + r2.stderr).toBe(9);
    expect(r2.json().error.code).toBe('MODEL_INVALID');
    expect(r2.json().error.message).toMatch(new RegExp(`^--model ${garbage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} fails task ${taskId}'s model contract: unparsable`));

    expect(await client.arena.getParticipant({ taskId, account: ALICE })).toEqual({ role: Role.None, index: 0n });
    expect(await provider.getTransactionCount(ALICE)).toBe(nonce);
  }, 60_000);
});
