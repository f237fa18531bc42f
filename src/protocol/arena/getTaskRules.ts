import type { IArenaTypes } from '../../chain/types/IArena.js';
import { fromWad } from '../../units/index.js';
import { requireArena, type ProtocolConnection } from '../connection.js';
import type { TaskParameters } from './types.js';

export type GetTaskRulesParameters = TaskParameters;

/** The governed rules a task runs under (fixed at its creation), as plain numbers. */
export interface TaskRulesView {
  gamma: number;
  beta: number;
  creatorShare: number;
  validatorTolerance: number;
  validatorSlash: number;
  nodeSlash: number;
  creatorSlash: number;
  rankDecay: number;
  sampleSize: number;
}

export type GetTaskRulesReturnType = TaskRulesView;

/**
 * The rules of a task: the arena.* parameters as they were when it was created.
 *
 * @example
 * const { gamma, sampleSize } = await getTaskRules(client, { taskId: 1n });
 */
export async function getTaskRules(client: ProtocolConnection, { taskId }: GetTaskRulesParameters): Promise<GetTaskRulesReturnType> {
  return rulesView(await requireArena(client).taskRules(taskId));
}

/** The contract's TaskRules (WAD) as plain numbers. */
export function rulesView(r: IArenaTypes.TaskRulesStructOutput): TaskRulesView {
  return {
    gamma: fromWad(r.gamma),
    beta: fromWad(r.beta),
    creatorShare: fromWad(r.creatorShare),
    validatorTolerance: fromWad(r.validatorTolerance),
    validatorSlash: fromWad(r.validatorSlash),
    nodeSlash: fromWad(r.nodeSlash),
    creatorSlash: fromWad(r.creatorSlash),
    rankDecay: fromWad(r.rankDecay),
    sampleSize: Number(r.sampleSize),
  };
}
