import { requireArena, type ProtocolConnection } from '../connection.js';
import type { TaskParameters } from './types.js';

export type GetPhaseParameters = TaskParameters;
/** A value of Phase; PHASES[phase] names it. */
export type GetPhaseReturnType = number;

/**
 * The task's phase now (chain time), as a number of Phase.
 *
 * @example
 * if ((await getPhase(client, { taskId: 1n })) === Phase.Reveal) await revealModel(client, { taskId: 1n, modelCID, salt });
 */
export async function getPhase(client: ProtocolConnection, { taskId }: GetPhaseParameters): Promise<GetPhaseReturnType> {
  return Number(await requireArena(client).phase(taskId));
}
