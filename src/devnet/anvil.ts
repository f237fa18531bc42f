import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonRpcCall } from '../chain/json-rpc.js';
import { AbortError } from '../errors/index.js';
import { mkdirPrivate } from '../files/dirs.js';
import type { DevnetConfig } from '../config/schema.js';

/**
 * The local anvil process behind `flock devnet`: started detached so it outlives the command,
 * remembered in `<home>/devnet/anvil.json`, with chain state persisted in
 * `<home>/devnet/state.json` so a stopped devnet comes back with its contracts.
 */

export interface AnvilState {
  pid: number;
  host: string;
  port: number;
  rpcUrl: string;
  chainId: number;
  startedAt: string;
  logPath: string;
  statePath: string;
}

/** Package root (…/flock), from dist/devnet or src/devnet alike. */
/** The flock package's root (src/devnet and dist/devnet both sit two levels below it). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function devnetDir(home: string): string {
  return join(home, 'devnet');
}
export const anvilStatePath = (home: string) => join(devnetDir(home), 'anvil.json');
export const anvilLogPath = (home: string) => join(devnetDir(home), 'anvil.log');
export const chainStatePath = (home: string) => join(devnetDir(home), 'state.json');

/**
 * The anvil binary shipped by @foundry-rs/anvil's platform package, resolved from flock's own
 * node_modules (not the cwd), so `flock devnet up` works from any folder. FLOCK_ANVIL_BIN
 * overrides it (e.g. a foundryup install).
 */
export function anvilBinary(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLOCK_ANVIL_BIN) return env.FLOCK_ANVIL_BIN;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const exe = process.platform === 'win32' ? 'anvil.exe' : 'anvil';
  const require = createRequire(join(PACKAGE_ROOT, 'package.json'));
  try {
    return require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/bin/${exe}`);
  } catch {
    // The npm wrapper finds the binary too; it just adds a node process in between.
    const wrapper = join(PACKAGE_ROOT, 'node_modules', '.bin', exe);
    if (existsSync(wrapper)) return wrapper;
    throw new AbortError(`anvil not found for ${process.platform}-${process.arch}`, {
      code: 'ANVIL_NOT_FOUND',
      hint: 'run `npm ci` in the flock folder, or set FLOCK_ANVIL_BIN to an anvil binary',
    });
  }
}

export function readAnvilState(home: string): AnvilState | undefined {
  try {
    return JSON.parse(readFileSync(anvilStatePath(home), 'utf8')) as AnvilState;
  } catch {
    return undefined;
  }
}

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `pid` runs anvil: a recycled pid must never be killed by `devnet down`. */
export function isAnvilProcess(pid: number): boolean {
  if (!isPidAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('anvil');
  } catch {
    // No /proc (macOS): ask ps.
    try {
      return execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' }).includes('anvil');
    } catch {
      return false;
    }
  }
}

/**
 * One JSON-RPC call with a deadline (chain/json-rpc.ts); undefined when nothing (valid) answers.
 * Keeps devnet management free of ethers, so `devnet status` stays fast.
 */
export async function rpcCall<T = unknown>(rpcUrl: string, method: string, params: unknown[] = [], timeoutMs = 2000): Promise<T | undefined> {
  try {
    return (await jsonRpcCall<T>(rpcUrl, method, params, timeoutMs)).result;
  } catch {
    return undefined;
  }
}

/** eth_chainId as a number, or undefined when nothing answers. */
export async function probeChainId(rpcUrl: string, timeoutMs = 2000): Promise<number | undefined> {
  const hex = await rpcCall<string>(rpcUrl, 'eth_chainId', [], timeoutMs);
  return typeof hex === 'string' ? Number(BigInt(hex)) : undefined;
}

/** Resolves true if nothing listens on host:port. */
export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const srv = createServer();
    srv.once('error', () => resolvePromise(false));
    srv.listen(port, host, () => srv.close(() => resolvePromise(true)));
  });
}

export interface StartAnvilOptions {
  home: string;
  devnet: DevnetConfig;
  /** Seconds to wait for the first answer. */
  timeout?: number;
}

export interface StartAnvilResult {
  state: AnvilState;
  /** True when an already running devnet was reused. */
  reused: boolean;
  /** Seconds the chain clock was moved forward to stay after the latest block (see keepClockMonotonic). */
  clockForward: number;
}

/**
 * Starts anvil (or reuses the running one: `devnet up` is idempotent) and waits until it answers
 * eth_chainId.
 */
export async function startAnvil(opts: StartAnvilOptions): Promise<StartAnvilResult> {
  const { home, devnet } = opts;
  const timeoutMs = (opts.timeout ?? 30) * 1000;
  mkdirPrivate(devnetDir(home));

  const existing = readAnvilState(home);
  if (existing && isAnvilProcess(existing.pid)) {
    if (existing.port !== devnet.port || existing.host !== devnet.host) {
      throw new AbortError(`a devnet is already running at ${existing.rpcUrl}`, {
        code: 'DEVNET_RUNNING',
        hint: `commands use it when no --rpc-url is set; to change its port, \`flock devnet down\` first`,
      });
    }
    await waitForRpc(existing.rpcUrl, existing.pid, timeoutMs, existing.logPath);
    return { state: existing, reused: true, clockForward: await keepClockMonotonic(existing.rpcUrl) };
  }
  if (existing) rmSync(anvilStatePath(home), { force: true }); // its process is gone

  const rpcUrl = `http://${devnet.host}:${devnet.port}`;
  if (!(await portIsFree(devnet.host, devnet.port))) {
    const other = await probeChainId(rpcUrl, 1000);
    throw new AbortError(
      `port ${devnet.port} on ${devnet.host} is in use by another process${other !== undefined ? ` (a node with chain id ${other}, not started by flock)` : ''}`,
      { code: 'PORT_IN_USE', hint: 'stop that process, or pass --port <port> (devnet.port in flock.config.yaml)' },
    );
  }

  const logPath = anvilLogPath(home);
  const statePath = chainStatePath(home);
  const args = [
    '--host', devnet.host,
    '--port', String(devnet.port),
    '--accounts', String(devnet.accounts),
    '--mnemonic', devnet.mnemonic,
    '--chain-id', String(devnet.chainId),
    // Load on start, dump on exit, and every few seconds so even a SIGKILL loses little.
    '--state', statePath,
    '--state-interval', '5',
  ];
  const logFd = openSync(logPath, 'a');
  const child = spawn(anvilBinary(), args, { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) {
    throw new AbortError('could not start anvil', { code: 'DEVNET_START', hint: `see ${logPath}` });
  }
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = signal ? `signal ${signal}` : `code ${code}`;
  });
  child.unref();

  const state: AnvilState = { pid, host: devnet.host, port: devnet.port, rpcUrl, chainId: devnet.chainId, startedAt: new Date().toISOString(), logPath, statePath };
  // Written before waiting so that an interrupted `up` can still be cleaned up by `down`.
  writeFileSync(anvilStatePath(home), `${JSON.stringify(state, null, 2)}\n`);
  await waitForRpc(rpcUrl, pid, timeoutMs, logPath, () => exited);
  return { state, reused: false, clockForward: await keepClockMonotonic(rpcUrl) };
}

/**
 * Makes sure the next block is after the latest one. anvil reloads blocks from its --state dump
 * but stamps new ones with the wall clock, so time warped forward (`devnet warp`) would be lost
 * and the chain would go back in time; contracts that keep time would see it run backwards. When
 * anvil's next block (the pending one) would not be after the latest, its clock is set to the
 * latest block's time + 1 (anvil_setTime; it then runs on from there). A running anvil whose
 * clock is already ahead is left alone. Returns the seconds moved forward (0: nothing to do).
 */
export async function keepClockMonotonic(rpcUrl: string): Promise<number> {
  const [latest, pending] = await Promise.all([
    rpcCall<{ timestamp: string }>(rpcUrl, 'eth_getBlockByNumber', ['latest', false]),
    rpcCall<{ timestamp: string }>(rpcUrl, 'eth_getBlockByNumber', ['pending', false]),
  ]);
  if (!latest || !pending) {
    throw new AbortError(`cannot read the devnet clock at ${rpcUrl}`, { code: 'DEVNET_START', hint: '`flock devnet down` then `flock devnet up`' });
  }
  const last = Number(BigInt(latest.timestamp));
  const next = Number(BigInt(pending.timestamp));
  if (next > last) return 0;
  const set = await rpcCall(rpcUrl, 'anvil_setTime', [last + 1]);
  if (set === undefined) {
    throw new AbortError(`cannot move the devnet clock after block time ${last}`, { code: 'DEVNET_START', hint: '`flock devnet down` then `flock devnet up`' });
  }
  return last + 1 - next;
}

async function waitForRpc(rpcUrl: string, pid: number, timeoutMs: number, logPath: string, exited?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await probeChainId(rpcUrl, 1000)) !== undefined) return;
    const how = exited?.();
    if (how || !isPidAlive(pid)) {
      throw new AbortError(`anvil exited during start (${how ?? 'process gone'})`, {
        code: 'DEVNET_START',
        details: tail(logPath),
        hint: `see ${logPath}`,
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new AbortError(`anvil did not answer at ${rpcUrl} within ${Math.round(timeoutMs / 1000)} s`, {
    code: 'DEVNET_TIMEOUT',
    details: tail(logPath),
    hint: `see ${logPath}; \`flock devnet down\` stops it`,
  });
}

function tail(path: string, lines = 5): string | undefined {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') || undefined;
  } catch {
    return undefined;
  }
}

export interface StopAnvilResult {
  stopped: boolean;
  pid?: number;
}

/**
 * Stops the anvil this home started, and only it: SIGTERM (anvil dumps its state), then SIGKILL
 * if it has not exited after `graceMs`.
 */
export async function stopAnvil(home: string, graceMs = 10_000): Promise<StopAnvilResult> {
  const state = readAnvilState(home);
  if (!state) return { stopped: false };
  if (!isAnvilProcess(state.pid)) {
    rmSync(anvilStatePath(home), { force: true }); // stale: the process is gone or the pid was reused
    return { stopped: false, pid: state.pid };
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isPidAlive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isPidAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
  rmSync(anvilStatePath(home), { force: true });
  return { stopped: true, pid: state.pid };
}

/** The devnet this home started, if it is still running (pid alive and running anvil). */
export function runningDevnet(home: string): AnvilState | undefined {
  const state = readAnvilState(home);
  return state && isAnvilProcess(state.pid) ? state : undefined;
}
