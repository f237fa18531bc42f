import type { ProtocolConnection } from '../connection.js';
import { transact } from '../tx.js';

/** Arena.sync calls one advance makes at most (each catches up a bounded span of epochs). */
const MAX_ARENA_SYNCS = 10;

export interface AdvanceEmissionReturnType {
  /** FLOCK released by this call. */
  released: bigint;
  nextDay: bigint;
  txHashes: string[];
}

/**
 * Releases every elapsed day to the gauges and has the delegation pools and the Arena pull their
 * share, which then streams to delegators and to running tasks over the next day. Permissionless:
 * anyone may run it, no keeper is trusted; claims, delegations and task registrations do the same
 * implicitly, but a quiet Arena earns only once someone syncs it.
 *
 * @example
 * const { released } = await advanceEmission(client);
 */
export async function advanceEmission(client: ProtocolConnection): Promise<AdvanceEmissionReturnType> {
  const { emission, pools, arena } = client.contracts;
  const before = await emission.totalReleased();
  const txHashes = [(await transact(client, 'advance emission', () => emission.advance())).hash];
  txHashes.push((await transact(client, 'sync pools', () => pools.sync())).hash);
  // The Arena catches up a bounded number of epochs per call (no unbounded loop on chain).
  for (let i = 0; arena && i < MAX_ARENA_SYNCS; i++) {
    const caughtUp = await arena.sync.staticCall();
    txHashes.push((await transact(client, 'sync the Arena', () => arena.sync())).hash);
    if (caughtUp) break;
  }
  const after = await emission.totalReleased();
  return { released: after - before, nextDay: await emission.nextDay(), txHashes };
}
