import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptKeystoreJson, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptKeystore, lowercaseCrypto, writeKeystore } from '../../../src/wallet/keystore.js';

let dir: string;
const savedN = process.env.FLOCK_SCRYPT_N;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flock-keystore-'));
  process.env.FLOCK_SCRYPT_N = '1024';
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (savedN === undefined) delete process.env.FLOCK_SCRYPT_N;
  else process.env.FLOCK_SCRYPT_N = savedN;
});

describe('keystore files (issue #14, finding 1)', () => {
  it('writeKeystore writes the v3 shape Foundry parses: lowercase crypto, 0600 in a 0700 folder', async () => {
    const wallet = Wallet.createRandom();
    const folder = join(dir, 'new', 'keystores');
    const path = await writeKeystore(folder, 'a', wallet, 'correct horse');
    const json = JSON.parse(readFileSync(path, 'utf8'));
    expect(json).toMatchObject({ address: wallet.address.slice(2).toLowerCase(), version: 3, crypto: { cipher: 'aes-128-ctr', kdf: 'scrypt' } });
    expect(json.Crypto).toBeUndefined();
    expect(json.crypto.kdfparams).toMatchObject({ n: 1024, r: 8, p: 1, dklen: 32 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    for (const d of [folder, join(dir, 'new')]) expect(statSync(d).mode & 0o777).toBe(0o700);
    expect((await decryptKeystore({ name: 'a', path }, 'correct horse')).address).toBe(wallet.address);
  });

  it('lowercaseCrypto renames only Crypto, in place, and leaves anything else alone', () => {
    expect(lowercaseCrypto('{"address":"ab","Crypto":{"x":1},"id":"i","version":3}')).toBe('{"address":"ab","crypto":{"x":1},"id":"i","version":3}');
    expect(lowercaseCrypto('{"crypto":{},"version":3}')).toBeUndefined();
    expect(lowercaseCrypto('{"crypto":{},"Crypto":{}}')).toBeUndefined();
    expect(lowercaseCrypto('[1]')).toBeUndefined();
    expect(lowercaseCrypto('not json')).toBeUndefined();
  });

  it('a legacy Crypto keystore unlocks and is rewritten with crypto; a wrong password changes nothing', async () => {
    const wallet = Wallet.createRandom();
    const old = await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, 'pw-legacy', { scrypt: { N: 1024 } });
    const path = join(dir, 'legacy.json');
    writeFileSync(path, old, { mode: 0o640 });
    await expect(decryptKeystore({ name: 'legacy', path }, 'wrong')).rejects.toThrow(/wrong password/);
    expect(readFileSync(path, 'utf8')).toBe(old);
    expect((await decryptKeystore({ name: 'legacy', path }, 'pw-legacy')).address).toBe(wallet.address);
    expect(readFileSync(path, 'utf8')).toBe(lowercaseCrypto(old));
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });
});
