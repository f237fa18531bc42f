import type { ProtocolConnection } from '../connection.js';

export interface GetPoolParameters {
  operator: string;
}

export interface GetPoolReturnType {
  operator: string;
  exists: boolean;
  /** WAD. */
  sigma: bigint;
  /** Unix seconds. */
  sigmaChangedAt: bigint;
  frozenUntil: bigint;
  totalStake: bigint;
  totalShares: bigint;
  unbondingStake: bigint;
  /** FLOCK the operator can claim now. */
  pendingCommission: bigint;
}

/**
 * An operator's delegation pool (`exists: false` when it has none).
 *
 * @example
 * const { sigma, totalStake } = await getPool(client, { operator });
 */
export async function getPool(client: ProtocolConnection, { operator }: GetPoolParameters): Promise<GetPoolReturnType> {
  const { pools } = client.contracts;
  const [info, pendingCommission] = await Promise.all([pools.pool(operator), pools.pendingCommission(operator)]);
  return {
    operator,
    exists: info.exists,
    sigma: info.sigma,
    sigmaChangedAt: info.sigmaChangedAt,
    frozenUntil: info.frozenUntil,
    totalStake: info.totalStake,
    totalShares: info.totalShares,
    unbondingStake: info.unbondingStake,
    pendingCommission,
  };
}
