import type { ProtocolConnection } from '../connection.js';
import type { TaskParameters, TxReturnType } from './types.js';
import { writeArena } from './write.js';

export interface CommitScoresParameters extends TaskParameters {
  /**
   * The root of the validator's score tree over every submission (scoreTree in commitments.ts),
   * or its unusableCommitment when the validation set cannot be used.
   */
  root: string;
}

export type CommitScoresReturnType = TxReturnType;

/**
 * Commits a validator to its scores of every revealed submission at once (one root), in the
 * score-commit phase. A later commit replaces an earlier one. Persist the leaves' salts before
 * calling.
 *
 * @example
 * const tree = scoreTree(leaves); // leaf i = scoreCommitment(taskId, i, validator, score, invalid, salt_i), or ZERO_LEAF
 * await commitScores(client, { taskId: 1n, root: tree.root });
 */
export async function commitScores(client: ProtocolConnection, { taskId, root }: CommitScoresParameters): Promise<CommitScoresReturnType> {
  return writeArena(client, 'commit scores', (arena) => arena.commitScores(taskId, root));
}
