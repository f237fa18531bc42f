import { requireSigner, type ProtocolConnection } from '../connection.js';
import { nothingToWithdraw, stillUnbonding } from '../errors.js';
import { findEvent, transact } from '../tx.js';

export interface WithdrawParameters {
  operator: string;
}

export interface WithdrawReturnType {
  delegator: string;
  operator: string;
  /** gmFLOCK paid back. */
  amount: bigint;
  txHash: string;
}

/**
 * Withdraws unbonded gmFLOCK from `operator`'s pool once the undelegation cooldown has passed.
 *
 * @example
 * const { amount } = await withdraw(client, { operator });
 */
export async function withdraw(client: ProtocolConnection, { operator }: WithdrawParameters): Promise<WithdrawReturnType> {
  const { pools } = client.contracts;
  const account = await requireSigner(client, 'withdraw').getAddress();
  const [shares, amount, readyAt] = await pools.unbonding(operator, account);
  if (shares === 0n) throw nothingToWithdraw(account, operator);
  const now = BigInt((await pools.runner!.provider!.getBlock('latest'))!.timestamp);
  if (now < readyAt) throw stillUnbonding(amount, readyAt);
  const r = await transact(client, 'withdraw', () => pools.withdraw(operator));
  const ev = findEvent(pools, r, 'Withdrawn');
  return { delegator: account, operator, amount: (ev?.args.amount as bigint) ?? amount, txHash: r.hash };
}
