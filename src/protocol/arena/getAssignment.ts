import { requireArena, type ProtocolConnection } from '../connection.js';
import type { GetScoreParameters } from './getScore.js';

export type GetAssignmentParameters = GetScoreParameters;

export interface GetAssignmentReturnType {
  /** Whether the validator scores it: always when the task does not sample, never before its seed is drawn. */
  assigned: boolean;
  /** The draw index that proves it, for commitScore. */
  draw: bigint;
}

/**
 * Whether a validator was drawn to score a submission.
 *
 * @example
 * const { assigned, draw } = await getAssignment(client, { taskId: 1n, submissionId: 0n, validatorIndex: 2n });
 */
export async function getAssignment(client: ProtocolConnection, { taskId, submissionId, validatorIndex }: GetAssignmentParameters): Promise<GetAssignmentReturnType> {
  const [assigned, draw] = await requireArena(client).assignment(taskId, submissionId, validatorIndex);
  return { assigned, draw };
}
