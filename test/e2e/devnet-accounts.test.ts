import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Wallet, verifyMessage, type JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../harness/index.js';
import { ANVIL_ACCOUNT_0, ensureBuilt, startCliDevnet, startTestAnvil, teardownCliDevnet } from './helpers.js';

/**
 * Issue #10, finding 3: the devnet's funded accounts by name. `flock devnet accounts` lists them;
 * `--account alice` (or `#1`, or alice's address) signs as alice with no keystore and no
 * password on a devnet, never elsewhere; a keystore of the same name wins.
 */

const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const BOB = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const MILLION = (1_000_000n * 10n ** 18n).toString();

let t: TempHome;
let provider: JsonRpcProvider | undefined;
beforeAll(async () => {
  ensureBuilt();
  t = tempHome();
  ({ provider } = await startCliDevnet(t.home));
});
afterAll(() => teardownCliDevnet(t, provider));

describe('flock devnet accounts', () => {
  it('lists the named, funded accounts (ETH and FLOCK), without keys', async () => {
    const r = await runCli(['devnet', 'accounts', '--json'], { home: t.home });
    expect(r.code, r.stderr).toBe(0);
    const { accounts } = r.json();
    expect(accounts).toHaveLength(10);
    expect(accounts.map((a: { name: string }) => a.name)).toEqual(['deployer', 'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan']);
    expect(accounts[0]).toMatchObject({ name: 'deployer', index: 0, address: ANVIL_ACCOUNT_0 });
    expect(accounts[1]).toMatchObject({ name: 'alice', index: 1, address: ALICE, flock: MILLION, gmFlock: '0' });
    for (const a of accounts) {
      expect(BigInt(a.eth)).toBeGreaterThan(0n);
      expect(BigInt(a.flock)).toBeGreaterThanOrEqual(BigInt(MILLION));
      expect(a).not.toHaveProperty('privateKey');
    }
    const human = await runCli(['devnet', 'accounts'], { home: t.home });
    expect(human.stdout).toMatch(/alice\s+#1\s+0x70997970C51812dc3A010C7d01b50e0d17dc79C8/);
    expect(human.stdout).not.toMatch(/0x59c6995e/);
  });

  it('--keys prints the private keys, saying they are public test keys', async () => {
    const r = await runCli(['devnet', 'accounts', '--keys'], { home: t.home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
    expect(r.stdout).toMatch(/public test keys.*devnet only/);
    const j = await runCli(['devnet', 'accounts', '--keys', '--json'], { home: t.home });
    expect(j.json().accounts[1].privateKey).toBe('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
  });
});

describe('--account <devnet name>', () => {
  it('signs as alice, #2 or an address, without a keystore or a password', async () => {
    const signed = await runCli(['wallet', 'sign', 'hi', '--account', 'alice', '--json'], { home: t.home });
    expect(signed.code, signed.stderr).toBe(0);
    expect(verifyMessage('hi', signed.json().signature)).toBe(ALICE);
    expect(signed.stderr).toMatch(/using the devnet account #1 \(alice\)/);
    const byIndex = await runCli(['wallet', 'address', '--account', '#2'], { home: t.home });
    expect(byIndex.stdout.trim()).toBe(BOB);
    const byAddress = await runCli(['wallet', 'address', '--account', BOB.toLowerCase()], { home: t.home });
    expect(byAddress.stdout.trim()).toBe(BOB);
    expect((await runCli(['wallet', 'balance', 'alice', '--json'], { home: t.home })).json()).toMatchObject({ address: ALICE, flock: MILLION });
  });

  it('sends transactions as alice (stake) and reads her status', async () => {
    const stake = await runCli(['stake', '10', '--lock', '0', '--account', 'alice', '--json'], { home: t.home });
    expect(stake.code, stake.stderr).toBe(0);
    expect(stake.json().account).toBe(ALICE);
    const status = await runCli(['status', '--account', 'alice', '--json'], { home: t.home });
    expect(status.code, status.stderr).toBe(0);
    expect(status.json()).toMatchObject({ account: ALICE, gmFlock: (10n * 10n ** 18n).toString() });
  });

  it("a keystore named alice wins; --account 0x… finds a keystore by address", async () => {
    const other = tempHome();
    try {
      const pw = join(other.dir, 'pw');
      const key = join(other.dir, 'key');
      const mine = Wallet.createRandom();
      writeFileSync(pw, 'pw\n');
      writeFileSync(key, `${mine.privateKey}\n`);
      const imported = await runCli(['wallet', 'import', 'alice', '--private-key-file', key, '--password-file', pw], { home: other.home });
      expect(imported.code, imported.stderr).toBe(0);
      const rpc = ['--rpc-url', provider!._getConnection().url];
      const mineAddr = await runCli(['wallet', 'address', '--account', 'alice', ...rpc], { home: other.home });
      expect(mineAddr.stdout.trim()).toBe(mine.address);
      const signed = await runCli(['wallet', 'sign', 'x', '--account', mine.address, '--password-file', pw, '--json', ...rpc], { home: other.home });
      expect(signed.code, signed.stderr).toBe(0);
      expect(signed.json().address).toBe(mine.address);
    } finally {
      other.cleanup();
    }
  });

  it('on a chain that is not a devnet, a devnet name is refused (exit 6)', async () => {
    const real = await startTestAnvil({ chainId: 999 });
    const fresh = tempHome();
    try {
      const r = await runCli(['wallet', 'sign', 'hi', '--account', 'alice', '--rpc-url', real.rpcUrl], { home: fresh.home });
      expect(r.code).toBe(6);
      expect(r.stderr.split('\n')[0]).toBe('error: "alice" is a devnet account, and chain 999 is not a devnet');
      const acc = await runCli(['devnet', 'accounts', '--rpc-url', real.rpcUrl], { home: fresh.home });
      expect(acc.code).toBe(4);
    } finally {
      fresh.cleanup();
      await real.stop();
    }
  });
});
