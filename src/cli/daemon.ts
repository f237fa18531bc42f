import type { Context } from './context.js';
import type { DaemonRuntime } from '../daemons/runtime.js';

/**
 * Sets up a daemon command: a logger in daemon mode (NDJSON on stdout, pretty only on a TTY; on
 * stderr with --json so stdout carries only the final result), the signer (NonceManager) and the
 * runtime that handles SIGTERM/SIGINT.
 */
export async function openDaemon(ctx: Context, pollSeconds: number | undefined): Promise<DaemonRuntime> {
  const [{ createLogger }, { DaemonRuntime }] = await Promise.all([import('../log.js'), import('../daemons/runtime.js')]);
  const log = await createLogger({ level: ctx.config.logLevel, mode: ctx.json ? 'cli' : 'daemon' });
  const [provider, signer] = await Promise.all([ctx.provider(), ctx.signer()]);
  return new DaemonRuntime({ log, provider, signer, pollSeconds, env: ctx.env });
}

export function pollSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--poll must be a positive number of seconds, got ${value}`);
  return n;
}
