import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeJsonAtomic } from '../../../src/files/atomic.js';
import { adoptLegacyState, lockState, readJson, StateStore, statePath } from '../../../src/daemons/kernel/state.js';

describe('daemon state store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flock-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file by kind, chain, task and account under <home>/daemons', () => {
    expect(statePath('/h', 'trainer', 31337, 4n, '0xAbC0000000000000000000000000000000000001')).toBe(join('/h', 'daemons', 'trainer-31337-4-0xabc0000000000000000000000000000000000001.json'));
  });

  it('two accounts\' daemons of one kind and task share a home: two state files, two locks', () => {
    const a = statePath(dir, 'trainer', 31337, 1n, '0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
    const b = statePath(dir, 'trainer', 31337, 1n, '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC');
    const releaseA = lockState(a);
    const releaseB = lockState(b); // threw DAEMON_LOCKED when the name had no account
    expect(a).not.toBe(b);
    releaseA();
    releaseB();
  });

  it('adopts a state file of the layout without the account, only when it is this account\'s', () => {
    const alice = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    const legacy = join(dir, 'daemons', 'trainer-31337-1.json');
    writeJsonAtomic(legacy, { account: alice, salt: '0x11' });
    const bob = statePath(dir, 'trainer', 31337, 1n, '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC');
    adoptLegacyState(bob, '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC');
    expect(readdirSync(join(dir, 'daemons'))).toEqual(['trainer-31337-1.json']);
    const mine = statePath(dir, 'trainer', 31337, 1n, alice);
    adoptLegacyState(mine, alice);
    expect(readJson(mine)).toEqual({ account: alice, salt: '0x11' });
    expect(readdirSync(join(dir, 'daemons'))).toEqual([mine.split('/').pop()]);
  });

  it('writes atomically: no temp file is left, bigints become strings, mode 0600', () => {
    const path = join(dir, 'daemons', 's.json');
    writeJsonAtomic(path, { a: 1n, b: 'x' });
    expect(readdirSync(join(dir, 'daemons'))).toEqual(['s.json']);
    expect(readJson(path)).toEqual({ a: '1', b: 'x' });
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('replaces the old content whole (a reader sees old or new, never a mix)', () => {
    const path = join(dir, 's.json');
    writeJsonAtomic(path, { step: 'registered', long: 'x'.repeat(10_000) });
    writeJsonAtomic(path, { step: 'committed' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ step: 'committed' });
  });

  it('persists every update at once and resumes from it in a new store (a restart)', () => {
    const path = join(dir, 'trainer-1-1.json');
    const a = new StateStore<{ taskId: string; salt?: string; committed?: { txHash?: string } }>(path, { taskId: '1' });
    a.update({ salt: '0xabc' });
    // A crash here (after the salt, before the commit is recorded) must not lose the salt.
    const b = new StateStore<{ taskId: string; salt?: string; committed?: { txHash?: string } }>(path, { taskId: '1' });
    expect(b.get().salt).toBe('0xabc');
    expect(b.get().committed).toBeUndefined();
    b.update((v) => ({ committed: { txHash: `tx-for-${v.salt}` } }));
    expect(new StateStore(path, { taskId: '1' }).get()).toMatchObject({ salt: '0xabc', committed: { txHash: 'tx-for-0xabc' } });
  });

  it('refuses a corrupt state file instead of starting over (which could lose a salt)', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"salt": "0x');
    expect(() => new StateStore(path, {})).toThrow(/unreadable/);
  });
});
