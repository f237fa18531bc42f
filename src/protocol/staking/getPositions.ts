import type { ProtocolConnection } from '../connection.js';

export interface GetPositionsParameters {
  account: string;
}

export interface PositionView {
  id: bigint;
  amount: bigint;
  gmAmount: bigint;
  /** WAD (1e18 = 1x). */
  multiplier: bigint;
  unlockAt: bigint;
  /** Redeemed positions have amount 0. */
  redeemed: boolean;
  /** Whether the unlock time has passed (chain time). */
  unlocked: boolean;
}

export type GetPositionsReturnType = PositionView[];

/**
 * Every lock position of `account`, redeemed ones included (they show amount 0).
 *
 * @example
 * const open = (await getPositions(client, { account })).filter((p) => !p.redeemed);
 */
export async function getPositions(client: ProtocolConnection, { account }: GetPositionsParameters): Promise<GetPositionsReturnType> {
  const { gm } = client.contracts;
  const n = await gm.positionCount(account);
  const now = BigInt((await gm.runner!.provider!.getBlock('latest'))!.timestamp);
  const out: PositionView[] = [];
  for (let id = 0n; id < n; id++) {
    const pos = await gm.position(account, id);
    out.push({
      id,
      amount: pos.amount,
      gmAmount: pos.gmAmount,
      multiplier: pos.multiplier,
      unlockAt: pos.unlockAt,
      redeemed: pos.amount === 0n,
      unlocked: pos.unlockAt <= now,
    });
  }
  return out;
}
