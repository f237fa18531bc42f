import { requireSigner, type ProtocolConnection } from '../connection.js';
import { insufficientDelegation, nothingDelegated } from '../errors.js';
import { getParam } from '../governance/getParam.js';
import { findEvent, transact } from '../tx.js';

export interface UndelegateParameters {
  operator: string;
  /** gmFLOCK; everything when omitted. */
  amount?: bigint;
}

export interface UndelegateReturnType {
  delegator: string;
  operator: string;
  shares: bigint;
  amount: bigint;
  /**
   * Unix seconds from which withdraw pays out: the cooldown from now, or the end of the pool's
   * freeze when that is later (the pool's stake backs a running task, see `lockedByTask`).
   */
  readyAt: bigint;
  cooldown: bigint;
  /** The stake backs a running task of the operator: it stays (and stays slashable) until the task's freeze ends. */
  lockedByTask: boolean;
  txHash: string;
}

/**
 * Starts undelegating `amount` gmFLOCK (or everything) from `operator`'s pool. The amount is
 * converted to shares rounding up, capped at what the account holds. While the pool backs a
 * running task (it is frozen), the stake cannot be withdrawn before the freeze ends.
 *
 * @example
 * const { readyAt } = await undelegate(client, { operator, amount: parseEther('10') });
 */
export async function undelegate(client: ProtocolConnection, { operator, amount }: UndelegateParameters): Promise<UndelegateReturnType> {
  const { pools } = client.contracts;
  const account = await requireSigner(client, 'undelegate').getAddress();
  const [shares, stakeNow] = await pools.delegation(operator, account);
  if (shares === 0n) throw nothingDelegated(account, operator);
  let toUndelegate = shares;
  if (amount !== undefined) {
    if (amount > stakeNow) throw insufficientDelegation(stakeNow, operator);
    toUndelegate = stakeNow === 0n ? shares : (amount * shares + stakeNow - 1n) / stakeNow;
    if (toUndelegate > shares) toUndelegate = shares;
  }
  const r = await transact(client, 'undelegate', () => pools.undelegate(operator, toUndelegate));
  const ev = findEvent(pools, r, 'UndelegationRequested');
  const readyAt = (ev?.args.readyAt as bigint) ?? 0n;
  const { frozenUntil } = await pools.pool(operator);
  return {
    delegator: account,
    operator,
    shares: toUndelegate,
    amount: (ev?.args.amount as bigint) ?? 0n,
    readyAt,
    cooldown: await getParam(client, { name: 'pool.undelegateCooldown' }),
    lockedByTask: frozenUntil > 0n && readyAt === frozenUntil,
    txHash: r.hash,
  };
}
