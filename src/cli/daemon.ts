import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { Context } from './context.js';
import type { DaemonRuntime } from '../daemons/runtime.js';
import type { Logger } from '../log/index.js';
import type { LiveView } from '../ui/live-view.js';

export interface Daemon {
  rt: DaemonRuntime;
  /**
   * Closes the live view, if one is drawn, and prints where each task stands under it. Call it
   * before anything else is printed (the result, an error). Idempotent.
   */
  close(): void;
}

/**
 * Sets up a daemon command: its logger, the signer (a FlockSigner) and the runtime that handles
 * SIGTERM/SIGINT. On a terminal (stdout a TTY, no --json, FLOCK_NO_TTY_UI unset) an ink view is
 * drawn from the log records, which go to `<home>/logs/<command>-<time>.log`; otherwise logs are
 * NDJSON on stdout (pretty on a TTY), or on stderr with --json so stdout carries only the result.
 */
export async function openDaemon(ctx: Context, pollSeconds: number | undefined, command: 'train' | 'validate'): Promise<Daemon> {
  const [{ createLogger }, { DaemonRuntime }] = await Promise.all([import('../log/index.js'), import('../daemons/runtime.js')]);
  // Signer first: a password prompt must be answered before the view takes the terminal.
  const [provider, signer] = await Promise.all([ctx.provider(), ctx.signer()]);
  let view: LiveView | undefined;
  let log: Logger | undefined;
  if (wantsLiveView(ctx)) {
    const file = logFile(ctx.config.home, command);
    try {
      const [{ startLiveView }, { pino }] = await Promise.all([import('../ui/live-view.js'), import('pino')]);
      // The file first: one that cannot be created fails here, before anything is drawn.
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
  const rt = new DaemonRuntime({ log, provider, signer, pollSeconds, env: ctx.env });
  return { rt, close: () => view?.close() };
}

function wantsLiveView(ctx: Context): boolean {
  const off = ctx.env.FLOCK_NO_TTY_UI;
  return Boolean(process.stdout.isTTY) && !ctx.json && (off === undefined || off === '' || off === '0');
}

/** `<home>/logs/train-20250102-030405.log` (local time: it names the run the user just started). */
function logFile(home: string, command: string, d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
  return join(home, 'logs', `${command}-${stamp}.log`);
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
