/**
 * The runtime every daemon shares, and nothing of any chain: graceful stop on SIGTERM/SIGINT (the
 * current step finishes, state is persisted, exit 0), an interruptible sleep for the poll loop,
 * bounded retry of transient failures, a lock for steps that must not interleave, typed events
 * (logged as NDJSON and handed to listeners such as the live view), and the test hook
 * FLOCK_TEST_EXIT_AFTER.
 *
 * Exit codes of the daemons (docs/DAEMONS.md):
 *   0  done (every step of the task taken), or stopped by SIGTERM/SIGINT after persisting
 *   3  the RPC endpoint did not answer at start (later outages are waited out: kernel/machine.ts)
 *   7  the protocol rejected a step (a revert that retrying cannot fix)
 *   8  the task moved past a phase this daemon still had to act in (deadline missed)
 *   9  integrity: our own model fails the task's contract, or the task manifest is bad
 */
import type { Logger } from '../../log/index.js';
import { levelOf, LEVEL_VALUES, messageOf, type DaemonEvent, type EventRecord, type EventScope } from './events.js';
import { backoffDelay, isTransient, withRetry } from './retry.js';

export interface DaemonRuntimeOptions {
  log: Logger;
  /** The daemon's role ('trainer', 'validator', ...): the scope of events not tied to a task. */
  role: string;
  /** Seconds between polls (default 5). */
  pollSeconds?: number;
  env?: NodeJS.ProcessEnv;
  /** What counts as transient for retry() (default: RPC and network failures). */
  isTransient?: (e: unknown) => boolean;
  /** First delay of retry()'s backoff in ms (default 500; tests shorten it). */
  retryDelayMs?: number;
}

export interface RetryCallOptions {
  /** Called before each new attempt (e.g. to reset a nonce cache after a failed send). */
  onRetry?: () => void;
  /** The task the call is for, so a retry warning shows beside it. */
  task?: string;
}

export type EventListener = (record: EventRecord) => void;

/** What a step uses to report: events scoped to its daemon and task, and a child logger. */
export interface Reporter {
  readonly log: Logger;
  emit(e: DaemonEvent): void;
}

export class DaemonRuntime {
  readonly log: Logger;
  readonly role: string;
  readonly pollMs: number;
  private readonly controller = new AbortController();
  private lock: Promise<unknown> = Promise.resolve();
  private readonly env: NodeJS.ProcessEnv;
  private readonly transient: (e: unknown) => boolean;
  private readonly retryDelayMs: number;
  private readonly listeners = new Set<EventListener>();
  private readonly onSignal = (sig: NodeJS.Signals) => this.stop(sig);

  constructor(opts: DaemonRuntimeOptions) {
    this.log = opts.log;
    this.role = opts.role;
    this.pollMs = Math.max(0.1, opts.pollSeconds ?? 5) * 1000;
    this.env = opts.env ?? process.env;
    this.transient = opts.isTransient ?? isTransient;
    this.retryDelayMs = opts.retryDelayMs ?? 500;
    process.on('SIGTERM', this.onSignal);
    process.on('SIGINT', this.onSignal);
  }

  /** Aborted on SIGTERM/SIGINT. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopping(): boolean {
    return this.controller.signal.aborted;
  }

  /** Stops after the current step, as SIGTERM/SIGINT do (idempotent). */
  stop(reason: string): void {
    if (this.controller.signal.aborted) return;
    this.emit({ daemon: this.role }, { event: 'stopping', signal: reason });
    this.controller.abort();
  }

  dispose(): void {
    process.off('SIGTERM', this.onSignal);
    process.off('SIGINT', this.onSignal);
    this.listeners.clear();
  }

  /** Sleeps one poll interval (or `ms`); returns early when stopping. */
  sleep(ms = this.pollMs): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const signal = this.controller.signal;
      function done() {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }

  /**
   * Runs `fn` after every earlier exclusive call finished: steps that approve then spend (an
   * allowance) must not interleave when one runtime serves several tasks (--watch).
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs `fn` again on transient failures (bounded, exponential backoff), reporting each retry
   * as a `retrying` event. A write passes `onRetry` to reset its nonce cache between attempts;
   * callers check the chain before a write, so a retry after a send that did land is caught by
   * that check on the next loop rather than sent twice.
   */
  retry<T>(what: string, fn: () => Promise<T>, opts: RetryCallOptions = {}): Promise<T> {
    return withRetry(fn, {
      what,
      retryable: this.transient,
      signal: this.signal,
      baseDelayMs: this.retryDelayMs,
      onRetry: (e, attempt) => {
        this.emit({ daemon: this.role, task: opts.task }, { event: 'retrying', what, attempt, delayMs: backoffDelay(attempt, this.retryDelayMs), err: (e as Error).message });
        opts.onRetry?.();
      },
    });
  }

  /** Logs `e` at its level with its message and hands it to every listener. */
  emit(scope: EventScope, e: DaemonEvent): void {
    const level = levelOf(e);
    const fields = { ...scope, ...e };
    this.log[level](fields, messageOf(e));
    if (this.listeners.size === 0) return;
    const record = { ...fields, level: LEVEL_VALUES[level], time: Date.now() } as EventRecord;
    for (const l of this.listeners) l(record);
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A reporter for one task: its events carry the role and the task id. */
  reporter(task: string): Reporter {
    const scope = { daemon: this.role, task };
    return { log: this.log.child(scope), emit: (e) => this.emit(scope, e) };
  }

  /**
   * Test hook: with FLOCK_TEST_EXIT_AFTER=<step>, the process kills itself with SIGKILL right
   * after the step's transaction is mined and before the daemon records it, the worst moment for
   * a crash. Restart tests use it to prove a restart never double-submits.
   */
  crashPoint(step: string): void {
    if (this.env.FLOCK_TEST_EXIT_AFTER === step) {
      this.log.warn({ step }, 'FLOCK_TEST_EXIT_AFTER: killing this process');
      process.kill(process.pid, 'SIGKILL');
    }
  }
}
