import type { Signer } from 'ethers';
import type { AccountRef, Context } from '../cli/context.js';
import { ExitCode } from '../cli/exit-codes.js';
import { AbortError } from '../errors.js';
import { decryptKeystore, resolveKeystore } from './keystore.js';
import { resolvePassword } from './password.js';

/**
 * Which account a command acts as, first match wins:
 *  1. --keystore / --account (or FLOCK_KEYSTORE / FLOCK_ACCOUNT, or keystore/account in the config);
 *  2. the default account set by `flock wallet use <name>`;
 *  3. on a flock devnet (chain 31337, or a deployment record marked devnet), anvil's unlocked
 *     account #0, so the local demo needs no keystore at all.
 * Otherwise an AbortError (exit 6) says how to pick one.
 */
export async function resolveAccount(ctx: Context): Promise<AccountRef> {
  const { config } = ctx;
  const explicit = resolveKeystore({ home: config.home, keystore: config.keystore, account: config.account });
  if (explicit) return keystoreRef(explicit.name, explicit.path);

  const preferred = (await ctx.prefs()).get('defaultAccount');
  if (preferred) {
    const ref = resolveKeystore({ home: config.home, account: preferred });
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
    exitCode: ExitCode.WALLET,
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
export async function isDevnet(ctx: Context): Promise<boolean> {
  const chainId = await ctx.chainId();
  if (Number(chainId) === ctx.config.devnet.chainId || chainId === 31337n) return true;
  const { readDeployment } = await import('../chain/deployment.js');
  return readDeployment(ctx.config.home, chainId)?.devnet === true;
}

/**
 * The signer for resolveAccount's account, connected to the context's provider and wrapped in a
 * FlockSigner: a NonceManager (consecutive sends in one command do not race for the same nonce)
 * that gives every gas estimate headroom.
 */
export async function resolveSigner(ctx: Context): Promise<Signer> {
  const ref = await ctx.account();
  const provider = await ctx.provider();
  const { FlockSigner } = await import('../chain/signer.js');
  if (ref.kind === 'devnet') {
    ctx.log.info({ address: ref.address }, 'using the devnet account #0 (unlocked anvil account)');
    return new FlockSigner(await provider.getSigner(ref.address));
  }
  const password = await resolvePassword({ passwordFile: ctx.config.passwordFile, env: ctx.env, name: ref.name, purpose: 'unlock' });
  const wallet = await decryptKeystore(ref, password);
  ctx.log.debug({ account: ref.name, address: wallet.address }, 'keystore unlocked');
  return new FlockSigner(wallet.connect(provider));
}
