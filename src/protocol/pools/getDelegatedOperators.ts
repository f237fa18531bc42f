import { getAddress } from 'ethers';
import type { ProtocolConnection } from '../connection.js';

export interface GetDelegatedOperatorsParameters {
  account: string;
}

export type GetDelegatedOperatorsReturnType = string[];

/**
 * Operators `account` has ever delegated to, found from `Delegated` events (no on-chain list
 * exists, by design).
 *
 * @example
 * const operators = await getDelegatedOperators(client, { account });
 */
export async function getDelegatedOperators(client: ProtocolConnection, { account }: GetDelegatedOperatorsParameters): Promise<GetDelegatedOperatorsReturnType> {
  const { pools } = client.contracts;
  const logs = await pools.queryFilter(pools.filters.Delegated(account), client.record.block);
  return [...new Set(logs.map((l) => getAddress(l.args.operator as string)))];
}
