/**
 * The validator daemon (`flock validate --task <id>`), as a list of steps: register with stake ->
 * in the score-commit phase, fetch the creator's validation set (verified) and check it, then
 * score EVERY revealed submission (nobody knows yet which scores will count): fetch the model
 * (verified CID: refused bytes are an invalid model, a fetch that fails is retried at the next
 * poll, never invalid), evaluate it with the engine (a bad model is `{valid: false}`, never a
 * crash), give its leaf a salt of its own, and commit the root of the tree of all leaves (the
 * salts and the tree persisted first); a model that becomes available later is scored and the
 * new root committed over the old one, until the phase ends. A validation set that breaks the
 * task's schema is committed as unusable instead -> in the score-reveal phase, draw the sampling
 * seed if the task samples and nobody has, then open the scores that count (Merkle proofs, in
 * batches), or reveal the rejection of the validation set.
 */
import type { EvaluationData } from '../../engine/index.js';
import { AbortError, BugError, isFlockError } from '../../errors/index.js';
import { newSalt, Phase, scoreCommitment, scoreTree, SubmissionStatus, unusableCommitment, ZERO_LEAF } from '../../protocol/arena/index.js';
import { fetchManifest, type TaskManifest } from '../../tasks/manifest.js';
import { toWad } from '../../units/index.js';
import { DONE, GO, missedDeadline, runSteps, type Step } from '../kernel/index.js';
import { checkTaskStep } from './check.js';
import { openTask, phaseOf, read, registerStep, secondsUntil, write, type ArenaStateBase, type ArenaStepContext } from './common.js';
import { loadValidation, scoreModel } from './scoring.js';
import type { ArenaDaemonDeps, ArenaTaskInfo } from './ports.js';

/** One leaf of the score tree: a submission's score, persisted (with its salt) before any root containing it is sent. */
export interface ScoreRecord {
  modelCID: string;
  /** WAD, as a decimal string; 0 when invalid. */
  score: string;
  invalid: boolean;
  /** Why the model is invalid (engine code or fetch failure). */
  reason?: string;
  /** The metric's value as a number, for humans. */
  value?: number;
  /** This leaf's own salt. */
  salt: string;
  /** scoreCommitment(taskId, submission, validator, score, invalid, salt). */
  leaf: string;
  /** The chain holds a root whose tree has this leaf. */
  committed?: { txHash?: string };
  /** Whether the score counts (the task does not sample, or a draw landed on this validator); read in the score-reveal phase. */
  counted?: boolean;
  revealed?: { txHash?: string };
}

/** A score tree this validator built, persisted before its root is sent. */
export interface ScoreTreeRecord {
  root: string;
  /** Leaves before padding: the task's node count. */
  leaves: number;
  /** Submissions whose leaves are in it (every other leaf is zero). */
  submissions: string[];
  committed?: { txHash?: string };
}

export interface ValidatorState extends ArenaStateBase {
  registered?: { index: string; txHash?: string };
  kind: 'validator';
  validation?: { cid: string; file: string };
  /** By submission id. */
  scores: Record<string, ScoreRecord>;
  /** Every tree built, oldest first; the chain's scoreRoot says which one counts. */
  trees: ScoreTreeRecord[];
  /** The validation set breaks the task's schema: committed as unusable (salt persisted first), revealed with rejectValidationSet. */
  unusable?: { cid: string; reason: string; salt: string; commitment: string; committed?: { txHash?: string }; rejected?: { txHash?: string } };
}

export interface ValidatorOptions extends ArenaDaemonDeps {
  taskId: bigint;
  /** gmFLOCK to stake; 0: the task's minimum. */
  stake: bigint;
}

export interface ValidatorResult {
  taskId: string;
  account: string;
  validatorIndex: string | undefined;
  /** The root of the last score tree committed, if any. */
  root: string | undefined;
  scores: Record<string, { score: number | undefined; invalid: boolean; reason?: string; committed: boolean; counted?: boolean; revealed: boolean }>;
  /** Set when the validator found the validation set unusable. */
  unusable?: { reason: string; committed: boolean; rejected: boolean };
  statePath: string;
  stopped: boolean;
}

/**
 * In memory for this run: the manifest, the loaded validation set, models not fetched yet,
 * submissions found unrevealed in the score-commit phase (none can be revealed any more).
 */
type C = ArenaStepContext<ValidatorState> & { o: ValidatorOptions; manifest?: TaskManifest; data?: EvaluationData; unavailable?: Set<string>; unrevealed?: Set<string>; scoring?: 'over' };

/** Score openings per revealScores transaction. */
export const REVEAL_BATCH = 16;

const MISSED_HINT = (taskId: bigint) => `\`flock task show ${taskId}\` shows the phases; validators register while submissions are open`;

const register = registerStep<ValidatorState, C>('validator', (index, txHash) => ({ registered: { index, txHash } }));

/** Scoring happens in the score-commit phase, once the creator revealed the validation set. */
const score: Step<C> = {
  name: 'score the models',
  recorded: (c) => c.scoring === 'over',
  async gate(c) {
    const ph = await phaseOf(c);
    const t = await read(c, 'task', () => c.arena.getTaskInfo({ taskId: c.taskId }));
    if (ph <= Phase.Reveal) return { wait: { for: 'score-commit', phase: c.phaseName, opensIn: await secondsUntil(c, t.revealEnd) } };
    if (ph > Phase.ScoreCommit) return (await missedScoring(c, t)) ? { missed: c.phaseName! } : DONE;
    if (!t.validationRevealed) {
      c.report.emit({ event: 'no-validation-set' });
      return { wait: null };
    }
    return GO;
  },
  adopt(c) {
    c.scoring = 'over';
  },
  async run(c) {
    if (!c.st.get().unusable) await loadValidationSet(c);
    if (c.st.get().unusable) {
      await commitRoot(c, c.st.get().unusable!.commitment, (txHash) => commitUnusableRecorded(c, txHash));
    } else {
      await scoreSubmissions(c);
      if (c.rt.stopping) return 'stopped';
      await commitTree(c);
    }
    if (c.rt.stopping) return 'stopped';
    const t = await read(c, 'task', () => c.arena.getTaskInfo({ taskId: c.taskId }));
    c.report.emit({ event: 'waiting', for: 'score-reveal', opensIn: await secondsUntil(c, t.scoreCommitEnd) });
    return 'again'; // until the phase moves on: an unavailable model may become scoreable, a lost root is committed again
  },
};

/**
 * The score-commit phase is over and this validator committed nothing although there was
 * something to score (a daemon started late, or asleep through `warp 1h && warp 1h`): it missed
 * the phase, which must be said (exit 8), not reported as done.
 */
async function missedScoring(c: C, t: ArenaTaskInfo): Promise<boolean> {
  if (!t.validationRevealed) return false; // nothing could be scored: the task is cancelled
  if (c.st.get().trees.some((tr) => tr.committed) || c.st.get().unusable?.committed) return false; // a root the chain lost: the reveal step says so
  const v = await read(c, 'validator', () => c.arena.getValidator({ taskId: c.taskId, validatorIndex: validatorIndex(c) }));
  if (BigInt(v.scoreRoot) !== 0n || v.unusable) return false;
  for (let id = 0n; id < BigInt(t.nodeCount); id++) {
    const sub = await read(c, 'submission', () => c.arena.getSubmission({ taskId: c.taskId, submissionId: id }));
    if (sub.status === SubmissionStatus.Revealed) return true;
  }
  return false;
}

const reveal: Step<C> = {
  name: 'reveal the scores',
  recorded: (c) => Boolean(c.st.get().done),
  async gate(c) {
    const ph = await phaseOf(c);
    if (ph === Phase.ScoreReveal) return GO;
    if (ph < Phase.ScoreReveal) return { wait: { for: 'score-reveal' } };
    // Finalizing or later: whatever is still owed can no longer be revealed.
    const o = await owed(c);
    return o.kind === 'none' || (o.kind === 'open' && o.ids.length === 0) ? DONE : { missed: c.phaseName! };
  },
  async run(c) {
    let o = await owed(c);
    if (o.kind === 'lost') throw missedDeadline(c.taskId, c.phaseName!, 'commit the scores again (the chain lost them)', MISSED_HINT(c.taskId));
    if (o.kind === 'seed') {
      const { txHash } = await write(c, 'draw the sampling seed', () => c.arena.drawSeed({ taskId: c.taskId }));
      const t = await read(c, 'task', () => c.arena.getTaskInfo({ taskId: c.taskId }));
      c.report.emit({ event: 'seed-drawn', tx: txHash, committers: t.committerCount, k: t.sampleSize });
      o = await owed(c);
      if (o.kind === 'seed') throw new BugError(`task ${c.taskId}: the sampling seed is still zero after drawSeed`);
    }
    if (o.kind === 'reject') {
      const u = c.st.get().unusable!;
      const { txHash } = await write(c, 'reject the validation set', () => c.arena.rejectValidationSet({ taskId: c.taskId, salt: u.salt }));
      c.rt.crashPoint('reveal');
      c.st.update({ unusable: { ...u, rejected: { txHash } } });
      c.report.emit({ event: 'validation-rejected', tx: txHash, already: false });
    }
    if (o.kind === 'open' && o.ids.length > 0) {
      const tree = rebuild(c, o.tree);
      for (let i = 0; i < o.ids.length; i += REVEAL_BATCH) {
        if (c.rt.stopping) return 'stopped';
        const batch = o.ids.slice(i, i + REVEAL_BATCH);
        const openings = batch.map((id) => {
          const r = c.st.get().scores[id]!;
          return { submissionId: BigInt(id), score: BigInt(r.score), invalid: r.invalid, salt: r.salt, proof: tree.proof(Number(id)) };
        });
        const { txHash } = await write(c, 'reveal scores', () => c.arena.revealScores({ taskId: c.taskId, openings }));
        c.rt.crashPoint('reveal');
        c.st.update((v) => ({ scores: { ...v.scores, ...Object.fromEntries(batch.map((id) => [id, { ...v.scores[id]!, revealed: { txHash } }])) } }));
        for (const id of batch) c.report.emit({ event: 'score-revealed', submission: id, tx: txHash, already: false });
      }
    }
    c.st.update({ done: true });
  },
};

/** The validator, in order. */
export const VALIDATOR_STEPS: readonly Step<C>[] = [checkTaskStep<ValidatorState, C>(), register, score, reveal];

const validatorIndex = (c: C) => BigInt(c.st.get().registered!.index);
const setScore = (c: C, id: string, patch: Partial<ScoreRecord>) => c.st.update((v) => ({ scores: { ...v.scores, [id]: { ...v.scores[id]!, ...patch } } }));
const sameHash = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * Runs the validator for one task until every score of it that counts is revealed (or a SIGTERM
 * stops it).
 *
 * @example
 * const r = await runValidator({ rt, arena: client.arena, chain, store, home, taskId: 1n, stake: 0n });
 */
export async function runValidator(o: ValidatorOptions): Promise<ValidatorResult> {
  const { c: base, release } = openTask<ValidatorState>(o, o.taskId, { kind: 'validator', scores: {}, trees: [] }, MISSED_HINT(o.taskId));
  const c: C = { ...base, o };
  try {
    c.report.emit({ event: 'started', state: c.path, resumed: Boolean(c.st.get().registered) });
    if ((await runSteps(c, VALIDATOR_STEPS)) === 'done') {
      c.st.update({ done: true });
      const s = c.st.get();
      c.report.emit({ event: 'done', scored: Object.values(s.scores).filter((r) => r.revealed).length, ...(s.unusable ? { rejected: Boolean(s.unusable.rejected) } : {}) });
    }
  } finally {
    release();
  }
  const s = c.st.get();
  const scores: ValidatorResult['scores'] = {};
  for (const [id, r] of Object.entries(s.scores)) {
    scores[id] = { score: r.value, invalid: r.invalid, reason: r.reason, committed: Boolean(r.committed), counted: r.counted, revealed: Boolean(r.revealed) };
  }
  const committedTree = [...(s.trees ?? [])].reverse().find((t) => t.committed);
  return {
    taskId: o.taskId.toString(),
    account: c.account,
    validatorIndex: s.registered?.index,
    root: s.unusable?.committed ? s.unusable.commitment : committedTree?.root,
    scores,
    ...(s.unusable ? { unusable: { reason: s.unusable.reason, committed: Boolean(s.unusable.committed), rejected: Boolean(s.unusable.rejected) } } : {}),
    statePath: c.path,
    stopped: !s.done,
  };
}

// ---------------------------------------------------------------- score-commit phase

/**
 * Downloads and checks the revealed validation set (once per run). One that breaks the task's
 * schema is the creator's fault: the validator records it as unusable, with the salt of its
 * unusable commitment, instead of scoring (it commits and reveals that, it does not exit).
 */
async function loadValidationSet(c: C): Promise<void> {
  if (c.data) return;
  c.manifest ??= await fetchManifest(c.store, (await read(c, 'task', () => c.arena.getTaskInfo({ taskId: c.taskId }))).dataCID);
  try {
    c.data = await loadValidation(c, c.manifest);
  } catch (e) {
    if (!(isFlockError(e) && e.code === 'TASK_DATA_INVALID')) throw e;
    const salt = newSalt();
    const cid = c.st.get().validation?.cid ?? '';
    c.st.update({ unusable: { cid, reason: (e as Error).message, salt, commitment: unusableCommitment(c.taskId, c.account, salt) } });
    c.report.emit({ event: 'validation-unusable', cid, reason: (e as Error).message });
  }
}

/**
 * Scores every revealed submission not scored yet, each leaf with its own salt, persisted at
 * once. A model that cannot be fetched now is skipped (asked again at the next poll).
 */
async function scoreSubmissions(c: C): Promise<void> {
  const t = await read(c, 'task', () => c.arena.getTaskInfo({ taskId: c.taskId }));
  c.unrevealed ??= new Set();
  c.unavailable ??= new Set();
  for (let id = 0n; id < BigInt(t.nodeCount) && !c.rt.stopping; id++) {
    const key = id.toString();
    if (c.st.get().scores[key] || c.unrevealed.has(key)) continue;
    const sub = await read(c, 'submission', () => c.arena.getSubmission({ taskId: c.taskId, submissionId: id }));
    if (sub.status !== SubmissionStatus.Revealed) {
      c.unrevealed.add(key); // the reveal phase is over: it never will be
      continue;
    }
    const ev = await scoreModel({ ...c, manifest: c.manifest!, data: c.data!, unavailable: c.unavailable }, sub.modelCID, key);
    if (ev.unavailable) continue;
    const salt = newSalt();
    const wad = ev.invalid ? 0n : toWad(ev.value!);
    const rec: ScoreRecord = {
      modelCID: sub.modelCID,
      score: wad.toString(),
      invalid: ev.invalid,
      reason: ev.reason,
      value: ev.value,
      salt,
      leaf: scoreCommitment(c.taskId, id, c.account, wad, ev.invalid, salt),
    };
    c.st.update((v) => ({ scores: { ...v.scores, [key]: rec } }));
  }
}

/** The tree over every leaf scored so far: persisted, then its root committed unless the chain has it. */
async function commitTree(c: C): Promise<void> {
  const t = await read(c, 'task', () => c.arena.getTaskInfo({ taskId: c.taskId }));
  const submissions = Object.keys(c.st.get().scores)
    .filter((id) => Number(id) < t.nodeCount)
    .sort((a, b) => Number(a) - Number(b));
  if (submissions.length === 0) return; // nothing scored (yet): nothing to commit to
  const rec: ScoreTreeRecord = { root: '', leaves: t.nodeCount, submissions };
  rec.root = rebuild(c, rec).root;
  if (!c.st.get().trees.some((x) => sameHash(x.root, rec.root))) c.st.update((v) => ({ trees: [...v.trees, rec] }));
  await commitRoot(c, rec.root, (txHash) => {
    setTree(c, rec.root, { committed: { txHash } });
    c.report.emit({ event: 'scores-committed', root: rec.root, scores: submissions.length, unavailable: c.unavailable?.size ?? 0, tx: txHash, already: txHash === undefined });
  });
}

/**
 * Commits `root` (persisted beforehand) unless the chain already holds it as this validator's
 * commitment (a send whose answer was lost, a restart): `recorded(txHash)` records it either way,
 * with no hash for one found on chain. Called at every poll of the phase, so a root the chain
 * lost is sent again.
 */
async function commitRoot(c: C, root: string, recorded: (txHash?: string) => void): Promise<void> {
  const v = await read(c, 'validator', () => c.arena.getValidator({ taskId: c.taskId, validatorIndex: validatorIndex(c) }));
  if (sameHash(v.scoreRoot, root)) {
    if (!isRecorded(c, root)) recorded(undefined);
    return;
  }
  // Scoring takes a while: a phase that ended meanwhile is not a revert (the step's gate moves on).
  if ((await phaseOf(c)) !== Phase.ScoreCommit) return;
  const { txHash } = await write(c, 'commit scores', () => c.arena.commitScores({ taskId: c.taskId, root }));
  c.rt.crashPoint('commit');
  recorded(txHash);
}

function commitUnusableRecorded(c: C, txHash?: string): void {
  const u = c.st.get().unusable!;
  c.st.update({ unusable: { ...u, committed: { txHash } } });
  c.report.emit({ event: 'unusable-committed', commitment: u.commitment, tx: txHash, already: txHash === undefined });
}

/** Whether the state file records `root` as committed. */
function isRecorded(c: C, root: string): boolean {
  const s = c.st.get();
  if (s.unusable && sameHash(s.unusable.commitment, root)) return Boolean(s.unusable.committed);
  const tree = s.trees.find((x) => sameHash(x.root, root));
  return Boolean(tree?.committed && tree.submissions.every((id) => s.scores[id]?.committed));
}

/** Patches a tree record; when it is committed, each of its leaves is recorded as committed with it. */
function setTree(c: C, root: string, patch: Partial<ScoreTreeRecord>): void {
  c.st.update((v) => {
    const trees = v.trees.map((x) => (sameHash(x.root, root) ? { ...x, ...patch } : x));
    const tree = trees.find((x) => sameHash(x.root, root))!;
    const scores = { ...v.scores };
    if (tree.committed) for (const id of tree.submissions) scores[id] = { ...scores[id]!, committed: tree.committed };
    return { trees, scores };
  });
}

/** The score tree of a record, from the persisted leaves; a BugError if it does not give the recorded root. */
function rebuild(c: C, rec: ScoreTreeRecord) {
  const scores = c.st.get().scores;
  const inTree = new Set(rec.submissions);
  const tree = scoreTree(Array.from({ length: rec.leaves }, (_, i) => (inTree.has(String(i)) ? scores[String(i)]!.leaf : ZERO_LEAF)));
  if (rec.root !== '' && !sameHash(tree.root, rec.root)) throw new BugError(`score tree ${rec.root} rebuilt as ${tree.root}: the state file's leaves changed`);
  return tree;
}

// ---------------------------------------------------------------- score-reveal phase

/** What this validator still has to reveal, read from the chain (and adopted into the state file). */
type Owed =
  /** Nothing committed, or everything revealed. */
  | { kind: 'none' }
  /** The state file records a commit the chain does not have (rolled back) and the score-commit phase is over. */
  | { kind: 'lost' }
  /** Its "validation set unusable", not revealed yet. */
  | { kind: 'reject' }
  /** The task samples and its seed is not drawn: which scores count is not known yet. */
  | { kind: 'seed' }
  /** The counted leaves of the committed tree not opened yet. */
  | { kind: 'open'; tree: ScoreTreeRecord; ids: string[] };

async function owed(c: C): Promise<Owed> {
  const v = await read(c, 'validator', () => c.arena.getValidator({ taskId: c.taskId, validatorIndex: validatorIndex(c) }));
  const s = c.st.get();
  // A commit recorded in the state file and gone from the chain (a reorg, a devnet restarted from
  // older state) can no longer be made again: the score-commit phase is over.
  if (BigInt(v.scoreRoot) === 0n) return s.unusable?.committed || s.trees.some((x) => x.committed) ? { kind: 'lost' } : { kind: 'none' };
  if (s.unusable && sameHash(v.scoreRoot, s.unusable.commitment)) {
    if (!s.unusable.committed) commitUnusableRecorded(c);
    if (!v.unusable) return { kind: 'reject' };
    if (!c.st.get().unusable!.rejected) {
      c.st.update({ unusable: { ...c.st.get().unusable!, rejected: {} } });
      c.report.emit({ event: 'validation-rejected', already: true });
    }
    return { kind: 'none' };
  }
  const tree = s.trees.find((x) => sameHash(x.root, v.scoreRoot));
  if (!tree) {
    throw new AbortError(`the chain holds score root ${v.scoreRoot} for this validator, which its state file ${c.path} does not know: its scores cannot be revealed`, {
      code: 'BAD_DAEMON_STATE',
      hint: 'was the state file replaced, or the account used by another validator? Restore the state file of the run that committed',
    });
  }
  if (!isRecorded(c, tree.root)) {
    setTree(c, tree.root, { committed: tree.committed ?? {} });
    c.report.emit({ event: 'scores-committed', root: tree.root, scores: tree.submissions.length, already: true });
  }
  const t = await read(c, 'task', () => c.arena.getTaskInfo({ taskId: c.taskId }));
  if (t.committerCount > t.sampleSize && t.seed === 0n) return { kind: 'seed' };
  const ids: string[] = [];
  for (const id of tree.submissions) {
    const r = c.st.get().scores[id]!;
    if (r.revealed) continue;
    const { counted } = await read(c, 'assignment', () => c.arena.getAssignment({ taskId: c.taskId, submissionId: BigInt(id), validatorIndex: validatorIndex(c) }));
    if (r.counted !== counted) setScore(c, id, { counted });
    if (!counted) continue;
    const onChain = await read(c, 'score', () => c.arena.getScore({ taskId: c.taskId, submissionId: BigInt(id), validatorIndex: validatorIndex(c) }));
    if (onChain.revealed) {
      // A reveal mined right before a crash (or whose answer was lost) is not in the state file.
      setScore(c, id, { revealed: {} });
      c.report.emit({ event: 'score-revealed', submission: id, already: true });
      continue;
    }
    ids.push(id);
  }
  return { kind: 'open', tree, ids };
}
