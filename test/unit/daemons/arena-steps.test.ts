/**
 * The Arena daemons' steps against a stand-in for the chain (the protocol client's Arena actions
 * are tested against anvil in the e2e tests; here one step is isolated).
 * Found in review: registration (approve, then register: a write) was retried as a read, so a
 * transient failure retried it without resetting the signer's nonce cache.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openTask, registerStep, type ArenaStateBase, type ArenaStepContext } from '../../../src/daemons/arena/common.js';
import type { ArenaActions, ArenaDaemonDeps } from '../../../src/daemons/arena/ports.js';
import { DaemonRuntime, runSteps, type EventRecord } from '../../../src/daemons/kernel/index.js';
import { Phase, Role } from '../../../src/protocol/arena/index.js';

const home = mkdtempSync(join(tmpdir(), 'flock-steps-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

interface S extends ArenaStateBase {
  kind: 'validator';
  registered?: { index: string; txHash?: string };
}

function deps(arena: Partial<ArenaActions>) {
  const rt = new DaemonRuntime({ log: pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() })), role: 'validator', pollSeconds: 0.01 });
  const events: EventRecord[] = [];
  rt.onEvent((e) => events.push(e));
  const resets: number[] = [];
  const d: ArenaDaemonDeps = {
    rt,
    arena: arena as ArenaActions,
    store: {} as ArenaDaemonDeps['store'],
    home,
    chain: { address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', chainId: 31337, now: async () => 1_000, resetNonce: () => resets.push(Date.now()) },
  };
  return { d, rt, events, resets };
}

describe('registerStep', () => {
  it('retries a transient failure of the registration as a write: the nonce cache is reset', async () => {
    let calls = 0;
    const { d, rt, events, resets } = deps({
      getParticipant: async () => ({ role: Role.None, index: 0n }),
      getPhase: async () => Phase.Submit,
      register: async ({ onApprove }) => {
        onApprove?.('gmFLOCK for the task stake');
        if (calls++ === 0) throw Object.assign(new Error('socket hang up'), { code: 'SERVER_ERROR' });
        return { index: 3n, txHash: '0xab', alreadyRegistered: false };
      },
    });
    const { c, release } = openTask<S>(d, 5n, { kind: 'validator' });
    try {
      const step = registerStep<S, ArenaStepContext<S> & { o: { stake: bigint } }>('validator', (index, txHash) => ({ registered: { index, txHash } }));
      expect(await runSteps({ ...c, o: { stake: 0n } }, [step])).toBe('done');
      expect(calls).toBe(2);
      expect(resets).toHaveLength(1);
      expect(c.st.get().registered).toEqual({ index: '3', txHash: '0xab' });
      expect(events.map((e) => e.event)).toEqual(['approving', 'retrying', 'recovered', 'approving', 'registered']);
    } finally {
      release();
      rt.dispose();
    }
  });

  it('too late to register once submissions are closed, unless the chain has us already', async () => {
    const late = deps({ getParticipant: async () => ({ role: Role.None, index: 0n }), getPhase: async () => Phase.Reveal });
    const { c, release } = openTask<S>(late.d, 6n, { kind: 'validator' });
    const step = registerStep<S, ArenaStepContext<S> & { o: { stake: bigint } }>('validator', (index, txHash) => ({ registered: { index, txHash } }));
    await expect(runSteps({ ...c, o: { stake: 0n } }, [step])).rejects.toMatchObject({ code: 'DEADLINE_MISSED', message: 'task 6 is already in its reveal phase: too late to register as a validator' });
    release();
    late.rt.dispose();
  });
});
