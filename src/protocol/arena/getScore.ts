import { requireArena, type ProtocolConnection } from '../connection.js';
import type { TaskParameters } from './types.js';

export interface GetScoreParameters extends TaskParameters {
  submissionId: bigint;
  validatorIndex: bigint;
}

/** A validator's revealed score of one submission (IArenaTypes.ScoreInfo). */
export interface GetScoreReturnType {
  revealed: boolean;
  /** The revealed invalid mark and raw score (WAD); false and 0 until revealed. */
  invalid: boolean;
  score: bigint;
}

/**
 * What a validator revealed for one submission (its commitment is the root of its score tree:
 * getValidator).
 *
 * @example
 * const s = await getScore(client, { taskId: 1n, submissionId: 0n, validatorIndex: 2n });
 * if (s.revealed) { … } // opened already: do not send again
 */
export async function getScore(client: ProtocolConnection, { taskId, submissionId, validatorIndex }: GetScoreParameters): Promise<GetScoreReturnType> {
  const s = await requireArena(client).score(taskId, submissionId, validatorIndex);
  return { revealed: s.revealed, invalid: s.invalid, score: s.score };
}
