/**
 * The host's voucher ledger (daemons/serve/ledger.ts): durable latest voucher per channel, group
 * commit, rollback, redeemed marks, compaction, a torn tail cut on open, damage and a foreign
 * ledger refused, the lock.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerDir, VoucherLedger, type LedgerVoucher } from '../../../src/daemons/serve/ledger.js';

const scope = { chainId: 31337n, market: '0x5FbDB2315678afecb367f032d93F642f64180aa3', host: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', modelId: 1n };
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'flock-ledger-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const v = (channelId: bigint, calls: bigint, amount = calls * 10n): LedgerVoucher => ({ channelId, amount, calls, sig: `0x${(calls % 256n).toString(16).padStart(2, '0').repeat(64)}1b` });

describe('VoucherLedger', () => {
  it('keeps the latest voucher of each channel across a reopen, one fdatasync for concurrent records', async () => {
    const dir = tempDir();
    const a = await VoucherLedger.open({ dir, scope });
    await Promise.all([a.record(v(1n, 1n)), a.record(v(2n, 1n)), a.record(v(3n, 1n))]);
    expect(a.latest(2n)).toEqual(v(2n, 1n));
    // Memory first: the next voucher is checked against one still being written.
    const pending = a.record(v(1n, 2n));
    expect(a.latest(1n)?.calls).toBe(2n);
    await pending;
    await Promise.all(Array.from({ length: 50 }, (_, i) => a.record(v(4n, BigInt(i + 1)))));
    expect(a.stats.records).toBe(54);
    expect(a.stats.flushes).toBeLessThan(10); // group commit: many lines per write
    await a.close();
    const b = await VoucherLedger.open({ dir, scope });
    expect(b.latest(1n)).toEqual(v(1n, 2n));
    expect(b.latest(4n)).toEqual(v(4n, 50n));
    expect(b.unredeemed().map((u) => [u.channelId, u.calls])).toEqual([
      [1n, 2n],
      [2n, 1n],
      [3n, 1n],
      [4n, 50n],
    ]);
    await b.close();
  });

  it('reverts only a voucher that is still the latest, durably', async () => {
    const dir = tempDir();
    const l = await VoucherLedger.open({ dir, scope });
    const one = v(1n, 1n);
    await l.record(one);
    const two = v(1n, 2n);
    await l.record(two);
    expect(await l.revert(two, one)).toBe(true);
    expect(l.latest(1n)).toBe(one);
    // `one` is the latest again, as the same object: reverting it clears the channel.
    expect(await l.revert(one, undefined)).toBe(true);
    expect(l.latest(1n)).toBeUndefined();
    const three = v(2n, 1n);
    const four = v(2n, 2n);
    await l.record(three);
    await l.record(four);
    expect(await l.revert(three, undefined)).toBe(false); // four pays for three's call too
    expect(l.latest(2n)).toBe(four);
    await l.close();
    const again = await VoucherLedger.open({ dir, scope });
    expect(again.latest(1n)).toBeUndefined();
    expect(again.latest(2n)).toEqual(four);
    await again.close();
  });

  it('lists what is unredeemed and forgets what was redeemed', async () => {
    const dir = tempDir();
    const l = await VoucherLedger.open({ dir, scope });
    await l.record(v(1n, 3n, 300n));
    await l.record(v(2n, 1n, 100n));
    await l.markRedeemed(1n, 300n);
    expect(l.unredeemed().map((u) => u.channelId)).toEqual([2n]);
    await l.record(v(1n, 4n, 400n));
    expect(l.unredeemed()).toEqual([
      { ...v(1n, 4n, 400n), redeemed: 300n },
      { ...v(2n, 1n, 100n), redeemed: 0n },
    ]);
    expect(l.redeemed(1n)).toBe(300n);
    await l.close();
  });

  it('compacts the log without losing a channel', async () => {
    const dir = tempDir();
    const l = await VoucherLedger.open({ dir, scope, compactAfter: 20 });
    for (let i = 1n; i <= 30n; i++) await l.record(v(1n + (i % 3n), i));
    await l.markRedeemed(2n, 10n);
    expect(l.stats.compactions).toBeGreaterThan(0);
    expect(l.stats.lines).toBeLessThan(20);
    await l.record(v(9n, 1n));
    await l.close();
    const again = await VoucherLedger.open({ dir, scope });
    expect([1n, 2n, 3n, 9n].map((c) => again.latest(c)?.calls)).toEqual([30n, 28n, 29n, 1n]);
    expect(again.redeemed(2n)).toBe(10n);
    await again.close();
  });

  it('cuts a torn last line, refuses a damaged one and a ledger of another model', async () => {
    const dir = tempDir();
    const l = await VoucherLedger.open({ dir, scope });
    await l.record(v(1n, 1n));
    await l.close();
    const path = join(dir, 'vouchers.log');
    appendFileSync(path, '{"channel":"1","amount":"20","calls":"2","sig":"0x'); // SIGKILL mid-write
    const reopened = await VoucherLedger.open({ dir, scope });
    expect(reopened.latest(1n)).toEqual(v(1n, 1n));
    await reopened.record(v(1n, 2n));
    await reopened.close();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(3);

    await expect(VoucherLedger.open({ dir, scope: { ...scope, modelId: 2n } })).rejects.toThrow(/belongs to modelId 1, not 2/);
    writeFileSync(path, `${readFileSync(path, 'utf8').split('\n')[0]}\nnot json\n{"channel":"1","cleared":true}\n`);
    await expect(VoucherLedger.open({ dir, scope })).rejects.toThrow(/damaged: line 2 is not JSON/);
  });

  it('takes the folder lock; ledgerDir names one folder per chain, model and host', async () => {
    const dir = tempDir();
    const l = await VoucherLedger.open({ dir, scope });
    expect(readFileSync(join(dir, 'vouchers.lock'), 'utf8').split('\n')[0]).toBe(String(process.pid));
    await l.close();
    expect(ledgerDir('/home/x/.flock', scope)).toBe('/home/x/.flock/market/serve-31337-1-0x70997970c51812dc3a010c7d01b50e0d17dc79c8');
  });
});
