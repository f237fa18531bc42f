import { requireSigner, type ProtocolConnection } from '../connection.js';
import { insufficientBalance, noPool } from '../errors.js';
import { ensureAllowance, findEvent, transact } from '../tx.js';

export interface DelegateParameters {
  operator: string;
  /** gmFLOCK. */
  amount: bigint;
}

export interface DelegateReturnType {
  delegator: string;
  operator: string;
  amount: bigint;
  shares: bigint;
  txHash: string;
}

/**
 * Delegates gmFLOCK to an operator's pool, approving the exact amount when needed.
 *
 * @example
 * const { shares } = await delegate(client, { operator, amount: parseEther('50') });
 */
export async function delegate(client: ProtocolConnection, { operator, amount }: DelegateParameters): Promise<DelegateReturnType> {
  const { pools, gm } = client.contracts;
  const account = await requireSigner(client, 'delegate').getAddress();
  if (!(await pools.pool(operator)).exists) throw noPool(operator);
  const balance = await gm.balanceOf(account);
  if (balance < amount) throw insufficientBalance('gmFLOCK', 'delegating', amount, account, balance);
  await ensureAllowance(client, gm, await pools.getAddress(), amount, 'gmFLOCK for the pools');
  const r = await transact(client, 'delegate', () => pools.delegate(operator, amount));
  const ev = findEvent(pools, r, 'Delegated');
  return { delegator: account, operator, amount, shares: (ev?.args.shares as bigint) ?? 0n, txHash: r.hash };
}
