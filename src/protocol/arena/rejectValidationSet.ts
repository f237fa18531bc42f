import type { ProtocolConnection } from '../connection.js';
import type { TaskParameters, TxReturnType } from './types.js';
import { writeArena } from './write.js';

export interface RejectValidationSetParameters extends TaskParameters {
  /** The salt of the validator's unusableCommitment, committed with commitScores. */
  salt: string;
}

export type RejectValidationSetReturnType = TxReturnType;

/**
 * Reveals, in the score-reveal phase, that the validator committed "validation set unusable"
 * (commitScores with `unusableCommitment(taskId, validator, salt)`). More than half of the
 * committed weight rejecting it cancels the task and slashes its creator.
 *
 * @example
 * await commitScores(client, { taskId: 1n, root: unusableCommitment(1n, validator, salt) }); // score-commit phase
 * await rejectValidationSet(client, { taskId: 1n, salt });                                   // score-reveal phase
 */
export async function rejectValidationSet(client: ProtocolConnection, { taskId, salt }: RejectValidationSetParameters): Promise<RejectValidationSetReturnType> {
  return writeArena(client, 'reject the validation set', (arena) => arena.rejectValidationSet(taskId, salt));
}
