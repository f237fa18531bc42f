import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt, startCliDevnet, teardownCliDevnet } from './helpers.js';

/**
 * `flock doctor`: issue #10, finding 10 (it said "deployed (block 1)" while the chain was at
 * block ~190: the deployment's block read as the chain's) and finding 11 (on Debian/Ubuntu
 * `flock` is also util-linux's file-lock command, which a global install would shadow).
 */

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

let t: TempHome;
let provider: JsonRpcProvider | undefined;
let rpcUrl: string;
beforeAll(async () => {
  ensureBuilt();
  t = tempHome();
  ({ provider, rpcUrl } = await startCliDevnet(t.home));
});
afterAll(() => teardownCliDevnet(t, provider));

const doctor = async (env: Record<string, string> = {}) => {
  const r = await runCli(['doctor', '--json'], { home: t.home, env, timeoutMs: 120_000 });
  expect(r.code, r.stderr).toBe(0);
  return r.json() as { checks: Check[]; chain: Record<string, unknown>; flock: Record<string, unknown> };
};

describe('flock doctor', () => {
  it("reports the chain's current block and the deployment's block, labelled, with the record", async () => {
    for (let i = 0; i < 3; i++) expect((await runCli(['devnet', 'warp', '1h'], { home: t.home })).code).toBe(0);
    const head = await provider!.getBlockNumber();
    const { checks, chain } = await doctor();
    const record = join(t.home, 'deployments', '31337.json');
    expect(chain).toMatchObject({ rpcUrl, chainId: '31337', block: head, deployment: { path: record } });
    const deployedAt = (chain.deployment as { block: number }).block;
    expect(deployedAt).toBeLessThan(head);
    const check = checks.find((c) => c.name === 'chain')!;
    expect(check).toEqual({ name: 'chain', ok: true, detail: `${rpcUrl}, chain 31337 at block ${head}; flock deployed at block ${deployedAt} (record ${record})` });
  });

  it('warns when `flock` on PATH is this CLI shadowing util-linux flock, and says how to avoid it', async () => {
    const utilLinux = ['/usr/bin/flock', '/bin/flock'].find((p) => existsSync(p));
    const bin = join(t.dir, 'global-bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(BIN, join(bin, 'flock')); // what `npm install -g .` does, in /usr/local/bin
    const { checks, flock } = await doctor({ PATH: `${bin}:/usr/bin:/bin` });
    const check = checks.find((c) => c.name === 'flock command')!;
    expect(flock).toMatchObject({ first: join(bin, 'flock'), firstIsThisCli: true });
    if (utilLinux) {
      expect(flock.utilLinux).toMatch(/^\/(usr\/)?bin\/flock$/);
      expect(check.ok).toBe(false);
      expect(check.detail).toContain(`\`flock\` on PATH is this CLI (${join(bin, 'flock')}) and shadows util-linux's flock (${flock.utilLinux as string})`);
      expect(check.detail).toContain('npx flock');
    } else {
      expect(check.ok).toBe(true);
    }

    // util-linux first (the usual Debian PATH without a global install): fine, says how to run this CLI.
    const plain = await doctor({ PATH: '/usr/bin:/bin' });
    const p = plain.checks.find((c) => c.name === 'flock command')!;
    expect(p.ok).toBe(true);
    expect(p.detail).toContain(BIN);
  });
});
