/**
 * Issue #10, finding 11: `flock` is also util-linux's file-lock command (/usr/bin/flock), run by
 * cron jobs as `flock -n /tmp/x.lock cmd`. bin/flock hands such calls to util-linux flock, so a
 * global install of this CLI (first on PATH) breaks none of them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM JavaScript without types (bin/ runs before anything is built)
import { FLOCK_COMMANDS, FLOCK_GLOBAL_FLAGS, flocksOnPath, isUtilLinuxInvocation } from '../../../bin/util-linux.mjs';
import { buildProgram } from '../../../src/cli/program.js';
import { BIN } from '../../harness/index.js';

const decide = (line: string) => (isUtilLinuxInvocation as (argv: string[]) => boolean)(line ? line.split(' ') : []);

describe('isUtilLinuxInvocation', () => {
  it.each([
    '-n /tmp/x.lock cmd',
    '-xn /tmp/x.lock cmd',
    '-w 10 /var/lock/job -c true',
    '--timeout=5 /tmp/l cmd',
    '--nonblock 9',
    '-u 9',
    '-s /tmp/l cmd',
    '9',
    '/tmp/lock -c true',
    './job.lock cmd',
    'job.lock cmd',
    'lockfile -c true',
    'lockfile --command true',
  ])('util-linux: flock %s', (line) => expect(decide(line)).toBe(true));

  it.each([
    '',
    'status',
    'devnet up',
    'help',
    '--help',
    '-h',
    '-V',
    '--version',
    '--json status',
    '--rpc-url http://x devnet status',
    '--home=/tmp/h status',
    '-y task finalize 1',
    'stauts', // a typo of ours: our "did you mean status?", not util-linux's error
    'store get bafkrei',
  ])('ours: flock %s', (line) => expect(decide(line)).toBe(false));

  it('knows every subcommand and global flag of the program', () => {
    const program = buildProgram();
    expect([...FLOCK_COMMANDS].sort()).toEqual([...program.commands.map((c) => c.name()), 'help'].sort());
    const flags = program.options.flatMap((o) => [o.long, o.short]).filter((f): f is string => Boolean(f));
    expect([...FLOCK_GLOBAL_FLAGS].sort()).toEqual([...flags, '-h', '--help'].sort());
  });
});

describe('flocksOnPath', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flock-path-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every flock on PATH in order, marking this CLI (a symlink or a copy of bin/flock)', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((d) => join(dir, d));
    for (const d of [a!, b!, c!]) mkdirSync(d);
    symlinkSync(BIN, join(a!, 'flock'));
    writeFileSync(join(b!, 'flock'), '#!/bin/sh\necho "flock from util-linux 2.38.1"\n');
    chmodSync(join(b!, 'flock'), 0o755);
    writeFileSync(join(c!, 'flock'), 'not executable');
    const found = (flocksOnPath as (p: string, self: string) => { path: string; thisCli: boolean }[])([a, b, c, a].join(':'), BIN);
    expect(found).toEqual([
      { path: join(a!, 'flock'), thisCli: true },
      { path: join(b!, 'flock'), thisCli: false },
    ]);
  });
});

const UTIL_LINUX = ['/usr/bin/flock', '/bin/flock'].find((p) => existsSync(p));

describe.skipIf(!UTIL_LINUX)('bin/flock with util-linux arguments', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flock-ul-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, PATH: '/usr/bin:/bin' }, timeout: 20_000 });

  it('runs util-linux flock: the command runs under the lock, its exit status comes back', () => {
    const r = run(['-n', join(dir, 'x.lock'), 'sh', '-c', 'echo locked; exit 3']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('locked\n');
    expect(r.status).toBe(3);
  });

  it('-n on a held lock fails as util-linux does (exit 1)', async () => {
    const lock = join(dir, 'held.lock');
    const holder = spawn(UTIL_LINUX!, [lock, 'sleep', '5'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 500));
      const r = run(['-n', lock, 'true']);
      expect(r.status).toBe(1);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
