import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeJsonAtomic } from '../../../src/files/atomic.js';
import { readJson, StateStore, statePath } from '../../../src/daemons/kernel/state.js';

describe('daemon state store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flock-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file by kind, chain and task under <home>/daemons', () => {
    expect(statePath('/h', 'trainer', 31337, 4n)).toBe(join('/h', 'daemons', 'trainer-31337-4.json'));
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
