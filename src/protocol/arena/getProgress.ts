import { requireArena, type ProtocolConnection } from '../connection.js';
import { readSubmission } from './getSubmission.js';
import { Phase, PHASES, SubmissionStatus, type PhaseName, type TaskParameters } from './types.js';

export type GetProgressParameters = TaskParameters;

/**
 * Who has done what in a task, read from the chain: what `flock task wait` and `flock demo` wait
 * on between phases (a phase ends by the clock, not when everyone acted, so on a devnet whoever
 * moves the clock should first see that the participants are done).
 */
export interface GetProgressReturnType {
  phase: PhaseName;
  validationRevealed: boolean;
  nodes: { registered: number; committed: number; revealed: number };
  /** `committed`: a score root (or an unusable commitment) on chain. */
  validators: { registered: number; committed: number };
  /**
   * Counted scores still to open (score-reveal phase, seed drawn); null before the seed is drawn
   * or when nothing was committed (no score can count yet).
   */
  scoresOwed: number | null;
}

export async function getProgress(client: ProtocolConnection, { taskId }: GetProgressParameters): Promise<GetProgressReturnType> {
  const arena = requireArena(client);
  const [t, rules, phase] = await Promise.all([arena.task(taskId), arena.taskRules(taskId), arena.phase(taskId)]);
  const subs = await Promise.all(Array.from({ length: Number(t.nodeCount) }, (_, i) => readSubmission(arena, taskId, BigInt(i))));
  const vals = await Promise.all(Array.from({ length: Number(t.validatorCount) }, (_, i) => arena.validator(taskId, BigInt(i))));
  const revealed = subs.filter((s) => s.status >= SubmissionStatus.Revealed);
  const committers = vals.map((v, i) => ({ v, i: BigInt(i) })).filter(({ v }) => BigInt(v.scoreRoot) !== 0n);
  // Which scores count is known from the score-reveal phase on, and only once the seed is drawn
  // when the task samples (more committers than k).
  const samples = committers.length > Number(rules.sampleSize);
  let scoresOwed: number | null = null;
  if (Number(phase) >= Phase.ScoreReveal && committers.length > 0 && (!samples || BigInt(t.seed) !== 0n)) {
    scoresOwed = 0;
    for (const { v, i } of committers) {
      if (v.unusable) continue;
      for (const s of revealed) {
        const [[counted], sc] = await Promise.all([arena.assignment(taskId, s.id, i), arena.score(taskId, s.id, i)]);
        if (counted && !sc.revealed) scoresOwed++;
      }
    }
  }
  return {
    phase: PHASES[Number(phase)]!,
    validationRevealed: t.validationRevealed,
    nodes: { registered: subs.length, committed: subs.filter((s) => s.status >= SubmissionStatus.Committed).length, revealed: revealed.length },
    validators: { registered: vals.length, committed: committers.length },
    scoresOwed,
  };
}

export interface ReadyOptions {
  /** In the submit phase: at least this many nodes registered (default 1). */
  nodes?: number;
  /** In the submit phase: at least this many validators registered (default 0). */
  validators?: number;
}

/**
 * Whether everyone registered has done what the current phase asks of them, or what is still
 * awaited (in words): submit: the nodes (and validators) asked for registered, every node
 * committed; reveal: the validation set and every committed model revealed; score-commit: every
 * validator committed its scores; score-reveal: every counted score opened. Other phases have
 * nothing to wait for.
 *
 * @example
 * const { ready, awaiting } = progressReady(await client.arena.getProgress({ taskId }), { nodes: 3 });
 */
export function progressReady(p: GetProgressReturnType, o: ReadyOptions = {}): { ready: boolean; awaiting: string[] } {
  const awaiting: string[] = [];
  const { nodes: n, validators: v } = p;
  switch (p.phase) {
    case 'submit':
      if (n.registered < (o.nodes ?? 1)) awaiting.push(`nodes registered ${n.registered}/${o.nodes ?? 1}`);
      if (v.registered < (o.validators ?? 0)) awaiting.push(`validators registered ${v.registered}/${o.validators}`);
      if (n.committed < n.registered) awaiting.push(`models committed ${n.committed}/${n.registered}`);
      break;
    case 'reveal':
      if (!p.validationRevealed) awaiting.push('the validation set (`flock task reveal`)');
      if (n.revealed < n.committed) awaiting.push(`models revealed ${n.revealed}/${n.committed}`);
      break;
    case 'score-commit':
      if (v.committed < v.registered) awaiting.push(`validators committed ${v.committed}/${v.registered}`);
      break;
    case 'score-reveal':
      if (p.scoresOwed === null) awaiting.push('the sampling seed (the first validator to reveal draws it)');
      else if (p.scoresOwed > 0) awaiting.push(`${p.scoresOwed} counted score${p.scoresOwed === 1 ? '' : 's'} to open`);
      break;
  }
  return { ready: awaiting.length === 0, awaiting };
}
