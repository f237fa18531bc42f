import { ZeroAddress } from 'ethers';
import type { ProtocolConnection } from '../connection.js';

export interface GetUndelegatedFlockParameters {
  account: string;
}

/** FLOCK that does not vote; 0 once the account delegated its votes to anyone. */
export type GetUndelegatedFlockReturnType = bigint;

/**
 * Liquid FLOCK of `account` that does not vote (not delegated to anyone); locked FLOCK always
 * votes for its locker.
 *
 * @example
 * if ((await getUndelegatedFlock(client, { account })) > 0n) await selfDelegate(client);
 */
export async function getUndelegatedFlock(client: ProtocolConnection, { account }: GetUndelegatedFlockParameters): Promise<GetUndelegatedFlockReturnType> {
  const { token } = client.contracts;
  const [delegate, balance] = await Promise.all([token.delegates(account), token.balanceOf(account)]);
  return delegate === ZeroAddress ? balance : 0n;
}
