import type { IArenaTypes } from '../../chain/types/IArena.js';
import { fromWad } from '../../units/index.js';
import { requireArena, type ProtocolConnection } from '../connection.js';
import type { TaskParameters } from './types.js';

export type GetTaskInfoParameters = TaskParameters;

/** What a daemon polls: deadlines, counts and the sampling state (no task-count check). */
export interface GetTaskInfoReturnType {
  dataCID: string;
  /** Unix seconds. */
  submitEnd: number;
  revealEnd: number;
  scoreCommitEnd: number;
  scoreRevealEnd: number;
  validationRevealed: boolean;
  nodeCount: number;
  revealedCount: number;
  validatorCount: number;
  /** 0n until drawn (drawSeed, after the score-commit phase). */
  seed: bigint;
  /** k: validators counted per submission; the task samples when more validators committed. */
  sampleSize: number;
  /** Validators that committed scores (or an unusable commitment). */
  committerCount: number;
  /** The absolute tolerance scores are held to, in metric units (WAD on chain). */
  scoreTolerance: number;
}

/**
 * The deadlines, counts and sampling state of a task, in three reads.
 *
 * @example
 * const { seed } = await getTaskInfo(client, { taskId: 1n });
 * if (seed === 0n) await drawSeed(client, { taskId: 1n }); // score-reveal phase
 */
export async function getTaskInfo(client: ProtocolConnection, { taskId }: GetTaskInfoParameters): Promise<GetTaskInfoReturnType> {
  const arena = requireArena(client);
  const [t, rules, spec] = await Promise.all([arena.task(taskId), arena.taskRules(taskId), arena.taskSpec(taskId)]);
  return {
    dataCID: spec.dataCID,
    ...deadlines(t),
    validationRevealed: t.validationRevealed,
    ...counts(t),
    seed: BigInt(t.seed),
    sampleSize: Number(rules.sampleSize),
    committerCount: Number(t.committerCount),
    scoreTolerance: fromWad(t.scoreTolerance),
  };
}

type TaskInfo = IArenaTypes.TaskInfoStructOutput;

/** The four phase ends of a task, unix seconds. */
export const deadlines = (t: TaskInfo) => ({
  submitEnd: Number(t.submitEnd),
  revealEnd: Number(t.revealEnd),
  scoreCommitEnd: Number(t.scoreCommitEnd),
  scoreRevealEnd: Number(t.scoreRevealEnd),
});

/** How many nodes registered and revealed, and how many validators registered. */
export const counts = (t: TaskInfo) => ({ nodeCount: Number(t.nodeCount), revealedCount: Number(t.revealedCount), validatorCount: Number(t.validatorCount) });
