import { requireSigner, type ProtocolConnection } from '../connection.js';
import { gmShortfall, nothingToRedeem, stillLocked, unknownPosition } from '../errors.js';
import { requireEvent, transact } from '../tx.js';
import { getPositions, type PositionView } from './getPositions.js';

export interface RedeemParameters {
  /** The position to redeem; every unlocked one when omitted. */
  positionId?: bigint;
  /** Redeem although gmFLOCK of the position is delegated: the missing part is forfeited. */
  acceptShortfall?: boolean;
}

export interface RedeemedPosition {
  positionId: bigint;
  gmBurned: bigint;
  flockOut: bigint;
  fee: bigint;
  forfeited: bigint;
  txHash: string;
}

export type RedeemReturnType = RedeemedPosition[];

/**
 * Redeems the given position, or every unlocked one. A locked position gives a plain message with
 * its unlock time; a position whose gmFLOCK is delegated needs `acceptShortfall` (the missing part
 * is forfeited), so nothing is lost by surprise.
 *
 * @example
 * const [r] = await redeem(client, { positionId: 0n });
 * r.flockOut;
 */
export async function redeem(client: ProtocolConnection, { positionId, acceptShortfall = false }: RedeemParameters): Promise<RedeemReturnType> {
  const { gm } = client.contracts;
  const account = await requireSigner(client, 'redeem').getAddress();
  const live = (await getPositions(client, { account })).filter((x) => !x.redeemed);
  const targets = pick(live, account, positionId);
  const gmBalance = await gm.balanceOf(account);
  const needed = targets.reduce((s, x) => s + x.gmAmount, 0n);
  if (gmBalance < needed && !acceptShortfall) throw gmShortfall(needed, account, gmBalance);
  const out: RedeemedPosition[] = [];
  for (const pos of targets) {
    const receipt = await transact(client, `redeem position #${pos.id}`, () => gm.redeem(pos.id, acceptShortfall));
    const ev = requireEvent(gm, receipt, 'Redeemed', 'redeem');
    out.push({
      positionId: pos.id,
      gmBurned: ev.args.gmBurned as bigint,
      flockOut: ev.args.flockOut as bigint,
      fee: ev.args.fee as bigint,
      forfeited: ev.args.forfeited as bigint,
      txHash: receipt.hash,
    });
  }
  return out;
}

/** The positions to redeem, or why there are none. */
function pick(live: PositionView[], account: string, positionId: bigint | undefined): PositionView[] {
  if (positionId !== undefined) {
    const pos = live.find((x) => x.id === positionId);
    if (!pos) throw unknownPosition(positionId, account);
    if (!pos.unlocked) throw stillLocked(pos.id, pos.unlockAt);
    return [pos];
  }
  const unlocked = live.filter((x) => x.unlocked);
  if (unlocked.length > 0) return unlocked;
  const next = live.sort((a, b) => Number(a.unlockAt - b.unlockAt))[0];
  throw next ? stillLocked(next.id, next.unlockAt) : nothingToRedeem(account);
}
