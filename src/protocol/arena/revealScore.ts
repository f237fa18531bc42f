import type { ProtocolConnection } from '../connection.js';
import type { TaskParameters, TxReturnType } from './types.js';
import { writeArena } from './write.js';

export interface RevealScoreParameters extends TaskParameters {
  submissionId: bigint;
  /** WAD (toWad of the metric's value); 0 when invalid. */
  score: bigint;
  invalid: boolean;
  salt: string;
}

export type RevealScoreReturnType = TxReturnType;

/**
 * Reveals a committed score and invalid mark with their salt, in the score-reveal phase.
 *
 * @example
 * await revealScore(client, { taskId: 1n, submissionId: 0n, score, invalid: false, salt });
 */
export async function revealScore(client: ProtocolConnection, { taskId, submissionId, score, invalid, salt }: RevealScoreParameters): Promise<RevealScoreReturnType> {
  return writeArena(client, `reveal score for submission ${submissionId}`, (arena) => arena.revealScore(taskId, submissionId, score, invalid, salt));
}
