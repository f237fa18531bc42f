import type { JsonRpcProvider, Signer } from 'ethers';
import { AbortError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { decryptKeystore, resolveKeystore } from './keystore.js';
import { resolvePassword } from './password.js';

/** The account commands act as, known without unlocking anything. */
export type AccountRef =
  | { kind: 'keystore'; name: string; path: string; address: string | undefined }
  /** One of the devnet's funded accounts (`deployer` is #0, then alice, bob, …): a public test key. */
  | { kind: 'devnet'; name: string; index: number; address: string };

/** A devnet account with its key (the shape of devnet/accounts.ts DevnetAccount; wallet does not import devnet). */
export interface DevnetKey {
  name: string;
  index: number;
  address: string;
  privateKey: string;
}

/**
 * What choosing and unlocking an account needs: the wallet's own settings and lazy chain access,
 * not a whole command context (the CLI builds one of these from its Context).
 */
export interface AccountDeps {
  home: string;
  keystore?: string;
  account?: string;
  passwordFile?: string;
  /** The chain id `flock devnet` runs as (config devnet.chainId). */
  devnetChainId: number;
  env: NodeJS.ProcessEnv;
  log: Logger;
  chainId(): Promise<bigint>;
  provider(): Promise<JsonRpcProvider>;
  /** The account `flock wallet use` made the default, if any. */
  defaultAccount(): Promise<string | undefined>;
  /**
   * The devnet account meant by a name, `#index` or address (devnet/accounts.ts findDevnetAccount
   * over the configured mnemonic), if it is one. Without it devnet names are not recognised.
   */
  devnetAccount?(nameOrAddress: string): Promise<DevnetKey | undefined>;
}

/**
 * Which account a command acts as, first match wins:
 *  1. --keystore (or FLOCK_KEYSTORE / keystore in the config);
 *  2. --account (FLOCK_ACCOUNT / account): a keystore of that name or address; else, on a devnet,
 *     the devnet account of that name, `#index` or address (signs with its public test key, no
 *     password). A user's own keystore named `alice` wins over the devnet's alice; on any other
 *     chain a devnet name is an error, never a silent fallback;
 *  3. the default account set by `flock wallet use <name>`;
 *  4. on a flock devnet (chain 31337, or a deployment record marked devnet), the devnet's account
 *     #0 (`deployer`), so the local demo needs no keystore at all.
 * Otherwise an AbortError (exit 6) says how to pick one.
 */
export async function resolveAccount(ctx: AccountDeps): Promise<AccountRef> {
  if (ctx.keystore) {
    const ref = resolveKeystore({ home: ctx.home, keystore: ctx.keystore, account: ctx.account })!;
    return keystoreRef(ref.name, ref.path);
  }
  if (ctx.account) return namedAccount(ctx, ctx.account);

  const preferred = await ctx.defaultAccount();
  if (preferred) {
    const ref = resolveKeystore({ home: ctx.home, account: preferred });
    if (ref) return keystoreRef(ref.name, ref.path);
  }

  if (await isDevnet(ctx)) {
    const provider = await ctx.provider();
    const accounts = (await provider.send('eth_accounts', [])) as string[];
    const { getAddress } = await import('ethers');
    if (accounts[0]) {
      const address = getAddress(accounts[0]);
      const named = await ctx.devnetAccount?.(address);
      return { kind: 'devnet', name: named?.name ?? 'devnet #0', index: 0, address };
    }
  }
  throw new AbortError('no account selected', {
    code: 'NO_ACCOUNT',
    hint: 'pass --account <name> (see `flock wallet list`), or create one with `flock wallet new <name>`',
  });
}

/** --account: a keystore by name or address first, else a devnet account (on a devnet only). */
async function namedAccount(ctx: AccountDeps, account: string): Promise<AccountRef> {
  const devnet = await ctx.devnetAccount?.(account);
  const indexForm = /^#\d+$/.test(account.trim());
  if (!indexForm) {
    try {
      const ref = resolveKeystore({ home: ctx.home, account })!;
      return keystoreRef(ref.name, ref.path);
    } catch (e) {
      if (!devnet || (e as AbortError).code !== 'KEYSTORE_NOT_FOUND') throw e;
    }
  } else if (!devnet) {
    throw new AbortError(`no devnet account ${account.trim()}`, { code: 'DEVNET_ACCOUNT', hint: '`flock devnet accounts` lists them' });
  }
  const d = devnet!;
  if (!(await isDevnet(ctx))) {
    throw new AbortError(`"${account}" is a devnet account, and chain ${await ctx.chainId()} is not a devnet`, {
      code: 'DEVNET_ACCOUNT',
      hint: 'devnet accounts sign only on a local `flock devnet`; here use a keystore (`flock wallet list`, `flock wallet new <name>`)',
    });
  }
  // The running devnet must have this account: one started with another mnemonic (or fewer
  // accounts) would sign with a key it never funded.
  const unlocked = ((await (await ctx.provider()).send('eth_accounts', [])) as string[]).map((a) => a.toLowerCase());
  if (!unlocked.includes(d.address.toLowerCase())) {
    throw new AbortError(`the devnet at this RPC URL has no account ${d.name} (${d.address})`, {
      code: 'DEVNET_ACCOUNT',
      hint: 'it was started with another mnemonic or fewer accounts (devnet.mnemonic, devnet.accounts); `flock devnet accounts` lists its accounts',
    });
  }
  return { kind: 'devnet', name: d.name, index: d.index, address: d.address };
}

async function keystoreRef(name: string, path: string): Promise<AccountRef> {
  const { readKeystoreAddress } = await import('./keystore.js');
  const raw = readKeystoreAddress(path);
  const { getAddress } = await import('ethers');
  return { kind: 'keystore', name, path, address: raw ? getAddress(raw) : undefined };
}

/** A flock devnet: anvil's chain id, or a deployment record that says so. */
export async function isDevnet(ctx: Pick<AccountDeps, 'chainId' | 'devnetChainId' | 'home'>): Promise<boolean> {
  const chainId = await ctx.chainId();
  if (Number(chainId) === ctx.devnetChainId || chainId === 31337n) return true;
  const { readDeployment } = await import('../chain/deployment.js');
  return readDeployment(ctx.home, chainId)?.devnet === true;
}

/**
 * The signer for resolveAccount's account, connected to the context's provider and wrapped in a
 * FlockSigner: a NonceManager (consecutive sends in one command do not race for the same nonce)
 * that gives every gas estimate headroom.
 */
export async function resolveSigner(ctx: AccountDeps, ref: AccountRef): Promise<Signer> {
  const provider = await ctx.provider();
  const { FlockSigner } = await import('../chain/signer.js');
  if (ref.kind === 'devnet') {
    ctx.log.info({ address: ref.address }, `using the devnet account #${ref.index} (${ref.name}): a public test key, devnet only`);
    // Signs locally with the known key, like a keystore (messages, typed data, transactions);
    // anvil's unlocked account only when the key is not known (a devnet of another mnemonic).
    const key = await ctx.devnetAccount?.(ref.address);
    if (key) {
      const { Wallet } = await import('ethers');
      return new FlockSigner(new Wallet(key.privateKey, provider));
    }
    return new FlockSigner(await provider.getSigner(ref.address));
  }
  const password = await resolvePassword({ passwordFile: ctx.passwordFile, env: ctx.env, name: ref.name, purpose: 'unlock' });
  const wallet = await decryptKeystore(ref, password);
  ctx.log.debug({ account: ref.name, address: wallet.address }, 'keystore unlocked');
  return new FlockSigner(wallet.connect(provider));
}
