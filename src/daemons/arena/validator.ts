/**
 * The validator daemon (`flock validate --task <id>`), as a list of steps: register with stake ->
 * in the score-commit phase, fetch the creator's validation set (verified), draw the sampling
 * seed if nobody has, then for each revealed submission assigned to this validator fetch the
 * model (verified CID: refused bytes are an invalid model, a fetch that fails is retried), score it with the
 * engine (a bad model is `{valid: false}`, never a crash) and commit the score (salt persisted
 * first) -> in the score-reveal phase, reveal every committed score.
 */
import type { EvaluationData } from '../../engine/index.js';
import { newSalt, Phase, scoreCommitment, SubmissionStatus } from '../../protocol/arena/index.js';
import { fetchManifest, type TaskManifest } from '../../tasks/manifest.js';
import { toWad } from '../../units/index.js';
import { DONE, GO, runSteps, type Step } from '../kernel/index.js';
import { checkTaskStep } from './check.js';
import { openTask, phaseOf, read, registerStep, secondsUntil, write, type ArenaStateBase, type ArenaStepContext } from './common.js';
import { loadValidation, scoreModel } from './scoring.js';
import type { ArenaDaemonDeps } from './ports.js';

export interface ScoreRecord {
  modelCID: string;
  draw: string;
  /** WAD, as a decimal string. */
  score: string;
  invalid: boolean;
  /** Why the model is invalid (engine code or fetch failure). */
  reason?: string;
  /** The metric's value as a number, for humans. */
  value?: number;
  salt: string;
  commitment: string;
  committed?: { txHash?: string };
  revealed?: { txHash?: string };
}

export interface ValidatorState extends ArenaStateBase {
  registered?: { index: string; txHash?: string };
  kind: 'validator';
  validation?: { cid: string; file: string };
  /** By submission id. */
  scores: Record<string, ScoreRecord>;
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
  scores: Record<string, { score: number | undefined; invalid: boolean; reason?: string; committed: boolean; revealed: boolean }>;
  statePath: string;
  stopped: boolean;
}

/** In memory for this run: the manifest, the loaded validation set, models not fetched yet. */
type C = ArenaStepContext<ValidatorState> & { o: ValidatorOptions; manifest?: TaskManifest; data?: EvaluationData; unavailable?: Set<string>; scoring?: 'over' };

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
    if (ph > Phase.ScoreCommit) return DONE;
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
    c.manifest ??= await fetchManifest(c.store, (await read(c, 'task', () => c.arena.getTaskInfo({ taskId: c.taskId }))).dataCID);
    c.data ??= await loadValidation(c, c.manifest);
    await ensureSeed(c);
    await commitScores(c);
    if (c.rt.stopping) return 'stopped';
    const t = await read(c, 'task', () => c.arena.getTaskInfo({ taskId: c.taskId }));
    c.report.emit({ event: 'waiting', for: 'score-reveal', opensIn: await secondsUntil(c, t.scoreCommitEnd) });
    return 'again'; // until the phase moves on, more revealed submissions may be assigned
  },
};

const reveal: Step<C> = {
  name: 'reveal the scores',
  recorded: (c) => Boolean(c.st.get().done),
  async gate(c) {
    const ph = await phaseOf(c);
    if (ph === Phase.ScoreReveal) return GO;
    if (ph < Phase.ScoreReveal) return { wait: { for: 'score-reveal' } };
    // Finalizing or later: anything committed and not revealed can no longer be revealed.
    return Object.values(c.st.get().scores).some((r) => r.committed && !r.revealed) ? { missed: c.phaseName! } : DONE;
  },
  async run(c) {
    for (const [key, r] of Object.entries(c.st.get().scores)) {
      if (c.rt.stopping) return 'stopped';
      if (r.revealed) continue;
      const id = BigInt(key);
      const onChain = await read(c, 'score', () => c.arena.getScore({ taskId: c.taskId, submissionId: id, validatorIndex: validatorIndex(c) }));
      // A commit mined right before a crash is not in the state file: the chain says it is ours.
      if (onChain.commitment !== r.commitment) continue;
      if (!r.committed) setScore(c, key, { committed: {} });
      if (onChain.revealed) {
        setScore(c, key, { revealed: {} });
        continue;
      }
      const { txHash } = await write(c, `reveal score for submission ${key}`, () =>
        c.arena.revealScore({ taskId: c.taskId, submissionId: id, score: BigInt(r.score), invalid: r.invalid, salt: r.salt }),
      );
      c.rt.crashPoint('reveal');
      setScore(c, key, { revealed: { txHash } });
      c.report.emit({ event: 'score-revealed', submission: key, tx: txHash, already: false });
    }
    c.st.update({ done: true });
  },
};

/** The validator, in order. */
export const VALIDATOR_STEPS: readonly Step<C>[] = [checkTaskStep<ValidatorState, C>(), register, score, reveal];

const validatorIndex = (c: C) => BigInt(c.st.get().registered!.index);
const setScore = (c: C, id: string, patch: Partial<ScoreRecord>) => c.st.update((v) => ({ scores: { ...v.scores, [id]: { ...v.scores[id]!, ...patch } } }));

/**
 * Runs the validator for one task until every assigned score is revealed (or a SIGTERM stops it).
 *
 * @example
 * const r = await runValidator({ rt, arena: client.arena, chain, store, home, taskId: 1n, stake: 0n });
 */
export async function runValidator(o: ValidatorOptions): Promise<ValidatorResult> {
  const { c: base, release } = openTask<ValidatorState>(o, o.taskId, { kind: 'validator', scores: {} }, MISSED_HINT(o.taskId));
  const c: C = { ...base, o };
  try {
    c.report.emit({ event: 'started', state: c.path, resumed: Boolean(c.st.get().registered) });
    if ((await runSteps(c, VALIDATOR_STEPS)) === 'done') {
      c.st.update({ done: true });
      c.report.emit({ event: 'done', scored: Object.keys(c.st.get().scores).length });
    }
  } finally {
    release();
  }
  const s = c.st.get();
  const scores: ValidatorResult['scores'] = {};
  for (const [id, r] of Object.entries(s.scores)) {
    scores[id] = { score: r.value, invalid: r.invalid, reason: r.reason, committed: Boolean(r.committed), revealed: Boolean(r.revealed) };
  }
  return { taskId: o.taskId.toString(), account: c.account, validatorIndex: s.registered?.index, scores, statePath: c.path, stopped: !s.done };
}

/** Scores and commits every assigned, revealed submission not yet committed. */
async function commitScores(c: C): Promise<void> {
  const t = await read(c, 'task', () => c.arena.getTaskInfo({ taskId: c.taskId }));
  for (let id = 0n; id < BigInt(t.nodeCount) && !c.rt.stopping; id++) {
    const key = id.toString();
    const rec = c.st.get().scores[key];
    if (rec?.committed) continue;
    const sub = await read(c, 'submission', () => c.arena.getSubmission({ taskId: c.taskId, submissionId: id }));
    if (sub.status !== SubmissionStatus.Revealed) continue;
    const { assigned, draw } = await read(c, 'assignment', () => c.arena.getAssignment({ taskId: c.taskId, submissionId: id, validatorIndex: validatorIndex(c) }));
    if (!assigned) continue;
    if (!rec) {
      const ev = await scoreModel({ ...c, manifest: c.manifest!, data: c.data!, unavailable: (c.unavailable ??= new Set()) }, sub.modelCID, key);
      if (ev.unavailable) continue;
      const salt = newSalt();
      const wad = ev.invalid ? 0n : toWad(ev.value!);
      c.st.update((v) => ({
        scores: {
          ...v.scores,
          [key]: {
            modelCID: sub.modelCID,
            draw: draw.toString(),
            score: wad.toString(),
            invalid: ev.invalid,
            reason: ev.reason,
            value: ev.value,
            salt,
            commitment: scoreCommitment(c.taskId, id, c.account, wad, ev.invalid, salt),
          },
        },
      }));
    }
    const r = c.st.get().scores[key]!;
    const onChain = await read(c, 'score', () => c.arena.getScore({ taskId: c.taskId, submissionId: id, validatorIndex: validatorIndex(c) }));
    if (onChain.commitment === r.commitment) {
      setScore(c, key, { committed: {} });
      c.report.emit({ event: 'score-committed', submission: key, already: true, score: r.value, invalid: r.invalid, reason: r.reason });
      continue;
    }
    const { txHash } = await write(c, `commit score for submission ${key}`, () => c.arena.commitScore({ taskId: c.taskId, submissionId: id, draw: BigInt(r.draw), commitment: r.commitment }));
    c.rt.crashPoint('commit');
    setScore(c, key, { committed: { txHash } });
    c.report.emit({ event: 'score-committed', submission: key, tx: txHash, already: false, score: r.value, invalid: r.invalid, reason: r.reason });
  }
}

/**
 * When the task samples (more validators than k), nobody is assigned anything until its seed is
 * drawn, and the contract draws it only at a first score commit: every validator would wait on
 * the others. So whoever sees no seed draws it (anyone may; idempotent on chain).
 */
async function ensureSeed(c: C): Promise<void> {
  const t = await read(c, 'task', () => c.arena.getTaskInfo({ taskId: c.taskId }));
  if (t.validatorCount <= t.sampleSize || t.seed !== 0n) return;
  const { txHash } = await write(c, 'draw the sampling seed', () => c.arena.drawSeed({ taskId: c.taskId }));
  c.report.emit({ event: 'seed-drawn', tx: txHash, validators: t.validatorCount, k: t.sampleSize });
}
