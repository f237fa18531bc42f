/**
 * Shared helpers for end-to-end tests: run the built CLI (`node bin/flock …`) in a temporary
 * FLOCK_HOME, and start/stop a private anvil on a free port. Every test gets its own home and
 * port, so tests run in parallel and never touch ~/.flock or port 8545.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'flock');

/** Light scrypt for keystores written in tests (see FLOCK_SCRYPT_N in src/wallet/keystore.ts). */
export const TEST_SCRYPT_N = '1024';

/** anvil's default account #0 (unlocked on every anvil started with the default mnemonic). */
export const ANVIL_ACCOUNT_0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/**
 * Makes sure dist/ reflects src/ before spawning the CLI: the full build (forge, TypeChain, tsc)
 * when dist/ is missing, just tsc when a source file is newer. A stale dist/ would silently test
 * old code.
 */
export function ensureBuilt(): void {
  const main = join(ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(main) || !existsSync(join(ROOT, 'src', 'chain', 'types'))) {
    const res = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    if (res.status !== 0) throw new Error('build failed; run `npm run build`');
    return;
  }
  if (newestMtime(join(ROOT, 'src')) <= statSync(main).mtimeMs) return;
  const res = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
  // tsc still emits on type errors; only a missing entry point is fatal here.
  if (res.status !== 0) process.stderr.write(`ensureBuilt: tsc reported errors:\n${res.stdout}${res.stderr}`);
  if (!existsSync(main)) throw new Error('build failed; run `npm run build`');
}

export interface TempHome {
  /** The FLOCK_HOME folder. */
  home: string;
  /** A scratch folder (cwd for commands that write files there, e.g. `flock init`). */
  dir: string;
  cleanup(): void;
}

export function tempHome(): TempHome {
  const dir = mkdtempSync(join(tmpdir(), 'flock-test-'));
  const home = join(dir, 'home');
  return { home, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** stdout parsed as JSON (throws with the output if it is not). */
  json<T = any>(): T;
}

export interface RunCliOptions {
  /** FLOCK_HOME for the command (required: tests must never use ~/.flock). */
  home: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
}

/**
 * Runs `node bin/flock <args>` with a clean environment: inherited FLOCK_* and ETH_RPC_URL are
 * dropped, HOME points into the temp folder (so ~/.foundry is empty), scrypt is light.
 */
export function runCli(args: string[], opts: RunCliOptions): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('FLOCK_') && k !== 'ETH_RPC_URL') env[k] = v;
  }
  Object.assign(env, { FLOCK_HOME: opts.home, HOME: join(opts.home, '..'), FLOCK_SCRYPT_N: TEST_SCRYPT_N, NO_COLOR: '1' });
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? join(opts.home, '..'), env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout,
        stderr,
        ms: Date.now() - started,
        json() {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\n--- stderr ---\n${stderr}`);
          }
        },
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface TestAnvil {
  rpcUrl: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a throwaway anvil (not through the CLI) on a free port and waits until it answers. */
export async function startTestAnvil(opts: { chainId?: number } = {}): Promise<TestAnvil> {
  const { anvilBinary, probeChainId } = await import('../../src/devnet/anvil.js');
  const port = await freePort();
  const args = ['--host', '127.0.0.1', '--port', String(port), '--silent'];
  if (opts.chainId) args.push('--chain-id', String(opts.chainId));
  const child = spawn(anvilBinary(), args, { stdio: 'ignore' });
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while ((await probeChainId(rpcUrl, 500)) === undefined) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`anvil did not start on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    rpcUrl,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** Stops whatever devnet the CLI started in `home` (cleanup for tests that ran `devnet up`). */
export async function stopCliDevnet(home: string): Promise<void> {
  const { stopAnvil } = await import('../../src/devnet/anvil.js');
  await stopAnvil(home, 5000);
}
