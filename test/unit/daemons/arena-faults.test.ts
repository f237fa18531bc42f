/**
 * The Arena daemons under faults, against a stand-in for the chain (one piece isolated: the
 * daemons' decisions; the protocol actions themselves are tested against anvil in the e2e tests).
 * Each case is a finding of the reliability review (issue #9) and failed before its fix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArenaActions, ArenaDaemonDeps, ArenaTaskInfo } from '../../../src/daemons/arena/ports.js';
import { runTrainer, type TrainerState } from '../../../src/daemons/arena/trainer.js';
import { runValidator, type ValidatorState } from '../../../src/daemons/arena/validator.js';
import { DaemonRuntime, statePath, type EventRecord } from '../../../src/daemons/kernel/index.js';
import { writeJsonAtomic } from '../../../src/files/atomic.js';
import { modelCommitment, Phase, Role, scoreCommitment, SubmissionStatus } from '../../../src/protocol/arena/index.js';
import { cidOf } from '../../../src/storage/cid.js';
import { DirectoryStore } from '../../../src/storage/directory.js';

const ACCOUNT = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ZERO = `0x${'0'.repeat(64)}`;
const transient = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8545'), { code: 'SERVER_ERROR' });
const reverted = (name: string) => Object.assign(new Error(`execution reverted: ${name}`), { code: 'CALL_EXCEPTION' });

/** One task with one submission and one validator slot, its phase set by the test. */
class Chain implements Partial<ArenaActions> {
  phase: number = Phase.Submit;
  sub = { status: SubmissionStatus.Registered as number, commitment: ZERO, modelCID: '' };
  score = { commitment: ZERO, revealed: false };
  calls: string[] = [];
  /** Calls that fail with a transient error, this many times each. */
  down: Record<string, number> = {};
  /** Calls whose effect lands but whose answer is lost (a transient error after the send). */
  lostAnswer = new Set<string>();

  private async call<T>(name: string, effect: () => T): Promise<T> {
    if ((this.down[name] ?? 0) > 0) {
      this.down[name]!--;
      throw transient();
    }
    this.calls.push(name);
    const v = effect();
    if (this.lostAnswer.delete(name)) throw transient();
    return v;
  }

  getPhase = () => this.call('getPhase', () => this.phase);
  getTaskInfo = () => this.call('getTaskInfo', (): ArenaTaskInfo => ({ dataCID: 'x', submitEnd: 2_000, revealEnd: 3_000, scoreCommitEnd: 4_000, validationRevealed: true, nodeCount: 1, validatorCount: 1, seed: 1n, sampleSize: 7 }));
  getParticipant = () => this.call('getParticipant', () => ({ role: Role.Node, index: 0n }));
  getSubmission = () => this.call('getSubmission', () => ({ ...this.sub }));
  getScore = () => this.call('getScore', () => ({ ...this.score }));
  commitModel = ({ commitment }: { commitment: string }) =>
    this.call('commitModel', () => {
      if (this.phase !== Phase.Submit) throw reverted('ArenaNotInPhase');
      if (this.sub.commitment === commitment) throw reverted('ArenaAlreadyCommitted');
      this.sub = { ...this.sub, status: SubmissionStatus.Committed, commitment };
      return { txHash: `0xcommit${this.calls.length}` };
    });
  revealModel = ({ modelCID }: { modelCID: string }) =>
    this.call('revealModel', () => {
      if (this.sub.commitment === ZERO) throw reverted('ArenaNothingCommitted');
      this.sub = { ...this.sub, status: SubmissionStatus.Revealed, modelCID };
      return { txHash: '0xreveal' };
    });
  revealScore = () =>
    this.call('revealScore', () => {
      if (this.score.commitment === ZERO) throw reverted('ArenaNothingCommitted');
      if (this.score.revealed) throw reverted('ArenaAlreadyRevealed');
      this.score = { ...this.score, revealed: true };
      return { txHash: '0xscorereveal' };
    });
}

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'flock-faults-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function deps(chain: Chain) {
  const rt = new DaemonRuntime({ log: pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() })), role: 'trainer', pollSeconds: 0.01, retryDelayMs: 1 });
  const events: EventRecord[] = [];
  rt.onEvent((e) => events.push(e));
  const d: ArenaDaemonDeps = {
    rt,
    arena: chain as unknown as ArenaActions,
    store: new DirectoryStore({ dir: join(home, 'store') }),
    home,
    chain: { address: ACCOUNT, chainId: 31337, now: async () => 1_000, resetNonce: () => undefined },
  };
  return { d, rt, events };
}

/** A trainer that registered and kept its model; `committed` as its state file says. */
function trainerState(committed: boolean): { modelCID: string; commitment: string } {
  const bytes = new TextEncoder().encode('an onnx model, as far as this test is concerned');
  const cid = cidOf(bytes);
  const file = join(home, 'model.onnx');
  writeFileSync(file, bytes);
  const salt = `0x${'11'.repeat(32)}`;
  const commitment = modelCommitment(cid, ACCOUNT, salt);
  const s: TrainerState = {
    kind: 'trainer',
    chainId: 31337,
    taskId: '1',
    account: ACCOUNT,
    startedAt: new Date().toISOString(),
    registered: { submissionId: '0' },
    model: { cid, size: bytes.length, file, source: 'file' },
    salt,
    commitment,
    ...(committed ? { committed: { txHash: '0xold' } } : {}),
  };
  writeJsonAtomic(statePath(home, 'trainer', 31337, 1n), s);
  return { modelCID: cid, commitment };
}

describe('trainer under faults', () => {
  it('a commit whose answer was lost is recognised on chain, not sent again (no exit 7)', async () => {
    const chain = new Chain();
    const { commitment } = trainerState(false);
    chain.lostAnswer.add('commitModel');
    setTimeout(() => (chain.phase = Phase.Reveal), 50);
    const { d, rt } = deps(chain);
    const r = await runTrainer({ ...d, taskId: 1n, stake: 0n });
    expect(chain.calls.filter((c) => c === 'commitModel')).toHaveLength(1);
    expect(chain.sub.commitment).toBe(commitment);
    expect(r).toMatchObject({ stopped: false, revealTx: '0xreveal' });
    rt.dispose();
  });

  it('a commit the chain lost (rolled back) is made again while submissions are open', async () => {
    const chain = new Chain();
    const { commitment } = trainerState(true); // the state says committed; the chain has nothing
    setTimeout(() => (chain.phase = Phase.Reveal), 100);
    const { d, rt } = deps(chain);
    const r = await runTrainer({ ...d, taskId: 1n, stake: 0n });
    expect(chain.calls).toContain('commitModel');
    expect(chain.sub.commitment).toBe(commitment);
    expect(r.revealTx).toBe('0xreveal');
    rt.dispose();
  });

  it('a lost commit found only after submissions closed is a missed deadline (exit 8), not a revert (exit 7)', async () => {
    const chain = new Chain();
    trainerState(true);
    chain.phase = Phase.Reveal;
    const { d, rt } = deps(chain);
    await expect(runTrainer({ ...d, taskId: 1n, stake: 0n })).rejects.toMatchObject({ code: 'DEADLINE_MISSED', exitCode: 8 });
    expect(chain.calls).not.toContain('revealModel');
    rt.dispose();
  });

  it('an RPC outage longer than the bounded retries is ridden out, then the trainer goes on', async () => {
    const chain = new Chain();
    trainerState(false);
    chain.down.getSubmission = 12; // 5 quick retries per read, then the machine backs off
    const opens = setInterval(() => chain.sub.commitment !== ZERO && (chain.phase = Phase.Reveal), 20);
    const { d, rt, events } = deps(chain);
    const r = await runTrainer({ ...d, taskId: 1n, stake: 0n });
    expect(r).toMatchObject({ stopped: false, revealTx: '0xreveal' });
    expect(events.some((e) => e.event === 'recovered')).toBe(true);
    clearInterval(opens);
    rt.dispose();
  }, 30_000);
});

describe('validator under faults', () => {
  it('killed right after its score commit and restarted in the reveal phase, it reveals', async () => {
    const chain = new Chain();
    const salt = `0x${'22'.repeat(32)}`;
    const commitment = scoreCommitment(1n, 0n, ACCOUNT, 9n * 10n ** 17n, false, salt);
    // The commit was mined; the process died before recording it.
    chain.score = { commitment, revealed: false };
    chain.phase = Phase.ScoreReveal;
    const s: ValidatorState = {
      kind: 'validator',
      chainId: 31337,
      taskId: '1',
      account: ACCOUNT,
      startedAt: new Date().toISOString(),
      registered: { index: '0' },
      scores: { '0': { modelCID: 'bafk', draw: '0', score: (9n * 10n ** 17n).toString(), invalid: false, value: 0.9, salt, commitment } },
    };
    writeJsonAtomic(statePath(home, 'validator', 31337, 1n), s);
    const { d, rt } = deps(chain);
    const r = await runValidator({ ...d, taskId: 1n, stake: 0n });
    expect(chain.calls).toContain('revealScore');
    expect(chain.score.revealed).toBe(true);
    expect(r.scores['0']).toMatchObject({ committed: true, revealed: true });
    rt.dispose();
  });
});

describe('validator: unavailable is never invalid', () => {
  function scoringCtx(store: DirectoryStore) {
    const { d, rt, events } = deps(new Chain());
    const st = { get: () => ({}), update: () => ({}) } as never;
    const manifest = { spec: { contract: { maxBytes: 1024 }, metric: { name: 'accuracy' } } } as never;
    return { c: { ...d, store, taskId: 1n, report: rt.reporter('1'), st, manifest, data: {} as never, unavailable: new Set<string>() }, rt, events };
  }

  it('a model the store does not have (yet) is unavailable: not marked invalid, reported once', async () => {
    const { scoreModel } = await import('../../../src/daemons/arena/scoring.js');
    const { c, rt, events } = scoringCtx(new DirectoryStore({ dir: join(home, 'empty-store') }));
    const cid = cidOf(new TextEncoder().encode('a model nobody uploaded yet'));
    expect(await scoreModel(c, cid, '0')).toMatchObject({ unavailable: true });
    expect(await scoreModel(c, cid, '0')).toMatchObject({ unavailable: true });
    expect(events.filter((e) => e.event === 'model-unavailable')).toHaveLength(1);
    expect(events.some((e) => e.event === 'model-invalid')).toBe(false);
    rt.dispose();
  });

  it('bytes that were fetched and refused (over the size limit) do make it invalid', async () => {
    const { scoreModel } = await import('../../../src/daemons/arena/scoring.js');
    const store = new DirectoryStore({ dir: join(home, 'store2') });
    const cid = await store.put(new Uint8Array(4096)); // over the contract's 1 KiB
    const { c, rt } = scoringCtx(store);
    expect(await scoreModel(c, cid, '0')).toMatchObject({ invalid: true, reason: expect.stringMatching(/^fetch-failed: .*larger than the limit/) });
    rt.dispose();
  });
});

// Found in review: every node training the task's suggested config with the suggested seed
// produced the byte-identical model (two nodes tied for first having done nothing).
describe('trainer: a seed per node', () => {
  it('derives the seed from the node and the task unless the node pins one', async () => {
    const { trainingConfig } = await import('../../../src/daemons/arena/model.js');
    const suggested = { model: { kind: 'mlp' as const }, epochs: 3, seed: 7 };
    const a = trainingConfig(suggested, undefined, ACCOUNT, 1n);
    const b = trainingConfig(suggested, undefined, '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', 1n);
    expect(a.seed).not.toBe(b.seed);
    expect(a.seed).not.toBe(7);
    expect(trainingConfig(suggested, undefined, ACCOUNT, 2n).seed).not.toBe(a.seed);
    expect(trainingConfig(suggested, undefined, ACCOUNT, 1n).seed).toBe(a.seed); // stable across restarts
    expect(a).toMatchObject({ model: { kind: 'mlp' }, epochs: 3 });
    expect(trainingConfig(suggested, { seed: 42 }, ACCOUNT, 1n).seed).toBe(42);
    expect(Number.isInteger(a.seed) && a.seed! >= 0 && a.seed! < 2 ** 31).toBe(true);
  });
});
