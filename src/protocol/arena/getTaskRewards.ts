import { fromWad, WAD } from '../../units/index.js';
import { requireArena, type ProtocolConnection } from '../connection.js';
import { rulesView, type TaskRulesView } from './getTaskRules.js';
import type { TaskParameters } from './types.js';

export type GetTaskRewardsParameters = TaskParameters;

/**
 * How a task's rewards split between its training nodes and validators:
 * R_nodes = R * (gamma + (1 - 2 gamma) * T / (T + V)). Until settlement starts, `nodeShare` is
 * projected from the stakes registered so far; once it has, the amounts are the fixed ones.
 */
export interface TaskRewardsView {
  rules: TaskRulesView;
  /** T and V: gmFLOCK staked by nodes and by validators (own plus pool stake). */
  nodeStake: bigint;
  validatorStake: bigint;
  /** Share of the pot that goes to the nodes (the rest to the validators). */
  nodeShare: number;
  /** Whether the split below is fixed (settlement started). */
  fixed: boolean;
  emission: bigint;
  nodeReward: bigint;
  validatorReward: bigint;
  creatorReward: bigint;
  /** Rewards nobody earned (returned to the treasury at the end). */
  unallocated: bigint;
}

export type GetTaskRewardsReturnType = TaskRewardsView;

/**
 * The reward side of a task: its rules, stakes and the node/validator split.
 *
 * @example
 * const { rules, nodeShare } = await getTaskRewards(client, { taskId: 1n });
 */
export async function getTaskRewards(client: ProtocolConnection, { taskId }: GetTaskRewardsParameters): Promise<GetTaskRewardsReturnType> {
  const arena = requireArena(client);
  const [t, r, s] = await Promise.all([arena.task(taskId), arena.taskRules(taskId), arena.settlement(taskId)]);
  const total = t.nodeStake + t.validatorStake;
  // The contract's formula in WAD, so the projection matches what settlement will fix.
  const shareWad = total === 0n ? WAD : r.gamma + ((WAD - 2n * r.gamma) * t.nodeStake) / total;
  const fixedShare = s.nodeReward + s.validatorReward === 0n ? undefined : Number((s.nodeReward * 10n ** 9n) / (s.nodeReward + s.validatorReward)) / 1e9;
  return {
    rules: rulesView(r),
    nodeStake: t.nodeStake,
    validatorStake: t.validatorStake,
    nodeShare: s.started && fixedShare !== undefined ? fixedShare : fromWad(shareWad),
    fixed: s.started,
    emission: s.emission,
    nodeReward: s.nodeReward,
    validatorReward: s.validatorReward,
    creatorReward: s.creatorReward,
    unallocated: s.unallocated,
  };
}
