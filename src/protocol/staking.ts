import type { Signer } from 'ethers';
import type { Logger } from 'pino';
import { AbortError, BugError } from '../errors/index.js';
import { formatFlock } from '../units/index.js';
import { param, type Protocol } from './connect.js';
import { ensureAllowance, sendTx } from './tx.js';

export const DAY = 86_400n;

export interface StakeParameters {
  amount: bigint;
  /** Lock duration in seconds. */
  duration: bigint;
}

export interface StakeReturnType {
  account: string;
  positionId: bigint;
  amount: bigint;
  gmAmount: bigint;
  /** WAD (1e18 = 1x). */
  multiplier: bigint;
  unlockAt: bigint;
  txHash: string;
}

/**
 * Locks FLOCK into gmFLOCK. Checks the lock range and the balance first, so the common mistakes
 * give a plain message instead of a revert, and approves the exact amount when needed.
 *
 * @example
 * const r = await stake(p, signer, { amount: parseEther('100'), duration: 365n * DAY });
 * r.gmAmount; // 301e18
 */
export async function stake(p: Protocol, signer: Signer, args: StakeParameters, log?: Logger): Promise<StakeReturnType> {
  const account = await signer.getAddress();
  if (args.amount <= 0n) {
    throw new AbortError('stake amount must be greater than zero', { code: 'INVALID_AMOUNT' });
  }
  const max = await param(p, 'lock.maxDuration');
  if (args.duration < 0n || args.duration > max) {
    throw new AbortError(`lock of ${Number(args.duration) / 86400} days is out of range`, {
      code: 'LOCK_OUT_OF_RANGE',
      hint: `choose --lock between 0 and ${max / DAY} days`,
    });
  }
  const balance = await p.token.balanceOf(account);
  if (balance < args.amount) {
    throw new AbortError(`insufficient FLOCK: ${account} holds ${formatFlock(balance)}, staking needs ${formatFlock(args.amount)}`, {
      code: 'INSUFFICIENT_BALANCE',
      hint: 'stake less, or receive FLOCK first (`flock wallet balance` shows what you hold)',
    });
  }
  const gmAddress = await p.gm.getAddress();
  await ensureAllowance(signer, p.token, account, gmAddress, args.amount, 'FLOCK for gmFLOCK', log);
  const receipt = await sendTx(signer, 'stake', () => p.gm.lock(args.amount, args.duration), log);
  const ev = receipt.logs.map((l) => p.gm.interface.parseLog(l)).find((e) => e?.name === 'Locked');
  if (!ev) throw new BugError('stake: no Locked event in the receipt');
  const positionId = ev.args.positionId as bigint;
  const pos = await p.gm.position(account, positionId);
  return {
    account,
    positionId,
    amount: ev.args.amount as bigint,
    gmAmount: ev.args.gmAmount as bigint,
    multiplier: pos.multiplier,
    unlockAt: ev.args.unlockAt as bigint,
    txHash: receipt.hash,
  };
}

export interface PositionView {
  id: bigint;
  amount: bigint;
  gmAmount: bigint;
  multiplier: bigint;
  unlockAt: bigint;
  /** Redeemed positions have amount 0. */
  redeemed: boolean;
  unlocked: boolean;
}

/** Every position of `account`, redeemed ones included (they show amount 0). */
export async function positions(p: Protocol, account: string): Promise<PositionView[]> {
  const n = await p.gm.positionCount(account);
  const now = BigInt((await p.gm.runner!.provider!.getBlock('latest'))!.timestamp);
  const out: PositionView[] = [];
  for (let id = 0n; id < n; id++) {
    const pos = await p.gm.position(account, id);
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

export interface RedeemReturnType {
  positionId: bigint;
  gmBurned: bigint;
  flockOut: bigint;
  fee: bigint;
  forfeited: bigint;
  txHash: string;
}

/**
 * Redeems the given position, or every unlocked one when `positionId` is omitted. A locked
 * position gives a plain message with its unlock time; a position whose gmFLOCK is delegated
 * needs `acceptShortfall` (the missing part is forfeited), so nothing is lost by surprise.
 */
export async function redeem(
  p: Protocol,
  signer: Signer,
  args: { positionId?: bigint; acceptShortfall?: boolean },
  log?: Logger,
): Promise<RedeemReturnType[]> {
  const account = await signer.getAddress();
  const all = await positions(p, account);
  const live = all.filter((x) => !x.redeemed);
  let targets: PositionView[];
  if (args.positionId !== undefined) {
    const pos = live.find((x) => x.id === args.positionId);
    if (!pos) {
      throw new AbortError(`no open position #${args.positionId} for ${account}`, {
        code: 'UNKNOWN_POSITION',
        hint: '`flock status` lists your positions and their ids',
      });
    }
    if (!pos.unlocked) throw lockedError(pos);
    targets = [pos];
  } else {
    targets = live.filter((x) => x.unlocked);
    if (targets.length === 0) {
      const next = live.sort((a, b) => Number(a.unlockAt - b.unlockAt))[0];
      if (next) throw lockedError(next);
      throw new AbortError(`${account} has no open positions`, {
        code: 'NOTHING_TO_REDEEM',
        hint: 'stake with `flock stake <amount> --lock <days>`',
      });
    }
  }
  const gmBalance = await p.gm.balanceOf(account);
  const needed = targets.reduce((s, x) => s + x.gmAmount, 0n);
  if (gmBalance < needed && !args.acceptShortfall) {
    throw new AbortError(`redeeming needs ${formatFlock(needed, { symbol: 'gmFLOCK' })} but ${account} holds ${formatFlock(gmBalance, { symbol: 'gmFLOCK' })}`, {
      code: 'GM_SHORTFALL',
      hint: 'undelegate first (`flock undelegate --from <operator>`), or pass --accept-shortfall to forfeit the missing part to the treasury',
    });
  }
  const out: RedeemReturnType[] = [];
  for (const pos of targets) {
    const receipt = await sendTx(signer, `redeem position #${pos.id}`, () => p.gm.redeem(pos.id, args.acceptShortfall ?? false), log);
    const ev = receipt.logs.map((l) => p.gm.interface.parseLog(l)).find((e) => e?.name === 'Redeemed');
    if (!ev) throw new BugError('redeem: no Redeemed event in the receipt');
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

function lockedError(pos: PositionView): AbortError {
  const at = new Date(Number(pos.unlockAt) * 1000).toISOString().replace('.000Z', 'Z');
  return new AbortError(`position #${pos.id} is locked until ${at}`, {
    code: 'STILL_LOCKED',
    hint: 'redeem after the unlock time; `flock status` lists your positions',
  });
}
