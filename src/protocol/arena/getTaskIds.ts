import type { ProtocolConnection } from '../connection.js';
import { getTaskCount } from './getTaskCount.js';

export type GetTaskIdsReturnType = bigint[];

/**
 * Task ids 1 .. taskCount (newest last).
 *
 * @example
 * for (const taskId of await getTaskIds(client)) console.log(await getTask(client, { taskId }));
 */
export async function getTaskIds(client: ProtocolConnection): Promise<GetTaskIdsReturnType> {
  const n = await getTaskCount(client);
  return Array.from({ length: Number(n) }, (_, i) => BigInt(i + 1));
}
