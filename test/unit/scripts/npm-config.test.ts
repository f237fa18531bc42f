/**
 * Issue #10, finding 9: every `npx flock` printed `npm warn Unknown project config
 * "onnxruntime-node-install"`, from the .npmrc key that kept onnxruntime-node's postinstall from
 * fetching CUDA/TensorRT libraries from nuget.org (set-up and CI have only the npm registry). The
 * skip is now package.json's `allowScripts` denial (npm >= 11.16), which npm reads silently.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; allowScripts?: Record<string, boolean> };

describe('npm configuration', () => {
  it('`npm exec -- flock --version` prints the version and no npm warning', { timeout: 250_000 }, () => {
    // A user's shell: no npm_* variables (vitest may run under npm, which exports its config).
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    // The first `npm exec` of a local bin links the package into npm's npx cache (tens of seconds).
    const r = spawnSync('npm', ['exec', '--', 'flock', '--version'], { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
    expect(r.stderr).not.toMatch(/Unknown project config/);
    expect(r.stderr).not.toMatch(/npm warn/);
  });

  it('no unknown keys in .npmrc; onnxruntime-node\'s download is denied in allowScripts', () => {
    const npmrc = join(ROOT, '.npmrc');
    if (existsSync(npmrc)) expect(readFileSync(npmrc, 'utf8')).not.toMatch(/^\s*onnxruntime-node/m);
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
    // The tools whose install scripts flock needs keep running them (npm 12 blocks unlisted ones).
    for (const name of ['@foundry-rs/anvil', '@foundry-rs/cast', '@foundry-rs/forge']) expect(pkg.allowScripts?.[name]).toBe(true);
  });
});
