import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANVIL_MNEMONIC } from '../../../src/config/schema.js';
import { devnetAccounts, devnetFulfillerAccount } from '../../../src/devnet/accounts.js';
import { applyEvents, dueRequests, freshState, loadState, retryDelayMs, rewind, saveState } from '../../../src/devnet/vrf-fulfiller.js';

const COORDINATOR = '0x959922bE3CAee4b8Cd9a407cc3ac1C251C2007B1';
const CONSUMER = '0x3Aa5ebB10DC797CAC828524e59A333d0A371443c';
const req = (id: bigint, block: number) => ({ requestId: id, consumer: CONSUMER.toLowerCase(), block, callbackGasLimit: 100_000 });

describe('VRF fulfiller bookkeeping', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flock-vrf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a fresh state scans from the deployment block', () => {
    expect(freshState(31337, COORDINATOR, 5).cursor).toBe(4);
    expect(freshState(31337, COORDINATOR, 0).cursor).toBe(-1);
  });

  it('requests become pending, fulfilments (in the same range or a later one) drop them', () => {
    const s = freshState(31337, COORDINATOR, 1);
    applyEvents(s, [req(1n, 3), req(2n, 4), req(3n, 5)], [2n], 5);
    expect(Object.keys(s.pending)).toEqual(['1', '3']);
    expect(s.pending['1']).toMatchObject({ consumer: CONSUMER, block: 3, attempts: 0 });
    expect(s.cursor).toBe(5);
    // Someone else fulfilled 3 after the scan; a later range lists it.
    applyEvents(s, [req(4n, 7)], [3n], 8);
    expect(Object.keys(s.pending)).toEqual(['1', '4']);
    expect(s.cursor).toBe(8);
    // A range read twice (a crash before the cursor was saved) adds nothing twice.
    s.pending['1']!.attempts = 2;
    applyEvents(s, [req(1n, 3)], [], 8);
    expect(s.pending['1']!.attempts).toBe(2);
  });

  it('due requests come oldest first (by id, numerically) and wait out their backoff', () => {
    const s = freshState(31337, COORDINATOR, 1);
    applyEvents(s, [req(10n, 3), req(9n, 3), req(100n, 4)], [], 4);
    expect(dueRequests(s, 0).map(([id]) => id)).toEqual([9n, 10n, 100n]);
    s.pending['10']!.retryAt = 5_000;
    expect(dueRequests(s, 4_999).map(([id]) => id)).toEqual([9n, 100n]);
    expect(dueRequests(s, 5_000).map(([id]) => id)).toEqual([9n, 10n, 100n]);
    expect([1, 2, 3, 7, 50].map(retryDelayMs)).toEqual([1000, 2000, 4000, 60_000, 60_000]);
  });

  it('a chain that went back (reverted snapshot) is rescanned; pending requests are kept', () => {
    const s = freshState(31337, COORDINATOR, 2);
    applyEvents(s, [req(1n, 3)], [], 40);
    expect(rewind(s, 45, 2)).toBe(false);
    expect(rewind(s, 30, 2)).toBe(true);
    expect(s.cursor).toBe(1);
    expect(Object.keys(s.pending)).toEqual(['1']);
  });

  it('saved state is resumed only for the same chain and coordinator; an unreadable file starts afresh', () => {
    const path = join(dir, 'state.json');
    const s = freshState(31337, COORDINATOR, 2);
    applyEvents(s, [req(7n, 9)], [], 12);
    s.fulfilled = 6;
    saveState(path, s);
    expect(loadState(path, 31337, COORDINATOR.toLowerCase(), 2)).toMatchObject({ cursor: 12, fulfilled: 6, pending: { '7': { block: 9 } } });
    expect(loadState(path, 31338, COORDINATOR, 2)).toMatchObject({ cursor: 1, fulfilled: 0, pending: {} });
    expect(loadState(path, 31337, CONSUMER, 2)).toMatchObject({ cursor: 1, pending: {} });
    writeFileSync(path, '{ not json');
    expect(loadState(path, 31337, COORDINATOR, 2).cursor).toBe(1);
  });

  it("sends from a key of its own, none of anvil's named accounts", () => {
    const own = devnetFulfillerAccount(ANVIL_MNEMONIC);
    const anvil = devnetAccounts(ANVIL_MNEMONIC, 30).map((a) => a.address);
    expect(anvil).not.toContain(own.address);
    expect(devnetFulfillerAccount(ANVIL_MNEMONIC).address).toBe(own.address);
  });
});
