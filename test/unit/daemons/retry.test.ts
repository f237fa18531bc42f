import { describe, expect, it } from 'vitest';
import { AbortError, BugError, ExitCode } from '../../../src/errors/index.js';
import { backoffDelay, isTransient, withRetry } from '../../../src/daemons/kernel/retry.js';

const ethersError = (code: string) => Object.assign(new Error(code), { code, shortMessage: code });

describe('retry helper', () => {
  it('classifies transient RPC failures', () => {
    expect(isTransient(ethersError('NETWORK_ERROR'))).toBe(true);
    expect(isTransient(ethersError('SERVER_ERROR'))).toBe(true);
    expect(isTransient(ethersError('TIMEOUT'))).toBe(true);
    expect(isTransient(new AbortError('rpc down', { code: 'RPC_UNREACHABLE' }))).toBe(true);
    expect(isTransient(new BugError('wrapped', { cause: ethersError('TIMEOUT') }))).toBe(true);
    expect(isTransient(ethersError('CALL_EXCEPTION'))).toBe(false);
    expect(isTransient(new AbortError('reverted', { code: 'REVERTED' }))).toBe(false);
  });

  it('backs off exponentially up to a cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 100, 500))).toEqual([100, 200, 400, 500]);
  });

  it('retries transient failures, then succeeds, calling onRetry between attempts', async () => {
    const slept: number[] = [];
    const retried: number[] = [];
    let calls = 0;
    const r = await withRetry(
      async () => {
        if (++calls < 3) throw ethersError('NETWORK_ERROR');
        return 'ok';
      },
      { baseDelayMs: 10, sleep: async (ms) => void slept.push(ms), onRetry: (_e, n) => retried.push(n) },
    );
    expect(r).toBe('ok');
    expect(calls).toBe(3);
    expect(slept).toEqual([10, 20]);
    expect(retried).toEqual([1, 2]);
  });

  it('gives up after the bounded number of attempts with the last error', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw ethersError('SERVER_ERROR');
        },
        { attempts: 4, sleep: async () => {} },
      ),
    ).rejects.toThrow('SERVER_ERROR');
    expect(calls).toBe(4);
  });

  it('never retries a revert or a bug', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new AbortError('ArenaNotInPhase', { code: 'REVERTED' });
        },
        { sleep: async () => {} },
      ),
    ).rejects.toThrow('ArenaNotInPhase');
    expect(calls).toBe(1);
  });
});
