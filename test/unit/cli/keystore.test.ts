import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbortError, ExitCode } from '../../../src/errors/index.js';
import {
  decryptKeystore,
  keystoreDir,
  listKeystores,
  readKeystoreAddress,
  resolveKeystore,
  scryptN,
  writeKeystore,
} from '../../../src/wallet/keystore.js';
import { readPasswordFile, resolvePassword } from '../../../src/wallet/password.js';

let dir: string;
let home: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flock-ks-'));
  home = join(dir, 'home');
  // HOME decides ~/.foundry/keystores: keep the developer's real keys out of the tests.
  vi.stubEnv('HOME', dir);
  vi.stubEnv('FLOCK_SCRYPT_N', '1024');
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

async function expectAbort(p: Promise<unknown> | (() => unknown)): Promise<AbortError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(AbortError);
    return e as AbortError;
  }
  throw new Error('expected an AbortError');
}

describe('keystores', () => {
  it('round trip: write, read the address without a password, decrypt', async () => {
    const w = Wallet.createRandom();
    const path = await writeKeystore(keystoreDir(home), 'alice', w, 'pw');
    expect(path).toBe(join(home, 'keystores', 'alice.json'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toContain(w.privateKey.slice(2));
    expect(readKeystoreAddress(path)).toBe(w.address.toLowerCase());
    const back = await decryptKeystore({ name: 'alice', path }, 'pw');
    expect(back.address).toBe(w.address);
    expect(back.privateKey).toBe(w.privateKey);
  });

  it('wrong password: one-line AbortError, exit 6', async () => {
    const path = await writeKeystore(keystoreDir(home), 'alice', Wallet.createRandom(), 'pw');
    const e = await expectAbort(decryptKeystore({ name: 'alice', path }, 'nope'));
    expect(e.exitCode).toBe(ExitCode.WALLET);
    expect(e.message).toBe('wrong password for keystore alice');
  });

  it('refuses to overwrite and to use names that escape the folder', async () => {
    await writeKeystore(keystoreDir(home), 'alice', Wallet.createRandom(), 'pw');
    expect((await expectAbort(writeKeystore(keystoreDir(home), 'alice', Wallet.createRandom(), 'pw'))).message).toMatch(/already exists/);
    expect((await expectAbort(writeKeystore(keystoreDir(home), '../evil', Wallet.createRandom(), 'pw'))).message).toMatch(/invalid account name/);
  });

  it('reads keystores written with ethers’ default scrypt (and Foundry-style files without .json)', async () => {
    const w = Wallet.createRandom();
    const foundry = join(dir, '.foundry', 'keystores');
    mkdirSync(foundry, { recursive: true });
    // Foundry names files without an extension; its JSON is the same v3 format.
    writeFileSync(join(foundry, 'bob'), await w.encrypt('pw'));
    const ref = resolveKeystore({ home, account: 'bob' });
    expect(ref?.path).toBe(join(foundry, 'bob'));
    expect((await decryptKeystore(ref!, 'pw')).address).toBe(w.address);
    expect(listKeystores(home).map((k) => [k.name, k.source])).toEqual([['bob', 'foundry']]);
  });

  it('resolves --keystore as a file or a folder, --account as a name or an address', async () => {
    const w = Wallet.createRandom();
    const path = await writeKeystore(keystoreDir(home), 'alice', w, 'pw');
    expect(resolveKeystore({ home })).toBeUndefined();
    expect(resolveKeystore({ home, keystore: path })).toEqual({ name: 'alice', path });
    expect(resolveKeystore({ home, keystore: keystoreDir(home), account: 'alice' })).toEqual({ name: 'alice', path });
    expect(resolveKeystore({ home, account: w.address })?.path).toBe(path);
    expect((await expectAbort(() => resolveKeystore({ home, keystore: keystoreDir(home) }))).message).toMatch(/is a folder: name the account/);
    const missing = await expectAbort(() => resolveKeystore({ home, account: 'carol' }));
    expect(missing.exitCode).toBe(ExitCode.WALLET);
    expect(missing.hint).toMatch(/flock wallet new carol/);
    expect((await expectAbort(() => resolveKeystore({ home, keystore: join(dir, 'none.json') }))).message).toMatch(/keystore not found/);
  });

  it('FLOCK_SCRYPT_N must be a power of two', async () => {
    expect(scryptN({ FLOCK_SCRYPT_N: '1024' })).toBe(1024);
    expect(scryptN({})).toBeUndefined();
    expect((await expectAbort(() => scryptN({ FLOCK_SCRYPT_N: '1000' }))).message).toMatch(/power of two/);
  });
});

describe('passwords', () => {
  it('file first (trailing newline dropped), then FLOCK_PASSWORD', async () => {
    const file = join(dir, 'pw');
    writeFileSync(file, 'secret \n');
    expect(readPasswordFile(file)).toBe('secret');
    expect(await resolvePassword({ passwordFile: file, env: { FLOCK_PASSWORD: 'other' }, name: 'a', purpose: 'unlock' })).toBe('secret');
    expect(await resolvePassword({ env: { FLOCK_PASSWORD: 'other' }, name: 'a', purpose: 'unlock' })).toBe('other');
  });

  it('no password and no terminal: exit 6 naming --password-file', async () => {
    const e = await expectAbort(resolvePassword({ env: {}, name: 'alice', purpose: 'unlock' }));
    expect(e.exitCode).toBe(ExitCode.WALLET);
    expect(e.message).toBe('no password for keystore alice');
    expect(e.hint).toMatch(/--password-file/);
    expect((await expectAbort(resolvePassword({ passwordFile: join(dir, 'missing'), env: {}, name: 'a', purpose: 'unlock' }))).exitCode).toBe(ExitCode.WALLET);
  });
});
