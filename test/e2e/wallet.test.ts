import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encryptKeystoreJson, verifyMessage, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempHome, type TempHome } from '../harness/index.js';
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

/** `cast wallet address --keystore <file>`: what Foundry makes of a keystore (exit status, output). */
function castAddress(file: string, password: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'foundry.mjs'), 'cast', 'wallet', 'address', '--keystore', file, '--password', password], {
    encoding: 'utf8',
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

describe('keystores and passwords (issue #14)', () => {
  it('a keystore flock writes is one Foundry reads: lowercase "crypto", the Web3 Secret Storage v3 fields (finding 1)', async () => {
    const created = await runCli(['wallet', 'new', 'forge', '--password-file', pw, '--json'], { home: t.home });
    expect(created.code, created.stderr).toBe(0);
    const { address, path } = created.json();
    const json = JSON.parse(readFileSync(path, 'utf8'));
    expect(Object.keys(json).sort()).toEqual(['address', 'crypto', 'id', 'version']);
    expect(Object.keys(json.crypto).sort()).toEqual(['cipher', 'cipherparams', 'ciphertext', 'kdf', 'kdfparams', 'mac']);
    expect(json.crypto.kdfparams.n).toBe(1024); // FLOCK_SCRYPT_N of the tests: cast reads light files too
    expect(castAddress(path, 'correct horse')).toEqual({ code: 0, out: address });

    const keyFile = join(t.dir, 'key-forge');
    writeFileSync(keyFile, '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d\n');
    const imported = await runCli(['wallet', 'import', 'forge1', '--private-key-file', keyFile, '--password-file', pw, '--json'], { home: t.home });
    expect(imported.code, imported.stderr).toBe(0);
    expect(castAddress(imported.json().path, 'correct horse')).toEqual({ code: 0, out: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' });
  });

  it('a keystore written with "Crypto" (flock before issue #14) still unlocks, and is rewritten so Foundry reads it too', async () => {
    const wallet = Wallet.createRandom();
    const old = await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, 'correct horse', { scrypt: { N: 1024 } });
    expect(Object.keys(JSON.parse(old))).toContain('Crypto');
    const path = join(t.home, 'keystores', 'legacy.json');
    writeFileSync(path, old, { mode: 0o600 });
    expect(castAddress(path, 'correct horse').code).not.toBe(0);

    const signed = await runCli(['wallet', 'sign', 'hello', '--account', 'legacy', '--password-file', pw, '--json'], { home: t.home });
    expect(signed.code, signed.stderr).toBe(0);
    expect(verifyMessage('hello', signed.json().signature)).toBe(wallet.address);
    const now = JSON.parse(readFileSync(path, 'utf8'));
    expect(Object.keys(now)).toEqual(['address', 'id', 'version', 'crypto']);
    expect(now.crypto).toEqual(JSON.parse(old).Crypto);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(castAddress(path, 'correct horse')).toEqual({ code: 0, out: wallet.address });
  });

  it('an empty password is refused before anything is written: new, import (exit 6, finding 2)', async () => {
    const empty = join(t.dir, 'empty-pw');
    writeFileSync(empty, '\n');
    const keyFile = join(t.dir, 'key-empty');
    writeFileSync(keyFile, '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a\n');
    for (const args of [
      ['wallet', 'new', 'nopw', '--password-file', empty],
      ['wallet', 'import', 'nopw', '--private-key-file', keyFile, '--password-file', empty],
    ]) {
      const r = await runCli(args, { home: t.home });
      expect(r.code, r.stderr).toBe(6);
      expect(r.stderr).toBe('error: the password for keystore nopw is empty\nhint: choose a password of at least 8 characters; flock never writes an unencrypted key\n');
      expect(existsSync(join(t.home, 'keystores', 'nopw.json'))).toBe(false);
    }
  });

  it('a short password is taken with a warning (finding 2)', async () => {
    const short = join(t.dir, 'short-pw');
    writeFileSync(short, 'x\n');
    const r = await runCli(['wallet', 'new', 'shortpw', '--password-file', short, '--json'], { home: t.home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('the password for keystore shortpw is shorter than 8 characters');
    expect(castAddress(r.json().path, 'x')).toEqual({ code: 0, out: r.json().address });
    const long = await runCli(['wallet', 'new', 'longpw', '--password-file', pw], { home: t.home });
    expect(long.stderr).not.toContain('shorter than');
  });

  it('the home is created 0700 by wallet new (finding 3)', async () => {
    const fresh = tempHome();
    try {
      const r = await runCli(['wallet', 'new', 'a', '--password-file', pw], { home: fresh.home });
      expect(r.code, r.stderr).toBe(0);
      expect(statSync(fresh.home).mode & 0o777).toBe(0o700);
      expect(statSync(join(fresh.home, 'keystores')).mode & 0o777).toBe(0o700);
    } finally {
      fresh.cleanup();
    }
  });
});
