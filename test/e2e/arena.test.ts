import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, freePort, ROOT, runCli, stopCliDevnet, tempHome, type CliResult, type TempHome } from './helpers.js';

/**
 * A whole Arena round on the devnet through the built CLI: the digits task is created, two
 * training nodes submit (one trains a small MLP, the other submits garbage bytes as its "model"),
 * the creator reveals the validation set, three validators score, anyone finalizes, the winner
 * claims. On the way the good trainer is SIGKILLed right after its commit transaction
 * (FLOCK_TEST_EXIT_AFTER=commit) and restarted: it must reveal without committing again.
 * Phases are 1 h each; `flock devnet warp` moves between them.
 */

// anvil's default accounts #0..#5: public test keys, imported into encrypted keystores.
const KEYS = {
  creator: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  good: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  broken: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  v1: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  v2: '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  v3: '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
} as const;
type Actor = keyof typeof KEYS;

const TRAINER_CONFIG = ['model: { kind: mlp, hidden: [32] }', 'epochs: 10', 'batchSize: 32', 'learningRate: 0.01', 'validationFraction: 0', 'seed: 1', ''].join('\n');

describe('Arena round on the devnet', () => {
  let t: TempHome;
  let taskId: string;
  let rpcUrl: string;
  let homes: Record<string, string>;
  const as = (who: Actor) => ['--account', who, '--password-file', join(t.dir, 'password')];
  const cli = (args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}) => runCli(args, { home: t.home, ...opts });
  const ok = async (args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}) => {
    const r = await cli(args, opts);
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r;
  };
  const json = async (args: string[]) => (await ok([...args, '--json'])).json();
  const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 60_000) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const warp = (d: string) => ok(['devnet', 'warp', d]);

  beforeAll(async () => {
    ensureBuilt();
    t = tempHome();
    const port = await freePort();
    const up = await runCli(['devnet', 'up', '--port', String(port), '--json'], { home: t.home, timeoutMs: 120_000 });
    expect(up.code, up.stderr).toBe(0);
    rpcUrl = up.json().rpcUrl;
    writeFileSync(join(t.dir, 'password'), 'correct horse');
    writeFileSync(join(t.dir, 'trainer.yaml'), TRAINER_CONFIG);
    // Garbage bytes posing as an ONNX model.
    writeFileSync(join(t.dir, 'garbage.onnx'), Buffer.from('this is not an onnx model, just bytes'.repeat(10)));
    for (const [name, key] of Object.entries(KEYS)) {
      writeFileSync(join(t.dir, `${name}.key`), key);
      await ok(['wallet', 'import', name, '--private-key-file', join(t.dir, `${name}.key`), ...as(name as Actor)]);
    }
    // Everyone locks FLOCK into gmFLOCK (no lock: 1:1).
    for (const who of Object.keys(KEYS) as Actor[]) await ok(['stake', '200', '--lock', '0', ...as(who)]);
  }, 180_000);

  afterAll(async () => {
    if (!t) return;
    await stopCliDevnet(t.home);
    t.cleanup();
  });

  it('runs create -> train (with a crash and restart) -> reveal -> validate -> finalize -> claim', async () => {
    const created = await json(['task', 'create', '--spec', join(ROOT, 'examples/tasks/digits/task.yaml'), '--phase', '1h', '--bounty', '100', ...as('creator')]);
    taskId = created.taskId;
    expect(taskId).toBe('1');
    expect(readFileSync(created.secretsPath, 'utf8')).toContain('"salt"');

    const shown = await json(['task', 'show', taskId]);
    expect(shown.phase).toBe('submit');
    expect(shown.status).toMatch(/submissions close in 1 h/);

    // One home per daemon, as one machine per operator would have (a daemon's state file is per
    // kind, chain and task); they share the devnet, its deployment record and the store folder.
    homes = await daemonHomes(t, ['good', 'broken', 'v1', 'v2', 'v3']);
    const daemon = (who: Actor, args: string[], env: Record<string, string> = {}) =>
      runCli([...args, '--poll', '0.3', '--rpc-url', rpcUrl, ...as(who)], { home: homes[who]!, env, timeoutMs: 150_000 });
    const dstate = (who: Actor, kind: 'trainer' | 'validator') => {
      const path = join(homes[who]!, 'daemons', `${kind}-31337-${taskId}.json`);
      return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
    };

    // 1. The good trainer is killed right after its commit transaction, before recording it.
    const crashed = await daemon('good', ['train', '--task', taskId, '--trainer-config', join(t.dir, 'trainer.yaml')], { FLOCK_TEST_EXIT_AFTER: 'commit' });
    expect(crashed.code, crashed.stdout + crashed.stderr).not.toBe(0);
    const afterCrash = dstate('good', 'trainer');
    expect(afterCrash.salt).toMatch(/^0x[0-9a-f]{64}$/);
    expect(afterCrash.committed).toBeUndefined();

    // 2. Restarted, it finds its commitment on chain and waits for the reveal phase.
    const good = daemon('good', ['train', '--task', taskId, '--trainer-config', join(t.dir, 'trainer.yaml')]);
    const broken = daemon('broken', ['train', '--task', taskId, '--model', join(t.dir, 'garbage.onnx'), '--no-check']);
    const validators = (['v1', 'v2', 'v3'] as const).map((v) => daemon(v, ['validate', '--task', taskId]));
    await until('both trainers committed', () => Boolean(dstate('good', 'trainer')?.committed && dstate('broken', 'trainer')?.committed));
    await until('three validators registered', () => (['v1', 'v2', 'v3'] as const).every((v) => dstate(v, 'validator')?.registered));
    expect(dstate('good', 'trainer').committed.txHash).toBeUndefined(); // recorded from the chain, not re-sent
    expect(dstate('good', 'trainer').salt).toBe(afterCrash.salt);

    // 3. Reveal phase: nodes reveal, the creator reveals the validation set.
    await warp('1h');
    await ok(['task', 'reveal', taskId, ...as('creator')]);
    const [g, b] = await Promise.all([good, broken]);
    expect(g.code, g.stdout + g.stderr).toBe(0);
    expect(b.code, b.stdout + b.stderr).toBe(0);
    expect(g.stdout).toContain('commitment already on chain');
    expect(dstate('good', 'trainer').revealed.txHash).toMatch(/^0x/);

    // 4. Score commit, then score reveal.
    await warp('1h');
    await until('every validator committed both scores', () =>
      (['v1', 'v2', 'v3'] as const).every((v) => Object.values(dstate(v, 'validator')?.scores ?? {}).filter((s: any) => s.committed).length === 2),
    );
    await warp('1h');
    const results: CliResult[] = await Promise.all(validators);
    for (const r of results) expect(r.code, r.stdout + r.stderr).toBe(0);
    const v1 = dstate('v1', 'validator');
    expect(v1.scores['1'].invalid).toBe(true);
    expect(v1.scores['0'].invalid).toBe(false);
    expect(v1.scores['0'].value).toBeGreaterThan(0.9);

    // 5. Finalize (anyone), then the winner claims.
    await warp('2h');
    await ok(['emission', 'advance', ...as('creator')]);
    const fin = await json(['task', 'finalize', taskId, '--batch', '1', ...as('creator')]);
    expect(fin.phase).toBe('finalized');
    const after = await json(['task', 'show', taskId]);
    const [s0, s1] = after.submissions;
    expect(s0.status).toBe('ranked');
    expect(s0.rank).toBe(0);
    expect(s1.status).toBe('invalid');
    expect(s1.slashed).toBe(true);
    const claim = await json(['task', 'claim', taskId, ...as('good')]);
    expect(BigInt(claim.reward)).toBeGreaterThan(0n);
  }, 240_000);

  it('validate --watch joins a new task; SIGTERM stops it gracefully (exit 0, state kept)', async () => {
    const created = await json(['task', 'create', '--spec', join(ROOT, 'examples/tasks/digits/task.yaml'), '--phase', '1h', ...as('creator')]);
    const id = created.taskId as string;
    const child = spawnCli(['validate', '--watch', '--poll', '0.3', '--rpc-url', rpcUrl, ...as('v1')], homes.v1!);
    const path = join(homes.v1!, 'daemons', `validator-31337-${id}.json`);
    const deadline = Date.now() + 60_000;
    while (!(existsSync(path) && JSON.parse(readFileSync(path, 'utf8')).registered)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`watcher did not join task ${id}: ${child.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    child.process.kill('SIGTERM');
    const code = await child.exited;
    expect(code, child.output()).toBe(0);
    expect(child.output()).toContain('stopping after the current step');
    expect(JSON.parse(readFileSync(path, 'utf8')).registered.index).toBe('0');
    // Task 1 was finished by this validator: the watcher did not touch it again.
    expect(child.output()).not.toMatch(/"task":"1".*starting on task/);
  }, 90_000);
});

/** Spawns the CLI like runCli but hands back the process, to signal it. */
function spawnCli(args: string[], home: string) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('FLOCK_') && k !== 'ETH_RPC_URL') env[k] = v;
  Object.assign(env, { FLOCK_HOME: home, HOME: join(home, '..'), FLOCK_SCRYPT_N: '1024', NO_COLOR: '1' });
  const child = spawn(process.execPath, [BIN, ...args], { cwd: join(home, '..'), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number>((resolve) => child.on('close', (c, sig) => resolve(c ?? (sig ? 128 : 1))));
  const timer = setTimeout(() => child.kill('SIGKILL'), 80_000);
  void exited.then(() => clearTimeout(timer));
  return { process: child, exited, output: () => out, get exitCode() { return child.exitCode; } };
}

/** A FLOCK_HOME per daemon sharing the test's devnet record, keystores and store folder. */
async function daemonHomes(t: TempHome, who: string[]): Promise<Record<string, string>> {
  const { cpSync, mkdirSync, symlinkSync } = await import('node:fs');
  const out: Record<string, string> = {};
  for (const w of who) {
    const home = join(t.dir, `home-${w}`);
    mkdirSync(home, { recursive: true });
    cpSync(join(t.home, 'deployments'), join(home, 'deployments'), { recursive: true });
    cpSync(join(t.home, 'keystores'), join(home, 'keystores'), { recursive: true });
    symlinkSync(join(t.home, 'store'), join(home, 'store'));
    out[w] = home;
  }
  return out;
}
