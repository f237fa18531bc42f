/**
 * A task of one's own data (issue #10, findings 8 and 12), through the built CLI.
 *
 * Without a chain: `flock task init` on a CSV the project does not ship (Fisher's iris,
 * test/fixtures/iris) writes a task folder; a header-less CSV is refused; `flock model check`
 * scores a model against the task, says what to change in a foreign one (a Reshape) and refuses
 * raw logits where the task reads class probabilities.
 *
 * On a devnet: `flock task create` refuses a label column that does not exist, a header-less
 * validation file and a NaN in the training data, each before anything is approved or sent (the
 * chain has no task, the Arena no allowance, the creator's nonce is unchanged). Then the iris
 * task goes through a whole round: created from the folder `task init` wrote, a trainer trains
 * the suggested MLP, another submits a model that outputs raw logits (refused by its own
 * pre-commit check first, then pushed with --no-check), a validator scores both; finalize: the
 * MLP beats the baseline and is ranked, the logits model is invalid and slashed; everyone claims.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployment } from '../../src/chain/deployment.js';
import { createProtocolClient, type ProtocolClient } from '../../src/protocol/client.js';
import { requireArena } from '../../src/protocol/arena/index.js';
import { AttributeType } from '../../src/engine/onnx/proto.js';
import { floatTensor, gemmSoftmax, model, node, valueInfo } from '../fixtures/engine/handmade.js';
import { cloneHome, readDaemonState, ROOT, runCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt, startCliDevnet, teardownCliDevnet } from './helpers.js';

const IRIS = join(ROOT, 'test/fixtures/iris/iris.csv');
const KEYS = {
  creator: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80', // anvil #0
  trainer: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d', // #1
  logits: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a', // #2
  v1: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6', // #3
} as const;
const CREATOR = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
type Actor = keyof typeof KEYS;

/** Iris-sized models: [N, 4] -> [N, 3]. A Gemm alone outputs logits; one with a Softmax, probabilities. */
const W = [
  [-0.4, 1.1, -2.2, -1.0],
  [0.3, -0.8, 0.2, -0.9],
  [0.1, -0.3, 2.0, 2.2],
];
const logitsModel = () =>
  model({
    node: [node('Gemm', ['x', 'W', 'b'], ['logits'], [{ name: 'transB', type: AttributeType.INT, i: 1 }])],
    initializer: [floatTensor('W', [3, 4], W.flat()), floatTensor('b', [3], [6, 2, -8])],
    input: [valueInfo('x', ['N', 4])],
    output: [valueInfo('logits', ['N', 3])],
  });
/** A "foreign" model taking [N, 2, 2]: the same 4 values per row in another shape. */
const foreignModel = () =>
  model({
    node: [node('Flatten', ['x'], ['flat'], [{ name: 'axis', type: AttributeType.INT, i: 1 }]), node('Gemm', ['flat', 'W', 'b'], ['z'], [{ name: 'transB', type: AttributeType.INT, i: 1 }]), node('Softmax', ['z'], ['y'], [{ name: 'axis', type: AttributeType.INT, i: 1 }])],
    initializer: [floatTensor('W', [3, 4], W.flat()), floatTensor('b', [3], [6, 2, -8])],
    input: [valueInfo('x', ['N', 2, 2])],
    output: [valueInfo('y', ['N', 3])],
  });

describe('a task of your own data, without a chain', () => {
  let t: TempHome;
  const cli = (args: string[]) => runCli(args, { home: t.home, cwd: t.dir, timeoutMs: 60_000 });

  beforeAll(() => {
    ensureBuilt();
    t = tempHome('flock-task-init-');
  });
  afterAll(() => t?.cleanup());

  it('task init writes ./iris-task from iris.csv; again without --force is refused', async () => {
    const r = await cli(['task', 'init', IRIS, '--label', 'species', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const x = r.json();
    expect(x).toMatchObject({ dir: join(t.dir, 'iris-task'), rows: 150, taskType: 'classification', metric: 'accuracy', baseline: 0.3334, split: { train: 120, validation: 30 } });
    expect(x.classes).toEqual(['setosa', 'versicolor', 'virginica'].map((name) => ({ name, count: 50, train: 40, validation: 10 })));
    for (const f of ['task.yaml', 'train.csv', 'validation.csv']) expect(existsSync(join(t.dir, 'iris-task', f)), f).toBe(true);

    const again = await cli(['task', 'init', IRIS, '--label', 'species']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: .*iris-task already holds task\.yaml, train\.csv, validation\.csv$/m);
    expect(again.stderr).toMatch(/^hint: pass --force/m);
    const human = await cli(['task', 'init', IRIS, '--label', 'species', '--force']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('label species: classification, 3 classes: setosa 50, versicolor 50, virginica 50');
    expect(human.stdout).toContain('because the label has text values: each distinct value is a class');
    expect(human.stdout).toContain('baseline 0.3334');
    expect(human.stdout).toContain('`flock task create --spec iris-task/task.yaml`');
  });

  it('task init refuses a header-less CSV and a label that is not a column, exit 2', async () => {
    const headerless = join(t.dir, 'headerless.csv');
    writeFileSync(headerless, readFileSync(IRIS, 'utf8').split('\n').slice(1).join('\n'));
    const r = await cli(['task', 'init', headerless, '--label', 'species', '--json']);
    expect(r.code).toBe(2);
    expect(r.json().error).toMatchObject({ code: 'BAD_TASK_DATA', message: `${headerless}:1: the first line looks like data, not a header: '5.1' (column 1) is a number` });
    expect(r.json().error.hint).toMatch(/^add a first line naming the columns, e\.g\. x1,x2,x3,x4,label/);
    const nolabel = await cli(['task', 'init', IRIS, '--label', 'kind', '--out', 'x', '--json']);
    expect(nolabel.code).toBe(2);
    expect(nolabel.json().error.message).toBe(`${IRIS}:1: no column 'kind' to use as the label (columns: sepal_length, sepal_width, petal_length, petal_width, species)`);
  });

  it('model check: scores a valid model; says to add a Reshape, or a Softmax (raw logits), with exit 9', async () => {
    const spec = join(t.dir, 'iris-task', 'task.yaml');
    const files = { probs: gemmSoftmax(4, 3, [0, 0.1, 0]), logits: logitsModel(), foreign: foreignModel() };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(t.dir, `${name}.onnx`), bytes);

    const ok = await cli(['model', 'check', 'probs.onnx', '--spec', spec, '--json']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    // Always versicolor: a third of the training rows, not above the baseline.
    expect(ok.json()).toMatchObject({ valid: true, metric: 'accuracy', score: 40 / 120, samples: 120, baseline: 0.3334, beatsBaseline: false, input: 'x', output: 'y' });
    const human = await cli(['model', 'check', 'probs.onnx', '--spec', spec]);
    expect(human.stdout).toMatch(/accuracy 0\.333\d* on 120 rows of .*train\.csv \(higher is better\); the task's baseline is 0\.3334: NOT beaten/);

    const logits = await cli(['model', 'check', 'logits.onnx', '--spec', spec, '--json']);
    expect(logits.code).toBe(9);
    expect(logits.json().error.code).toBe('MODEL_INVALID');
    expect(logits.json().error.message).toMatch(/^logits\.onnx fails .*task\.yaml's model contract: not-probabilities: output row 1 is \[.*\] \(sum .*\): the task reads class probabilities .*add a Softmax at the model's output$/);
    expect(logits.json().error.hint).toContain('docs/MODELS.md');

    const foreign = await cli(['model', 'check', 'foreign.onnx', '--spec', spec]);
    expect(foreign.code).toBe(9);
    expect(foreign.stderr).toMatch(/shape-mismatch: input 'x' is \[N, 2, 2\] but the task feeds \[N, 4\] \(the same 4 values per row, in row-major order\): make the model take \[N, 4\] with a Reshape to \[N, 2, 2\] first in it/);
  });
});

describe('a task of your own data, on a devnet', () => {
  let t: TempHome;
  let rpcUrl: string;
  let provider: JsonRpcProvider;
  let client: ProtocolClient;
  const as = (who: Actor) => ['--account', who, '--password-file', join(t.dir, 'password')];
  const cli = (args: string[], home = t.home) => runCli(args, { home, cwd: t.dir, timeoutMs: 120_000 });
  const ok = async (args: string[], home = t.home) => {
    const r = await cli(args, home);
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r;
  };
  const task = (...p: string[]) => join(t.dir, 'iris-task', ...p);

  beforeAll(async () => {
    ensureBuilt();
    t = tempHome('flock-own-task-');
    ({ rpcUrl, provider } = await startCliDevnet(t.home));
    client = createProtocolClient({ record: readDeployment(t.home, 31337)!, runner: provider });
    writeFileSync(join(t.dir, 'password'), 'pw');
    for (const [who, key] of Object.entries(KEYS) as [Actor, string][]) {
      writeFileSync(join(t.dir, `${who}.key`), key);
      await ok(['wallet', 'import', who, '--private-key-file', join(t.dir, `${who}.key`), ...as(who)]);
      await ok(['stake', '200', '--lock', '0', ...as(who)]);
    }
    await ok(['task', 'init', IRIS, '--label', 'species']);
  }, 240_000);

  afterAll(() => teardownCliDevnet(t, provider));

  it('task create refuses a missing label column, a header-less validation file and a NaN: no task, nothing approved or sent', async () => {
    const arena = await requireArena(client).getAddress();
    const before = { nonce: await provider.getTransactionCount(CREATOR), tasks: await client.arena.getTaskCount() };
    expect(before.tasks).toBe(0n);
    const yaml = readFileSync(task('task.yaml'), 'utf8');
    const variant = (name: string, edit: (y: string) => string) => {
      writeFileSync(task(`${name}.yaml`), edit(yaml));
      return task(`${name}.yaml`);
    };
    const lines = readFileSync(task('train.csv'), 'utf8').split('\n');
    writeFileSync(task('headerless.csv'), readFileSync(task('validation.csv'), 'utf8').split('\n').slice(1).join('\n'));
    writeFileSync(task('nan.csv'), [lines[0], lines[1], lines[2]!.replace(/^[^,]+/, 'NaN'), ...lines.slice(3)].join('\n'));
    const cases = [
      { spec: variant('label', (y) => y.replace('label: "species"', 'label: "kind"')), message: `${task('train.csv')}:1: no label column 'kind' (columns: sepal_length, sepal_width, petal_length, petal_width, species)` },
      { spec: variant('headerless', (y) => y.replace('validation: validation.csv', 'validation: headerless.csv')), message: `${task('headerless.csv')}:1: the first line looks like data, not a header: ` },
      { spec: variant('nan', (y) => y.replace('train: train.csv', 'train: nan.csv')), message: `${task('nan.csv')}:3: column 'sepal_length': "NaN" is not a finite number` },
    ];
    for (const c of cases) {
      const r = await cli(['task', 'create', '--spec', c.spec, '--phase', '1h', '--json', ...as('creator')]);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.json().error.code).toBe('BAD_TASK_DATA');
      expect(r.json().error.message.startsWith(c.message), r.json().error.message).toBe(true);
      expect(r.json().error.hint).toContain('nothing was uploaded or sent');
    }
    expect(await client.arena.getTaskCount()).toBe(0n);
    expect(await client.contracts.gm.allowance(CREATOR, arena)).toBe(0n);
    expect(await provider.getTransactionCount(CREATOR)).toBe(before.nonce);
  }, 120_000);

  it('goes through a whole round: the MLP beats the baseline and is paid; raw logits are invalid and slashed', async () => {
    // A bounty, so that there is something to pay (no emission is released in this short round).
    const created = (await ok(['task', 'create', '--spec', task('task.yaml'), '--phase', '1h', '--bounty', '10', '--json', ...as('creator')])).json();
    const id = String(created.taskId);
    expect((await ok(['task', 'show', id, '--json'])).json()).toMatchObject({ metric: 'accuracy', baseline: 0.3334, inputShape: [4], outputShape: [3] });

    writeFileSync(join(t.dir, 'logits.onnx'), logitsModel());
    const homes = Object.fromEntries((['trainer', 'logits', 'v1'] as const).map((w) => [w, cloneHome(t.home, join(t.dir, `home-${w}`))])) as Record<'trainer' | 'logits' | 'v1', string>;
    const daemon = (who: 'trainer' | 'logits' | 'v1', args: string[]) => runCli([...args, '--poll', '0.3', '--rpc-url', rpcUrl, ...as(who)], { home: homes[who], cwd: t.dir, timeoutMs: 200_000 });
    const state = (who: 'trainer' | 'logits' | 'v1') => readDaemonState(homes[who], who === 'v1' ? 'validator' : 'trainer', 31337, id);
    const until = async (what: string, check: () => boolean) => {
      const deadline = Date.now() + 120_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify({ trainer: state('trainer'), logits: state('logits'), v1: state('v1') })}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };

    // The trainer's own pre-commit check refuses raw logits before it stakes anything.
    const refused = await daemon('logits', ['train', '--task', id, '--model', join(t.dir, 'logits.onnx'), '--json']);
    expect(refused.code, refused.stdout + refused.stderr).toBe(9);
    expect(refused.json().error.message).toMatch(/not-probabilities: .*add a Softmax/);
    expect(state('logits')?.registered).toBeUndefined();

    const trainer = daemon('trainer', ['train', '--task', id]);
    const pushed = daemon('logits', ['train', '--task', id, '--model', join(t.dir, 'logits.onnx'), '--no-check']);
    const validator = daemon('v1', ['validate', '--task', id]);
    await until('both trainers committed', () => Boolean(state('trainer')?.committed && state('logits')?.committed));
    await until('the validator registered', () => Boolean(state('v1')?.registered));

    await ok(['devnet', 'warp', '1h']); // reveal
    await ok(['task', 'reveal', id, ...as('creator')]);
    for (const r of await Promise.all([trainer, pushed])) expect(r.code, r.stdout + r.stderr).toBe(0);
    await ok(['devnet', 'warp', '1h']); // score commit
    await until('the validator committed both scores', () => Object.values(state('v1')?.scores ?? {}).filter((s: any) => s.committed).length === 2);
    await ok(['devnet', 'warp', '1h']); // score reveal
    const v = await validator;
    expect(v.code, v.stdout + v.stderr).toBe(0);
    const scores = state('v1').scores;
    const mlp = scores[state('trainer').registered.submissionId];
    const logits = scores[state('logits').registered.submissionId];
    expect(logits.invalid).toBe(true);
    expect(mlp.invalid).toBe(false);

    await ok(['devnet', 'warp', '2h']);
    expect((await ok(['task', 'finalize', id, '--json', ...as('creator')])).json().phase).toBe('finalized');
    const shown = (await ok(['task', 'show', id, '--json'])).json();
    const sub = (who: 'trainer' | 'logits') => shown.submissions.find((s: any) => String(s.id) === String(state(who).registered.submissionId));
    expect(sub('trainer')).toMatchObject({ status: 'ranked', rank: 0, slashed: false });
    expect(sub('trainer').consensus).toBeGreaterThan(0.8); // iris: an MLP gets ~0.9+ on the hidden 30 rows
    expect(sub('logits')).toMatchObject({ status: 'invalid', slashed: true });

    const claim = async (who: Actor) => (await ok(['task', 'claim', id, '--json', ...as(who)])).json();
    expect(BigInt((await claim('trainer')).reward)).toBeGreaterThan(0n);
    expect(BigInt((await claim('logits')).reward)).toBe(0n);
    expect(BigInt((await claim('v1')).reward)).toBeGreaterThan(0n);
    await claim('creator');
    console.log(`task-init e2e: iris MLP consensus accuracy ${sub('trainer').consensus} (baseline ${shown.baseline}); logits model invalid, slashed`);
  }, 300_000);
});
