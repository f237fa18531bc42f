/**
 * A daemon outlives an RPC outage (issue #9): the devnet is stopped for longer than the bounded
 * retries (about 8 s) while a validator waits for its phase, then started again with its state.
 * Found in review: both daemons exited 1 ("this is a bug in flock") after ~8 s of outage.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneHome, freePort, ROOT, runCli, startCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt, stopCliDevnet } from './helpers.js';

const V1_KEY = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6'; // anvil #3

describe('RPC outage', () => {
  let t: TempHome;
  let port: number;
  const pw = () => ['--password-file', join(t.dir, 'password')];
  const ok = async (args: string[], home = t.home) => {
    const r = await runCli(args, { home, timeoutMs: 120_000 });
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r;
  };

  beforeAll(async () => {
    ensureBuilt();
    t = tempHome();
    port = await freePort();
    await ok(['devnet', 'up', '--port', String(port)]);
    writeFileSync(join(t.dir, 'password'), 'pw');
    writeFileSync(join(t.dir, 'v1.key'), V1_KEY);
    // The creator is the devnet's unlocked account #0 (before any keystore becomes the default).
    await ok(['stake', '200', '--lock', '0']);
    await ok(['task', 'create', '--spec', join(ROOT, 'examples/tasks/digits/task.yaml'), '--phase', '1h']);
    await ok(['wallet', 'import', 'v1', '--private-key-file', join(t.dir, 'v1.key'), ...pw()]);
    await ok(['stake', '200', '--lock', '0', '--account', 'v1', ...pw()]);
  }, 180_000);

  afterAll(async () => {
    if (!t) return;
    await stopCliDevnet(t.home);
    t.cleanup();
  });

  it('a validator waits out 12 s without its RPC endpoint and goes on; SIGTERM then exits 0', async () => {
    const home = cloneHome(t.home, join(t.dir, 'home-v1'));
    const rpcUrl = `http://127.0.0.1:${port}`;
    const daemon = startCli(['validate', '--task', '1', '--poll', '0.3', '--rpc-url', rpcUrl, '--account', 'v1', ...pw()], { home });
    const child = daemon.child;
    try {
      await daemon.waitFor('registered', (r) => r.event === 'registered');
      await ok(['devnet', 'down']);
      await new Promise((r) => setTimeout(r, 12_000));
      expect(child.exitCode, daemon.output()).toBeNull(); // still running through the outage
      expect(daemon.records.some((r) => r.event === 'retrying'), daemon.output()).toBe(true);
      await ok(['devnet', 'up', '--port', String(port)]);
      await daemon.waitFor('recovered', (r) => r.event === 'recovered');
      child.kill('SIGTERM');
      expect(await daemon.exited, daemon.output()).toEqual({ code: 0, signal: null });
      expect(daemon.output()).not.toMatch(/this is a bug/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 150_000);
});
