import type { Signer } from 'ethers';
import type { Logger } from 'pino';
import { connectArena } from './arena.js';
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
 * Releases every elapsed day to the gauges and has the delegation pools and the Arena pull their
 * share, which then streams to delegators and to running tasks over the next day. Permissionless:
 * anyone may run it, no keeper is trusted; claims, delegations and task registrations do the same
 * implicitly, but a quiet Arena earns only once someone syncs it.
 */
export async function advanceEmission(p: Protocol, signer: Signer, log?: Logger) {
  const before = await p.emission.totalReleased();
  const txHashes = [(await sendTx(signer, 'advance emission', () => p.emission.advance(), log)).hash];
  txHashes.push((await sendTx(signer, 'sync pools', () => p.pools.sync(), log)).hash);
  if (p.record.contracts.Arena) {
    const arena = connectArena(p, signer);
    // The Arena catches up a bounded number of epochs per call (no unbounded loop on chain).
    for (let i = 0; i < MAX_ARENA_SYNCS; i++) {
      const caughtUp = await arena.sync.staticCall();
      txHashes.push((await sendTx(signer, 'sync the Arena', () => arena.sync(), log)).hash);
      if (caughtUp) break;
    }
  }
  const after = await p.emission.totalReleased();
  return { released: after - before, nextDay: await p.emission.nextDay(), txHashes };
}

/** Arena.sync calls one `flock emission advance` makes at most (each catches up a bounded span). */
const MAX_ARENA_SYNCS = 10;
