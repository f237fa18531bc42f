import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, rpc, runCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt, stopCliDevnet } from './helpers.js';

/**
 * Issue #10, finding 2: anvil reloads its --state dump on `devnet up` but stamps new blocks with
 * the wall clock, so time warped forward was lost and the chain went back in time (block 48 at
 * Dec 3, block 50 at Dec 1). The devnet's clock must never go back: not after `down`/`up`, and
 * not after anvil was SIGKILLed and comes back from its last periodic dump.
 */

interface Block {
  number: string;
  timestamp: string;
}

async function latest(rpcUrl: string): Promise<{ number: number; timestamp: number }> {
  const b = await rpc<Block>(rpcUrl, 'eth_getBlockByNumber', ['latest', false]);
  return { number: Number(b.number), timestamp: Number(b.timestamp) };
}

/** Mines one block (no time warp) and returns it. */
async function mine(rpcUrl: string): Promise<{ number: number; timestamp: number }> {
  await rpc(rpcUrl, 'evm_mine', []);
  return latest(rpcUrl);
}

describe('flock devnet clock is monotonic across restarts', () => {
  let t: TempHome;
  let port: number;
  let rpcUrl: string;
  beforeAll(async () => {
    ensureBuilt();
    t = tempHome();
    port = await freePort();
    rpcUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await stopCliDevnet(t.home);
    t.cleanup();
  });

  const up = async () => {
    const r = await runCli(['devnet', 'up', '--port', String(port), '--no-deploy', '--json'], { home: t.home });
    expect(r.code, r.stderr).toBe(0);
    return r.json();
  };
  const warp = async (d: string) => {
    const r = await runCli(['devnet', 'warp', d, '--json'], { home: t.home });
    expect(r.code, r.stderr).toBe(0);
    return r.json() as { block: number; timestamp: number };
  };

  it('down then up: a new block is not older than the warped one', async () => {
    await up();
    const warped = await warp('2d');
    expect((await runCli(['devnet', 'down'], { home: t.home })).code).toBe(0);
    await up();
    const next = await mine(rpcUrl);
    expect(next.number).toBe(warped.block + 1);
    expect(next.timestamp).toBeGreaterThanOrEqual(warped.timestamp);
  });

  it('SIGKILLed anvil comes back from its last dump with the clock kept', async () => {
    const warped = await warp('2d');
    // anvil dumps its state every 5 s (--state-interval 5): let one dump include the warp.
    await new Promise((r) => setTimeout(r, 6500));
    const { pid } = JSON.parse(readFileSync(join(t.home, 'devnet', 'anvil.json'), 'utf8')) as { pid: number };
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const again = await up();
    expect(again.reused).toBe(false);
    const before = await latest(rpcUrl);
    expect(before.timestamp).toBeGreaterThanOrEqual(warped.timestamp); // the dump had the warp
    const next = await mine(rpcUrl);
    expect(next.timestamp).toBeGreaterThanOrEqual(before.timestamp);
  }, 60_000);
});
