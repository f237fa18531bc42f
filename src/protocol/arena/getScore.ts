import { requireArena, type ProtocolConnection } from '../connection.js';
import type { TaskParameters } from './types.js';

export interface GetScoreParameters extends TaskParameters {
  submissionId: bigint;
  validatorIndex: bigint;
}

/** A validator's score of one submission (IArenaTypes.ScoreInfo). */
export interface GetScoreReturnType {
  /** Zero hash until committed. */
  commitment: string;
  revealed: boolean;
  /** The revealed invalid mark and raw score (WAD); false and 0 until revealed. */
  invalid: boolean;
  score: bigint;
}

/**
 * What a validator committed (and revealed) for one submission.
 *
 * @example
 * const s = await getScore(client, { taskId: 1n, submissionId: 0n, validatorIndex: 2n });
 * if (s.commitment === mine) { … } // committed already: do not send again
 */
export async function getScore(client: ProtocolConnection, { taskId, submissionId, validatorIndex }: GetScoreParameters): Promise<GetScoreReturnType> {
  const s = await requireArena(client).score(taskId, submissionId, validatorIndex);
  return { commitment: s.commitment, revealed: s.revealed, invalid: s.invalid, score: s.score };
}
