/**
 * The lazy validator: it commits one root over the same score for every revealed model without
 * running any, then opens the leaves drawn to count. No command plays this part, so it acts
 * through protocol actions; its salts stay in memory (a demo, not a daemon).
 */
import { newSalt, scoreCommitment, scoreTree, SubmissionStatus, ZERO_LEAF } from '../../protocol/arena/index.js';
import { toWad } from '../../units/index.js';
import type { Actor, DemoDeps } from './cast.js';

/** What the lazy validator says of every model. */
export const LAZY_SCORE = 0.5;

export interface LazyCommit {
  tree: ReturnType<typeof scoreTree>;
  leaves: { submission: bigint; score: bigint; salt: string }[];
}

/** Commits one root over LAZY_SCORE for every revealed model. */
export async function lazyCommit(d: DemoDeps, a: Actor, taskId: bigint): Promise<LazyCommit> {
  const subs = await a.client.arena.getSubmissions({ taskId });
  const score = toWad(LAZY_SCORE);
  const leaves: string[] = [];
  const mine: { submission: bigint; score: bigint; salt: string }[] = [];
  for (const s of subs) {
    if (s.status !== SubmissionStatus.Revealed) {
      leaves.push(ZERO_LEAF);
      continue;
    }
    const salt = newSalt();
    leaves.push(scoreCommitment(taskId, s.id, a.address, score, false, salt));
    mine.push({ submission: s.id, score, salt });
  }
  const tree = scoreTree(leaves);
  await a.client.arena.commitScores({ taskId, root: tree.root });
  d.emit({ kind: 'actor', name: a.name, role: a.label, text: `scores committed (${LAZY_SCORE} for each of ${mine.length} models)` });
  return { tree, leaves: mine };
}

export async function lazyReveal(d: DemoDeps, a: Actor, taskId: bigint, { tree, leaves: mine }: LazyCommit): Promise<void> {
  const { index } = await a.client.arena.getParticipant({ taskId, account: a.address });
  const t = await a.client.arena.getTaskInfo({ taskId });
  if (t.committerCount > t.sampleSize && t.seed === 0n) await a.client.arena.drawSeed({ taskId });
  const openings = [];
  for (const x of mine) {
    const { counted } = await a.client.arena.getAssignment({ taskId, submissionId: x.submission, validatorIndex: index });
    if (counted) openings.push({ submissionId: x.submission, score: x.score, invalid: false, salt: x.salt, proof: tree.proof(Number(x.submission)) });
  }
  if (openings.length > 0) await a.client.arena.revealScores({ taskId, openings });
  d.emit({ kind: 'actor', name: a.name, role: a.label, text: `opened ${openings.length} counted scores` });
}

