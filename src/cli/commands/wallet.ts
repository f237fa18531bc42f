import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { AbortError } from '../../errors/index.js';
import { accountDeps, createContext, type Context } from '../context.js';

/** `flock wallet …`: encrypted keystores, Foundry-compatible (JSON v3). */
export function register(program: Command): void {
  const wallet = program.command('wallet').description('create, import and inspect encrypted keystore accounts');

  wallet
    .command('new')
    .description('create a random key, encrypt it into a keystore and print its address')
    .argument('[name]', 'account name', 'default')
    .option('--use', 'also make it the default account (as `flock wallet use <name>`)')
    .action(async (name: string, opts: { use?: boolean }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const result = await createAccount(ctx, name, undefined, { makeDefault: Boolean(opts.use) });
      await ctx.output(result, (r) => [`created ${r.name}: ${r.address}`, `keystore: ${r.path}`, defaultLine(r)]);
    });

  wallet
    .command('import')
    .description('encrypt an existing private key into a keystore')
    .argument('<name>', 'account name')
    .option('--private-key-file <file>', 'file holding the hex private key (else a hidden prompt)')
    .option('--use', 'also make it the default account (as `flock wallet use <name>`)')
    .action(async (name: string, opts: { privateKeyFile?: string; use?: boolean }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const key = await readPrivateKey(opts.privateKeyFile);
      const result = await createAccount(ctx, name, key, { makeDefault: Boolean(opts.use) });
      await ctx.output(result, (r) => [`imported ${r.name}: ${r.address}`, `keystore: ${r.path}`, defaultLine(r)]);
    });

  wallet
    .command('list')
    .description('list the keystore accounts (flock’s folder, then ~/.foundry/keystores)')
    .action(async (_opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { listKeystores } = await import('../../wallet/keystore.js');
      const { getAddress } = await import('ethers');
      const def = (await ctx.prefs()).get('defaultAccount');
      const accounts = listKeystores(ctx.config.home, keystoreFolder(ctx)).map((k) => ({
        name: k.name,
        address: k.address ? getAddress(k.address) : null,
        path: k.path,
        source: k.source,
        default: k.name === def,
      }));
      await ctx.output({ accounts }, (r) =>
        r.accounts.length === 0
          ? 'no accounts yet: `flock wallet new <name>` creates one'
          : { table: { headers: ['', 'NAME', 'ADDRESS', 'KEYSTORE'], rows: r.accounts.map((a) => [a.default ? '*' : '', a.name, a.address ?? '(not stored)', a.path]) } },
      );
    });

  wallet
    .command('address')
    .description('print the address of an account (default: the selected one)')
    .argument('[name]', 'account name')
    .action(async (name: string | undefined, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const account = await accountFor(ctx, name);
      await ctx.output(account, (r) => r.address);
    });

  wallet
    .command('use')
    .description('make an account the default for later commands (--clear: no default)')
    .argument('[name]', 'account name')
    .option('--clear', 'unset the default account (commands then need --account, or sign as the devnet deployer on a devnet)')
    .action(async (name: string | undefined, opts: { clear?: boolean }, cmd: Command) => {
      const ctx = await createContext(cmd);
      if (Boolean(name) === Boolean(opts.clear)) {
        throw new AbortError(name ? 'pass a name or --clear, not both' : 'name the account, or pass --clear', {
          code: 'USAGE',
          hint: '`flock wallet use <name>` sets the default account; `flock wallet use --clear` unsets it',
        });
      }
      const prefs = await ctx.prefs();
      if (!name) {
        prefs.delete('defaultAccount');
        await ctx.output({ defaultAccount: null }, () => 'no default account');
        return;
      }
      const { resolveKeystore } = await import('../../wallet/keystore.js');
      resolveKeystore({ home: ctx.config.home, account: name }); // throws if it does not exist
      prefs.set('defaultAccount', name);
      await ctx.output({ defaultAccount: name }, (r) => `default account: ${r.defaultAccount}`);
    });

  wallet
    .command('sign')
    .description('sign a message (EIP-191) with the selected account: proves the keystore and password work')
    .argument('<message>', 'text to sign')
    .action(async (message: string, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const result = await signMessage(ctx, message);
      await ctx.output(result, (r) => [`signer: ${r.address}`, `signature: ${r.signature}`]);
    });

  wallet
    .command('balance')
    .description('ETH balance (and FLOCK, when flock is deployed on this chain)')
    .argument('[address]', 'address or account name (default: the selected account)')
    .action(async (target: string | undefined, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const address = target && /^0x[0-9a-fA-F]{40}$/.test(target) ? target : (await accountFor(ctx, target)).address;
      const result = await balances(ctx, address);
      const { formatEth, formatFlock } = await import('../../units/index.js');
      await ctx.output(result, (r) => [
        `${r.address} (chain ${r.chainId})`,
        `ETH    ${formatEth(r.eth)}`,
        ...(r.flock !== null ? [`FLOCK  ${formatFlock(r.flock)}`] : ['FLOCK  (no flock deployment on this chain)']),
      ]);
    });
}

export interface NewAccountResult {
  name: string;
  address: string;
  path: string;
  /** True when it became the default account (only when asked: --use, or `flock init`). */
  default: boolean;
  /** The default account before (null: none), when this one became the default. */
  previousDefault?: string | null;
}

/** What new/import/init say about the default account: it changes only when asked. */
export function defaultLine(r: NewAccountResult): string {
  if (!r.default) return `not the default account: \`flock wallet use ${r.name}\` makes it the default (or pass --account ${r.name})`;
  const was = r.previousDefault && r.previousDefault !== r.name ? ` (was ${r.previousDefault})` : '';
  return `${r.name} is now the default account${was}: \`flock wallet use <name>\` changes it, \`flock wallet use --clear\` unsets it`;
}

/** --keystore when it names an existing folder (a file names one account, not a folder). */
function keystoreFolder(ctx: Context): string | undefined {
  const ks = ctx.config.keystore;
  return ks && existsSync(ks) && statSync(ks).isDirectory() ? ks : undefined;
}

/** Where a new keystore goes: the --keystore folder (created if need be), else `<home>/keystores`. */
function targetFolder(ctx: Context, defaultDir: string): string {
  const ks = ctx.config.keystore;
  if (!ks) return defaultDir;
  if (existsSync(ks) && statSync(ks).isFile()) {
    throw new AbortError(`--keystore ${ks} is a file; a new account needs a folder`, {
      code: 'USAGE',
      hint: 'pass a folder to --keystore, or leave it out to use the flock home',
    });
  }
  return ks;
}

/**
 * Encrypts a new (random or given) key under `name`; shared by `wallet new/import` and `init`.
 * The default account changes only with `makeDefault` (--use; init): a new key never silently
 * takes over what commands sign with.
 */
export async function createAccount(ctx: Context, name: string, privateKey: string | undefined, opts: { makeDefault: boolean }): Promise<NewAccountResult> {
  const [{ Wallet, hexlify, randomBytes }, ks, { resolvePassword }] = await Promise.all([
    import('ethers'),
    import('../../wallet/keystore.js'),
    import('../../wallet/password.js'),
  ]);
  ks.assertKeystoreName(name);
  const dir = targetFolder(ctx, ks.keystoreDir(ctx.config.home));
  if (ks.findInDir(dir, name)) {
    throw new AbortError(`account "${name}" already exists: ${ks.findInDir(dir, name)}`, {
      code: 'KEYSTORE_EXISTS',
      hint: 'choose another name; flock never overwrites a key',
    });
  }
  let wallet: InstanceType<typeof Wallet>;
  try {
    wallet = new Wallet(privateKey ?? hexlify(randomBytes(32)));
  } catch {
    // Never echo the key: it may be almost right, and terminals keep scrollback.
    throw new AbortError('invalid private key: expected 32 bytes as 64 hex characters', { code: 'INVALID_KEY' });
  }
  const password = await resolvePassword({ passwordFile: ctx.config.passwordFile, env: ctx.env, name, purpose: 'new', warn: (m) => ctx.log.warn(m) });
  const path = await ks.writeKeystore(dir, name, wallet, password);
  ctx.log.debug({ name, path }, 'keystore written');
  const result: NewAccountResult = { name, address: wallet.address, path, default: false };
  if (opts.makeDefault) {
    const prefs = await ctx.prefs();
    result.previousDefault = prefs.get('defaultAccount') ?? null;
    prefs.set('defaultAccount', name);
    result.default = true;
  }
  return result;
}

/** Reads a private key from a file or a hidden prompt; never from argv (it would land in shell history). */
export async function readPrivateKey(file: string | undefined): Promise<string> {
  let key: string;
  if (file) {
    try {
      key = readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new AbortError(`cannot read private key file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
        code: 'KEY_FILE',
        cause: e,
      });
    }
  } else if (process.stdin.isTTY && process.stderr.isTTY) {
    const { promptHidden } = await import('../../wallet/password.js');
    key = (await promptHidden('Private key (hex): ')).trim();
  } else {
    throw new AbortError('no private key given', { code: 'NO_KEY', hint: 'pass --private-key-file <file>' });
  }
  if (/^[0-9a-fA-F]{64}$/.test(key)) key = `0x${key}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) {
    throw new AbortError('invalid private key: expected 32 bytes as 64 hex characters', { code: 'INVALID_KEY' });
  }
  return key;
}

/** The named account (a keystore, or a devnet account on a devnet), or the selected one (see wallet/account.ts). */
async function accountFor(ctx: Context, name: string | undefined): Promise<{ name: string; address: string; source: string }> {
  const { resolveAccount } = await import('../../wallet/account.js');
  const ref = name ? await resolveAccount({ ...accountDeps(ctx), keystore: keystoreFolder(ctx), account: name }) : await ctx.account();
  if (ref.kind === 'devnet') return { name: ref.name, address: ref.address, source: 'devnet' };
  return { name: ref.name, address: await keystoreAddress(ctx, ref.name, ref.path, ref.address), source: ref.path };
}

/** Keystores written without an `address` field (some tools) must be decrypted to learn it. */
async function keystoreAddress(ctx: Context, name: string, path: string, known: string | undefined): Promise<string> {
  if (known) return known;
  const [{ resolvePassword }, { decryptKeystore }] = await Promise.all([import('../../wallet/password.js'), import('../../wallet/keystore.js')]);
  const password = await resolvePassword({ passwordFile: ctx.config.passwordFile, env: ctx.env, name, purpose: 'unlock' });
  return (await decryptKeystore({ name, path }, password)).address;
}

/** Keystore accounts sign locally (no RPC needed); the devnet account signs through anvil. */
async function signMessage(ctx: Context, message: string): Promise<{ address: string; message: string; signature: string }> {
  const ref = await ctx.account();
  if (ref.kind === 'devnet') {
    const signer = await ctx.signer();
    return { address: await signer.getAddress(), message, signature: await signer.signMessage(message) };
  }
  const [{ resolvePassword }, { decryptKeystore }] = await Promise.all([import('../../wallet/password.js'), import('../../wallet/keystore.js')]);
  const password = await resolvePassword({ passwordFile: ctx.config.passwordFile, env: ctx.env, name: ref.name, purpose: 'unlock' });
  const wallet = await decryptKeystore(ref, password);
  return { address: wallet.address, message, signature: await wallet.signMessage(message) };
}

export interface BalanceResult {
  address: string;
  chainId: bigint;
  eth: bigint;
  /** null when flock is not deployed on this chain. */
  flock: bigint | null;
}

async function balances(ctx: Context, address: string): Promise<BalanceResult> {
  const provider = await ctx.provider();
  const chainId = await ctx.chainId();
  const [{ getAddress }, { findLiveDeployment, TOKEN_CONTRACT }, { FlockToken__factory }] = await Promise.all([
    import('ethers'),
    import('../../chain/deployment.js'),
    import('../../chain/types/index.js'),
  ]);
  const addr = getAddress(address);
  const eth = await provider.getBalance(addr);
  const token = (await findLiveDeployment(ctx))?.record.contracts[TOKEN_CONTRACT];
  const flock = token ? await FlockToken__factory.connect(token, provider).balanceOf(addr) : null;
  return { address: addr, chainId, eth, flock };
}
