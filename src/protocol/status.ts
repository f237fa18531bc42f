import type { Protocol } from './connect.js';
import { delegations, type DelegationView } from './pools.js';
import { positions, type PositionView } from './staking.js';

export interface AccountStatus {
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

/** Everything an account holds and earns in the protocol, in one read-only pass. */
export async function accountStatus(p: Protocol, account: string): Promise<AccountStatus> {
  const provider = p.token.runner!.provider!;
  const [block, eth, flock, gmFlock, locked, tokenVotes, gmVotes, pool, commission, emissionDay] = await Promise.all([
    provider.getBlockNumber(),
    provider.getBalance(account),
    p.token.balanceOf(account),
    p.gm.balanceOf(account),
    p.gm.lockedOf(account),
    p.token.getVotes(account),
    p.gm.getVotes(account),
    p.pools.pool(account),
    p.pools.pendingCommission(account),
    p.emission.currentDay(),
  ]);
  return {
    chainId: p.record.chainId,
    block,
    account,
    eth,
    flock,
    gmFlock,
    locked,
    votes: tokenVotes + gmVotes,
    positions: (await positions(p, account)).filter((x) => !x.redeemed),
    pool: pool.exists ? { sigma: pool.sigma, totalStake: pool.totalStake, unbondingStake: pool.unbondingStake, pendingCommission: commission } : null,
    delegations: await delegations(p, account),
    emissionDay,
  };
}
