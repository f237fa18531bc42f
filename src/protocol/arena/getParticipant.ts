import { requireArena, type ProtocolConnection } from '../connection.js';
import type { TaskParameters } from './types.js';

export interface GetParticipantParameters extends TaskParameters {
  account: string;
}

export interface GetParticipantReturnType {
  /** A value of Role (Role.None when the account has not registered). */
  role: number;
  /** Submission id (node) or validator index. */
  index: bigint;
}

/**
 * The role an account holds in a task, and its index there.
 *
 * @example
 * const { role, index } = await getParticipant(client, { taskId: 1n, account });
 * role === Role.Validator;
 */
export async function getParticipant(client: ProtocolConnection, { taskId, account }: GetParticipantParameters): Promise<GetParticipantReturnType> {
  const [role, index] = await requireArena(client).participant(taskId, account);
  return { role: Number(role), index };
}
