import type { ProtocolConnection } from '../connection.js';
import type { TaskParameters, TxReturnType } from './types.js';
import { writeArena } from './write.js';

export interface RevealModelParameters extends TaskParameters {
  modelCID: string;
  salt: string;
}

export type RevealModelReturnType = TxReturnType;

/**
 * Reveals the committed model's CID and salt in the reveal phase (upload the model to the store
 * first).
 *
 * @example
 * await revealModel(client, { taskId: 1n, modelCID, salt });
 */
export async function revealModel(client: ProtocolConnection, { taskId, modelCID, salt }: RevealModelParameters): Promise<RevealModelReturnType> {
  return writeArena(client, 'reveal model', (arena) => arena.revealModel(taskId, modelCID, salt));
}
