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
import { parseTaskSpec } from '../../../src/engine/index.js';
import { modelCommitment, newSalt, Phase, Role, scoreCommitment, scoreTree, SubmissionStatus, unusableCommitment, verifyScoreProof, type ScoreOpening } from '../../../src/protocol/arena/index.js';
import { buildManifest, encodeManifest } from '../../../src/tasks/manifest.js';
import { toWad } from '../../../src/units/index.js';
import { gemmSoftmax } from '../../fixtures/engine/handmade.js';
import { cidOf } from '../../../src/storage/cid.js';
import { DirectoryStore } from '../../../src/storage/directory.js';

const ACCOUNT = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ZERO = `0x${'0'.repeat(64)}`;
const transient = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8545'), { code: 'SERVER_ERROR' });
const reverted = (name: string) => Object.assign(new Error(`execution reverted: ${name}`), { code: 'CALL_EXCEPTION' });

/** A stand-in for the chain: the calls made, transient failures and lost answers on demand, the phase set by the test. */
class StandIn {
  phase: number = Phase.Submit;
  calls: string[] = [];
  /** Calls that fail with a transient error, this many times each. */
  down: Record<string, number> = {};
  /** Calls whose effect lands but whose answer is lost (a transient error after the send). */
  lostAnswer = new Set<string>();

  protected async call<T>(name: string, effect: () => T): Promise<T> {
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
}

/** One task with one submission, as its trainer sees it. */
class Chain extends StandIn implements Partial<ArenaActions> {
  sub = { status: SubmissionStatus.Registered as number, commitment: ZERO, modelCID: '' };

  getTaskInfo = () => this.call('getTaskInfo', (): ArenaTaskInfo => ({ dataCID: 'x', submitEnd: 2_000, revealEnd: 3_000, scoreCommitEnd: 4_000, validationRevealed: true, nodeCount: 1, validatorCount: 1, seed: 1n, sampleSize: 7, committerCount: 1 }));
  getParticipant = () => this.call('getParticipant', () => ({ role: Role.Node, index: 0n }));
  getSubmission = () => this.call('getSubmission', () => ({ ...this.sub }));
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
}

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'flock-faults-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function deps(chain: StandIn) {
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
  writeJsonAtomic(statePath(home, 'trainer', 31337, 1n, ACCOUNT), s);
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

/**
 * One task as a validator sees it: submissions (revealed or not, with their model CIDs), this
 * validator's score root, and what the chain does with openings: each is checked against the root
 * exactly as ScoreTree.verify does, so the daemon's tree and proofs are checked too.
 */
class ScoringChain extends StandIn implements Partial<ArenaActions> {
  subs: { status: number; modelCID: string }[] = [];
  dataCID = 'x';
  validationCID = 'x';
  root = ZERO;
  unusable = false;
  seed = 0n;
  committerCount = 1;
  sampleSize = 7;
  /** Whether this validator's score of a submission counts once the seed is drawn (all, by default). */
  counts: (id: number) => boolean = () => true;
  opened = new Map<number, { score: bigint; invalid: boolean; txHash: string }>();
  batches: number[] = [];
  roots: string[] = [];

  private sampled = (id: number) => (this.committerCount <= this.sampleSize ? true : this.seed !== 0n && this.counts(id));
  getTaskInfo = () =>
    this.call('getTaskInfo', (): ArenaTaskInfo => ({
      dataCID: this.dataCID,
      submitEnd: 2_000,
      revealEnd: 3_000,
      scoreCommitEnd: 4_000,
      validationRevealed: true,
      nodeCount: this.subs.length,
      validatorCount: this.committerCount,
      seed: this.seed,
      sampleSize: this.sampleSize,
      committerCount: this.committerCount,
    }));
  getParticipant = () => this.call('getParticipant', () => ({ role: Role.Validator, index: 0n }));
  register = () => this.call('register', () => ({ index: 0n, alreadyRegistered: true }));
  getValidationCID = () => this.call('getValidationCID', () => this.validationCID);
  getSubmission = ({ submissionId }: { submissionId: bigint }) => this.call('getSubmission', () => ({ commitment: ZERO, ...this.subs[Number(submissionId)]! }));
  getValidator = () => this.call('getValidator', () => ({ scoreRoot: this.root, unusable: this.unusable }));
  getScore = ({ submissionId }: { submissionId: bigint }) => this.call('getScore', () => ({ revealed: this.opened.has(Number(submissionId)) }));
  getAssignment = ({ submissionId }: { submissionId: bigint }) => this.call('getAssignment', () => ({ counted: this.sampled(Number(submissionId)) }));
  drawSeed = () =>
    this.call('drawSeed', () => {
      if (this.phase !== Phase.ScoreReveal) throw reverted('ArenaNotInPhase');
      this.seed ||= 7n;
      return { txHash: '0xseed' };
    });
  commitScores = ({ root }: { root: string }) =>
    this.call('commitScores', () => {
      if (this.phase !== Phase.ScoreCommit) throw reverted('ArenaNotInPhase');
      if (BigInt(root) === 0n) throw reverted('ArenaZeroCommitment');
      this.root = root;
      this.roots.push(root);
      return { txHash: `0xroot${this.roots.length}` };
    });
  revealScores = ({ openings }: { openings: ScoreOpening[] }) =>
    this.call('revealScores', () => {
      if (this.phase !== Phase.ScoreReveal) throw reverted('ArenaNotInPhase');
      if (openings.length === 0) throw reverted('ArenaBadBatch');
      if (BigInt(this.root) === 0n || this.unusable) throw reverted('ArenaNothingCommitted');
      this.seed ||= 7n;
      const txHash = `0xopen${this.batches.length + 1}`;
      for (const o of openings) {
        const id = Number(o.submissionId);
        if (this.subs[id]?.status !== SubmissionStatus.Revealed) throw reverted('ArenaSubmissionNotRevealed');
        if (this.opened.has(id)) throw reverted('ArenaAlreadyRevealed');
        if (!this.sampled(id)) throw reverted('ArenaNotSampled');
        const leaf = scoreCommitment(1n, o.submissionId, ACCOUNT, o.score, o.invalid, o.salt);
        if (o.proof.length !== depthOf(this.subs.length) || !verifyScoreProof(this.root, leaf, id, o.proof)) throw reverted('ArenaCommitmentMismatch');
        this.opened.set(id, { score: o.score, invalid: o.invalid, txHash });
      }
      this.batches.push(openings.length);
      return { txHash };
    });
  rejectValidationSet = ({ salt }: { salt: string }) =>
    this.call('rejectValidationSet', () => {
      if (this.phase !== Phase.ScoreReveal) throw reverted('ArenaNotInPhase');
      if (this.unusable) throw reverted('ArenaAlreadyRevealed');
      if (unusableCommitment(1n, ACCOUNT, salt) !== this.root) throw reverted('ArenaCommitmentMismatch');
      this.unusable = true;
      return { txHash: '0xreject' };
    });
}

const depthOf = (n: number) => Math.ceil(Math.log2(Math.max(n, 1)));

/** A tiny classification task in the store: manifest, validation set; models by `put`. */
async function publishTask(store: DirectoryStore, validation = tinyRows(24)) {
  const trainCID = await store.put(new TextEncoder().encode(tinyRows(24)));
  const dataCID = await store.put(encodeManifest(buildManifest(TINY, trainCID, 'train.csv')));
  const validationCID = await store.put(new TextEncoder().encode(validation));
  return { dataCID, validationCID };
}
const TINY = parseTaskSpec({
  name: 'tiny',
  data: { train: 'train.csv' },
  schema: { features: ['a', 'b'], label: 'y', taskType: 'classification', numClasses: 3 },
  metric: { name: 'accuracy' },
  contract: { inputShape: [2], outputShape: [3], maxParams: 10_000, maxBytes: 1_000_000 },
});
const tinyRows = (k: number, header = 'a,b,y') => [header, ...Array.from({ length: k }, (_, i) => `${i % 4},${i % 5},${i % 3}`)].join('\n') + '\n';
/** A model that always says class `c`: accuracy 1/3 on tinyRows (labels cycle 0, 1, 2). */
const constantModel = (c: number) => gemmSoftmax(2, 3, [0, 1, 2].map((k) => (k === c ? 5 : 0)));

/** A validator state file with scores of `ids` (accuracy 0.5 each) and their tree, as recorded before the commit was sent. */
function validatorState(ids: number[], nodeCount: number, committed = false): { root: string; state: ValidatorState } {
  const scores: ValidatorState['scores'] = {};
  for (const id of ids) {
    const salt = newSalt();
    const wad = 5n * 10n ** 17n;
    scores[String(id)] = { modelCID: `bafk${id}`, score: wad.toString(), invalid: false, value: 0.5, salt, leaf: scoreCommitment(1n, BigInt(id), ACCOUNT, wad, false, salt), ...(committed ? { committed: {} } : {}) };
  }
  const leaves = Array.from({ length: nodeCount }, (_, i) => scores[String(i)]?.leaf ?? ZERO);
  const root = scoreTree(leaves).root;
  const state: ValidatorState = {
    kind: 'validator',
    chainId: 31337,
    taskId: '1',
    account: ACCOUNT,
    startedAt: new Date().toISOString(),
    registered: { index: '0' },
    scores,
    trees: [{ root, leaves: nodeCount, submissions: ids.map(String), ...(committed ? { committed: {} } : {}) }],
  };
  writeJsonAtomic(statePath(home, 'validator', 31337, 1n, ACCOUNT), state);
  return { root, state };
}

describe('validator under faults', () => {
  it('scores every revealed model, commits one root whose lost answer is recognised on chain (sent once), then opens every counted leaf', async () => {
    const chain = new ScoringChain();
    const { d, rt, events } = deps(chain);
    Object.assign(chain, await publishTask(d.store as DirectoryStore));
    const good = await d.store.put(constantModel(0));
    const garbage = await d.store.put(new TextEncoder().encode('not an onnx model'.repeat(8)));
    chain.subs = [
      { status: SubmissionStatus.Revealed, modelCID: good },
      { status: SubmissionStatus.Committed, modelCID: '' }, // withheld: its leaf is zero
      { status: SubmissionStatus.Revealed, modelCID: garbage },
    ];
    chain.phase = Phase.ScoreCommit;
    chain.lostAnswer.add('commitScores');
    const opens = setInterval(() => BigInt(chain.root) !== 0n && (chain.phase = Phase.ScoreReveal), 20);
    const r = await runValidator({ ...d, taskId: 1n, stake: 0n });
    clearInterval(opens);
    expect(chain.calls.filter((c) => c === 'commitScores')).toHaveLength(1);
    expect(r.stopped).toBe(false);
    expect(r.root).toBe(chain.root);
    expect([...chain.opened.keys()].sort()).toEqual([0, 2]);
    expect(chain.opened.get(0)).toMatchObject({ invalid: false, score: toWad(1 / 3) });
    expect(chain.opened.get(2)).toMatchObject({ invalid: true, score: 0n });
    expect(chain.batches).toEqual([2]); // one transaction
    expect(r.scores['0']).toMatchObject({ committed: true, counted: true, revealed: true, invalid: false });
    expect(r.scores['2']).toMatchObject({ committed: true, counted: true, revealed: true, invalid: true });
    expect(r.scores['1']).toBeUndefined();
    expect(events.filter((e) => e.event === 'scores-committed').map((e) => (e as { already: boolean }).already)).toEqual([true]);
    rt.dispose();
  });

  it('killed right after its score commit and restarted in the reveal phase, it reveals', async () => {
    const chain = new ScoringChain();
    chain.subs = [{ status: SubmissionStatus.Revealed, modelCID: 'bafk0' }];
    const { root } = validatorState([0], 1); // the tree was persisted, the commit mined, the record lost
    chain.root = root;
    chain.phase = Phase.ScoreReveal;
    const { d, rt } = deps(chain);
    const r = await runValidator({ ...d, taskId: 1n, stake: 0n });
    expect(chain.calls).toContain('revealScores');
    expect(chain.calls).not.toContain('commitScores');
    expect(chain.opened.get(0)).toMatchObject({ score: 5n * 10n ** 17n, invalid: false });
    expect(r.scores['0']).toMatchObject({ committed: true, revealed: true });
    rt.dispose();
  });

  it('a reveal whose answer was lost is recognised on chain, not sent again', async () => {
    const chain = new ScoringChain();
    chain.subs = [0, 1, 2].map((i) => ({ status: SubmissionStatus.Revealed, modelCID: `bafk${i}` }));
    chain.root = validatorState([0, 1, 2], 3, true).root;
    chain.phase = Phase.ScoreReveal;
    chain.lostAnswer.add('revealScores');
    const { d, rt, events } = deps(chain);
    const r = await runValidator({ ...d, taskId: 1n, stake: 0n });
    expect(chain.calls.filter((c) => c === 'revealScores')).toHaveLength(1);
    expect(chain.opened.size).toBe(3);
    expect(events.filter((e) => e.event === 'score-revealed').every((e) => (e as { already: boolean }).already)).toBe(true);
    expect(Object.values(r.scores).every((x) => x.revealed)).toBe(true);
    rt.dispose();
  });

  it('a sampling task: draws the seed nobody drew, opens only the counted leaves, 16 per transaction', async () => {
    const chain = new ScoringChain();
    const ids = Array.from({ length: 40 }, (_, i) => i);
    chain.subs = ids.map((i) => ({ status: SubmissionStatus.Revealed, modelCID: `bafk${i}` }));
    chain.committerCount = 9;
    chain.counts = (id) => id % 2 === 0;
    const { root } = validatorState(ids, 40, true);
    chain.root = root;
    chain.phase = Phase.ScoreReveal;
    const { d, rt, events } = deps(chain);
    const r = await runValidator({ ...d, taskId: 1n, stake: 0n });
    expect(chain.calls.filter((c) => c === 'drawSeed')).toHaveLength(1);
    expect(events.find((e) => e.event === 'seed-drawn')).toMatchObject({ committers: 9, k: 7 });
    expect(chain.batches).toEqual([16, 4]);
    expect([...chain.opened.keys()].sort((a, b) => a - b)).toEqual(ids.filter((i) => i % 2 === 0));
    expect(r.scores['1']).toMatchObject({ committed: true, counted: false, revealed: false });
    expect(r.scores['2']).toMatchObject({ committed: true, counted: true, revealed: true });
    rt.dispose();
  });

  it('a counted score still unopened when the reveal phase is over is a missed deadline (exit 8)', async () => {
    const chain = new ScoringChain();
    chain.subs = [{ status: SubmissionStatus.Revealed, modelCID: 'bafk0' }];
    chain.root = validatorState([0], 1, true).root;
    chain.phase = Phase.Finalizing;
    const { d, rt } = deps(chain);
    await expect(runValidator({ ...d, taskId: 1n, stake: 0n })).rejects.toMatchObject({ code: 'DEADLINE_MISSED', exitCode: 8 });
    expect(chain.calls).not.toContain('revealScores');
    rt.dispose();
  });

  it('a root the chain lost, found only after the score-commit phase, is a missed deadline (exit 8), not a revert', async () => {
    const chain = new ScoringChain();
    chain.subs = [{ status: SubmissionStatus.Revealed, modelCID: 'bafk0' }];
    validatorState([0], 1, true); // recorded as committed; the chain has no root (rolled back)
    chain.phase = Phase.ScoreReveal;
    const { d, rt } = deps(chain);
    await expect(runValidator({ ...d, taskId: 1n, stake: 0n })).rejects.toMatchObject({ code: 'DEADLINE_MISSED', exitCode: 8, message: expect.stringMatching(/too late to commit the scores again/) });
    expect(chain.calls).not.toContain('revealScores');
    expect(chain.calls).not.toContain('commitScores');
    rt.dispose();
  });

  it('a registered validator that first looks after the score-commit phase says it missed it (exit 8), not "done"', async () => {
    const chain = new ScoringChain();
    chain.subs = [{ status: SubmissionStatus.Revealed, modelCID: 'bafk0' }];
    const { state } = validatorState([], 1); // registered, nothing scored (the daemon slept through `warp 1h && warp 1h`)
    writeJsonAtomic(statePath(home, 'validator', 31337, 1n, ACCOUNT), { ...state, trees: [] });
    chain.phase = Phase.ScoreReveal;
    const { d, rt } = deps(chain);
    await expect(runValidator({ ...d, taskId: 1n, stake: 0n })).rejects.toMatchObject({ code: 'DEADLINE_MISSED', exitCode: 8, message: 'task 1 is already in its score-reveal phase: too late to score the models' });
    expect(chain.calls).not.toContain('commitScores');
    rt.dispose();
  });

  it('nothing was revealed to score: a validator that looks after the score-commit phase is done, not late', async () => {
    const chain = new ScoringChain();
    chain.subs = [{ status: SubmissionStatus.Committed, modelCID: '' }];
    const { state } = validatorState([], 1);
    writeJsonAtomic(statePath(home, 'validator', 31337, 1n, ACCOUNT), { ...state, trees: [] });
    chain.phase = Phase.ScoreReveal;
    const { d, rt } = deps(chain);
    const r = await runValidator({ ...d, taskId: 1n, stake: 0n });
    expect(r.stopped).toBe(false);
    rt.dispose();
  });

  it('an unavailable model is never invalid: the root is committed without it, and again with it once it can be fetched', async () => {
    const chain = new ScoringChain();
    const { d, rt, events } = deps(chain);
    Object.assign(chain, await publishTask(d.store as DirectoryStore));
    const later = constantModel(1);
    chain.subs = [
      { status: SubmissionStatus.Revealed, modelCID: await d.store.put(constantModel(0)) },
      { status: SubmissionStatus.Revealed, modelCID: cidOf(later) }, // not in the store yet
    ];
    chain.phase = Phase.ScoreCommit;
    let uploaded = false;
    const script = setInterval(() => {
      if (chain.roots.length === 1 && !uploaded) {
        uploaded = true;
        void d.store.put(later);
      }
      if (chain.roots.length === 2) chain.phase = Phase.ScoreReveal;
    }, 20);
    const r = await runValidator({ ...d, taskId: 1n, stake: 0n });
    clearInterval(script);
    expect(chain.roots).toHaveLength(2);
    expect(chain.root).toBe(chain.roots[1]);
    expect(events.filter((e) => e.event === 'model-unavailable')).toHaveLength(1);
    expect(events.some((e) => e.event === 'model-invalid')).toBe(false);
    expect(events.filter((e) => e.event === 'scores-committed').map((e) => (e as { scores: number; unavailable?: number }).scores)).toEqual([1, 2]);
    expect(events.find((e) => e.event === 'scores-committed')).toMatchObject({ unavailable: 1 });
    expect(chain.opened.get(1)).toMatchObject({ invalid: false, score: toWad(1 / 3) });
    expect(r.scores['1']).toMatchObject({ invalid: false, committed: true, revealed: true });
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
