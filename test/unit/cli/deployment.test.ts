import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentPath, loadDeployment, readDeployment, writeDeployment, type DeploymentRecord } from '../../../src/chain/deployment.js';
import { connectRpc } from '../../../src/cli/context.js';
import { AbortError, ExitCode } from '../../../src/errors/index.js';
import { startTestAnvil, type TestAnvil } from '../../e2e/helpers.js';

let home: string;
let anvil: TestAnvil;
let provider: JsonRpcProvider;
let chainId: bigint;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'flock-dep-'));
  anvil = await startTestAnvil();
  ({ provider, chainId } = await connectRpc(anvil.rpcUrl, 5000));
});
afterAll(async () => {
  provider?.destroy();
  await anvil?.stop();
  rmSync(home, { recursive: true, force: true });
});

const ctx = () => ({ config: { home }, chainId: async () => chainId, provider: async () => provider });
const record = (token: string): DeploymentRecord => ({
  chainId: 31337,
  rpcUrl: anvil.rpcUrl,
  deployedAt: new Date().toISOString(),
  deployer: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  block: 1,
  contracts: { FlockToken: token },
  devnet: true,
});

async function abort(p: Promise<unknown>): Promise<AbortError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AbortError);
    return e as AbortError;
  }
  throw new Error('expected an AbortError');
}

describe('deployment records', () => {
  it('no record: exit 4 with the devnet hint', async () => {
    const e = await abort(loadDeployment(ctx()));
    expect(e.message).toBe('no flock deployment for chain 31337');
    expect(e.exitCode).toBe(ExitCode.CHAIN);
    expect(e.hint).toMatch(/flock devnet up/);
  });

  it('a record whose token has no code is stale: exit 4, hint to redeploy', async () => {
    writeDeployment(home, record('0x000000000000000000000000000000000000dEaD'));
    const e = await abort(loadDeployment(ctx()));
    expect(e.code).toBe('STALE_DEPLOYMENT');
    expect(e.exitCode).toBe(ExitCode.CHAIN);
    expect(e.hint).toBe('the devnet was reset; `flock devnet up` redeploys');
  });

  it('a live record loads', async () => {
    // Any address with code will do: put a byte of code at the "token" with anvil_setCode.
    const token = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
    await provider.send('anvil_setCode', [token, '0x00']);
    writeDeployment(home, record(token));
    expect((await loadDeployment(ctx())).contracts.FlockToken).toBe(token);
  });

  it('a corrupt record is a clear error', () => {
    mkdirSync(join(home, 'deployments'), { recursive: true });
    writeFileSync(deploymentPath(home, 5), '{"chainId": 5, "contracts": {"FlockToken": "nope"}}');
    expect(() => readDeployment(home, 5)).toThrow(/deployment record .*5\.json is invalid/);
    writeFileSync(deploymentPath(home, 6), '{ not json');
    expect(() => readDeployment(home, 6)).toThrow(AbortError);
    expect(readDeployment(home, 7)).toBeUndefined();
  });

  it("another home's devnet record serves a home without one (issue #10, finding 7); never a real chain's", async () => {
    const token = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
    await provider.send('anvil_setCode', [token, '0x00']);
    const devnetHome = mkdtempSync(join(tmpdir(), 'flock-dep-a-'));
    const bare = mkdtempSync(join(tmpdir(), 'flock-dep-b-'));
    try {
      writeDeployment(devnetHome, record(token));
      const inB = { config: { home: bare }, devnet: { home: devnetHome }, chainId: async () => chainId, provider: async () => provider };
      expect((await loadDeployment(inB)).contracts.FlockToken).toBe(token);
      // Without knowing the devnet's home, B has nothing.
      expect((await abort(loadDeployment({ ...inB, devnet: undefined }))).code).toBe('NO_DEPLOYMENT');
      // B's own stale record does not hide the devnet's live one.
      writeDeployment(bare, record('0x000000000000000000000000000000000000dEaD'));
      expect((await loadDeployment(inB)).contracts.FlockToken).toBe(token);
      // A record not marked devnet is never borrowed from another home.
      rmSync(join(bare, 'deployments'), { recursive: true });
      writeDeployment(devnetHome, { ...record(token), devnet: false });
      expect((await abort(loadDeployment(inB))).code).toBe('NO_DEPLOYMENT');
    } finally {
      rmSync(devnetHome, { recursive: true, force: true });
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
