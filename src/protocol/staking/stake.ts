import { requireSigner, type ProtocolConnection } from '../connection.js';
import { insufficientBalance, lockOutOfRange, zeroStake } from '../errors.js';
import { getParam } from '../governance/getParam.js';
import { ensureAllowance, requireEvent, transact } from '../tx.js';

export interface StakeParameters {
  /** FLOCK to lock. */
  amount: bigint;
  /** Lock duration in seconds (0 .. lock.maxDuration). */
  duration: bigint;
}

export interface StakeReturnType {
  account: string;
  positionId: bigint;
  amount: bigint;
  gmAmount: bigint;
  /** WAD (1e18 = 1x). */
  multiplier: bigint;
  unlockAt: bigint;
  txHash: string;
}

/**
 * Locks FLOCK into gmFLOCK. Checks the lock range and the balance first, so the common mistakes
 * give a plain message instead of a revert, and approves the exact amount when needed.
 *
 * @example
 * const r = await stake(client, { amount: parseEther('100'), duration: 365n * 86_400n });
 * r.gmAmount; // 301e18
 */
export async function stake(client: ProtocolConnection, { amount, duration }: StakeParameters): Promise<StakeReturnType> {
  const { gm, token } = client.contracts;
  const account = await requireSigner(client, 'stake').getAddress();
  if (amount <= 0n) throw zeroStake();
  const max = await getParam(client, { name: 'lock.maxDuration' });
  if (duration < 0n || duration > max) throw lockOutOfRange(duration, max);
  const balance = await token.balanceOf(account);
  if (balance < amount) throw insufficientBalance('FLOCK', 'staking', amount, account, balance);
  await ensureAllowance(client, token, await gm.getAddress(), amount, 'FLOCK for gmFLOCK');
  const receipt = await transact(client, 'stake', () => gm.lock(amount, duration));
  const ev = requireEvent(gm, receipt, 'Locked', 'stake');
  const positionId = ev.args.positionId as bigint;
  const pos = await gm.position(account, positionId);
  return {
    account,
    positionId,
    amount: ev.args.amount as bigint,
    gmAmount: ev.args.gmAmount as bigint,
    multiplier: pos.multiplier,
    unlockAt: ev.args.unlockAt as bigint,
    txHash: receipt.hash,
  };
}
