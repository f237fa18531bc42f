/**
 * The harness for driving flock from outside, as a user would: the built CLI (`node bin/flock …`)
 * in a temporary FLOCK_HOME with a clean environment. One source for the e2e tests (test/e2e/) and
 * the benchmarks (bench/arena.ts, compiled into dist/bench/ by bench/arena.tsconfig.json), so it
 * imports nothing from src/ and nothing test-runner specific.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the first folder above this file with bin/flock (also from dist/bench/). */
export const ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'flock'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no bin/flock above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
})();
export const BIN = join(ROOT, 'bin', 'flock');
/** The built CLI's entry point: what BIN runs. */
export const DIST_MAIN = join(ROOT, 'dist', 'cli', 'main.js');

/** Light scrypt for keystores written in tests and benchmarks (see FLOCK_SCRYPT_N in src/wallet/keystore.ts). */
export const TEST_SCRYPT_N = '1024';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/** True when a file in src/ is newer than dist/cli/main.js (the CLI would run old code). */
export function distIsStale(): boolean {
  return newestMtime(join(ROOT, 'src')) > statSync(DIST_MAIN).mtimeMs;
}

export interface TempHome {
  /** The FLOCK_HOME folder (`<dir>/home`). */
  home: string;
  /** A scratch folder (cwd for commands that write files there, e.g. `flock init`). */
  dir: string;
  cleanup(): void;
}

export function tempHome(prefix = 'flock-test-'): TempHome {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const home = join(dir, 'home');
  return { home, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Another FLOCK_HOME at `home`, as one machine per operator would have: it shares `from`'s devnet
 * deployment record and keystores (copied) and its store folder (a symlink to a local directory store).
 */
export function cloneHome(from: string, home: string): string {
  mkdirSync(home, { recursive: true });
  cpSync(join(from, 'deployments'), join(home, 'deployments'), { recursive: true });
  cpSync(join(from, 'keystores'), join(home, 'keystores'), { recursive: true });
  mkdirSync(join(from, 'store'), { recursive: true });
  symlinkSync(join(from, 'store'), join(home, 'store'));
  return home;
}

/**
 * The registry of running devnets the CLIs of this process share (FLOCK_RUNTIME_DIR, see
 * src/devnet/registry.ts): one folder per test process, so homes of one test find each other's
 * devnet while a developer's own `flock devnet up` on port 8545 stays out of the tests.
 */
export const TEST_RUNTIME_DIR = join(tmpdir(), `flock-test-runtime-${process.pid}`);

/**
 * The CLI's environment for FLOCK_HOME `home`: inherited FLOCK_* and ETH_RPC_URL are dropped, HOME
 * is the folder above `home` (so ~/.foundry and ~/.flock are empty), the devnet registry is this
 * process's (TEST_RUNTIME_DIR), scrypt is light; `extra` sets variables, or drops them with undefined.
 */
export function cliEnv(home: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('FLOCK_') && k !== 'ETH_RPC_URL') env[k] = v;
  }
  Object.assign(env, { FLOCK_HOME: home, HOME: join(home, '..'), FLOCK_RUNTIME_DIR: TEST_RUNTIME_DIR, FLOCK_SCRYPT_N: TEST_SCRYPT_N, NO_COLOR: '1' });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface SpawnCliOptions {
  /** FLOCK_HOME for the command (required: tests and benchmarks never use ~/.flock). */
  home: string;
  env?: Record<string, string | undefined>;
  /** Default: the folder above `home`. */
  cwd?: string;
  /** Default: stdin ignored, stdout and stderr piped. */
  stdio?: StdioOptions;
}

/** Spawns `node bin/flock <args>` in cliEnv(home) and hands back the process (for daemons). */
export function spawnCli(args: string[], opts: SpawnCliOptions): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? join(opts.home, '..'),
    env: cliEnv(opts.home, opts.env),
    stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time, from spawn to close. */
  ms: number;
  /** stdout parsed as JSON (throws with the output if it is not). */
  json<T = any>(): T;
}

export interface RunCliOptions extends Omit<SpawnCliOptions, 'stdio'> {
  input?: string;
  /** SIGKILL after this long (default 60 s). */
  timeoutMs?: number;
  /** Called with the process once spawned (e.g. to kill it on Ctrl-C). */
  onSpawn?: (child: ChildProcess) => void;
}

/** Runs `node bin/flock <args>` to its end (spawnCli's environment) and collects its output. */
export function runCli(args: string[], opts: RunCliOptions): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, { ...opts, stdio: ['pipe', 'pipe', 'pipe'] });
    opts.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout,
        stderr,
        ms: performance.now() - started,
        json() {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\n--- stderr ---\n${stderr}`);
          }
        },
      });
    });
    child.stdin!.end(opts.input ?? '');
  });
}
