import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { devnetOnPort, devnetServing, registerDevnet, registryDirs } from '../../../src/devnet/registry.js';

/** The per-user registry of running devnets (issue #10, finding 7): trusted only when private and true. */

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flock-reg-'));
  env = { FLOCK_RUNTIME_DIR: join(dir, 'reg') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const state = (home: string, pid: number, port = 18545) => ({
  pid,
  host: '127.0.0.1',
  port,
  rpcUrl: `http://127.0.0.1:${port}`,
  chainId: 31337,
  startedAt: new Date().toISOString(),
  logPath: join(home, 'devnet', 'anvil.log'),
  statePath: join(home, 'devnet', 'state.json'),
});

describe('devnet registry', () => {
  it('lives in $XDG_RUNTIME_DIR/flock and <tmpdir>/flock-<uid>, private (0700); FLOCK_RUNTIME_DIR alone when set', () => {
    const dirs = registryDirs({ XDG_RUNTIME_DIR: dir });
    expect(dirs).toEqual([join(dir, 'flock'), join(tmpdir(), `flock-${process.getuid!()}`)]);
    for (const d of dirs) expect(statSync(d).mode & 0o777).toBe(0o700);
    expect(registryDirs(env)).toEqual([join(dir, 'reg')]);
  });

  it('is not trusted when others may write it, or when it is a symlink', () => {
    mkdirSync(join(dir, 'reg'));
    chmodSync(join(dir, 'reg'), 0o777);
    expect(registryDirs(env)).toEqual([]);
    const other = mkdtempSync(join(tmpdir(), 'flock-reg-link-'));
    try {
      symlinkSync(other, join(dir, 'link'));
      expect(registryDirs({ FLOCK_RUNTIME_DIR: join(dir, 'link') })).toEqual([]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('an entry whose process is not that home\'s anvil is ignored and removed', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, 'devnet'), { recursive: true });
    // This test's own pid: alive, but not anvil.
    const s = state(home, process.pid);
    writeFileSync(join(home, 'devnet', 'anvil.json'), JSON.stringify(s));
    registerDevnet(home, s, env);
    const entry = join(dir, 'reg', 'devnet-18545.json');
    expect(existsSync(entry)).toBe(true);
    expect(devnetOnPort(18545, env)).toBeUndefined();
    expect(existsSync(entry)).toBe(false);
    expect(devnetServing('http://localhost:18545', env)).toBeUndefined();
  });
});
