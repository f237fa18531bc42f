import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANVIL_MNEMONIC } from '../../../src/config/schema.js';
import { devnetAccounts, findDevnetAccount } from '../../../src/devnet/accounts.js';
import { AbortError } from '../../../src/errors/index.js';
import { resolveAccount, resolveSigner, type AccountDeps } from '../../../src/wallet/account.js';
import { keystoreDir, writeKeystore } from '../../../src/wallet/keystore.js';

/**
 * Issue #10, finding 3: `--account alice` on a devnet signs as the devnet's named account (no
 * keystore, no password); a keystore of that name wins; on any other chain a devnet name is an
 * error. `--account 0x…` finds a keystore by address.
 */

const DEV = devnetAccounts(ANVIL_MNEMONIC, 10);
const ALICE = DEV[1]!;

let dir: string;
let home: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flock-acct-'));
  home = join(dir, 'home');
  vi.stubEnv('HOME', dir);
  vi.stubEnv('FLOCK_SCRYPT_N', '1024');
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

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

async function abort(p: Promise<unknown>): Promise<AbortError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AbortError);
    return e as AbortError;
  }
  throw new Error('expected an AbortError');
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
    const e = await abort(resolveAccount(deps({ account: 'alice', chain: 8453n })));
    expect(e.code).toBe('DEVNET_ACCOUNT');
    expect(e.message).toBe('"alice" is a devnet account, and chain 8453 is not a devnet');
    const n = await abort(resolveAccount(deps({ account: '#1', chain: 8453n })));
    expect(n.code).toBe('DEVNET_ACCOUNT');
  });

  it('an unknown name is still "no keystore"', async () => {
    expect((await abort(resolveAccount(deps({ account: 'mallory' })))).code).toBe('KEYSTORE_NOT_FOUND');
    const n = await abort(resolveAccount(deps({ account: '#10' })));
    expect(n.code).toBe('DEVNET_ACCOUNT');
    expect(n.message).toBe('no devnet account #10');
  });

  it('a devnet name the running devnet does not have (another mnemonic) is refused', async () => {
    const other = devnetAccounts('legal winner thank year wave sausage worth useful legal winner thank yellow', 10);
    const e = await abort(resolveAccount(deps({ account: 'alice', devnetAccount: async (q) => findDevnetAccount(other, q) })));
    expect(e.code).toBe('DEVNET_ACCOUNT');
  });
});
