import { requireSigner, type ProtocolConnection } from '../connection.js';
import { noPool } from '../errors.js';
import { transact } from '../tx.js';
import type { CreatePoolParameters } from './createPool.js';
import { checkSigma } from './sigma.js';

export type SetSigmaParameters = CreatePoolParameters;

export interface SetSigmaReturnType {
  operator: string;
  oldSigma: bigint;
  sigma: bigint;
  txHash: string;
}

/**
 * Changes the signer's operator share (within the governed bounds, after its cooldown).
 *
 * @example
 * const { oldSigma } = await setSigma(client, { sigma: parseSigma('5%') });
 */
export async function setSigma(client: ProtocolConnection, { sigma }: SetSigmaParameters): Promise<SetSigmaReturnType> {
  const { pools } = client.contracts;
  const operator = await requireSigner(client, 'set sigma').getAddress();
  const before = await pools.pool(operator);
  if (!before.exists) throw noPool(operator);
  await checkSigma(client, sigma);
  const r = await transact(client, 'set sigma', () => pools.setSigma(sigma));
  return { operator, oldSigma: before.sigma, sigma, txHash: r.hash };
}
