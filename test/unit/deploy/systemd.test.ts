/**
 * The systemd units in deploy/systemd/: always, a parser of our own asserts the directives the
 * operator relies on (restart policy from src/errors/exit-codes.ts, the password through
 * LoadCredential=, the sandbox, a writable home, flags that exist); when `systemd-analyze` is on
 * this machine, it verifies the files too and rates their sandbox.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/program.js';
import { EXIT_CODE_TABLE, NON_RETRYABLE_EXIT_CODES } from '../../../src/errors/index.js';

const DIR = new URL('../../../deploy/systemd/', import.meta.url);

/** A unit file: section -> every `Key=value` in order (keys may repeat). Comments and blanks dropped. */
type Unit = Map<string, Array<[string, string]>>;

function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: string | undefined;
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = pending + raw.trim();
    pending = '';
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.endsWith('\\')) {
      pending = `${line.slice(0, -1)} `;
      continue;
    }
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      if (!unit.has(section)) unit.set(section, []);
      continue;
    }
    const eq = line.indexOf('=');
    if (section === undefined || eq < 1) throw new Error(`not a unit file line: ${line}`);
    unit.get(section)!.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return unit;
}

/** Every value of `key` in `section`. */
const all = (unit: Unit, section: string, key: string) => (unit.get(section) ?? []).filter(([k]) => k === key).map(([, v]) => v);
/** The effective value of a single-valued key: the last one. */
const one = (unit: Unit, section: string, key: string) => all(unit, section, key).at(-1);
const envOf = (unit: Unit) => new Map(all(unit, 'Service', 'Environment').map((v) => v.split('=', 2) as [string, string]));

/** What `flock <path…> --help` prints (the same commander program as bin/flock). */
function helpOf(path: string[]): string {
  let cmd: Command = buildProgram();
  for (const name of path) {
    const sub = cmd.commands.find((c) => c.name() === name);
    if (!sub) throw new Error(`no command flock ${path.join(' ')}`);
    cmd = sub;
  }
  return cmd.helpInformation();
}

interface Expected {
  file: string;
  command: string[];
  /** Signs transactions: needs the keystore password. */
  signs: boolean;
}

const UNITS: Expected[] = [
  { file: 'flock-validate@.service', command: ['validate'], signs: true },
  { file: 'flock-validate-watch.service', command: ['validate'], signs: true },
  { file: 'flock-train@.service', command: ['train'], signs: true },
  { file: 'flock-train-watch.service', command: ['train'], signs: true },
  { file: 'flock-store.service', command: ['store', 'serve'], signs: false },
  { file: 'flock-alliance@.service', command: ['alliance', 'join'], signs: true },
];

describe('deploy/systemd units: the directives operators rely on', () => {
  it('ships exactly these units', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.service'));
    expect(files.sort()).toEqual(UNITS.map((u) => u.file).sort());
  });

  it('the non-retryable exit codes come from the exit-code table', () => {
    // The table decides; this pins what it decides today, so a change is seen here too.
    expect([...NON_RETRYABLE_EXIT_CODES]).toEqual([2, 4, 5, 6, 7, 8, 9]);
    expect(EXIT_CODE_TABLE.filter((r) => r.restart).map((r) => r.code)).toEqual([1, 3]);
  });

  for (const u of UNITS) {
    describe(u.file, () => {
      const unit = parseUnit(readFileSync(new URL(u.file, DIR), 'utf8'));

      it('restarts on failure, except on the exit codes a restart cannot fix; with a pause and a cap', () => {
        expect(one(unit, 'Service', 'Restart')).toBe('on-failure');
        const prevent = all(unit, 'Service', 'RestartPreventExitStatus').flatMap((v) => v.split(/\s+/)).map(Number);
        expect(prevent.sort((a, b) => a - b)).toEqual([...NON_RETRYABLE_EXIT_CODES].sort((a, b) => a - b));
        expect(prevent).not.toContain(3); // an RPC outage passes: restart
        expect(one(unit, 'Service', 'RestartSec')).toMatch(/^\d+s$/);
        expect(Number(one(unit, 'Unit', 'StartLimitBurst'))).toBeGreaterThan(0);
        expect(one(unit, 'Unit', 'StartLimitIntervalSec')).toBeDefined();
      });

      it('stops with SIGTERM and gives the current step time to finish', () => {
        expect(one(unit, 'Service', 'KillSignal')).toBe('SIGTERM');
        expect(one(unit, 'Service', 'TimeoutStopSec')).toMatch(/^\d+(s|min)$/);
      });

      it('runs sandboxed as the flock user, with only its home writable', () => {
        expect(one(unit, 'Service', 'User')).toBe('flock');
        expect(one(unit, 'Service', 'NoNewPrivileges')).toBe('yes');
        expect(one(unit, 'Service', 'ProtectSystem')).toBe('strict');
        expect(one(unit, 'Service', 'ProtectHome')).toBe('yes');
        expect(one(unit, 'Service', 'PrivateTmp')).toBe('yes');
        expect(one(unit, 'Service', 'PrivateDevices')).toBe('yes');
        expect(one(unit, 'Service', 'RestrictAddressFamilies')?.split(/\s+/).sort()).toEqual(['AF_INET', 'AF_INET6', 'AF_UNIX']);
        expect(one(unit, 'Service', 'CapabilityBoundingSet')).toBe('');
        expect(one(unit, 'Service', 'MemoryDenyWriteExecute')).toBeUndefined(); // V8's JIT
        // The home is the state directory: systemd creates it, owned by flock, writable under ProtectSystem=strict.
        const state = one(unit, 'Service', 'StateDirectory');
        expect(state).toMatch(/^flock\/\w+$/);
        const env = envOf(unit);
        expect(env.get('FLOCK_HOME')).toBe(`/var/lib/${state}`);
        expect(env.get('FLOCK_NO_TTY_UI')).toBe('1');
        expect(env.get('FLOCK_CONFIG')).toBe('/etc/flock/flock.config.yaml');
      });

      it(`runs flock ${u.command.join(' ')} with flags that exist`, () => {
        const exec = one(unit, 'Service', 'ExecStart');
        expect(exec).toBeDefined();
        const argv = exec!.split(/\s+/);
        expect(argv[0]).toMatch(/^\/.*\/flock$/);
        expect(argv.slice(1, 1 + u.command.length)).toEqual(u.command);
        const help = helpOf(u.command);
        for (const flag of argv.filter((a) => a.startsWith('--'))) {
          expect(help, `flock ${u.command.join(' ')} --help has no ${flag}`).toMatch(new RegExp(`(^|[\\s,])${flag}(\\s|$)`, 'm'));
        }
        if (u.file.includes('@')) expect(exec).toContain('--task %i');
        if (u.file.includes('-watch')) expect(argv).toContain('--watch');
      });

      it(u.signs ? 'reads the keystore password from a systemd credential, not a file in the home' : 'needs no password', () => {
        const exec = one(unit, 'Service', 'ExecStart')!;
        if (!u.signs) {
          expect(all(unit, 'Service', 'LoadCredential')).toEqual([]);
          expect(exec).not.toContain('--password-file');
          return;
        }
        expect(all(unit, 'Service', 'LoadCredential')).toEqual(['flock-password:/etc/flock/password']);
        // %d is $CREDENTIALS_DIRECTORY: /run/credentials/<unit>/, readable by this service alone.
        expect(exec).toContain('--password-file %d/flock-password');
        expect(envOf(unit).has('FLOCK_PASSWORD')).toBe(false);
      });
    });
  }
});

const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const haveAnalyze = analyze.status === 0;
/** `security --offline --threshold` came with systemd 250. */
const analyzeVersion = Number(/systemd (\d+)/.exec(analyze.stdout ?? '')?.[1] ?? 0);
if (!haveAnalyze) {
  console.warn('systemd-analyze is not installed: skipping `systemd-analyze verify` of deploy/systemd (apt-get install systemd to run it)');
}

describe.skipIf(!haveAnalyze)('deploy/systemd units: systemd-analyze', () => {
  // verify wants an executable at ExecStart's path and a concrete instance of each template: a
  // copy of the units, pointing at a stand-in flock, with instance 7.
  const work = haveAnalyze ? mkdtempSync(join(tmpdir(), 'flock-units-')) : '';
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });
  const prepare = (): string[] => {
    const fake = join(work, 'flock');
    writeFileSync(fake, '#!/bin/sh\nexit 0\n');
    chmodSync(fake, 0o755);
    return UNITS.map((u) => {
      const name = u.file.replace('@.service', '@7.service');
      const text = readFileSync(new URL(u.file, DIR), 'utf8').replace(/^ExecStart=\S+/m, `ExecStart=${fake}`);
      writeFileSync(join(work, name), text);
      return join(work, name);
    });
  };

  it('verify: no unknown key, no unparsable value, no error', () => {
    const units = prepare();
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...units], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
    // verify exits 0 on an unknown key or a value it ignores: its output must be empty as well.
    expect(`${r.stdout}${r.stderr}`.trim(), 'systemd-analyze verify').toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(analyzeVersion < 250)('security: every unit rates at most 2.0 ("OK") offline', () => {
    const units = prepare();
    for (const unit of units) {
      const out = execFileSync('systemd-analyze', ['security', '--offline=yes', '--threshold=20', '--no-pager', unit], { encoding: 'utf8', env: { ...process.env, SYSTEMD_COLORS: '0' } });
      expect(out).toMatch(/Overall exposure level for .*: [01]\.\d/);
    }
  });

  it('a unit with a typo is caught (the check is not vacuous)', () => {
    const [first] = prepare();
    const bad = join(work, 'flock-typo.service');
    copyFileSync(first!, bad);
    writeFileSync(bad, readFileSync(bad, 'utf8').replace('NoNewPrivileges=yes', 'NoNewPrivileges=yes\nProtectSystm=strict'));
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', bad], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toContain("Unknown key 'ProtectSystm'");
  });
});
