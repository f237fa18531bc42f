import type { ProtocolConnection } from '../connection.js';
import type { TaskParameters, TxReturnType } from './types.js';
import { writeArena } from './write.js';

export type DrawSeedParameters = TaskParameters;

export type DrawSeedReturnType = TxReturnType;

/**
 * Draws the task's validator sampling seed: anyone may once the score-commit phase opens, and a
 * task with more validators than arena.sampleSize assigns nothing until someone does.
 *
 * @example
 * await drawSeed(client, { taskId: 1n });
 */
export async function drawSeed(client: ProtocolConnection, { taskId }: DrawSeedParameters): Promise<DrawSeedReturnType> {
  return writeArena(client, 'draw the sampling seed', (arena) => arena.drawSeed(taskId));
}
