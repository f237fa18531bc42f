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
        ...(r.vrf ? [`VRF fulfiller ${r.vrf.started ? 'started' : 'running'} (pid ${r.vrf.pid}): answers randomness requests to ${r.deployment?.contracts.VRFCoordinatorV2_5Mock}`] : []),
        `logs: ${r.logPath}${r.vrf?.logPath ? `, ${r.vrf.logPath}` : ''}`,
        r.home !== ctx.config.home ? `stop it with \`flock devnet down --home ${r.home}\`` : 'stop it with `flock devnet down`',
      ]);
    });

  devnet
    .command('down')
    .description('stop the devnet started by `flock devnet up` (its chain state is kept)')
    .option('--reset', 'also delete the chain state and the devnet deployment record')
    .action(async (opts: { reset?: boolean }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ chainStatePath }, { stopDevnet }, { vrfStatePath }] = await Promise.all([
        import('../../devnet/anvil.js'),
        import('../../devnet/registry.js'),
        import('../../devnet/vrf-fulfiller.js'),
      ]);
      const { deploymentPath, journalPath } = await import('../../chain/deployment.js');
      const res = await stopDevnet(ctx.config.home, ctx.config.devnet.port, { env: ctx.env });
      if (opts.reset) {
        const chainId = ctx.config.devnet.chainId;
        for (const p of [chainStatePath(ctx.config.home), deploymentPath(ctx.config.home, chainId), journalPath(ctx.config.home, chainId), vrfStatePath(ctx.config.home)]) rmSync(p, { force: true });
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
              ...(r.vrf
                ? [
                    r.vrf.running
                      ? `VRF fulfiller running (pid ${r.vrf.pid}): ${r.vrf.fulfilled} requests fulfilled, ${r.vrf.pending} pending${r.vrf.callbackFailures ? `, ${r.vrf.callbackFailures} callbacks reverted` : ''}`
                      : 'VRF fulfiller not running (`flock devnet up` restarts it)',
                  ]
                : []),
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
    .command('fulfil')
    .description('answer the devnet\'s Chainlink VRF requests (coordinator mock) in the foreground until the devnet stops; `devnet up` runs one in the background')
    .action(async (_opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const result = await fulfil(ctx);
      await ctx.output(result, (r) => `VRF fulfiller stopped (${r.reason}): ${r.fulfilled} requests fulfilled, ${r.callbackFailures} callbacks reverted, ${r.pending} pending`);
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
  /** The VRF fulfiller of the devnet (null: the devnet has no coordinator mock, or is not running). */
  vrf: { running: boolean; pid: number | null; fulfilled: number; callbackFailures: number; pending: number } | null;
}

async function status(ctx: Context): Promise<DevnetStatus> {
  const [{ rpcCall }, { discoverDevnet }] = await Promise.all([import('../../devnet/anvil.js'), import('../../devnet/registry.js')]);
  const found = discoverDevnet(ctx.config.home, ctx.config.devnet.port, ctx.env);
  const none: DevnetStatus = { running: false, home: null, pid: null, rpcUrl: null, port: null, chainId: null, block: null, deployed: false, vrf: null };
  if (!found) return none;
  const { state, home } = found;
  const [chainHex, blockHex] = await Promise.all([rpcCall<string>(state.rpcUrl, 'eth_chainId'), rpcCall<string>(state.rpcUrl, 'eth_blockNumber')]);
  if (chainHex === undefined) return { ...none, home, pid: state.pid, rpcUrl: state.rpcUrl, port: state.port };
  const chainId = Number(BigInt(chainHex));
  const { readDeployment } = await import('../../chain/deployment.js');
  const record = readDeployment(ctx.config.home, chainId) ?? readDeployment(home, chainId);
  return { running: true, home, pid: state.pid, rpcUrl: state.rpcUrl, port: state.port, chainId, block: blockHex ? Number(BigInt(blockHex)) : null, deployed: record !== undefined, vrf: record?.contracts.VRFCoordinatorV2_5Mock ? await vrfStatus(home) : null };
}

async function vrfStatus(home: string): Promise<NonNullable<DevnetStatus['vrf']>> {
  const [{ runningFulfiller }, { readFulfillerState }] = await Promise.all([import('../../devnet/vrf-process.js'), import('../../devnet/vrf-fulfiller.js')]);
  const proc = runningFulfiller(home);
  const s = readFulfillerState(home);
  return { running: proc !== undefined, pid: proc?.pid ?? null, fulfilled: s?.fulfilled ?? 0, callbackFailures: s?.callbackFailures ?? 0, pending: s ? Object.keys(s.pending).length : 0 };
}

/**
 * `devnet fulfil`: the VRF fulfiller (devnet/vrf-fulfiller.ts) in the foreground, for the devnet
 * this home started (`devnet up` spawns it with --home <devnet home>), else the flock devnet this
 * command talks to. NDJSON logs on stdout; ends on SIGTERM/SIGINT or when anvil is gone.
 */
async function fulfil(ctx: Context) {
  const [{ readAnvilState, isAnvilProcess, runningDevnet }, vp, { runFulfiller, vrfStatePath }, { devnetFulfillerAccount }, { readDeployment }, { createLogger }] = await Promise.all([
    import('../../devnet/anvil.js'),
    import('../../devnet/vrf-process.js'),
    import('../../devnet/vrf-fulfiller.js'),
    import('../../devnet/accounts.js'),
    import('../../chain/deployment.js'),
    import('../../log/index.js'),
  ]);
  const own = runningDevnet(ctx.config.home);
  const home = own ? ctx.config.home : ctx.devnet?.home;
  const state = own ?? (home ? readAnvilState(home) : undefined);
  if (!home || !state) {
    throw new AbortError(`devnet fulfil works only on a flock devnet; none runs for home ${ctx.config.home} at ${ctx.rpcUrl}`, {
      code: 'NOT_DEVNET',
      hint: 'start one with `flock devnet up` (which runs the fulfiller itself)',
    });
  }
  const record = readDeployment(home, state.chainId);
  const coordinator = record?.contracts.VRFCoordinatorV2_5Mock;
  if (!record || !coordinator) {
    throw new AbortError(`the devnet at ${state.rpcUrl} has no VRF coordinator mock deployed`, {
      code: 'NO_DEPLOYMENT',
      hint: record ? 'its deployment predates the mock: `flock devnet down --reset` then `flock devnet up`' : '`flock devnet up` deploys flock',
    });
  }
  const me = process.pid;
  const other = vp.runningFulfiller(home);
  if (other && other.pid !== me) {
    throw new AbortError(`a VRF fulfiller already serves this devnet (pid ${other.pid})`, {
      code: 'VRF_FULFILLER_RUNNING',
      hint: 'one per devnet: two would race for its nonces; `flock devnet status` shows it',
    });
  }
  // Claim the pid file (devnet up wrote it with this pid already, and the log path).
  const mine = () => {
    const p = vp.readFulfillerProcess(home);
    return p?.pid === me ? p : { pid: me, startedAt: new Date().toISOString(), logPath: null, ready: false };
  };
  vp.writeFulfillerProcess(home, mine());
  const log = await createLogger({ level: ctx.config.logLevel, mode: 'daemon' });
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    return await runFulfiller({
      rpcUrl: state.rpcUrl,
      chainId: state.chainId,
      coordinator,
      fromBlock: record.block,
      privateKey: devnetFulfillerAccount(ctx.config.devnet.mnemonic).privateKey,
      statePath: vrfStatePath(home),
      log,
      chainAlive: () => readAnvilState(home)?.pid === state.pid && isAnvilProcess(state.pid),
      signal: abort.signal,
      onReady: () => vp.writeFulfillerProcess(home, { ...mine(), ready: true }),
    });
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    vp.clearFulfillerProcess(home, me);
  }
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
