import type { ProtocolConnection } from '../connection.js';
import type { TaskParameters, TxReturnType } from './types.js';
import { writeArena } from './write.js';

export interface CommitModelParameters extends TaskParameters {
  commitment: string;
}

export type CommitModelReturnType = TxReturnType;

/**
 * Commits to a model, `modelCommitment(modelCID, node, salt)`, in the submit phase. Persist the
 * salt before calling.
 *
 * @example
 * await commitModel(client, { taskId: 1n, commitment: modelCommitment(modelCID, node, salt) });
 */
export async function commitModel(client: ProtocolConnection, { taskId, commitment }: CommitModelParameters): Promise<CommitModelReturnType> {
  return writeArena(client, 'commit model', (arena) => arena.commitModel(taskId, commitment));
}
