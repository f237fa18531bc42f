import type { ProtocolConnection } from '../connection.js';

export interface GetPendingTaskRewardsParameters {
  operator: string;
  account: string;
}

export interface GetPendingTaskRewardsReturnType {
  operator: string;
  account: string;
  /** FLOCK the account's shares earned in the pool's tasks and has not claimed (all entries left). */
  pending: bigint;
  /** The first entry of the pool's task-reward list the account has not claimed. */
  cursor: bigint;
  /** Entries in the pool's task-reward list. */
  count: bigint;
}

/**
 * What `account` can claim from the task rewards paid into `operator`'s pool: each entry pays
 * the account's shares at the time the task fixed the pool's stake. Reads every entry left after
 * the account's cursor in one view call.
 *
 * @example
 * const { pending } = await getPendingTaskRewards(client, { operator, account });
 */
export async function getPendingTaskRewards(client: ProtocolConnection, { operator, account }: GetPendingTaskRewardsParameters): Promise<GetPendingTaskRewardsReturnType> {
  const { pools } = client.contracts;
  const [cursor, count] = await Promise.all([pools.taskRewardCursor(operator, account), pools.taskRewardCount(operator)]);
  const pending = count > cursor ? await pools.pendingTaskRewards(operator, account, count - cursor) : 0n;
  return { operator, account, pending, cursor, count };
}
