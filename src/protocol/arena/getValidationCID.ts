import { requireArena, type ProtocolConnection } from '../connection.js';
import type { TaskParameters } from './types.js';

export type GetValidationCIDParameters = TaskParameters;
/** Empty until the creator reveals the validation set. */
export type GetValidationCIDReturnType = string;

/**
 * The CID of a task's hidden validation set, once revealed.
 *
 * @example
 * const cid = await getValidationCID(client, { taskId: 1n });
 * if (cid) await store.getToFile(cid, file);
 */
export async function getValidationCID(client: ProtocolConnection, { taskId }: GetValidationCIDParameters): Promise<GetValidationCIDReturnType> {
  return (await requireArena(client).taskSpec(taskId)).validationCID;
}
