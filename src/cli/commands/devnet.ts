import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import type { JsonRpcProvider } from 'ethers';
import type { EnsureDevnetResult } from '../../protocol/devnet.js';
import { AbortError } from '../../errors/index.js';
import { accountDeps, createContext, type Context } from '../context.js';
import { positiveInt } from '../parse.js';

/** `flock devnet …`: a local anvil chain with flock deployed, for trying everything on one machine. */
export function register(program: Command): void {
  const devnet = program.command('devnet').description('run a local chain (anvil) with flock deployed');

  devnet
    .command('up')
    .description('start anvil (or reuse the running one), deploy flock if needed, fund the local accounts')
    .option('--port <port>', 'port to listen on (devnet.port in flock.config.yaml; default 8545)', positiveInt)
    .option('--no-deploy', 'only start the chain; do not deploy the contracts')
    .action(async (opts: { port?: number; deploy: boolean }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const result = await up(ctx, opts);
      await ctx.output(result, (r) => [
        `devnet ${r.reused ? 'already running' : 'started'}${r.home !== ctx.config.home ? ` (started from home ${r.home})` : ''} at ${r.rpcUrl} (chain ${r.chainId}, pid ${r.pid})`,
        ...(r.deployment
          ? [`flock ${r.deployed ? 'deployed' : 'already deployed'}: token ${r.deployment.contracts.FlockToken ?? Object.values(r.deployment.contracts)[0] ?? '?'}`]
          : ['contracts not deployed (--no-deploy)']),
        ...(r.funded.length ? [`funded ${r.funded.join(', ')}`] : []),
        `logs: ${r.logPath}`,
        r.home !== ctx.config.home ? `stop it with \`flock devnet down --home ${r.home}\`` : 'stop it with `flock devnet down`',
      ]);
    });

  devnet
    .command('down')
    .description('stop the devnet started by `flock devnet up` (its chain state is kept)')
    .option('--reset', 'also delete the chain state and the devnet deployment record')
    .action(async (opts: { reset?: boolean }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ chainStatePath }, { stopDevnet }] = await Promise.all([import('../../devnet/anvil.js'), import('../../devnet/registry.js')]);
      const { deploymentPath, journalPath } = await import('../../chain/deployment.js');
      const res = await stopDevnet(ctx.config.home, ctx.config.devnet.port, { env: ctx.env });
      if (opts.reset) {
        const chainId = ctx.config.devnet.chainId;
        for (const p of [chainStatePath(ctx.config.home), deploymentPath(ctx.config.home, chainId), journalPath(ctx.config.home, chainId)]) rmSync(p, { force: true });
      }
      const result = { stopped: res.stopped, pid: res.pid ?? null, reset: Boolean(opts.reset) };
      await ctx.output(result, (r) =>
        [r.stopped ? `devnet stopped (pid ${r.pid})` : 'no devnet running', ...(r.reset ? ['chain state and devnet deployment deleted'] : [])],
      );
    });

  devnet
    .command('status')
    .description('is the devnet running: port, chain id, block, deployment')
    .action(async (_opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const result = await status(ctx);
      await ctx.output(result, (r) =>
        r.running
          ? [
              `running at ${r.rpcUrl} (pid ${r.pid})${r.home !== ctx.config.home ? `, started from home ${r.home}` : ''}`,
              `chain id ${r.chainId}, block ${r.block}`,
              r.deployed ? 'flock deployed' : 'flock not deployed (`flock devnet up` deploys it)',
            ]
          : 'not running (`flock devnet up` starts it)',
      );
    });

  devnet
    .command('accounts')
    .description('the devnet\'s funded accounts by name (use them with --account alice): address, ETH, FLOCK, gmFLOCK')
    .option('--keys', 'also print their private keys (public test keys, devnet only)')
    .action(async (opts: { keys?: boolean }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const result = await accounts(ctx, Boolean(opts.keys));
      const { formatEth, formatFlock } = await import('../../units/index.js');
      await ctx.output(result, (r) => {
        const amount = (v: bigint | null, f: (x: bigint) => string) => (v === null ? '-' : f(v));
        const rows = [
          ['NAME', '#', 'ADDRESS', 'ETH', 'FLOCK', 'gmFLOCK', ...(opts.keys ? ['PRIVATE KEY'] : [])],
          ...r.accounts.map((a) => [
            a.name,
            `#${a.index}`,
            a.address,
            formatEth(a.eth),
            amount(a.flock, (x) => formatFlock(x, { symbol: false })),
            amount(a.gmFlock, (x) => formatFlock(x, { symbol: false })),
            ...(a.privateKey ? [a.privateKey] : []),
          ]),
        ];
        const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
        return [
          ...rows.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()),
          ...(r.flockDeployed ? [] : ['flock is not deployed on this devnet (`flock devnet up` deploys it)']),
          ...(opts.keys ? ['', r.note] : ['', 'sign as one with --account <name> (or #<index>), e.g. `flock status --account alice`']),
        ];
      });
    });

  devnet
    .command('warp')
    .description('move the devnet clock forward and mine a block (devnet only)')
    .argument('<duration>', 'how far: 90s, 30m, 12h, 3d, 1w, or seconds')
    .action(async (duration: string, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const result = await warp(ctx, duration);
      await ctx.output(result, (r) => `warped ${r.seconds} s: block ${r.block} at ${new Date(r.timestamp * 1000).toISOString()}`);
    });
}

export type DevnetUpResult = EnsureDevnetResult;

export async function up(ctx: Context, opts: { port?: number; deploy: boolean }): Promise<DevnetUpResult> {
  const { ensureDevnet } = await import('../../protocol/devnet.js');
  const devnet = { ...ctx.config.devnet, ...(opts.port ? { port: opts.port } : {}) };
  // The user's own account (if one is configured) gets ETH and, with a new deployment, FLOCK.
  const user = await userAddress(ctx);
  return ensureDevnet({ home: ctx.config.home, devnet, deploy: opts.deploy, fund: user ? [user] : [], log: ctx.log, env: ctx.env });
}

/** The configured account's address, read from its keystore without a password; undefined if none. */
async function userAddress(ctx: Context): Promise<string | undefined> {
  const [{ resolveKeystore, readKeystoreAddress }, { getAddress }] = await Promise.all([import('../../wallet/keystore.js'), import('ethers')]);
  try {
    const { home, keystore, account } = ctx.config;
    const ref = resolveKeystore({ home, keystore, account }) ?? (await preferred(ctx));
    const raw = ref && readKeystoreAddress(ref.path);
    return raw ? getAddress(raw) : undefined;
  } catch (e) {
    // Not a keystore (a devnet name such as alice is funded anyway), or unreadable.
    ctx.log.debug({ err: (e as Error).message }, 'the configured account is not a keystore; not funded separately');
    return undefined;
  }
}

async function preferred(ctx: Context) {
  const name = (await ctx.prefs()).get('defaultAccount');
  if (!name) return undefined;
  const { resolveKeystore } = await import('../../wallet/keystore.js');
  return resolveKeystore({ home: ctx.config.home, account: name });
}

export interface DevnetStatus {
  running: boolean;
  /** The home that started it (this one, or another whose devnet runs on devnet.port). */
  home: string | null;
  pid: number | null;
  rpcUrl: string | null;
  port: number | null;
  chainId: number | null;
  block: number | null;
  deployed: boolean;
}

async function status(ctx: Context): Promise<DevnetStatus> {
  const [{ rpcCall }, { discoverDevnet }] = await Promise.all([import('../../devnet/anvil.js'), import('../../devnet/registry.js')]);
  const found = discoverDevnet(ctx.config.home, ctx.config.devnet.port, ctx.env);
  const none: DevnetStatus = { running: false, home: null, pid: null, rpcUrl: null, port: null, chainId: null, block: null, deployed: false };
  if (!found) return none;
  const { state, home } = found;
  const [chainHex, blockHex] = await Promise.all([rpcCall<string>(state.rpcUrl, 'eth_chainId'), rpcCall<string>(state.rpcUrl, 'eth_blockNumber')]);
  if (chainHex === undefined) return { ...none, home, pid: state.pid, rpcUrl: state.rpcUrl, port: state.port };
  const chainId = Number(BigInt(chainHex));
  const { readDeployment } = await import('../../chain/deployment.js');
  const deployed = (readDeployment(ctx.config.home, chainId) ?? readDeployment(home, chainId)) !== undefined;
  return { running: true, home, pid: state.pid, rpcUrl: state.rpcUrl, port: state.port, chainId, block: blockHex ? Number(BigInt(blockHex)) : null, deployed };
}

export interface DevnetAccountsResult {
  chainId: number;
  /** False when flock is not deployed on the devnet (then flock and gmFlock are null). */
  flockDeployed: boolean;
  accounts: { name: string; index: number; address: string; eth: bigint; flock: bigint | null; gmFlock: bigint | null; privateKey?: string }[];
  note: string;
}

const KEYS_NOTE = 'these are public test keys (anvil\'s well-known mnemonic): devnet only, never send real funds to them';

/** The devnet's named accounts (devnet/accounts.ts) with their balances. */
async function accounts(ctx: Context, keys: boolean): Promise<DevnetAccountsResult> {
  await assertDevnet(ctx, 'devnet accounts');
  const [{ devnetAccounts }, { findLiveDeployment }, { FlockToken__factory, GmFlock__factory }] = await Promise.all([
    import('../../devnet/accounts.js'),
    import('../../chain/deployment.js'),
    import('../../chain/types/index.js'),
  ]);
  const provider = await ctx.provider();
  const chainId = await ctx.chainId();
  const contracts = (await findLiveDeployment(ctx))?.record.contracts;
  const live = contracts !== undefined;
  const token = contracts?.FlockToken ? FlockToken__factory.connect(contracts.FlockToken, provider) : undefined;
  const gm = contracts?.GmFlock ? GmFlock__factory.connect(contracts.GmFlock, provider) : undefined;
  const list = await Promise.all(
    devnetAccounts(ctx.config.devnet.mnemonic, ctx.config.devnet.accounts).map(async (a) => {
      const [eth, flock, gmFlock] = await Promise.all([
        provider.getBalance(a.address),
        token ? token.balanceOf(a.address) : null,
        gm ? gm.balanceOf(a.address) : null,
      ]);
      return { name: a.name, index: a.index, address: a.address, eth, flock, gmFlock, ...(keys ? { privateKey: a.privateKey } : {}) };
    }),
  );
  return { chainId: Number(chainId), flockDeployed: live, accounts: list, note: KEYS_NOTE };
}

/** NOT_DEVNET (exit 4) unless the connected chain is a flock devnet. */
async function assertDevnet(ctx: Context, what: string): Promise<void> {
  const { isDevnet } = await import('../../wallet/account.js');
  if (!(await isDevnet(accountDeps(ctx)))) {
    throw new AbortError(`${what} works only on a local devnet; ${ctx.rpcUrl} is chain ${await ctx.chainId()}`, {
      code: 'NOT_DEVNET',
      hint: 'start one with `flock devnet up`, or point --rpc-url at it',
    });
  }
}

async function warp(ctx: Context, duration: string): Promise<{ seconds: number; block: number; timestamp: number }> {
  const { parseDuration } = await import('../../units/index.js');
  const seconds = parseDuration(duration);
  await assertDevnet(ctx, 'devnet warp');
  const provider: JsonRpcProvider = await ctx.provider();
  await provider.send('evm_increaseTime', [seconds]);
  await provider.send('evm_mine', []);
  const block = await provider.getBlock('latest');
  return { seconds, block: block?.number ?? 0, timestamp: block?.timestamp ?? 0 };
}
