import type { JsonRpcProvider, Signer } from 'ethers';
import { AbortError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { decryptKeystore, resolveKeystore } from './keystore.js';
import { resolvePassword } from './password.js';

/** The account commands act as, known without unlocking anything. */
export type AccountRef =
  | { kind: 'keystore'; name: string; path: string; address: string | undefined }
  | { kind: 'devnet'; name: 'devnet #0'; address: string };

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
}

/**
 * Which account a command acts as, first match wins:
 *  1. --keystore / --account (or FLOCK_KEYSTORE / FLOCK_ACCOUNT, or keystore/account in the config);
 *  2. the default account set by `flock wallet use <name>`;
 *  3. on a flock devnet (chain 31337, or a deployment record marked devnet), anvil's unlocked
 *     account #0, so the local demo needs no keystore at all.
 * Otherwise an AbortError (exit 6) says how to pick one.
 */
export async function resolveAccount(ctx: AccountDeps): Promise<AccountRef> {
  const explicit = resolveKeystore({ home: ctx.home, keystore: ctx.keystore, account: ctx.account });
  if (explicit) return keystoreRef(explicit.name, explicit.path);

  const preferred = await ctx.defaultAccount();
  if (preferred) {
    const ref = resolveKeystore({ home: ctx.home, account: preferred });
    if (ref) return keystoreRef(ref.name, ref.path);
  }

  if (await isDevnet(ctx)) {
    const provider = await ctx.provider();
    const accounts = (await provider.send('eth_accounts', [])) as string[];
    const { getAddress } = await import('ethers');
    if (accounts[0]) return { kind: 'devnet', name: 'devnet #0', address: getAddress(accounts[0]) };
  }
  throw new AbortError('no account selected', {
    code: 'NO_ACCOUNT',
    hint: 'pass --account <name> (see `flock wallet list`), or create one with `flock wallet new <name>`',
  });
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
    ctx.log.info({ address: ref.address }, 'using the devnet account #0 (unlocked anvil account)');
    return new FlockSigner(await provider.getSigner(ref.address));
  }
  const password = await resolvePassword({ passwordFile: ctx.passwordFile, env: ctx.env, name: ref.name, purpose: 'unlock' });
  const wallet = await decryptKeystore(ref, password);
  ctx.log.debug({ account: ref.name, address: wallet.address }, 'keystore unlocked');
  return new FlockSigner(wallet.connect(provider));
}
