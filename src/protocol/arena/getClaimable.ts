import { requireArena, type ProtocolConnection } from '../connection.js';
import type { TaskParameters } from './types.js';

export interface GetClaimableParameters extends TaskParameters {
  account: string;
}

/** What one finalized or cancelled task owes an account (every role it held there). */
export interface GetClaimableReturnType {
  taskId: bigint;
  /** gmFLOCK stake returned (less slashing). */
  stake: bigint;
  /** FLOCK reward (its pool's part, if any, goes to the pool at the claim). */
  reward: bigint;
  /** FLOCK refunded (a cancelled task's fee or bounty). */
  refund: bigint;
}

/**
 * What claimTask would pay `account` now, from the Arena's own `claimable` view.
 *
 * @example
 * const { stake, reward, refund } = await getClaimable(client, { taskId: 1n, account });
 */
export async function getClaimable(client: ProtocolConnection, { taskId, account }: GetClaimableParameters): Promise<GetClaimableReturnType> {
  const [stake, reward, refund] = await requireArena(client).claimable(taskId, account);
  return { taskId, stake, reward, refund };
}
