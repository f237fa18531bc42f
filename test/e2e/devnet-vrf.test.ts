import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonRpcProvider, id } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllianceRandomness__factory, VRFCoordinatorV2_5Mock__factory } from '../../src/chain/types/index.js';
import { freePort, runCli, tempHome, type TempHome } from '../harness/index.js';
import { ANVIL_ACCOUNT_0, ensureBuilt, stopCliDevnet } from './helpers.js';

/**
 * Chainlink VRF v2.5 on the devnet: `flock devnet up` deploys the coordinator mock and
 * AllianceRandomness and runs the fulfiller; a request is answered within seconds; a killed
 * fulfiller is restarted by the next `up` and catches up; `down` stops it with anvil.
 * The requests are sent as the Alliance (its address impersonated on anvil), the requester
 * `devnet up` wires in, so the fulfiller is tested alone, without a task's rounds.
 */

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('flock devnet: VRF randomness', () => {
  let t: TempHome;
  let provider: JsonRpcProvider;
  let contracts: Record<string, string>;
  let port: number;
  const fulfillerPid = () => JSON.parse(readFileSync(join(t.home, 'devnet', 'vrf-fulfiller.json'), 'utf8')).pid as number;
  const randomness = () => AllianceRandomness__factory.connect(contracts.AllianceRandomness!, provider);
  const request = async (key: string) => {
    await provider.send('anvil_impersonateAccount', [contracts.Alliance]);
    await provider.send('anvil_setBalance', [contracts.Alliance, '0xde0b6b3a7640000']);
    const signer = await provider.getSigner(contracts.Alliance!);
    await (await randomness().connect(signer).requestWord(key)).wait();
  };
  const word = async (key: string) => {
    const [w, ready] = await randomness().wordOf(key);
    return ready ? w : undefined;
  };

  beforeAll(async () => {
    ensureBuilt();
    t = tempHome();
    port = await freePort();
  });
  afterAll(async () => {
    provider?.destroy();
    await stopCliDevnet(t.home);
    t.cleanup();
  });

  it('devnet up deploys the coordinator mock and AllianceRandomness and starts the fulfiller', async () => {
    const r = await runCli(['devnet', 'up', '--port', String(port), '--json'], { home: t.home, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const body = r.json();
    contracts = body.deployment.contracts;
    expect(contracts.VRFCoordinatorV2_5Mock).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(contracts.AllianceRandomness).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(body.vrf).toMatchObject({ started: true, pid: fulfillerPid() });
    provider = new JsonRpcProvider(body.rpcUrl, undefined, { staticNetwork: true });

    // Wired: AllianceRandomness consumes a subscription funded for millions of requests.
    const config = await randomness().config();
    const coordinator = VRFCoordinatorV2_5Mock__factory.connect(contracts.VRFCoordinatorV2_5Mock!, provider);
    expect(await coordinator.consumerIsAdded(config.subscriptionId, contracts.AllianceRandomness!)).toBe(true);
    expect((await coordinator.getSubscription(config.subscriptionId)).balance).toBeGreaterThanOrEqual(10n ** 27n);
    expect(config.nativePayment).toBe(false);
    // The Alliance requests; the randomness settings are offered to the timelock.
    expect(await randomness().requester()).toBe(contracts.Alliance);
    expect(await randomness().owner()).toBe(ANVIL_ACCOUNT_0);
  }, 120_000);

  it('a request is fulfilled within seconds', async () => {
    const key = id('round-1');
    await request(key);
    const w = await until('the word of round-1', () => word(key));
    expect(w).toBeGreaterThan(0n);
    const s = await runCli(['devnet', 'status', '--json'], { home: t.home });
    expect(s.json().vrf).toMatchObject({ running: true, pid: fulfillerPid(), fulfilled: 1, pending: 0, callbackFailures: 0 });
  });

  it('a killed fulfiller is restarted by devnet up and catches up on the requests made meanwhile', async () => {
    const old = fulfillerPid();
    process.kill(old, 'SIGKILL');
    await until('the fulfiller to die', async () => (pidAlive(old) ? undefined : true));
    const key = id('round-2');
    await request(key);
    await new Promise((r) => setTimeout(r, 500));
    expect(await word(key)).toBeUndefined();
    expect((await runCli(['devnet', 'status', '--json'], { home: t.home })).json().vrf).toMatchObject({ running: false });

    const r = await runCli(['devnet', 'up', '--port', String(port), '--json'], { home: t.home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ reused: true, deployed: false, vrf: { started: true } });
    expect(r.json().vrf.pid).not.toBe(old);
    // `up` returns once the fulfiller has caught up.
    expect(await until('the word of round-2', () => word(key), 2000)).toBeGreaterThan(0n);
    // Running: a second `up` leaves it alone.
    const again = await runCli(['devnet', 'up', '--port', String(port), '--json'], { home: t.home });
    expect(again.json().vrf).toMatchObject({ started: false, pid: r.json().vrf.pid });
  });

  it('devnet down stops the fulfiller with anvil', async () => {
    const pid = fulfillerPid();
    const anvil = JSON.parse(readFileSync(join(t.home, 'devnet', 'anvil.json'), 'utf8')).pid as number;
    const r = await runCli(['devnet', 'down', '--json'], { home: t.home });
    expect(r.code, r.stderr).toBe(0);
    expect(pidAlive(pid)).toBe(false);
    expect(pidAlive(anvil)).toBe(false);
    expect(existsSync(join(t.home, 'devnet', 'vrf-fulfiller.json'))).toBe(false);
    const log = readFileSync(join(t.home, 'devnet', 'vrf-fulfiller.log'), 'utf8');
    expect(log).toMatch(/"msg":"VRF request fulfilled"/);
  });
});
