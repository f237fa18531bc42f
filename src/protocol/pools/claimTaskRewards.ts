import { requireSigner, type ProtocolConnection } from '../connection.js';
import { findEvent, transact } from '../tx.js';

/** Entries one claim walks by default: well under a block's gas (a few thousand gas each). */
export const TASK_REWARD_BATCH = 100n;

export interface ClaimTaskRewardsParameters {
  operator: string;
  /** The most entries of the pool's task-reward list to walk in this transaction (default {@link TASK_REWARD_BATCH}). */
  maxEntries?: bigint;
}

export interface ClaimTaskRewardsReturnType {
  delegator: string;
  operator: string;
  /** FLOCK paid. */
  amount: bigint;
  /** The entries walked: [fromEntry, toEntry); equal when there was nothing left to walk (no transaction). */
  fromEntry: bigint;
  toEntry: bigint;
  /** More entries are left after this batch. */
  more: boolean;
  txHash: string | null;
}

/**
 * Claims the signer's part of the task rewards paid into `operator`'s pool, one bounded batch
 * of entries per call (call again while `more`). Sends nothing when the signer's cursor is at
 * the end of the list.
 *
 * @example
 * let r;
 * do r = await claimTaskRewards(client, { operator }); while (r.more);
 */
export async function claimTaskRewards(client: ProtocolConnection, { operator, maxEntries = TASK_REWARD_BATCH }: ClaimTaskRewardsParameters): Promise<ClaimTaskRewardsReturnType> {
  const { pools } = client.contracts;
  const account = await requireSigner(client, 'claim task rewards').getAddress();
  const [cursor, count] = await Promise.all([pools.taskRewardCursor(operator, account), pools.taskRewardCount(operator)]);
  if (cursor >= count) return { delegator: account, operator, amount: 0n, fromEntry: cursor, toEntry: cursor, more: false, txHash: null };
  const r = await transact(client, `claim task rewards from ${operator}`, () => pools.claimTaskRewards(operator, maxEntries));
  const ev = findEvent(pools, r, 'TaskRewardsClaimed');
  const toEntry = (ev?.args.toEntry as bigint) ?? (await pools.taskRewardCursor(operator, account));
  return {
    delegator: account,
    operator,
    amount: (ev?.args.amount as bigint) ?? 0n,
    fromEntry: (ev?.args.fromEntry as bigint) ?? cursor,
    toEntry,
    more: toEntry < count,
    txHash: r.hash,
  };
}
