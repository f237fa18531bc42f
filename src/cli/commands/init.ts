import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AbortError } from '../../errors/index.js';
import { createContext, type Context } from '../context.js';
import { defaultLine } from './wallet.js';

interface InitOptions {
  force?: boolean;
  newAccount?: string;
  import?: string;
  privateKeyFile?: string;
}

/** `flock init`: a config file in the current folder and, optionally, a first keystore account. */
export function register(program: Command): void {
  program
    .command('init')
    .description('write flock.config.yaml here and create or import an encrypted account')
    .option('--force', 'overwrite an existing flock.config.yaml')
    .option('--new-account <name>', 'create a new encrypted account with this name')
    .option('--import <name>', 'import a private key as an account with this name')
    .option('--private-key-file <file>', 'with --import: file holding the hex private key')
    .action(async (opts: InitOptions, cmd: Command) => {
      const ctx = await createContext(cmd);
      const result = await init(ctx, opts);
      await ctx.output(result, (r) => [
        `wrote ${r.configPath}`,
        ...(r.account
          ? [
              `${r.account.imported ? 'imported' : 'created'} account ${r.account.name}: ${r.account.address}`,
              `keystore: ${r.account.path}`,
              `${r.configPath} selects it (account: ${r.account.name}) for commands run in this folder`,
              defaultLine(r.account),
            ]
          : []),
        `next: ${r.next}`,
      ]);
    });
}

export interface InitResult {
  configPath: string;
  /** The account created or imported; init makes it the default account (it is the explicit set-up). */
  account: { name: string; address: string; path: string; imported: boolean; default: boolean; previousDefault: string | null } | null;
  next: string;
}

async function init(ctx: Context, opts: InitOptions): Promise<InitResult> {
  const configPath = join(process.cwd(), 'flock.config.yaml');
  if (existsSync(configPath) && !opts.force) {
    throw new AbortError('flock.config.yaml already exists here', { code: 'CONFIG_EXISTS', hint: 'pass --force to overwrite it' });
  }
  if (opts.newAccount && opts.import) {
    throw new AbortError('--new-account and --import are exclusive', { code: 'USAGE', hint: 'pick one' });
  }
  if (opts.privateKeyFile && !opts.import) {
    throw new AbortError('--private-key-file needs --import <name>', { code: 'USAGE' });
  }

  let name = opts.newAccount ?? opts.import;
  const interactive = !ctx.yes && !ctx.json && process.stdin.isTTY && process.stderr.isTTY;
  if (!name && interactive) name = (await ask('Name of a new account to create (empty to skip): ')) || undefined;

  const { createAccount, readPrivateKey } = await import('./wallet.js');
  let account: InitResult['account'] = null;
  if (name) {
    const key = opts.import ? await readPrivateKey(opts.privateKeyFile) : undefined;
    // init is the explicit set-up flow: the new account becomes the default, and the output says so.
    const created = await createAccount(ctx, name, key, { makeDefault: true });
    account = {
      name: created.name,
      address: created.address,
      path: created.path,
      imported: Boolean(opts.import),
      default: created.default,
      previousDefault: created.previousDefault ?? null,
    };
  }

  writeFileSync(configPath, configTemplate(ctx, account?.name));
  const next = account
    ? '`flock devnet up` starts a local chain with flock deployed and funds your account; then `flock wallet balance`'
    : '`flock devnet up` starts a local chain with flock deployed; `flock wallet new <name>` creates an account';
  return { configPath, account, next };
}

function configTemplate(ctx: Context, account: string | undefined): string {
  const { config, sources } = ctx;
  const fromFlag = (k: string) => sources[k] === 'flag';
  return [
    '# flock configuration. Every key is described in flock.config.example.yaml.',
    '# Precedence: defaults < this file < FLOCK_* environment < command-line flags.',
    '',
    '# JSON-RPC endpoint (a running `flock devnet` is used when this is not set).',
    fromFlag('rpcUrl') ? `rpcUrl: ${config.rpcUrl}` : `# rpcUrl: ${config.rpcUrl}`,
    '# Refuse to run against any other chain.',
    config.chainId !== undefined ? `chainId: ${config.chainId}` : '# chainId: 31337',
    '# Keystore account used to sign (a name in ~/.flock/keystores or ~/.foundry/keystores).',
    account ? `account: ${account}` : '# account: alice',
    '# File holding the keystore password (otherwise FLOCK_PASSWORD or a prompt).',
    '# passwordFile: ./alice.password',
    `logLevel: ${config.logLevel}`,
    '',
    'devnet:',
    `  port: ${config.devnet.port}`,
    `  accounts: ${config.devnet.accounts}`,
    '',
  ].join('\n');
}

async function ask(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}
