import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirPrivate, mkdirPrivateAsync } from '../../../src/files/dirs.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flock-dirs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const modeOf = (p: string) => statSync(p).mode & 0o777;

describe('mkdirPrivate (issue #14, finding 3)', () => {
  it('creates the folder and every missing parent 0700, sync and async', async () => {
    mkdirPrivate(join(dir, 'a', 'home', 'keystores'));
    for (const p of ['a', 'a/home', 'a/home/keystores']) expect(modeOf(join(dir, p)), p).toBe(0o700);
    await mkdirPrivateAsync(join(dir, 'b', 'home', 'store', 'ei'));
    for (const p of ['b', 'b/home', 'b/home/store', 'b/home/store/ei']) expect(modeOf(join(dir, p)), p).toBe(0o700);
  });

  it('leaves an existing folder as it is', () => {
    const open = join(dir, 'open');
    mkdirSync(open, { mode: 0o755 });
    mkdirPrivate(open);
    mkdirPrivate(join(open, 'inner'));
    expect(modeOf(open)).toBe(0o755);
    expect(modeOf(join(open, 'inner'))).toBe(0o700);
  });
});
