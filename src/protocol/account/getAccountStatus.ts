import type { ProtocolConnection } from '../connection.js';
import { getDelegations, type DelegationView } from '../pools/getDelegations.js';
import { getPositions, type PositionView } from '../staking/getPositions.js';

export interface GetAccountStatusParameters {
  account: string;
}

export interface GetAccountStatusReturnType {
  chainId: number;
  block: number;
  account: string;
  eth: bigint;
  flock: bigint;
  gmFlock: bigint;
  locked: bigint;
  /** Governance weight: delegated FLOCK votes plus locked FLOCK. */
  votes: bigint;
  positions: PositionView[];
  pool: { sigma: bigint; totalStake: bigint; unbondingStake: bigint; pendingCommission: bigint } | null;
  delegations: DelegationView[];
  emissionDay: bigint;
}

/**
 * Everything an account holds and earns in the protocol, in one read-only pass.
 *
 * @example
 * const s = await getAccountStatus(client, { account });
 * s.gmFlock;
 */
export async function getAccountStatus(client: ProtocolConnection, { account }: GetAccountStatusParameters): Promise<GetAccountStatusReturnType> {
  const { token, gm, pools, emission } = client.contracts;
  const provider = token.runner!.provider!;
  const [block, eth, flock, gmFlock, locked, tokenVotes, gmVotes, pool, commission, emissionDay] = await Promise.all([
    provider.getBlockNumber(),
    provider.getBalance(account),
    token.balanceOf(account),
    gm.balanceOf(account),
    gm.lockedOf(account),
    token.getVotes(account),
    gm.getVotes(account),
    pools.pool(account),
    pools.pendingCommission(account),
    emission.currentDay(),
  ]);
  return {
    chainId: client.record.chainId,
    block,
    account,
    eth,
    flock,
    gmFlock,
    locked,
    votes: tokenVotes + gmVotes,
    positions: (await getPositions(client, { account })).filter((x) => !x.redeemed),
    pool: pool.exists ? { sigma: pool.sigma, totalStake: pool.totalStake, unbondingStake: pool.unbondingStake, pendingCommission: commission } : null,
    delegations: await getDelegations(client, { account }),
    emissionDay,
  };
}
