import type Conf from 'conf';
import type { Command } from 'commander';
import type { JsonRpcProvider, Signer } from 'ethers';
import type { JsonRpcBody } from '../chain/json-rpc.js';
import type { ConfigFlags, ConfigSource } from '../config/load.js';
import type { Prefs } from '../config/prefs.js';
import type { FlockConfig } from '../config/schema.js';
import { AbortError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { AccountDeps, AccountRef } from '../wallet/account.js';
import type { HumanOutput } from './output.js';

/** Options every command accepts (declared once on the program in program.ts). */
export interface GlobalOptions extends ConfigFlags {
  json?: boolean;
  yes?: boolean;
}

export type { AccountRef };

/**
 * Everything a command needs, built once per invocation from the layered config. Chain access is
 * lazy: commands that never touch the chain never load ethers or open a connection.
 */
export interface Context {
  readonly config: FlockConfig;
  /** The config file read, if any. */
  readonly configPath: string | undefined;
  /** Where each config value came from (default, file, env, flag). */
  readonly sources: Record<string, ConfigSource>;
  readonly log: Logger;
  /** --json: results as JSON on stdout, nothing else on stdout. */
  readonly json: boolean;
  /** --yes: never prompt, assume yes. */
  readonly yes: boolean;
  /** The RPC URL in use (a running `flock devnet` when none was configured). */
  readonly rpcUrl: string;
  /**
   * The flock devnet at rpcUrl, if it is one, and the home that started it (this one, or another:
   * devnet/registry.ts). That home's devnet deployment record and store serve this home too.
   */
  readonly devnet: { home: string; rpcUrl: string; chainId: number; pid: number } | undefined;
  readonly env: NodeJS.ProcessEnv;
  /** Connected provider; AbortError exit 3 if unreachable, exit 4 on a chain id mismatch. */
  provider(): Promise<JsonRpcProvider>;
  chainId(): Promise<bigint>;
  /** The selected account (see resolveAccount), without unlocking it. */
  account(): Promise<AccountRef>;
  /** A NonceManager-wrapped signer for account(); prompts for or reads the password. */
  signer(): Promise<Signer>;
  prefs(): Promise<Conf<Prefs>>;
  /** Prints `result` as JSON (--json) or through `human`. */
  output<T>(result: T, human?: (r: T) => HumanOutput): Promise<void>;
  /** Releases connections; called by main after the command. */
  close(): Promise<void>;
}

let current: Context | undefined;

/** The context of the running command, if one was built (the error handler reads --json from it). */
export function currentContext(): Context | undefined {
  return current;
}

/** Builds the Context from a commander command's options (globals included). */
export async function createContext(cmd: Command, env: NodeJS.ProcessEnv = process.env): Promise<Context> {
  return createContextFromOptions(cmd.optsWithGlobals<GlobalOptions>(), env);
}

/**
 * `extra.log` replaces the logger the config asks for, and `extra.current: false` leaves the
 * command's own context the current one: `flock demo` builds one context per actor this way.
 */
export async function createContextFromOptions(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env, extra: { log?: Logger; current?: boolean } = {}): Promise<Context> {
  const [{ loadConfig }, { createLogger }, { discoverDevnet, devnetServing }, { printResult }] = await Promise.all([
    import('../config/load.js'),
    import('../log/index.js'),
    import('../devnet/registry.js'),
    import('./output.js'),
  ]);
  const { config, path, sources } = loadConfig({ flags: opts, env });
  const log = extra.log ?? (await createLogger({ level: config.logLevel }));
  // With no RPC URL configured anywhere, talk to the devnet this home started (any port), else
  // the flock devnet another home started on devnet.port. A configured URL may be a devnet too.
  const found = sources.rpcUrl === 'default' ? discoverDevnet(config.home, config.devnet.port, env) : devnetServing(config.rpcUrl, env);
  const rpcUrl = found?.state.rpcUrl ?? config.rpcUrl;
  const devnet = found ? { home: found.home, rpcUrl: found.state.rpcUrl, chainId: found.state.chainId, pid: found.state.pid } : undefined;
  if (found && found.home !== config.home) log.debug({ rpcUrl, home: found.home }, 'using the devnet started from another home');

  let providerP: Promise<{ provider: JsonRpcProvider; chainId: bigint }> | undefined;
  let signerP: Promise<Signer> | undefined;
  let accountP: Promise<AccountRef> | undefined;
  let prefsP: Promise<Conf<Prefs>> | undefined;

  const connect = () => (providerP ??= connectProvider(rpcUrl, config, log));

  const ctx: Context = {
    config,
    configPath: path,
    sources,
    log,
    json: Boolean(opts.json),
    yes: Boolean(opts.yes),
    rpcUrl,
    devnet,
    env,
    provider: async () => (await connect()).provider,
    chainId: async () => (await connect()).chainId,
    prefs: () => (prefsP ??= import('../config/prefs.js').then((m) => m.openPrefs(config.home))),
    account: () => (accountP ??= import('../wallet/account.js').then((m) => m.resolveAccount(accountDeps(ctx)))),
    signer: () => (signerP ??= import('../wallet/account.js').then(async (m) => m.resolveSigner(accountDeps(ctx), await ctx.account()))),
    output: (result, human) => printResult(result, Boolean(opts.json), human),
    close: async () => {
      if (providerP) (await providerP.catch(() => undefined))?.provider.destroy();
    },
  };
  if (extra.current !== false) current = ctx;
  return ctx;
}

/** The narrow view of a Context the wallet needs. */
export function accountDeps(ctx: Context): AccountDeps {
  const { config } = ctx;
  return {
    home: config.home,
    keystore: config.keystore,
    account: config.account,
    passwordFile: config.passwordFile,
    devnetChainId: ctx.devnet?.chainId ?? config.devnet.chainId,
    env: ctx.env,
    log: ctx.log,
    chainId: () => ctx.chainId(),
    provider: () => ctx.provider(),
    defaultAccount: async () => (await ctx.prefs()).get('defaultAccount'),
    devnetAccount: async (q) => {
      const { devnetAccounts, findDevnetAccount } = await import('../devnet/accounts.js');
      return findDevnetAccount(devnetAccounts(config.devnet.mnemonic, config.devnet.accounts), q);
    },
  };
}

/** Connects to the configured RPC and enforces the expected chain id (exit 4 on a mismatch). */
async function connectProvider(rpcUrl: string, config: FlockConfig, log: Logger): Promise<{ provider: JsonRpcProvider; chainId: bigint }> {
  const conn = await connectRpc(rpcUrl, config.rpcTimeout * 1000);
  if (config.chainId !== undefined && BigInt(config.chainId) !== conn.chainId) {
    conn.provider.destroy();
    throw new AbortError(`wrong chain id: ${rpcUrl} is chain ${conn.chainId}, expected ${config.chainId}`, {
      code: 'WRONG_CHAIN',
      hint: 'check --rpc-url, or --chain-id / FLOCK_CHAIN_ID / chainId in flock.config.yaml',
    });
  }
  log.debug({ rpcUrl, chainId: conn.chainId.toString() }, 'connected');
  return conn;
}

/**
 * One eth_chainId probe with a deadline, then a provider pinned to that network (staticNetwork):
 * ethers' own network detection retries forever on a dead endpoint; this fails in seconds.
 */
export async function connectRpc(rpcUrl: string, timeoutMs: number): Promise<{ provider: JsonRpcProvider; chainId: bigint }> {
  const chainId = await probeRpc(rpcUrl, timeoutMs);
  const { JsonRpcProvider, Network } = await import('ethers');
  const provider = new JsonRpcProvider(rpcUrl, Network.from(chainId), { staticNetwork: true });
  return { provider, chainId };
}

/** eth_chainId with a deadline; every failure is an AbortError with exit 3. */
export async function probeRpc(rpcUrl: string, timeoutMs: number): Promise<bigint> {
  const [{ RPC_HINT }, { jsonRpcCall, JsonRpcCallError }] = await Promise.all([import('../chain/ethers-errors.js'), import('../chain/json-rpc.js')]);
  const fail = (why: string, cause?: unknown) =>
    new AbortError(`RPC endpoint ${rpcUrl} ${why}`, { code: 'RPC_UNREACHABLE', hint: RPC_HINT, cause });
  let body: JsonRpcBody<string>;
  try {
    body = await jsonRpcCall<string>(rpcUrl, 'eth_chainId', [], timeoutMs);
  } catch (e) {
    if (!(e instanceof JsonRpcCallError)) throw e;
    if (e.kind === 'timeout') throw fail(`did not answer within ${timeoutMs / 1000} s`, e);
    if (e.kind === 'not-json') throw fail(`is not a JSON-RPC endpoint (HTTP ${e.detail})`, e);
    throw fail(`is unreachable (${e.detail === 'ECONNREFUSED' ? 'connection refused' : e.detail})`, e);
  }
  if (typeof body.result !== 'string') throw fail(`answered eth_chainId with an error: ${body.error?.message ?? 'no result'}`);
  return BigInt(body.result);
}
