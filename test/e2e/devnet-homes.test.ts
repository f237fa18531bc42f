import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt, startCliDevnet, teardownCliDevnet } from './helpers.js';

/**
 * Issue #10, finding 7: "each daemon with its own --home". A flock devnet started from home A is
 * found from any other home B (a per-user registry of running devnets): `devnet up` in B reuses
 * it instead of failing with PORT_IN_USE, commands in B find its deployment record and, with no
 * storage configured, its store, so a trainer in its own home fetches what the creator stored.
 * `devnet down` in B refuses, naming home A.
 */

const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

let a: TempHome;
let b: TempHome;
let provider: JsonRpcProvider | undefined;
let port: number;
let envB: Record<string, string>;
beforeAll(async () => {
  ensureBuilt();
  a = tempHome('flock-home-a-');
  b = tempHome('flock-home-b-');
  const dev = await startCliDevnet(a.home);
  provider = dev.provider;
  port = Number(new URL(dev.rpcUrl).port);
  // Home B knows only the devnet's port (as a second home on the default port 8545 would).
  envB = { FLOCK_DEVNET_PORT: String(port) };
});
afterAll(async () => {
  await teardownCliDevnet(a, provider);
  b?.cleanup();
});

describe('a devnet started from another home', () => {
  it('devnet up in home B reuses it, saying which home started it', async () => {
    const r = await runCli(['devnet', 'up', '--json'], { home: b.home, env: envB });
    expect(r.code, r.stderr).toBe(0);
    const body = r.json();
    expect(body).toMatchObject({ reused: true, deployed: false, port, home: a.home });
    expect(body.deployment.contracts.FlockToken).toMatch(/^0x/);
    const human = await runCli(['devnet', 'up'], { home: b.home, env: envB });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`already running (started from home ${a.home})`);
  });

  it('commands in home B find the devnet and its deployment: task list, status --account alice', async () => {
    const tasks = await runCli(['task', 'list', '--json'], { home: b.home, env: envB });
    expect(tasks.code, tasks.stderr).toBe(0);
    const status = await runCli(['status', '--account', 'alice', '--json'], { home: b.home, env: envB });
    expect(status.code, status.stderr).toBe(0);
    expect(status.json().account).toBe(ALICE);
    const dstatus = await runCli(['devnet', 'status', '--json'], { home: b.home, env: envB });
    expect(dstatus.json()).toMatchObject({ running: true, port, deployed: true, home: a.home });
  });

  it("with no storage configured, home B reads home A's store", async () => {
    const file = join(a.dir, 'data.txt');
    writeFileSync(file, 'task data\n');
    const put = await runCli(['store', 'put', file, '--json'], { home: a.home });
    expect(put.code, put.stderr).toBe(0);
    const out = join(b.dir, 'data.out');
    const get = await runCli(['store', 'get', put.json().cid, '-o', out], { home: b.home, env: envB });
    expect(get.code, get.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('task data\n');
  });

  it('devnet down in home B refuses and names home A; the devnet keeps running', async () => {
    const r = await runCli(['devnet', 'down'], { home: b.home, env: envB });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`error: the devnet at http://127.0.0.1:${port} was started from home ${a.home}`);
    expect(r.stderr).toContain(`flock devnet down --home ${a.home}`);
    expect(await provider!.getBlockNumber()).toBeGreaterThan(0);
  });
});
