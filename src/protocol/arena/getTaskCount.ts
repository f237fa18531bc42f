import { requireArena, type ProtocolConnection } from '../connection.js';

export type GetTaskCountReturnType = bigint;

/**
 * How many tasks this chain has; their ids are 1 .. count.
 *
 * @example
 * const n = await getTaskCount(client); // 3n
 */
export async function getTaskCount(client: ProtocolConnection): Promise<GetTaskCountReturnType> {
  return requireArena(client).taskCount();
}
