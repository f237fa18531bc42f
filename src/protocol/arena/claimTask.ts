import { requireArena, type ProtocolConnection } from '../connection.js';
import { requireEvent, transact } from '../tx.js';
import type { TaskParameters } from './types.js';

export type ClaimTaskParameters = TaskParameters;

export interface ClaimTaskReturnType {
  taskId: bigint;
  /** gmFLOCK stake returned (less slashing). */
  stake: bigint;
  /** FLOCK reward paid to the account; `poolReward` went to its pool. */
  reward: bigint;
  poolReward: bigint;
  /** FLOCK refunded (a cancelled task's fee or bounty). */
  refund: bigint;
  txHash: string;
}

/**
 * Claims the signer's stake, reward and refund of a finalized or cancelled task (every role it
 * held there); the amounts come from the Claimed event.
 *
 * @example
 * const { reward, stake } = await claimTask(client, { taskId: 1n });
 */
export async function claimTask(client: ProtocolConnection, { taskId }: ClaimTaskParameters): Promise<ClaimTaskReturnType> {
  const arena = requireArena(client);
  const receipt = await transact(client, 'claim', () => arena.claim(taskId));
  const ev = requireEvent(arena, receipt, 'Claimed', 'claim');
  return {
    taskId,
    stake: ev.args.stake as bigint,
    reward: ev.args.reward as bigint,
    poolReward: ev.args.poolReward as bigint,
    refund: ev.args.refund as bigint,
    txHash: receipt.hash,
  };
}
