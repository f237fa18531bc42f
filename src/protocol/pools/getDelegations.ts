import type { ProtocolConnection } from '../connection.js';
import { getDelegatedOperators, type GetDelegatedOperatorsParameters } from './getDelegatedOperators.js';
import { getPendingTaskRewards } from './getPendingTaskRewards.js';

export type GetDelegationsParameters = GetDelegatedOperatorsParameters;

export interface DelegationView {
  operator: string;
  shares: bigint;
  stake: bigint;
  /** FLOCK claimable with `claim`: the emission streamed to the pool (and rewards paid into it by anyone). */
  pendingRewards: bigint;
  /** FLOCK claimable with `claimTaskRewards`: the pool's task rewards for the shares held when each task counted them. */
  pendingTaskRewards: bigint;
  unbonding: { shares: bigint; amount: bigint; readyAt: bigint };
}

export type GetDelegationsReturnType = DelegationView[];

/**
 * The account's live delegations, with pending rewards (stream and task rewards) and any
 * undelegation in progress.
 *
 * @example
 * for (const d of await getDelegations(client, { account })) console.log(d.operator, d.stake);
 */
export async function getDelegations(client: ProtocolConnection, { account }: GetDelegationsParameters): Promise<GetDelegationsReturnType> {
  const { pools } = client.contracts;
  const out: DelegationView[] = [];
  for (const operator of await getDelegatedOperators(client, { account })) {
    const [[shares, stake], pendingRewards, task, [ubShares, ubAmount, readyAt]] = await Promise.all([
      pools.delegation(operator, account),
      pools.pendingRewards(operator, account),
      getPendingTaskRewards(client, { operator, account }),
      pools.unbonding(operator, account),
    ]);
    if (shares === 0n && pendingRewards === 0n && task.pending === 0n && ubShares === 0n) continue;
    out.push({ operator, shares, stake, pendingRewards, pendingTaskRewards: task.pending, unbonding: { shares: ubShares, amount: ubAmount, readyAt } });
  }
  return out;
}
