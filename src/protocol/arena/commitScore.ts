import type { ProtocolConnection } from '../connection.js';
import type { TaskParameters, TxReturnType } from './types.js';
import { writeArena } from './write.js';

export interface CommitScoreParameters extends TaskParameters {
  submissionId: bigint;
  /** From getAssignment: proves the validator was drawn for the submission. */
  draw: bigint;
  commitment: string;
}

export type CommitScoreReturnType = TxReturnType;

/**
 * Commits to a validator's score of one submission, `scoreCommitment(…)`, in the score-commit
 * phase. Persist the salt before calling.
 *
 * @example
 * const { draw } = await getAssignment(client, { taskId: 1n, submissionId: 0n, validatorIndex });
 * await commitScore(client, { taskId: 1n, submissionId: 0n, draw, commitment: scoreCommitment(1n, 0n, validator, score, false, salt) });
 */
export async function commitScore(client: ProtocolConnection, { taskId, submissionId, draw, commitment }: CommitScoreParameters): Promise<CommitScoreReturnType> {
  return writeArena(client, `commit score for submission ${submissionId}`, (arena) => arena.commitScore(taskId, submissionId, draw, commitment));
}
