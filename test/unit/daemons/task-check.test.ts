/**
 * Nothing staked on bad input (issue #9). Found in review: a task created (by an older or hostile
 * client) with training data lacking its label column, with NaN or with 1e308 values, made
 * trainers register (stake locked) and then fail; with 1e308 a trainer trained and then exited 9
 * "fix the model". `flock train --model <missing file>` registered, then failed. A revealed
 * validation set without labels made validators fail after they had staked.
 *
 * Now the daemons check the published task (manifest, training data, --model) before their
 * register step: a bad task is TASK_DATA_INVALID (exit 9, the creator's fault), a missing --model
 * is MODEL_FILE (exit 2), a --model that fails the contract MODEL_INVALID (exit 9). The validator
 * checks the revealed validation set before it scores anything; a bad one is committed as
 * "unusable" (instead of scores) and revealed as such (rejectValidationSet): the creator is
 * slashed when most of the committed weight agrees.
 * The chain is a stand-in (the protocol client's actions are tested on anvil in the e2e tests);
 * the store is a real DirectoryStore.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { ArenaActions, ArenaDaemonDeps, ArenaTaskInfo } from '../../../src/daemons/arena/ports.js';
import { runTrainer } from '../../../src/daemons/arena/trainer.js';
import { runValidator } from '../../../src/daemons/arena/validator.js';
import { DaemonRuntime, type EventRecord } from '../../../src/daemons/kernel/index.js';
import { parseTaskSpec } from '../../../src/engine/index.js';
import { Phase, Role, unusableCommitment } from '../../../src/protocol/arena/index.js';
import { DirectoryStore } from '../../../src/storage/directory.js';
import { buildManifest, encodeManifest } from '../../../src/tasks/manifest.js';

const root = mkdtempSync(join(tmpdir(), 'flock-task-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const store = new DirectoryStore({ dir: join(root, 'store') });
let n = 0;

const spec = parseTaskSpec({
  name: 'tiny',
  data: { train: 'train.csv' },
  schema: { features: ['a', 'b'], label: 'y', taskType: 'classification', numClasses: 3 },
  metric: { name: 'accuracy' },
  contract: { inputShape: [2], outputShape: [3], maxParams: 10_000, maxBytes: 1_000_000 },
  trainer: { model: { kind: 'mlp', hidden: [4] }, epochs: 8, batchSize: 8, validationFraction: 0, seed: 1 },
});
const rows = (k: number, header = 'a,b,y') => [header, ...Array.from({ length: k }, (_, i) => `${i % 4},${i % 5},${i % 3}`)].join('\n') + '\n';
const GOOD = rows(24);
const put = (text: string) => store.put(new TextEncoder().encode(text));

/** Publishes a task (training data + manifest, and a validation set) in the store. */
async function publish(train: string, validation = GOOD) {
  const trainCID = await put(train);
  const dataCID = await store.put(encodeManifest(buildManifest(spec, trainCID, 'train.csv')));
  return { dataCID, trainCID, validationCID: await put(validation) };
}

/** A stand-in chain in `phase`; `register` throws 'registered: stop here' after counting the call. */
function setup(task: { dataCID: string; validationCID: string }, o: { phase?: number | (() => number); role?: number } = {}) {
  const home = join(root, `home-${++n}`);
  const rt = new DaemonRuntime({ log: pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() })), role: 'trainer', pollSeconds: 0.01 });
  const events: EventRecord[] = [];
  rt.onEvent((e) => events.push(e));
  const calls: string[] = [];
  const info: ArenaTaskInfo = { dataCID: task.dataCID, submitEnd: 2_000, revealEnd: 3_000, scoreCommitEnd: 4_000, validationRevealed: true, nodeCount: 1, validatorCount: 1, seed: 1n, sampleSize: 3, committerCount: 1 };
  const chain = { root: `0x${'0'.repeat(64)}`, unusable: false, rejectSalt: undefined as string | undefined };
  const arena: Partial<ArenaActions> = {
    getTaskInfo: async () => info,
    getPhase: async () => (typeof o.phase === 'function' ? o.phase() : (o.phase ?? Phase.Submit)),
    getParticipant: async () => ({ role: o.role ?? Role.None, index: 0n }),
    getValidationCID: async () => task.validationCID,
    register: async () => {
      calls.push('register');
      if (o.role === Role.Validator) return { index: 0n, alreadyRegistered: true };
      throw new Error('registered: stop here');
    },
    getSubmission: async () => ({ status: 2, commitment: '0x', modelCID: 'x' }),
    getAssignment: async () => ({ counted: true }),
    getScore: async () => ({ revealed: false }),
    getValidator: async () => ({ scoreRoot: chain.root, unusable: chain.unusable }),
    commitScores: async ({ root }) => {
      calls.push('commitScores');
      chain.root = root;
      return { txHash: '0x1' };
    },
    rejectValidationSet: async ({ salt }) => {
      calls.push('rejectValidationSet');
      chain.unusable = true;
      chain.rejectSalt = salt;
      return { txHash: '0x3' };
    },
    drawSeed: async () => {
      calls.push('drawSeed');
      return { txHash: '0x2' };
    },
  };
  const deps: ArenaDaemonDeps = {
    rt,
    arena: arena as ArenaActions,
    store,
    home,
    chain: { address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', chainId: 31337, now: async () => 1_000, resetNonce: () => undefined },
  };
  return { deps, rt, events, calls, home, chain };
}

async function trainerFails(task: { dataCID: string; validationCID: string }, extra: { modelFile?: string; check?: boolean } = {}) {
  const s = setup(task);
  try {
    const err = await runTrainer({ ...s.deps, taskId: 1n, stake: 0n, backend: 'cpu', ...extra }).then(
      () => new Error('the trainer finished'),
      (e: unknown) => e as Error & { code?: string; exitCode?: number; hint?: string },
    );
    return { err, calls: s.calls, events: s.events };
  } finally {
    s.rt.dispose();
  }
}

describe('the trainer checks the published task before it registers', () => {
  it('training data without its label column: exit 9, never registered', async () => {
    const t = await publish(rows(24, 'a,b,z'));
    const { err, calls } = await trainerFails(t);
    expect(err).toMatchObject({ code: 'TASK_DATA_INVALID', exitCode: 9 });
    expect(err.message).toContain(`task 1's training data ${t.trainCID}`);
    expect(err.message).toMatch(/:1: no label column 'y' \(columns: a, b, z\)$/);
    expect(err.hint).toMatch(/nothing was staked/);
    expect(calls).toEqual([]);
  });

  it('a NaN in the training data: exit 9 naming line and column, never registered', async () => {
    const t = await publish(GOOD.replace('\n2,2,2\n', '\n2,NaN,2\n'));
    const { err, calls } = await trainerFails(t);
    expect(err).toMatchObject({ code: 'TASK_DATA_INVALID', exitCode: 9 });
    expect(err.message).toMatch(/:4: column 'b': "NaN" is not a finite number$/);
    expect(calls).toEqual([]);
  });

  it('1e308 values (trained 8 epochs, then exited 9 "fix the model"): refused before training or staking', async () => {
    const t = await publish(GOOD.replace('\n1,1,1\n', '\n1e308,1,1\n'));
    const { err, calls, events } = await trainerFails(t);
    expect(err).toMatchObject({ code: 'TASK_DATA_INVALID', exitCode: 9 });
    expect(err.message).toMatch(/:3: column 'a': 1e308 is beyond ±1e12/);
    expect(err.message).not.toContain('fix the model');
    expect(events.filter((e) => e.event === 'epoch')).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('--model <missing file>: exit 2 naming the file, never registered', async () => {
    const t = await publish(GOOD);
    const missing = join(root, 'missing.onnx');
    const { err, calls } = await trainerFails(t, { modelFile: missing });
    expect(err).toMatchObject({ code: 'MODEL_FILE', exitCode: 2 });
    expect(err.message).toBe(`--model ${missing}: no such file`);
    expect(calls).toEqual([]);
  });

  it('--model <not ONNX>: exit 9 naming the file, never registered; with --no-check it is the user’s call', async () => {
    const t = await publish(GOOD);
    const garbage = join(root, 'garbage.onnx');
    writeFileSync(garbage, 'not an onnx model'.repeat(20));
    const checked = await trainerFails(t, { modelFile: garbage });
    expect(checked.err).toMatchObject({ code: 'MODEL_INVALID', exitCode: 9 });
    expect(checked.err.message).toMatch(new RegExp(`^--model ${garbage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} fails task 1's model contract: unparsable: `));
    expect(checked.calls).toEqual([]);
    const unchecked = await trainerFails(t, { modelFile: garbage, check: false });
    expect(unchecked.err.message).toBe('registered: stop here');
    expect(unchecked.calls).toEqual(['register']);
  });

  it('good data goes on to register', async () => {
    const { err, calls } = await trainerFails(await publish(GOOD));
    expect(err.message).toBe('registered: stop here');
    expect(calls).toEqual(['register']);
  });
});

describe('the validator', () => {
  it('checks the published training data before it registers', async () => {
    const t = await publish(rows(24, 'a,b,z'));
    const s = setup(t);
    try {
      await expect(runValidator({ ...s.deps, taskId: 1n, stake: 0n })).rejects.toMatchObject({ code: 'TASK_DATA_INVALID', exitCode: 9 });
      expect(s.calls).toEqual([]);
    } finally {
      s.rt.dispose();
    }
  });

  it('a revealed validation set without labels: committed as unusable (salt persisted first), never scored, then rejected in the reveal phase; no exit', async () => {
    const t = await publish(GOOD, rows(24, 'a,b,label'));
    let phase: number = Phase.ScoreCommit;
    const s = setup(t, { phase: () => phase, role: Role.Validator });
    const opens = setInterval(() => s.calls.includes('commitScores') && (phase = Phase.ScoreReveal), 20);
    try {
      const r = await runValidator({ ...s.deps, taskId: 1n, stake: 0n });
      const state = JSON.parse(readFileSync(r.statePath, 'utf8'));
      expect(state.unusable.reason).toContain(`task 1's validation set ${t.validationCID}`);
      expect(state.unusable.reason).toMatch(/:1: no label column 'y' \(columns: a, b, label\)$/);
      expect(state.unusable.commitment).toBe(unusableCommitment(1n, s.deps.chain.address, state.unusable.salt));
      expect(s.chain.root).toBe(state.unusable.commitment);
      expect(s.chain.rejectSalt).toBe(state.unusable.salt);
      expect(s.calls).toEqual(['register', 'commitScores', 'rejectValidationSet']); // no seed drawn, no score committed
      expect(r).toMatchObject({ stopped: false, root: state.unusable.commitment, scores: {}, unusable: { committed: true, rejected: true } });
      expect(s.events.some((e) => e.event === 'model-scored' || e.event === 'model-invalid')).toBe(false);
      expect(s.events.find((e) => e.event === 'validation-unusable')).toMatchObject({ cid: t.validationCID });
      expect(s.events.find((e) => e.event === 'done')).toMatchObject({ rejected: true });
    } finally {
      clearInterval(opens);
      s.rt.dispose();
    }
  });
});
