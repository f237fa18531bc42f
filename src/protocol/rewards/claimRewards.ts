import { claimTask } from '../arena/claimTask.js';
import { requireSigner, type ProtocolConnection } from '../connection.js';
import { findEvent, transact } from '../tx.js';
import { getPendingRewards, type TaskClaimable } from './getPendingRewards.js';

export interface ClaimRewardsReturnType {
  account: string;
  claims: { operator: string | null; amount: bigint; txHash: string }[];
  /** One per Arena task claimed: what its Claimed event says was paid. */
  tasks: (TaskClaimable & { poolReward: bigint; txHash: string })[];
  /** FLOCK received: pool rewards, commission, task rewards and refunds. */
  total: bigint;
}

/**
 * Claims every pool reward, the operator commission and every Arena task that owes the signer
 * something. Each claim is one O(1) transaction (pull-based, no loops on chain); the amounts come
 * from the claim events.
 *
 * @example
 * const { total } = await claimRewards(client);
 */
export async function claimRewards(client: ProtocolConnection): Promise<ClaimRewardsReturnType> {
  const { pools } = client.contracts;
  const account = await requireSigner(client, 'claim rewards').getAddress();
  const view = await getPendingRewards(client, { account });
  const claims: ClaimRewardsReturnType['claims'] = [];
  for (const { operator } of view.pools) {
    const r = await transact(client, `claim rewards from ${operator}`, () => pools.claim(operator));
    claims.push({ operator, amount: (findEvent(pools, r, 'RewardsClaimed')?.args.amount as bigint) ?? 0n, txHash: r.hash });
  }
  if (view.commission > 0n) {
    const r = await transact(client, 'claim commission', () => pools.claimCommission());
    claims.push({ operator: null, amount: (findEvent(pools, r, 'CommissionClaimed')?.args.amount as bigint) ?? 0n, txHash: r.hash });
  }
  const tasks: ClaimRewardsReturnType['tasks'] = [];
  for (const { taskId } of view.tasks) {
    const c = await claimTask(client, { taskId });
    tasks.push({ taskId, stake: c.stake, reward: c.reward, refund: c.refund, poolReward: c.poolReward, txHash: c.txHash });
  }
  const total = claims.reduce((s, c) => s + c.amount, 0n) + tasks.reduce((s, t) => s + t.reward + t.refund, 0n);
  return { account, claims, tasks, total };
}
