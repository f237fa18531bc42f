import type { Signer } from 'ethers';
import type { Logger } from 'pino';
import { param, type Protocol } from './connect.js';
import { sendTx } from './tx.js';

export interface EmissionView {
  currentDay: bigint;
  /** First day not yet released to gauges. */
  nextDay: bigint;
  /** The schedule's amount for today, before the daily cap. */
  today: bigint;
  dailyCap: bigint;
  reserve: bigint;
  totalReleased: bigint;
  totalPulled: bigint;
  /** Emission accrued to the delegation pools and not yet pulled by them. */
  poolsAccrued: bigint;
}

export async function emissionStatus(p: Protocol): Promise<EmissionView> {
  const e = p.emission;
  const [currentDay, nextDay, reserve, totalReleased, totalPulled, poolsAccrued] = await Promise.all([
    e.currentDay(),
    e.nextDay(),
    e.reserve(),
    e.totalReleased(),
    e.totalPulled(),
    e.accrued(p.pools.getAddress()),
  ]);
  const [today, dailyCap] = await Promise.all([e.scheduledForDay(currentDay), param(p, 'emission.dailyCap')]);
  return { currentDay, nextDay, today, dailyCap, reserve, totalReleased, totalPulled, poolsAccrued };
}

/**
 * Releases every elapsed day to the gauges and has the delegation pools pull their share, which
 * then streams to delegators over the next day. Permissionless: anyone may run it, no keeper is
 * trusted; claims and delegations do the same implicitly.
 */
export async function advanceEmission(p: Protocol, signer: Signer, log?: Logger) {
  const before = await p.emission.totalReleased();
  const r1 = await sendTx(signer, 'advance emission', () => p.emission.advance(), log);
  const r2 = await sendTx(signer, 'sync pools', () => p.pools.sync(), log);
  const after = await p.emission.totalReleased();
  return { released: after - before, nextDay: await p.emission.nextDay(), txHashes: [r1.hash, r2.hash] };
}
