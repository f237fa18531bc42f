import { dirname, join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { Signer } from 'ethers';
import type { AllianceDaemonDeps } from '../daemons/alliance/ports.js';
import type { ArenaDaemonDeps } from '../daemons/arena/ports.js';
import type { ProtocolClient } from '../protocol/client.js';
import type { Store } from '../storage/index.js';
import type { DaemonRuntime } from '../daemons/kernel/index.js';
import { AbortError } from '../errors/index.js';
import { mkdirPrivate } from '../files/dirs.js';
import type { Logger } from '../log/index.js';
import type { LiveView } from '../ui/live-view.js';
import type { Context } from './context.js';

/** What every daemon command (`flock train`, `flock validate`, ...) is made of. */
export interface DaemonCommand<R> {
  /** The command's name: the view's header and the log file's name. */
  command: string;
  /** The daemon's role: state files and events ('trainer', 'validator'). */
  role: string;
  task?: number;
  watch?: boolean;
  poll?: number;
  /** Runs the daemon for one task; resolves when it is done or stopped. */
  run(deps: DaemonDeps, taskId: bigint): Promise<R>;
}

/**
 * The one way a daemon command runs: it checks --task/--watch, opens the protocol client, the
 * store and the daemon (logger, runtime, live view), runs one task or watches for tasks, prints
 * the result with --json, and closes everything however it ends.
 */
export async function runDaemonCommand<R>(ctx: Context, d: DaemonCommand<R>): Promise<void> {
  if (d.task === undefined && !d.watch) {
    throw new AbortError('pass --task <id>, or --watch to serve every open task', { code: 'USAGE', hint: `see \`flock ${d.command} --help\`` });
  }
  const [{ openProtocol }, { openContextStore }, { createProtocolClient }] = await Promise.all([
    import('./protocol.js'),
    import('./storage.js'),
    import('../protocol/client.js'),
  ]);
  const { client: checked, signer } = await openProtocol(ctx, { sign: true });
  const store = await openContextStore(ctx);
  // The daemon last: its live view takes the terminal, so nothing else may print meanwhile.
  let daemon: Daemon | undefined;
  try {
    daemon = await openDaemon(ctx, d.poll, d.command, d.role);
    const { rt } = daemon;
    // Bound to the daemon's logger: its transactions are logged with the daemon's records.
    const client = createProtocolClient({ record: checked.record, signer, log: rt.log });
    const deps = await arenaDaemonDeps(ctx, rt, client, signer, store);
    if (d.watch) {
      const [{ watchTasks }, { arenaTasks }] = await Promise.all([import('../daemons/kernel/watch.js'), import('../daemons/arena/source.js')]);
      const r = await watchTasks({ rt, kind: d.role, home: ctx.config.home, chainId: client.record.chainId, account: deps.chain.address, source: arenaTasks(client.arena), run: (id) => d.run(deps, id) });
      if (ctx.json) await ctx.output(r);
    } else {
      const r = await d.run(deps, BigInt(d.task!));
      if (ctx.json) await ctx.output(r);
    }
  } finally {
    daemon?.close();
    daemon?.rt.dispose();
    await store.close();
  }
}

/** What a daemon runs on: the Arena's and the Alliance's ports, and the market's for a host. */
export type DaemonDeps = ArenaDaemonDeps & AllianceDaemonDeps & { market: { actions: ProtocolClient['market']; address: string; config(key: string): Promise<bigint> } };

/** What a daemon runs on: this context's home and chain, `client`'s Arena and Alliance, `signer`'s account. */
export async function arenaDaemonDeps(ctx: Context, rt: DaemonRuntime, client: ProtocolClient, signer: Signer, store: Store): Promise<DaemonDeps> {
  const provider = await ctx.provider();
  return {
    rt,
    arena: client.arena,
    alliance: client.alliance,
    market: { actions: client.market, address: client.record.contracts.ModelMarket ?? '', config: (key) => client.contracts.config.get(key) },
    store,
    home: ctx.config.home,
    chain: {
      address: await signer.getAddress(),
      chainId: client.record.chainId,
      now: async () => (await provider.getBlock('latest'))!.timestamp,
      resetNonce: () => (signer as { reset?: () => void }).reset?.(),
    },
  };
}

interface Daemon {
  rt: DaemonRuntime;
  /**
   * Closes the live view, if one is drawn, and prints where each task stands under it. Call it
   * before anything else is printed (the result, an error). Idempotent.
   */
  close(): void;
}

/**
 * Sets up a daemon: its logger, the signer (a FlockSigner) and the runtime that handles
 * SIGTERM/SIGINT. On a terminal (stdout a TTY, no --json, FLOCK_NO_TTY_UI unset) an ink view is
 * drawn from the runtime's events, and the logs go to `<home>/logs/<command>-<time>.log`;
 * otherwise logs are NDJSON on stdout (pretty on a TTY), or on stderr with --json so stdout
 * carries only the result.
 */
async function openDaemon(ctx: Context, pollSeconds: number | undefined, command: string, role: string): Promise<Daemon> {
  const [{ createLogger }, { DaemonRuntime }] = await Promise.all([import('../log/index.js'), import('../daemons/kernel/runtime.js')]);
  // Signer first: a password prompt must be answered before the view takes the terminal.
  const signer = await ctx.signer();
  let view: LiveView | undefined;
  let log: Logger | undefined;
  if (wantsLiveView(ctx)) {
    const file = logFile(ctx.config.home, command);
    try {
      const [{ startLiveView }, { pino }] = await Promise.all([import('../ui/live-view.js'), import('pino')]);
      // The file first: one that cannot be created fails here, before anything is drawn. Its
      // folder is made here, 0700 like the rest of the home (pino's own mkdir would make it 0755).
      if (ctx.config.logLevel !== 'silent') mkdirPrivate(dirname(file));
      const live = await createLogger({ level: ctx.config.logLevel, mode: 'daemon', live: { file, onLine: (line) => view?.onLine(line) } });
      const chainId = await ctx.chainId();
      view = await startLiveView({
        header: { command, account: await signer.getAddress(), chain: `${chainId} (${hostOf(ctx.rpcUrl)})`, logFile: ctx.config.logLevel === 'silent' ? undefined : file },
        minLevel: pino.levels.values[ctx.config.logLevel] ?? Infinity,
      });
      log = live;
    } catch (e) {
      // The view is a convenience: without it the daemon logs as it would in a pipe.
      ctx.log.warn({ err: (e as Error).message }, 'cannot draw the live view; logging to stdout');
    }
  }
  log ??= await createLogger({ level: ctx.config.logLevel, mode: ctx.json ? 'cli' : 'daemon' });
  const rt = new DaemonRuntime({ log, role, pollSeconds, env: ctx.env });
  if (view) rt.onEvent((e) => view!.onEvent(e));
  return { rt, close: () => view?.close() };
}

function wantsLiveView(ctx: Context): boolean {
  const off = ctx.env.FLOCK_NO_TTY_UI;
  return Boolean(process.stdout.isTTY) && !ctx.json && (off === undefined || off === '' || off === '0');
}

/** `<home>/logs/train-20250102-030405.log`, `alliance-join-…` (local time: it names the run the user just started). */
function logFile(home: string, command: string, d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
  return join(home, 'logs', `${command.replace(/\s+/g, '-')}-${stamp}.log`);
}

/** The RPC host only: a URL's path or query may hold an API key, and the view is on screen. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'rpc';
  }
}

/** `--poll <seconds>`: commander turns the throw into a usage error (exit 2). */
export function pollSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`must be a positive number of seconds, got ${value}.`);
  return n;
}
