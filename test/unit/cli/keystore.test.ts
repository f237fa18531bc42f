import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { pino } from 'pino';
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
import { ANVIL_MNEMONIC } from '../../../src/config/schema.js';
import { devnetAccounts, findDevnetAccount } from '../../../src/devnet/accounts.js';
import { resolveAccount, resolveSigner, type AccountDeps } from '../../../src/wallet/account.js';

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

/**
 * Account resolution (wallet/account.ts), issue #10, finding 3: `--account alice` on a devnet
 * signs as the devnet's named account (no keystore, no password); a keystore of that name wins;
 * on any other chain a devnet name is an error. `--account 0x…` finds a keystore by address.
 */
const DEV = devnetAccounts(ANVIL_MNEMONIC, 10);
const ALICE = DEV[1]!;

function deps(over: Partial<AccountDeps> & { chain?: bigint } = {}): AccountDeps {
  const chain = over.chain ?? 31337n;
  const provider = {
    send: async (method: string) => {
      if (method === 'eth_accounts') return DEV.map((a) => a.address.toLowerCase());
      throw new Error(`unexpected ${method}`);
    },
    getSigner: async (address: string) => ({ address, unlocked: true }),
  };
  return {
    home,
    devnetChainId: 31337,
    env: {},
    log: pino({ level: 'silent' }),
    chainId: async () => chain,
    provider: async () => provider as never,
    defaultAccount: async () => undefined,
    devnetAccount: async (q: string) => findDevnetAccount(DEV, q),
    ...over,
  };
}

describe('resolveAccount: devnet accounts by name', () => {
  it('--account alice, #2 or an address on a devnet: the devnet account', async () => {
    expect(await resolveAccount(deps({ account: 'alice' }))).toEqual({ kind: 'devnet', name: 'alice', index: 1, address: ALICE.address });
    expect(await resolveAccount(deps({ account: '#2' }))).toMatchObject({ kind: 'devnet', name: 'bob', index: 2 });
    expect(await resolveAccount(deps({ account: DEV[3]!.address.toLowerCase() }))).toMatchObject({ kind: 'devnet', name: 'carol' });
  });

  it('no account on a devnet: account #0, named deployer', async () => {
    expect(await resolveAccount(deps())).toEqual({ kind: 'devnet', name: 'deployer', index: 0, address: DEV[0]!.address });
  });

  it('signs with the devnet key, no password', async () => {
    const d = deps({ account: 'alice' });
    const signer = await resolveSigner(d, await resolveAccount(d));
    expect(await signer.getAddress()).toBe(ALICE.address);
    const sig = await signer.signMessage('hi');
    expect(sig).toBe(await new Wallet(ALICE.privateKey).signMessage('hi'));
  });

  it('a keystore named alice wins over the devnet name', async () => {
    const mine = Wallet.createRandom();
    await writeKeystore(keystoreDir(home), 'alice', mine, 'pw');
    expect(await resolveAccount(deps({ account: 'alice' }))).toMatchObject({ kind: 'keystore', name: 'alice', address: mine.address });
  });

  it('--account 0x… finds a keystore by its address', async () => {
    const mine = Wallet.createRandom();
    await writeKeystore(keystoreDir(home), 'ops', mine, 'pw');
    expect(await resolveAccount(deps({ account: mine.address, chain: 999n }))).toMatchObject({ kind: 'keystore', name: 'ops', address: mine.address });
  });

  it('on a real chain a devnet name is refused, clearly', async () => {
    const e = await expectAbort(resolveAccount(deps({ account: 'alice', chain: 8453n })));
    expect(e.code).toBe('DEVNET_ACCOUNT');
    expect(e.message).toBe('"alice" is a devnet account, and chain 8453 is not a devnet');
    const n = await expectAbort(resolveAccount(deps({ account: '#1', chain: 8453n })));
    expect(n.code).toBe('DEVNET_ACCOUNT');
  });

  it('an unknown name is still "no keystore"', async () => {
    expect((await expectAbort(resolveAccount(deps({ account: 'mallory' })))).code).toBe('KEYSTORE_NOT_FOUND');
    const n = await expectAbort(resolveAccount(deps({ account: '#10' })));
    expect(n.code).toBe('DEVNET_ACCOUNT');
    expect(n.message).toBe('no devnet account #10');
  });

  it('a devnet name the running devnet does not have (another mnemonic) is refused', async () => {
    const other = devnetAccounts('legal winner thank year wave sausage worth useful legal winner thank yellow', 10);
    const e = await expectAbort(resolveAccount(deps({ account: 'alice', devnetAccount: async (q) => findDevnetAccount(other, q) })));
    expect(e.code).toBe('DEVNET_ACCOUNT');
  });
});
