import { claimTask } from '../arena/claimTask.js';
import { claimTaskRewards } from '../pools/claimTaskRewards.js';
import { requireSigner, type ProtocolConnection } from '../connection.js';
import { findEvent, transact } from '../tx.js';
import { getPendingRewards, type TaskClaimable } from './getPendingRewards.js';

export interface ClaimRewardsReturnType {
  account: string;
  /**
   * One per transaction: `pool` (a pool's stream rewards), `task` (one batch of a pool's task
   * rewards) or `commission` (operator is null).
   */
  claims: { kind: 'pool' | 'task' | 'commission'; operator: string | null; amount: bigint; txHash: string }[];
  /** One per Arena task claimed: what its Claimed event says was paid. */
  tasks: (TaskClaimable & { poolReward: bigint; txHash: string })[];
  /** FLOCK received: pool rewards (stream and task rewards), commission, Arena task rewards paid directly, and refunds. */
  total: bigint;
}

/**
 * Claims every pool reward (the stream with one O(1) transaction per pool, task rewards in
 * bounded batches of entries), the operator commission and every Arena task that owes the signer
 * something. Arena task claims run first, so what they pay into the signer's own pool is
 * commission claimed here too. The amounts come from the claim events.
 *
 * @example
 * const { total } = await claimRewards(client);
 */
export async function claimRewards(client: ProtocolConnection): Promise<ClaimRewardsReturnType> {
  const { pools } = client.contracts;
  const account = await requireSigner(client, 'claim rewards').getAddress();
  const view = await getPendingRewards(client, { account });
  const tasks: ClaimRewardsReturnType['tasks'] = [];
  for (const { taskId } of view.tasks) {
    const c = await claimTask(client, { taskId });
    tasks.push({ taskId, stake: c.stake, reward: c.reward, refund: c.refund, poolReward: c.poolReward, txHash: c.txHash });
  }
  const claims: ClaimRewardsReturnType['claims'] = [];
  for (const { operator, pending, task } of view.pools) {
    if (pending > 0n) {
      const r = await transact(client, `claim rewards from ${operator}`, () => pools.claim(operator));
      claims.push({ kind: 'pool', operator, amount: (findEvent(pools, r, 'RewardsClaimed')?.args.amount as bigint) ?? 0n, txHash: r.hash });
    }
    if (task > 0n) {
      for (;;) {
        const r = await claimTaskRewards(client, { operator });
        if (r.txHash) claims.push({ kind: 'task', operator, amount: r.amount, txHash: r.txHash });
        if (!r.more) break;
      }
    }
  }
  if (view.commission > 0n || tasks.some((t) => t.poolReward > 0n)) {
    const r = await transact(client, 'claim commission', () => pools.claimCommission());
    const amount = (findEvent(pools, r, 'CommissionClaimed')?.args.amount as bigint) ?? 0n;
    if (amount > 0n) claims.push({ kind: 'commission', operator: null, amount, txHash: r.hash });
  }
  // A task's `reward` includes the part paid into the signer's pool, which reaches the signer only
  // as commission (claimed above) or reaches its delegators.
  const total = claims.reduce((s, c) => s + c.amount, 0n) + tasks.reduce((s, t) => s + t.reward - t.poolReward + t.refund, 0n);
  return { account, claims, tasks, total };
}
