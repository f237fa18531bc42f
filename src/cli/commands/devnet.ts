import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import type { JsonRpcProvider } from 'ethers';
import type { DeploymentRecord } from '../../chain/deployment.js';
import { AbortError } from '../../errors/index.js';
import { accountDeps, createContext, type Context } from '../context.js';
import { positiveInt } from '../parse.js';

/** ETH given to the user's own keystore account on `devnet up` (anvil's accounts already hold 10000). */
const USER_ETH = 100n * 10n ** 18n;

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
        `devnet ${r.reused ? 'already running' : 'started'} at ${r.rpcUrl} (chain ${r.chainId}, pid ${r.pid})`,
        ...(r.deployment
          ? [`flock ${r.deployed ? 'deployed' : 'already deployed'}: token ${r.deployment.contracts.FlockToken ?? Object.values(r.deployment.contracts)[0] ?? '?'}`]
          : ['contracts not deployed (--no-deploy)']),
        ...(r.funded.length ? [`funded ${r.funded.join(', ')}`] : []),
        `logs: ${r.logPath}`,
        'stop it with `flock devnet down`',
      ]);
    });

  devnet
    .command('down')
    .description('stop the devnet started by `flock devnet up` (its chain state is kept)')
    .option('--reset', 'also delete the chain state and the devnet deployment record')
    .action(async (opts: { reset?: boolean }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { stopAnvil, chainStatePath } = await import('../../devnet/anvil.js');
      const { deploymentPath, journalPath } = await import('../../chain/deployment.js');
      const res = await stopAnvil(ctx.config.home);
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
              `running at ${r.rpcUrl} (pid ${r.pid})`,
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

export interface DevnetUpResult {
  rpcUrl: string;
  chainId: number;
  pid: number;
  port: number;
  reused: boolean;
  logPath: string;
  /** True when this run deployed the contracts (false: a live deployment was reused). */
  deployed: boolean;
  deployment: DeploymentRecord | null;
  /** Accounts that received ETH from this run. */
  funded: string[];
}

export async function up(ctx: Context, opts: { port?: number; deploy: boolean }): Promise<DevnetUpResult> {
  const { startAnvil } = await import('../../devnet/anvil.js');
  const devnetConfig = { ...ctx.config.devnet, ...(opts.port ? { port: opts.port } : {}) };
  const { state, reused, clockForward } = await startAnvil({ home: ctx.config.home, devnet: devnetConfig });
  ctx.log.debug({ rpcUrl: state.rpcUrl, pid: state.pid, reused }, 'anvil up');
  if (clockForward > 0) ctx.log.info({ seconds: clockForward }, 'devnet clock moved forward to the latest block (time warped before the restart is kept)');
  const base = { rpcUrl: state.rpcUrl, chainId: state.chainId, pid: state.pid, port: state.port, reused, logPath: state.logPath };
  if (!opts.deploy) return { ...base, deployed: false, deployment: null, funded: [] };

  const { connectRpc } = await import('../context.js');
  const { provider, chainId } = await connectRpc(state.rpcUrl, ctx.config.rpcTimeout * 1000);
  try {
    const { readDeployment, deploymentIsLive, writeDeployment, journalPath } = await import('../../chain/deployment.js');
    const [{ getAddress }, { FlockSigner }] = await Promise.all([import('ethers'), import('../../chain/signer.js')]);
    const anvilAccounts = ((await provider.send('eth_accounts', [])) as string[]).map((a) => getAddress(a));
    const deployerAddr = anvilAccounts[0];
    if (!deployerAddr) throw new AbortError('anvil has no unlocked accounts', { code: 'DEVNET_START' });
    const signer = new FlockSigner(await provider.getSigner(deployerAddr));

    // The user's own account (if one is configured) gets ETH and, through deployProtocol, FLOCK.
    const user = await userAddress(ctx);
    const funded: string[] = [];
    if (user && !anvilAccounts.includes(user) && (await provider.getBalance(user)) === 0n) {
      await (await signer.sendTransaction({ to: user, value: USER_ETH })).wait();
      funded.push(user);
    }

    const existing = readDeployment(ctx.config.home, chainId);
    if (existing && (await deploymentIsLive(provider, existing))) {
      return { ...base, deployed: false, deployment: existing, funded };
    }
    if (existing) ctx.log.info({ chainId: chainId.toString() }, 'the devnet deployment record is stale (chain was reset); redeploying');
    const { deployProtocol } = await import('../../deploy/deploy.js');
    const record = await deployProtocol({
      signer,
      provider,
      devnet: true,
      fundAccounts: user && !anvilAccounts.includes(user) ? [...anvilAccounts, user] : anvilAccounts,
      log: ctx.log,
      journalPath: journalPath(ctx.config.home, chainId),
    });
    const full: DeploymentRecord = { ...record, rpcUrl: state.rpcUrl, devnet: true };
    writeDeployment(ctx.config.home, full);
    return { ...base, deployed: true, deployment: full, funded };
  } finally {
    provider.destroy();
  }
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
    ctx.log.warn({ err: (e as Error).message }, 'cannot read the configured account; it will not be funded');
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
  pid: number | null;
  rpcUrl: string | null;
  port: number | null;
  chainId: number | null;
  block: number | null;
  deployed: boolean;
}

async function status(ctx: Context): Promise<DevnetStatus> {
  const { runningDevnet, rpcCall } = await import('../../devnet/anvil.js');
  const state = runningDevnet(ctx.config.home);
  const none: DevnetStatus = { running: false, pid: null, rpcUrl: null, port: null, chainId: null, block: null, deployed: false };
  if (!state) return none;
  const [chainHex, blockHex] = await Promise.all([rpcCall<string>(state.rpcUrl, 'eth_chainId'), rpcCall<string>(state.rpcUrl, 'eth_blockNumber')]);
  if (chainHex === undefined) return { ...none, pid: state.pid, rpcUrl: state.rpcUrl, port: state.port };
  const chainId = Number(BigInt(chainHex));
  const { readDeployment } = await import('../../chain/deployment.js');
  const deployed = readDeployment(ctx.config.home, chainId) !== undefined;
  return { running: true, pid: state.pid, rpcUrl: state.rpcUrl, port: state.port, chainId, block: blockHex ? Number(BigInt(blockHex)) : null, deployed };
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
  const [{ devnetAccounts }, { readDeployment, deploymentIsLive }, { FlockToken__factory, GmFlock__factory }] = await Promise.all([
    import('../../devnet/accounts.js'),
    import('../../chain/deployment.js'),
    import('../../chain/types/index.js'),
  ]);
  const provider = await ctx.provider();
  const chainId = await ctx.chainId();
  const record = readDeployment(ctx.config.home, chainId);
  const live = record !== undefined && (await deploymentIsLive(provider, record));
  const token = live && record.contracts.FlockToken ? FlockToken__factory.connect(record.contracts.FlockToken, provider) : undefined;
  const gm = live && record.contracts.GmFlock ? GmFlock__factory.connect(record.contracts.GmFlock, provider) : undefined;
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
