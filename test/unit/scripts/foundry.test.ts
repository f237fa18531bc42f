/**
 * Foundry's npm wrappers (@foundry-rs/* 1.7.x bin.mjs) exit 0 whatever forge, cast or anvil
 * returned, so a failing forge test or gas check looked green. Every script of ours runs the tools
 * through scripts/foundry.mjs, which passes the exit status on; these tests prove it can fail.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RUNNER = join(ROOT, 'scripts', 'foundry.mjs');

function run(args: string[]) {
  return spawnSync(process.execPath, [RUNNER, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
}

describe('scripts/foundry.mjs passes the tools’ exit status on', () => {
  it.each(['forge', 'cast', 'anvil'])('%s --no-such-flag exits non-zero', (tool) => {
    const r = run([tool, '--no-such-flag']);
    expect(r.status, r.stderr).not.toBe(0);
  });

  it('forge --version exits 0', () => {
    const r = run(['forge', '--version']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/forge/i);
  });

  it('an unknown tool is refused with exit 2', () => {
    const r = run(['solc']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/forge, cast or anvil/);
  });

  it('a gas snapshot with a wrong entry fails the check', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'flock-gas-'));
    try {
      const line = readFileSync(join(ROOT, '.gas-snapshot'), 'utf8').split('\n').find((l) => l.startsWith('FlockTokenTest:'));
      expect(line).toBeDefined();
      const [, contract, test] = /^(\w+):(\w+)\(/.exec(line!)!;
      const snap = join(dir, 'tampered.gas-snapshot');
      writeFileSync(snap, `${line!.replace(/\(gas: \d+\)/, '(gas: 1)')}\n`);
      const r = run(['forge', 'snapshot', '--check', snap, '--match-contract', `^${contract}$`, '--match-test', `^${test}\\(`]);
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('no script runs Foundry through the npm wrappers', () => {
  const uses = /(^|[\s;&|(])(npx\s+(--no-install\s+)?|node_modules\/\.bin\/)?(forge|cast|anvil)\s/;

  it('package.json scripts call scripts/foundry.mjs', () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    for (const [name, cmd] of Object.entries(scripts)) {
      for (const part of cmd.split(/&&|\|\||;/)) {
        if (uses.test(` ${part.trim()} `)) expect(part, `script ${name}`).toMatch(/node scripts\/foundry\.mjs (forge|cast|anvil)\b/);
      }
    }
  });

  it('scripts/test.sh and scripts/build.mjs do not use the wrappers', () => {
    for (const f of ['scripts/test.sh', 'scripts/build.mjs', '.ci/run']) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      expect(text, f).not.toMatch(/npx\s+(--no-install\s+)?(forge|cast|anvil)\b/);
      expect(text, f).not.toMatch(/\.bin['"/,\s]+(forge|cast|anvil)\b|bin\('(forge|cast|anvil)'\)/);
    }
  });
});
