import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AbortError } from '../errors/index.js';
import { writeJsonAtomic } from '../files/atomic.js';
import { mkdirPrivate } from '../files/dirs.js';
import { PACKAGE_ROOT, devnetDir, isPidAlive } from './anvil.js';

/**
 * The devnet's VRF fulfiller process (vrf-fulfiller.ts): `flock devnet up` starts it detached,
 * like anvil, as `node bin/flock --home <devnet home> devnet fulfil`; it is remembered in
 * `<home>/devnet/vrf-fulfiller.json` and logs NDJSON to `<home>/devnet/vrf-fulfiller.log`. It
 * ends on its own once anvil is gone; `flock devnet down` stops it first.
 */

export interface FulfillerProcess {
  pid: number;
  startedAt: string;
  /** Null for one started by hand (its output goes where that shell sends it). */
  logPath: string | null;
  /** Set by the process once its first pass (catch-up included) is done. */
  ready: boolean;
}

export const vrfPidPath = (home: string) => join(devnetDir(home), 'vrf-fulfiller.json');
export const vrfLogPath = (home: string) => join(devnetDir(home), 'vrf-fulfiller.log');

export function readFulfillerProcess(home: string): FulfillerProcess | undefined {
  try {
    const p = JSON.parse(readFileSync(vrfPidPath(home), 'utf8')) as FulfillerProcess;
    return Number.isInteger(p.pid) ? p : undefined;
  } catch {
    return undefined;
  }
}

export function writeFulfillerProcess(home: string, p: FulfillerProcess): void {
  writeJsonAtomic(vrfPidPath(home), p, { mode: 0o644 });
}

/** Removes the pid file if it still names `pid` (a newer fulfiller's file is left alone). */
export function clearFulfillerProcess(home: string, pid: number): void {
  if (readFulfillerProcess(home)?.pid === pid) rmSync(vrfPidPath(home), { force: true });
}

/** True when `pid` runs a `flock devnet fulfil`: a recycled pid is never taken for (or killed as) it. */
export function isFulfillerProcess(pid: number): boolean {
  if (!isPidAlive(pid)) return false;
  let cmd: string;
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    try {
      cmd = execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
    } catch {
      return false;
    }
  }
  return / devnet fulfil\b/.test(cmd);
}

/** The fulfiller of the devnet `home` started, if its process still runs. */
export function runningFulfiller(home: string): FulfillerProcess | undefined {
  const p = readFulfillerProcess(home);
  return p && isFulfillerProcess(p.pid) ? p : undefined;
}

export interface StartFulfillerResult {
  pid: number;
  /** False when one was already running. */
  started: boolean;
  logPath: string | null;
}

/**
 * Starts the fulfiller of the devnet in `home` (or reuses the running one) and waits until it has
 * caught up (its first pass done). A dead one (killed, crashed) is replaced.
 */
export async function startFulfiller(home: string, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<StartFulfillerResult> {
  const running = runningFulfiller(home);
  if (running) return { pid: running.pid, started: false, logPath: running.logPath };
  mkdirPrivate(devnetDir(home));
  rmSync(vrfPidPath(home), { force: true });
  const logPath = vrfLogPath(home);
  const bin = join(PACKAGE_ROOT, 'bin', 'flock');
  const logFd = openSync(logPath, 'a');
  // The same node and the same flock as this command; cwd is the devnet folder so no project's
  // flock.config.yaml is picked up; --home names the devnet's home whichever home ran `up`.
  const child = spawn(process.execPath, [bin, '--home', home, 'devnet', 'fulfil'], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    cwd: devnetDir(home),
    env: opts.env ?? process.env,
  });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new AbortError('could not start the devnet VRF fulfiller', { code: 'DEVNET_START', hint: `see ${logPath}` });
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = signal ? `signal ${signal}` : `code ${code}`));
  child.unref();
  // Written before waiting, so that `down` can stop it even if this command is interrupted.
  writeFulfillerProcess(home, { pid, startedAt: new Date().toISOString(), logPath, ready: false });

  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    const p = readFulfillerProcess(home);
    if (p?.pid === pid && p.ready) return { pid, started: true, logPath };
    if (exited || !isPidAlive(pid)) {
      clearFulfillerProcess(home, pid);
      throw new AbortError(`the devnet VRF fulfiller exited during start (${exited ?? 'process gone'})`, { code: 'DEVNET_START', details: tail(logPath), hint: `see ${logPath}` });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new AbortError('the devnet VRF fulfiller did not catch up in time', { code: 'DEVNET_TIMEOUT', details: tail(logPath), hint: `see ${logPath}; \`flock devnet down\` stops it` });
}

/** Stops the fulfiller of `home`: SIGTERM (it saves its state), then SIGKILL after `graceMs`. */
export async function stopFulfiller(home: string, graceMs = 5000): Promise<{ stopped: boolean; pid?: number }> {
  const p = readFulfillerProcess(home);
  if (!p) return { stopped: false };
  if (!isFulfillerProcess(p.pid)) {
    rmSync(vrfPidPath(home), { force: true });
    return { stopped: false, pid: p.pid };
  }
  process.kill(p.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isPidAlive(p.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isPidAlive(p.pid)) process.kill(p.pid, 'SIGKILL');
  clearFulfillerProcess(home, p.pid);
  return { stopped: true, pid: p.pid };
}

function tail(path: string, lines = 5): string | undefined {
  try {
    return existsSync(path) ? readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') || undefined : undefined;
  } catch {
    return undefined;
  }
}
