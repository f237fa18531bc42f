import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyMessage } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../harness/index.js';
import { ANVIL_ACCOUNT_0, ensureBuilt, startTestAnvil, type TestAnvil } from './helpers.js';

let t: TempHome;
let pw: string;
let wrong: string;
beforeAll(() => {
  ensureBuilt();
  t = tempHome();
  pw = join(t.dir, 'pw');
  wrong = join(t.dir, 'wrong');
  writeFileSync(pw, 'correct horse\n');
  writeFileSync(wrong, 'battery staple\n');
});
afterAll(() => t.cleanup());

describe('flock wallet', () => {
  it('new → list → address → sign (decrypts) round trip', async () => {
    const created = await runCli(['wallet', 'new', 'alice', '--use', '--password-file', pw, '--json'], { home: t.home });
    expect(created.code, created.stderr).toBe(0);
    const { address, path } = created.json();
    expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(path).toBe(join(t.home, 'keystores', 'alice.json'));
    expect(created.json().default).toBe(true); // --use made it the default

    const list = await runCli(['wallet', 'list', '--json'], { home: t.home });
    expect(list.json().accounts).toEqual([{ name: 'alice', address, path, source: 'flock', default: true }]);

    const addr = await runCli(['wallet', 'address'], { home: t.home });
    expect(addr.stdout.trim()).toBe(address);

    const signed = await runCli(['wallet', 'sign', 'hello', '--account', 'alice', '--password-file', pw, '--json'], { home: t.home });
    expect(signed.code, signed.stderr).toBe(0);
    expect(verifyMessage('hello', signed.json().signature)).toBe(address);
  });

  it('wrong password: exit 6, one error line, no stack', async () => {
    const r = await runCli(['wallet', 'sign', 'hello', '--account', 'alice', '--password-file', wrong], { home: t.home });
    expect(r.code).toBe(6);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: wrong password for keystore alice\nhint: check --password-file / FLOCK_PASSWORD_FILE / FLOCK_PASSWORD\n');
  });

  it('no password and no terminal: exit 6 instead of hanging', async () => {
    const r = await runCli(['wallet', 'sign', 'hi', '--account', 'alice'], { home: t.home });
    expect(r.code).toBe(6);
    expect(r.stderr.split('\n')[0]).toBe('error: no password for keystore alice');
  });

  it('FLOCK_PASSWORD works too', async () => {
    const r = await runCli(['wallet', 'sign', 'hi', '--account', 'alice'], { home: t.home, env: { FLOCK_PASSWORD: 'correct horse' } });
    expect(r.code, r.stderr).toBe(0);
  });

  it('refuses to overwrite an account', async () => {
    const r = await runCli(['wallet', 'new', 'alice', '--password-file', pw], { home: t.home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: account "alice" already exists/);
  });

  it('import: validates the key and never echoes it', async () => {
    const keyFile = join(t.dir, 'key');
    writeFileSync(keyFile, 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n');
    const r = await runCli(['wallet', 'import', 'anvil0', '--private-key-file', keyFile, '--password-file', pw, '--json'], { home: t.home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().address).toBe(ANVIL_ACCOUNT_0);

    writeFileSync(keyFile, '0x1234nothex\n');
    const bad = await runCli(['wallet', 'import', 'bad', '--private-key-file', keyFile, '--password-file', pw], { home: t.home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: invalid private key: expected 32 bytes as 64 hex characters\n');
    expect(bad.stderr).not.toContain('1234nothex');
  });

  it('new and import never change the default account without --use (issue #10, finding 4)', async () => {
    const keyFile = join(t.dir, 'key2');
    writeFileSync(keyFile, '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d\n');
    const imported = await runCli(['wallet', 'import', 'second', '--private-key-file', keyFile, '--password-file', pw], { home: t.home });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/not the default account: `flock wallet use second` makes it the default/);
    const created = await runCli(['wallet', 'new', 'third', '--password-file', pw, '--json'], { home: t.home });
    expect(created.json().default).toBe(false);
    const list = await runCli(['wallet', 'list', '--json'], { home: t.home });
    expect(list.json().accounts.filter((a: { default: boolean }) => a.default).map((a: { name: string }) => a.name)).toEqual(['alice']);

    // In a fresh home the first account does not become the default either.
    const fresh = tempHome();
    try {
      const first = await runCli(['wallet', 'new', 'solo', '--password-file', pw, '--json'], { home: fresh.home });
      expect(first.json().default).toBe(false);
      expect((await runCli(['wallet', 'list', '--json'], { home: fresh.home })).json().accounts[0].default).toBe(false);
      const used = await runCli(['wallet', 'import', 'solo2', '--use', '--private-key-file', keyFile, '--password-file', pw, '--json'], { home: fresh.home });
      expect(used.json().default).toBe(true);
    } finally {
      fresh.cleanup();
    }
  });

  it('use --clear unsets the default account', async () => {
    const r = await runCli(['wallet', 'use', '--clear', '--json'], { home: t.home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual({ defaultAccount: null });
    const list = await runCli(['wallet', 'list', '--json'], { home: t.home });
    expect(list.json().accounts.some((a: { default: boolean }) => a.default)).toBe(false);
    const both = await runCli(['wallet', 'use', 'alice', '--clear'], { home: t.home });
    expect(both.code).toBe(2);
    const neither = await runCli(['wallet', 'use'], { home: t.home });
    expect(neither.code).toBe(2);
    expect((await runCli(['wallet', 'use', 'alice'], { home: t.home })).code).toBe(0);
  });

  it('use: changes the default account, refuses unknown names', async () => {
    expect((await runCli(['wallet', 'use', 'anvil0'], { home: t.home })).code).toBe(0);
    expect((await runCli(['wallet', 'address'], { home: t.home })).stdout.trim()).toBe(ANVIL_ACCOUNT_0);
    const r = await runCli(['wallet', 'use', 'nobody'], { home: t.home });
    expect(r.code).toBe(6);
    await runCli(['wallet', 'use', 'alice'], { home: t.home });
  });

  describe('against a chain', () => {
    let anvil: TestAnvil;
    let other: TestAnvil;
    beforeAll(async () => {
      [anvil, other] = await Promise.all([startTestAnvil(), startTestAnvil({ chainId: 999 })]);
    });
    afterAll(async () => {
      await Promise.all([anvil?.stop(), other?.stop()]);
    });

    it('balance of an address: ETH, and no FLOCK without a deployment', async () => {
      const r = await runCli(['wallet', 'balance', ANVIL_ACCOUNT_0, '--rpc-url', anvil.rpcUrl, '--json'], { home: t.home });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json()).toEqual({ address: ANVIL_ACCOUNT_0, chainId: '31337', eth: (10_000n * 10n ** 18n).toString(), flock: null });
    });

    it('signer resolution: --account, else the default account, else anvil #0 on a devnet', async () => {
      const alice = (await runCli(['wallet', 'address', 'alice'], { home: t.home })).stdout.trim();
      const viaDefault = await runCli(['wallet', 'balance', '--rpc-url', anvil.rpcUrl, '--json'], { home: t.home });
      expect(viaDefault.json().address).toBe(alice);
      const viaFlag = await runCli(['wallet', 'balance', '--account', 'anvil0', '--rpc-url', anvil.rpcUrl, '--json'], { home: t.home });
      expect(viaFlag.json().address).toBe(ANVIL_ACCOUNT_0);

      const fresh = tempHome();
      try {
        const devnet = await runCli(['wallet', 'sign', 'hi', '--rpc-url', anvil.rpcUrl, '--json'], { home: fresh.home });
        expect(devnet.code, devnet.stderr).toBe(0);
        expect(devnet.json().address).toBe(ANVIL_ACCOUNT_0);
        expect(devnet.stderr).toMatch(/using the devnet account #0/);
        // Not a devnet (chain 999, no devnet record): no silent fallback.
        const none = await runCli(['wallet', 'sign', 'hi', '--rpc-url', other.rpcUrl], { home: fresh.home });
        expect(none.code).toBe(6);
        expect(none.stderr.split('\n')[0]).toBe('error: no account selected');
      } finally {
        fresh.cleanup();
      }
    });

    it('--chain-id mismatch: exit 4', async () => {
      const r = await runCli(['wallet', 'balance', ANVIL_ACCOUNT_0, '--rpc-url', anvil.rpcUrl, '--chain-id', '8453'], { home: t.home });
      expect(r.code).toBe(4);
      expect(r.stderr.split('\n')[0]).toBe(`error: wrong chain id: ${anvil.rpcUrl} is chain 31337, expected 8453`);
    });
  });
});
