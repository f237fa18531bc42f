/**
 * Bounded retry with exponential backoff for transient RPC failures (ethers NETWORK_ERROR,
 * SERVER_ERROR, TIMEOUT, or flock's own exit-code-3 errors). Anything else (a revert, a bug) is
 * rethrown at once: retrying a protocol rule never helps.
 */
import { isNetworkFailure } from '../../chain/ethers-errors.js';
import { ExitCode, isFlockError } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';

export interface RetryOptions {
  /** Attempts in all (default 5). */
  attempts?: number;
  /** First delay in ms (default 500), doubled each time up to maxDelayMs (default 15000). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** What is being tried, for the log. */
  what?: string;
  log?: Logger;
  /** Called after a failed attempt before the next (e.g. reset a NonceManager). */
  onRetry?: (error: unknown, attempt: number) => void;
  /** Decides what is transient (default: isTransient). */
  retryable?: (error: unknown) => boolean;
  /** Aborting stops waiting and rethrows the last error. */
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
}

/** A transient RPC failure worth retrying. */
export function isTransient(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    if (isFlockError(c) && c.exitCode === ExitCode.NETWORK) return true;
    const code = (c as { code?: unknown }).code;
    if (code === 'SERVER_ERROR' || isNetworkFailure(c)) return true;
  }
  return false;
}

/** Delay before attempt `n` (1-based count of failures so far). */
export function backoffDelay(n: number, base = 500, max = 15_000): number {
  return Math.min(max, base * 2 ** (n - 1));
}

/**
 * Runs `fn` until it succeeds, a non-transient error is thrown, or `attempts` are used up.
 *
 * @example
 * const phase = await withRetry(() => arena.phase(taskId), { what: 'read phase', log });
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const retryable = opts.retryable ?? isTransient;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= attempts || !retryable(e) || opts.signal?.aborted) throw e;
      const delay = backoffDelay(attempt, opts.baseDelayMs, opts.maxDelayMs);
      opts.log?.warn({ what: opts.what, attempt, delayMs: delay, err: (e as Error).message }, 'transient failure, retrying');
      opts.onRetry?.(e, attempt);
      await sleep(delay);
    }
  }
}
