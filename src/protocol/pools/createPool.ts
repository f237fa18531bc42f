import { requireSigner, type ProtocolConnection } from '../connection.js';
import { poolExists } from '../errors.js';
import { transact } from '../tx.js';
import { checkSigma } from './sigma.js';

export interface CreatePoolParameters {
  /** The operator's share of the pool's rewards, WAD (parseSigma). */
  sigma: bigint;
}

export interface CreatePoolReturnType {
  operator: string;
  sigma: bigint;
  txHash: string;
}

/**
 * Opens the signer's delegation pool with operator share `sigma`, checked against the governed
 * bounds first.
 *
 * @example
 * await createPool(client, { sigma: parseSigma('10%') });
 */
export async function createPool(client: ProtocolConnection, { sigma }: CreatePoolParameters): Promise<CreatePoolReturnType> {
  const { pools } = client.contracts;
  const operator = await requireSigner(client, 'create pool').getAddress();
  if ((await pools.pool(operator)).exists) throw poolExists(operator);
  await checkSigma(client, sigma);
  const r = await transact(client, 'create pool', () => pools.createPool(sigma));
  return { operator, sigma, txHash: r.hash };
}
