/**
 * The small runtime every daemon shares: graceful stop on SIGTERM/SIGINT (the current step
 * finishes, state is persisted, exit 0), an interruptible sleep for the poll loop, chain time,
 * retried reads and sends, and the test hook FLOCK_TEST_EXIT_AFTER.
 *
 * Exit codes of the daemons (docs/DAEMONS.md):
 *   0  done (every step of the task taken), or stopped by SIGTERM/SIGINT after persisting
 *   3  the RPC endpoint kept failing after the bounded retries
 *   7  the protocol rejected a step (a revert that retrying cannot fix)
 *   8  the task moved past a phase this daemon still had to act in (deadline missed)
 *   9  integrity: our own model fails the task's contract, or the task manifest is bad
 */
import { NonceManager, type ContractTransactionReceipt, type ContractTransactionResponse, type JsonRpcProvider, type Signer } from 'ethers';
import type { Logger } from '../log/index.js';
import { sendTx } from '../protocol/tx.js';
import { withRetry } from './retry.js';

export interface DaemonRuntimeOptions {
  log: Logger;
  provider: JsonRpcProvider;
  signer: Signer;
  /** Seconds between polls of the chain (default 5). */
  pollSeconds?: number;
  env?: NodeJS.ProcessEnv;
}

export class DaemonRuntime {
  readonly log: Logger;
  readonly provider: JsonRpcProvider;
  readonly signer: Signer;
  readonly pollMs: number;
  private readonly controller = new AbortController();
  private lock: Promise<unknown> = Promise.resolve();
  private readonly env: NodeJS.ProcessEnv;
  private readonly onSignal = (sig: NodeJS.Signals) => {
    if (this.controller.signal.aborted) return;
    this.log.info({ signal: sig }, 'stopping after the current step');
    this.controller.abort();
  };

  constructor(opts: DaemonRuntimeOptions) {
    this.log = opts.log;
    this.provider = opts.provider;
    this.signer = opts.signer;
    this.pollMs = Math.max(0.1, opts.pollSeconds ?? 5) * 1000;
    this.env = opts.env ?? process.env;
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

  dispose(): void {
    process.off('SIGTERM', this.onSignal);
    process.off('SIGINT', this.onSignal);
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

  /** A chain read, retried on transient RPC failures. */
  read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, { what, log: this.log });
  }

  /** The latest block's timestamp (chain time, which `flock devnet warp` moves). */
  async now(): Promise<number> {
    return this.read('latest block', async () => (await this.provider.getBlock('latest'))!.timestamp);
  }

  /**
   * Sends a transaction, retried on transient failures with the nonce cache reset between
   * attempts. Callers check the chain before calling, so a retry after a send that did land is
   * caught by that check on the next loop rather than sent twice.
   */
  send(what: string, fn: () => Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
    return withRetry(() => sendTx(this.signer, what, fn, this.log), {
      what,
      log: this.log,
      onRetry: () => {
        if (this.signer instanceof NonceManager) this.signer.reset();
      },
    });
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
