import { requireArena, type ProtocolConnection } from '../connection.js';
import type { GetScoreParameters } from './getScore.js';

export type GetAssignmentParameters = GetScoreParameters;

export interface GetAssignmentReturnType {
  /**
   * Whether the validator's score of the submission counts (it must then reveal it): every
   * committer when the task does not sample (at most k committed); when it samples, never before
   * the seed is drawn (after the score-commit phase), then the stake-weighted draws.
   */
  counted: boolean;
  /** Bit j set when draw j landed on the validator (0 when the task does not sample). */
  draws: bigint;
}

/**
 * Whether a validator's score of a submission counts.
 *
 * @example
 * const { counted } = await getAssignment(client, { taskId: 1n, submissionId: 0n, validatorIndex: 2n });
 */
export async function getAssignment(client: ProtocolConnection, { taskId, submissionId, validatorIndex }: GetAssignmentParameters): Promise<GetAssignmentReturnType> {
  const [counted, draws] = await requireArena(client).assignment(taskId, submissionId, validatorIndex);
  return { counted, draws };
}
