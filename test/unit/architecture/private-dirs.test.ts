/**
 * Issue #14, finding 3: the home was 0755 when `store put` created it and 0700 when `wallet new`
 * did. Every folder flock creates goes through files/dirs.ts (0700), so no command can create the
 * home, or a folder in it, readable by others. This keeps plain mkdir out of src/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

/** Where a plain mkdir is right, and why. */
const ALLOWED: Record<string, string> = {
  'files/dirs.ts': 'the helper itself',
  // `flock task init <data> --out <folder>`: the user's own output folder, not the home.
  'tasks/init.ts': 'the --out folder of task init',
  // pino's mkdir: true for the live view's log file; cli/daemon.ts makes that folder 0700 first.
  'log/index.ts': "the daemon log's folder, made beforehand by cli/daemon.ts",
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return p.endsWith(join('chain', 'types')) ? [] : sources(p);
    return /\.tsx?$/.test(name) ? [p] : [];
  });
}

describe('private folders (issue #14, finding 3)', () => {
  it('src/ creates folders only through files/dirs.ts (0700), except where listed', () => {
    const offenders = sources(SRC)
      .map((p) => relative(SRC, p).split('\\').join('/'))
      .filter((rel) => !(rel in ALLOWED) && /\bmkdir(Sync)?\s*\(|\bmkdir\s*:\s*true/.test(readFileSync(join(SRC, rel), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
