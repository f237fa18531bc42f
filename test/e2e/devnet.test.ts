import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli, tempHome, type TempHome } from '../harness/index.js';
import { ANVIL_ACCOUNT_0, ensureBuilt, stopCliDevnet } from './helpers.js';

/**
 * `flock devnet up|status|warp|down` against a real anvil on a free port, in a temp FLOCK_HOME.
 * The first block runs with --no-deploy (chain only); the second deploys the protocol.
 */

describe('flock devnet (chain only, --no-deploy)', () => {
  let t: TempHome;
  let port: number;
  beforeAll(async () => {
    ensureBuilt();
    t = tempHome();
    port = await freePort();
  });
  afterAll(async () => {
    await stopCliDevnet(t.home);
    t.cleanup();
  });

  it('status before up: not running', async () => {
    const r = await runCli(['devnet', 'status', '--json'], { home: t.home });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ running: false });
  });

  it('up starts anvil on the port, detached, and records it', async () => {
    const r = await runCli(['devnet', 'up', '--port', String(port), '--no-deploy', '--json'], { home: t.home });
    expect(r.code, r.stderr).toBe(0);
    const body = r.json();
    expect(body).toMatchObject({ rpcUrl: `http://127.0.0.1:${port}`, chainId: 31337, port, reused: false, deployment: null });
    const state = JSON.parse(readFileSync(join(t.home, 'devnet', 'anvil.json'), 'utf8'));
    expect(state).toMatchObject({ pid: body.pid, port, rpcUrl: body.rpcUrl, chainId: 31337 });
    expect(existsSync(join(t.home, 'devnet', 'anvil.log'))).toBe(true);
  });

  it('up again is idempotent (reuses it); another port is refused', async () => {
    const again = await runCli(['devnet', 'up', '--port', String(port), '--no-deploy', '--json'], { home: t.home });
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().reused).toBe(true);
    const other = await runCli(['devnet', 'up', '--port', String(await freePort()), '--no-deploy'], { home: t.home });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^error: a devnet is already running at/);
  });

  it('status reports port, chain id and block; commands find the devnet without --rpc-url', async () => {
    const r = await runCli(['devnet', 'status', '--json'], { home: t.home });
    expect(r.json()).toMatchObject({ running: true, port, chainId: 31337, block: 0, deployed: false });
    const bal = await runCli(['wallet', 'balance', ANVIL_ACCOUNT_0, '--json'], { home: t.home });
    expect(bal.code, bal.stderr).toBe(0);
    expect(bal.json().chainId).toBe('31337');
  });

  it('warp moves time forward and mines', async () => {
    const r = await runCli(['devnet', 'warp', '3d', '--json'], { home: t.home });
    expect(r.code, r.stderr).toBe(0);
    const { seconds, block, timestamp } = r.json();
    expect(seconds).toBe(3 * 86400);
    expect(block).toBe(1);
    expect(timestamp * 1000).toBeGreaterThan(Date.now() + 2.9 * 86400_000);
    expect((await runCli(['devnet', 'warp', '3x'], { home: t.home })).code).toBe(2);
  });

  it('a port taken by something else is a clear error; a flock devnet of another home is reused', async () => {
    const other = tempHome();
    const { startTestAnvil } = await import('./helpers.js');
    const foreign = await startTestAnvil();
    try {
      const r = await runCli(['devnet', 'up', '--port', String(foreign.port), '--no-deploy'], { home: other.home });
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`error: port ${foreign.port} on 127.0.0.1 is in use by another process (a node with chain id 31337, not started by flock)`);
      const reused = await runCli(['devnet', 'up', '--port', String(port), '--no-deploy', '--json'], { home: other.home });
      expect(reused.code, reused.stderr).toBe(0);
      expect(reused.json()).toMatchObject({ reused: true, port, home: t.home });
    } finally {
      await foreign.stop();
      other.cleanup();
    }
  });

  it('down stops it and keeps the chain state; down again is a no-op', async () => {
    const pid = JSON.parse(readFileSync(join(t.home, 'devnet', 'anvil.json'), 'utf8')).pid as number;
    const r = await runCli(['devnet', 'down', '--json'], { home: t.home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual({ stopped: true, pid, reset: false });
    expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(join(t.home, 'devnet', 'state.json'))).toBe(true);
    expect((await runCli(['devnet', 'down', '--json'], { home: t.home })).json().stopped).toBe(false);
  });

  it('up after down restores the chain (block and clock kept)', async () => {
    const r = await runCli(['devnet', 'up', '--port', String(port), '--no-deploy', '--json'], { home: t.home });
    expect(r.code, r.stderr).toBe(0);
    const s = await runCli(['devnet', 'status', '--json'], { home: t.home });
    expect(s.json().block).toBe(1);
    await runCli(['devnet', 'down', '--reset'], { home: t.home });
    expect(existsSync(join(t.home, 'devnet', 'state.json'))).toBe(false);
  });

  it('warp refuses a chain that is not a devnet', async () => {
    const { startTestAnvil } = await import('./helpers.js');
    const other = await startTestAnvil({ chainId: 999 });
    try {
      const r = await runCli(['devnet', 'warp', '1h', '--rpc-url', other.rpcUrl], { home: t.home });
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/^error: devnet warp works only on a local devnet/);
    } finally {
      await other.stop();
    }
  });
});

describe('flock devnet up (with the protocol)', () => {
  let t: TempHome;
  let port: number;
  beforeAll(async () => {
    ensureBuilt();
    t = tempHome();
    port = await freePort();
  });
  afterAll(async () => {
    await stopCliDevnet(t.home);
    t.cleanup();
  });

  it('deploys, writes the record, funds accounts; a second up reuses the deployment', async () => {
    const r = await runCli(['devnet', 'up', '--port', String(port), '--json'], { home: t.home, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const body = r.json();
    expect(body.deployed).toBe(true);
    expect(body.deployment).toMatchObject({ chainId: 31337, devnet: true, rpcUrl: `http://127.0.0.1:${port}`, deployer: ANVIL_ACCOUNT_0 });
    expect(body.deployment.contracts.FlockToken).toMatch(/^0x[0-9a-fA-F]{40}$/);
    const record = JSON.parse(readFileSync(join(t.home, 'deployments', '31337.json'), 'utf8'));
    expect(record.contracts).toEqual(body.deployment.contracts);

    const bal = await runCli(['wallet', 'balance', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '--json'], { home: t.home });
    expect(BigInt(bal.json().flock)).toBeGreaterThan(0n);

    const again = await runCli(['devnet', 'up', '--port', String(port), '--json'], { home: t.home });
    expect(again.json()).toMatchObject({ reused: true, deployed: false });
  });

  it('state survives down/up: the deployment is still live', async () => {
    await runCli(['devnet', 'down'], { home: t.home });
    const r = await runCli(['devnet', 'up', '--port', String(port), '--json'], { home: t.home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ reused: false, deployed: false });
  });

  it('a wiped chain makes the record stale: up redeploys', async () => {
    await runCli(['devnet', 'down'], { home: t.home });
    rmSync(join(t.home, 'devnet', 'state.json'));
    const r = await runCli(['devnet', 'up', '--port', String(port), '--json'], { home: t.home, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().deployed).toBe(true);
  });
});
