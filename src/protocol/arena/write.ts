import type { ContractTransactionResponse } from 'ethers';
import type { IArena } from '../../chain/types/index.js';
import { requireArena, type ProtocolConnection } from '../connection.js';
import { transact } from '../tx.js';
import type { TxReturnType } from './types.js';

/**
 * Sends one Arena transaction through protocol's sendTx (reverts decoded, nonce cache reset on
 * failure) and returns the mined receipt's hash: the body of every single-call Arena write.
 *
 * @example
 * return writeArena(client, 'draw the sampling seed', (arena) => arena.drawSeed(taskId));
 */
export async function writeArena(client: ProtocolConnection, action: string, send: (arena: IArena) => Promise<ContractTransactionResponse>): Promise<TxReturnType> {
  const arena = requireArena(client);
  const receipt = await transact(client, action, () => send(arena));
  return { txHash: receipt.hash };
}
