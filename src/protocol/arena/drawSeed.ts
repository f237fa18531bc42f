import type { ProtocolConnection } from '../connection.js';
import type { TaskParameters, TxReturnType } from './types.js';
import { writeArena } from './write.js';

export type DrawSeedParameters = TaskParameters;

export type DrawSeedReturnType = TxReturnType;

/**
 * Draws the task's validator sampling seed: anyone may once the score-commit phase is over (so
 * nobody knows, when committing, which of its scores will count); idempotent. The first
 * revealScores and the first finalize draw it too. Until it is drawn, a task with more committed
 * validators than arena.sampleSize counts nobody's scores (getAssignment).
 *
 * @example
 * await drawSeed(client, { taskId: 1n });
 */
export async function drawSeed(client: ProtocolConnection, { taskId }: DrawSeedParameters): Promise<DrawSeedReturnType> {
  return writeArena(client, 'draw the sampling seed', (arena) => arena.drawSeed(taskId));
}
