/**
 * `npx flock` in a HOME whose npx cache is new links this folder into the cache and runs its
 * "prepare" (the build) again. It used to rebuild dist/ every time (20 s, and a race with any CLI
 * or test running from dist/: the README test runs each block in a fresh HOME); an up-to-date
 * build is now left alone (scripts/build.mjs, dist/.build-stamp).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_MAIN, ROOT } from '../harness/index.js';

describe('npx flock in a fresh HOME', () => {
  it('runs the built CLI without building it again', { timeout: 300_000 }, () => {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    const before = statSync(DIST_MAIN).mtimeMs;
    const home = mkdtempSync(join(tmpdir(), 'flock-npx-'));
    try {
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|FLOCK_)/i.test(k)));
      const r = spawnSync('npx', ['flock', '--version'], { cwd: ROOT, env: { ...env, HOME: home }, encoding: 'utf8', timeout: 240_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
      expect(statSync(DIST_MAIN).mtimeMs, 'dist/ was rebuilt').toBe(before);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
