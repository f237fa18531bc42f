import type { Logger } from 'pino';
import type { LogLevel } from './levels.js';

export type { Logger };

export interface CreateLoggerOptions {
  level: LogLevel;
  /**
   * `cli`: one-shot commands log to stderr so `--json` stdout stays pure JSON (and ink output is
   * not interleaved). `daemon`: long-running commands log NDJSON to stdout for journald/collectors.
   */
  mode?: 'cli' | 'daemon';
  /** Force or forbid pretty output; by default pretty only when the destination is a TTY. */
  pretty?: boolean;
  /**
   * A daemon drawing a live view: NDJSON goes to `file` (at `level`) instead of stdout, and every
   * record from debug up (the view's countdowns come from debug records) goes to `onLine`.
   */
  live?: { file: string; onLine: (line: string) => void };
}

/**
 * A pino logger for this process. pino-pretty is loaded only for a TTY so piped output stays
 * NDJSON and startup stays fast.
 *
 * @example
 * const log = await createLogger({ level: 'info' });
 * log.info({ rpcUrl }, 'connected');
 */
export async function createLogger(opts: CreateLoggerOptions): Promise<Logger> {
  const { pino } = await import('pino');
  if (opts.live) {
    const streams: { level: LogLevel; stream: { write(line: string): void } }[] = [{ level: 'debug', stream: { write: opts.live.onLine } }];
    if (opts.level !== 'silent') streams.push({ level: opts.level, stream: pino.destination({ dest: opts.live.file, sync: true, mkdir: true }) });
    return pino({ level: opts.level === 'trace' ? 'trace' : 'debug' }, pino.multistream(streams));
  }
  const fd = opts.mode === 'daemon' ? 1 : 2;
  const stream = fd === 1 ? process.stdout : process.stderr;
  const pretty = opts.pretty ?? Boolean(stream.isTTY);
  // pid/hostname help daemons' logs (several nodes, one collector), not a CLI's. An explicit
  // `base: undefined` would drop them too: leave the key out for pino's default.
  const base = opts.mode === 'daemon' ? {} : { base: null };
  if (pretty) {
    const { default: pinoPretty } = await import('pino-pretty');
    const dest = pinoPretty({
      destination: fd,
      sync: true,
      colorize: Boolean(stream.isTTY),
      ignore: 'pid,hostname',
      translateTime: 'HH:MM:ss',
      singleLine: true,
    });
    return pino({ level: opts.level, ...base }, dest);
  }
  // Synchronous writes: a CLI may call process.exit right after logging.
  return pino({ level: opts.level, ...base }, pino.destination({ dest: fd, sync: true }));
}

/** A logger that drops everything; for library calls and tests that need one. */
export async function silentLogger(): Promise<Logger> {
  const { pino } = await import('pino');
  return pino({ level: 'silent' });
}
