import type { IArena } from '../../chain/types/index.js';
import { requireArena, type ProtocolConnection } from '../connection.js';
import type { TaskParameters } from './types.js';

export interface GetSubmissionParameters extends TaskParameters {
  /** The node's index in the task (register's `index` for a node). */
  submissionId: bigint;
}

/** One training node's submission (IArenaTypes.SubmissionInfo). */
export interface GetSubmissionReturnType {
  id: bigint;
  account: string;
  /** A value of SubmissionStatus; SUBMISSION_STATUSES[status] names it. */
  status: number;
  slashed: boolean;
  claimed: boolean;
  /** Empty until revealed. */
  modelCID: string;
  commitment: string;
  /** Oriented consensus score, WAD (higher is better). */
  consensus: bigint;
  /** 0-based rank among the ranked submissions; meaningful once status is Ranked. */
  rank: bigint;
  scorerCount: number;
}

/**
 * One submission of a task.
 *
 * @example
 * const s = await getSubmission(client, { taskId: 1n, submissionId: 0n });
 * s.status >= SubmissionStatus.Revealed; // the model is revealed
 */
export async function getSubmission(client: ProtocolConnection, { taskId, submissionId }: GetSubmissionParameters): Promise<GetSubmissionReturnType> {
  return readSubmission(requireArena(client), taskId, submissionId);
}

/** getSubmission on an Arena already at hand (getSubmissions reads many). */
export async function readSubmission(arena: IArena, taskId: bigint, id: bigint): Promise<GetSubmissionReturnType> {
  const s = await arena.submission(taskId, id);
  return {
    id,
    account: s.account,
    status: Number(s.status),
    slashed: s.slashed,
    claimed: s.claimed,
    modelCID: s.modelCID,
    commitment: s.commitment,
    consensus: s.consensus,
    rank: s.rank,
    scorerCount: Number(s.scorerCount),
  };
}
