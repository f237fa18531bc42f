import type { Signer } from 'ethers';
import type { Logger } from 'pino';
import { claimTask, connectArena, taskIds } from './arena.js';
import type { Protocol } from './connect.js';
import { delegatedOperators } from './pools.js';
import { sendTx } from './tx.js';

/** What one finalized or cancelled Arena task owes the account (every role it held there). */
export interface TaskClaimable {
  taskId: bigint;
  /** gmFLOCK stake returned (less slashing). */
  stake: bigint;
  /** FLOCK reward (its pool's part, if any, goes to the pool at the claim). */
  reward: bigint;
  /** FLOCK refunded (a cancelled task's fee or bounty). */
  refund: bigint;
}

export interface RewardsView {
  account: string;
  /** Per pool the account delegated to: FLOCK claimable now. */
  pools: { operator: string; pending: bigint }[];
  /** Operator commission claimable now (0 for non-operators). */
  commission: bigint;
  /** Arena tasks with something to claim (stake back, reward or refund). */
  tasks: TaskClaimable[];
  /** FLOCK claimable now: pools, commission, task rewards and refunds (not stakes, which are gmFLOCK). */
  total: bigint;
}

/** Arena tasks that owe `account` something, from the Arena's own `claimable` view. */
async function claimableTasks(p: Protocol, account: string): Promise<TaskClaimable[]> {
  if (!p.record.contracts.Arena) return []; // a deployment from before the Arena
  const arena = connectArena(p);
  const owed = await Promise.all(
    (await taskIds(arena)).map(async (taskId) => {
      const [stake, reward, refund] = await arena.claimable(taskId, account);
      return { taskId, stake, reward, refund };
    }),
  );
  return owed.filter((t) => t.stake + t.reward + t.refund > 0n);
}

/** What `account` could claim now, read from the contracts' own views. */
export async function pendingRewards(p: Protocol, account: string): Promise<RewardsView> {
  const operators = await delegatedOperators(p, account);
  const [pools, commission, tasks] = await Promise.all([
    Promise.all(operators.map(async (operator) => ({ operator, pending: await p.pools.pendingRewards(operator, account) }))),
    p.pools.pendingCommission(account),
    claimableTasks(p, account),
  ]);
  return {
    account,
    pools: pools.filter((x) => x.pending > 0n),
    commission,
    tasks,
    total: pools.reduce((s, x) => s + x.pending, 0n) + commission + tasks.reduce((s, x) => s + x.reward + x.refund, 0n),
  };
}

export interface ClaimReturnType {
  account: string;
  claims: { operator: string | null; amount: bigint; txHash: string }[];
  /** One per Arena task claimed: what its Claimed event says was paid. */
  tasks: (TaskClaimable & { poolReward: bigint; txHash: string })[];
  /** FLOCK received: pool rewards, commission, task rewards and refunds. */
  total: bigint;
}

/**
 * Claims every pool reward, the operator commission and every Arena task that owes the account
 * something. Each claim is one O(1) transaction (pull-based, no loops on chain); the amounts come
 * from the claim events.
 */
export async function claimRewards(p: Protocol, signer: Signer, log?: Logger): Promise<ClaimReturnType> {
  const account = await signer.getAddress();
  const view = await pendingRewards(p, account);
  const claims: ClaimReturnType['claims'] = [];
  for (const { operator } of view.pools) {
    const r = await sendTx(signer, `claim rewards from ${operator}`, () => p.pools.claim(operator), log);
    const ev = r.logs.map((l) => p.pools.interface.parseLog(l)).find((e) => e?.name === 'RewardsClaimed');
    claims.push({ operator, amount: (ev?.args.amount as bigint) ?? 0n, txHash: r.hash });
  }
  if (view.commission > 0n) {
    const r = await sendTx(signer, 'claim commission', () => p.pools.claimCommission(), log);
    const ev = r.logs.map((l) => p.pools.interface.parseLog(l)).find((e) => e?.name === 'CommissionClaimed');
    claims.push({ operator: null, amount: (ev?.args.amount as bigint) ?? 0n, txHash: r.hash });
  }
  const tasks: ClaimReturnType['tasks'] = [];
  for (const { taskId } of view.tasks) {
    const c = await claimTask(p, signer, taskId, log);
    tasks.push({ taskId, stake: c.stake, reward: c.reward, refund: c.refund, poolReward: c.poolReward, txHash: c.txHash });
  }
  const total = claims.reduce((s, c) => s + c.amount, 0n) + tasks.reduce((s, t) => s + t.reward + t.refund, 0n);
  return { account, claims, tasks, total };
}
