import { getClaimable, type GetClaimableReturnType } from '../arena/getClaimable.js';
import { getTaskIds } from '../arena/getTaskIds.js';
import type { ProtocolConnection } from '../connection.js';
import { getDelegatedOperators } from '../pools/getDelegatedOperators.js';
import { getPendingTaskRewards } from '../pools/getPendingTaskRewards.js';

export interface GetPendingRewardsParameters {
  account: string;
}

/** What one finalized or cancelled Arena task owes the account (every role it held there). */
export type TaskClaimable = GetClaimableReturnType;

export interface GetPendingRewardsReturnType {
  account: string;
  /**
   * Per pool the account delegated to: FLOCK claimable now, as the emission stream (`pending`,
   * claimed with one `claim`) and as task rewards (`task`, for the shares held when each task
   * counted the pool's stake, claimed in batches of entries).
   */
  pools: { operator: string; pending: bigint; task: bigint }[];
  /** Operator commission claimable now (0 for non-operators). */
  commission: bigint;
  /** Arena tasks with something to claim (stake back, reward or refund). */
  tasks: TaskClaimable[];
  /** FLOCK claimable now: pools (stream and task rewards), commission, Arena task rewards and refunds (not stakes, which are gmFLOCK). */
  total: bigint;
}

/** Arena tasks that owe `account` something (none on a deployment from before the Arena). */
async function claimableTasks(client: ProtocolConnection, account: string): Promise<TaskClaimable[]> {
  if (!client.contracts.arena) return [];
  const owed = await Promise.all((await getTaskIds(client)).map((taskId) => getClaimable(client, { taskId, account })));
  return owed.filter((t) => t.stake + t.reward + t.refund > 0n);
}

/**
 * What `account` could claim now, read from the contracts' own views: pool rewards, operator
 * commission and Arena tasks.
 *
 * @example
 * const { total } = await getPendingRewards(client, { account });
 */
export async function getPendingRewards(client: ProtocolConnection, { account }: GetPendingRewardsParameters): Promise<GetPendingRewardsReturnType> {
  const { pools: contract } = client.contracts;
  const operators = await getDelegatedOperators(client, { account });
  const [pools, commission, tasks] = await Promise.all([
    Promise.all(
      operators.map(async (operator) => {
        const [pending, task] = await Promise.all([contract.pendingRewards(operator, account), getPendingTaskRewards(client, { operator, account })]);
        return { operator, pending, task: task.pending };
      }),
    ),
    contract.pendingCommission(account),
    claimableTasks(client, account),
  ]);
  return {
    account,
    pools: pools.filter((x) => x.pending + x.task > 0n),
    commission,
    tasks,
    total: pools.reduce((s, x) => s + x.pending + x.task, 0n) + commission + tasks.reduce((s, x) => s + x.reward + x.refund, 0n),
  };
}
