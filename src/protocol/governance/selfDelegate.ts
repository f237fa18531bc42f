import { requireSigner, type ProtocolConnection } from '../connection.js';
import { transact } from '../tx.js';

export interface SelfDelegateReturnType {
  txHash: string;
}

/**
 * Delegates the signer's liquid FLOCK votes to itself (they count from the next second).
 *
 * @example
 * const { txHash } = await selfDelegate(client);
 */
export async function selfDelegate(client: ProtocolConnection): Promise<SelfDelegateReturnType> {
  const account = await requireSigner(client, 'delegate').getAddress();
  const receipt = await transact(client, 'delegate FLOCK votes to yourself', () => client.contracts.token.delegate(account));
  return { txHash: receipt.hash };
}
