import { lstatSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { AbortError } from '../errors/index.js';
import { mkdirPrivate } from '../files/dirs.js';
import {
  isAnvilProcess,
  keepClockMonotonic,
  readAnvilState,
  runningDevnet,
  startAnvil,
  stopAnvil,
  type AnvilState,
  type StartAnvilOptions,
  type StartAnvilResult,
  type StopAnvilResult,
} from './anvil.js';
import { stopFulfiller } from './vrf-process.js';

/**
 * The running flock devnets of this user, whichever home started them: one file per port,
 * `devnet-<port>.json` = {home, pid, rpcUrl, chainId, ...}, in private per-user folders
 * ($XDG_RUNTIME_DIR/flock when a login session sets it, and <tmpdir>/flock-<uid>, which cron jobs
 * and `sudo -u` shells without a session also see; FLOCK_RUNTIME_DIR alone, when set). So a second
 * home (a daemon with its own --home) finds the devnet, its deployment record and its store
 * instead of failing on a port "in use by another process". An entry is trusted only while its
 * home's anvil.json names the same pid and that pid runs anvil: stale files (a reboot, a SIGKILL)
 * are ignored and removed.
 */

/** A registry entry: where the devnet answers, and the flock home that started it (its anvil.json, state, deployment record and store). */
export type DevnetEntry = Pick<AnvilState, 'pid' | 'host' | 'port' | 'rpcUrl' | 'chainId' | 'startedAt'> & { home: string };

/** A running devnet and the home that started it. */
export interface RunningDevnet {
  home: string;
  state: AnvilState;
}

/**
 * The registry folders, in lookup order, each created private (0700) if missing. A folder is
 * left out when it cannot be trusted: not a real directory (a symlink), owned by someone else, or
 * open to others (a shared /tmp where another user made it first). With none, devnets are simply
 * not shared across homes.
 */
export function registryDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const candidates = env.FLOCK_RUNTIME_DIR
    ? [env.FLOCK_RUNTIME_DIR]
    : [...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'flock')] : []), join(tmpdir(), `flock-${uid ?? userInfo().username}`)];
  return candidates.filter((dir) => trusted(dir, uid));
}

function trusted(dir: string, uid: number | undefined): boolean {
  try {
    mkdirPrivate(dir);
    const st = lstatSync(dir);
    if (!st.isDirectory()) return false;
    return uid === undefined || (st.uid === uid && (st.mode & 0o077) === 0);
  } catch {
    return false;
  }
}

const entryPath = (dir: string, port: number) => join(dir, `devnet-${port}.json`);

/** Records the devnet `home` started (in every registry folder). Best effort. */
export function registerDevnet(home: string, state: AnvilState, env: NodeJS.ProcessEnv = process.env): void {
  const entry: DevnetEntry = { home, pid: state.pid, host: state.host, port: state.port, rpcUrl: state.rpcUrl, chainId: state.chainId, startedAt: state.startedAt };
  for (const dir of registryDirs(env)) {
    try {
      writeFileSync(entryPath(dir, state.port), `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600 });
    } catch {
      // Sharing across homes is a convenience: never fail a devnet start over it.
    }
  }
}

/** Removes the entries of the devnet on `port` that are the one with `pid`. */
export function unregisterDevnet(port: number, pid: number, env: NodeJS.ProcessEnv = process.env): void {
  for (const dir of registryDirs(env)) {
    if (readEntry(entryPath(dir, port))?.pid === pid) rmSync(entryPath(dir, port), { force: true });
  }
}

function readEntry(path: string): DevnetEntry | undefined {
  try {
    const e = JSON.parse(readFileSync(path, 'utf8')) as DevnetEntry;
    return typeof e.home === 'string' && Number.isInteger(e.pid) && Number.isInteger(e.port) && typeof e.rpcUrl === 'string' ? e : undefined;
  } catch {
    return undefined;
  }
}

/** The entry, if still true: its home's anvil.json names the same pid and port, and that pid runs anvil. */
function verify(entry: DevnetEntry | undefined): RunningDevnet | undefined {
  if (!entry) return undefined;
  const state = readAnvilState(entry.home);
  if (!state || state.pid !== entry.pid || state.port !== entry.port || !isAnvilProcess(entry.pid)) return undefined;
  return { home: entry.home, state };
}

/** The running flock devnet on `port`, from any home; stale entries are removed. */
export function devnetOnPort(port: number, env: NodeJS.ProcessEnv = process.env): RunningDevnet | undefined {
  for (const dir of registryDirs(env)) {
    const path = entryPath(dir, port);
    const entry = readEntry(path);
    const found = verify(entry);
    if (found) return found;
    if (entry) rmSync(path, { force: true });
  }
  return undefined;
}

/** `localhost:8545` and `127.0.0.1:8545/` are one endpoint. */
function endpoint(url: string): string | undefined {
  try {
    const u = new URL(url);
    const host = u.hostname === 'localhost' || u.hostname === '[::1]' ? '127.0.0.1' : u.hostname;
    return `${host}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return undefined;
  }
}

/** The running flock devnet that serves `rpcUrl`, from any home. */
export function devnetServing(rpcUrl: string, env: NodeJS.ProcessEnv = process.env): RunningDevnet | undefined {
  const want = endpoint(rpcUrl);
  const port = want ? Number(want.split(':').pop()) : NaN;
  if (!want || !Number.isInteger(port)) return undefined;
  const found = devnetOnPort(port, env);
  return found && endpoint(found.state.rpcUrl) === want ? found : undefined;
}

/**
 * The devnet a command in `home` talks to when no RPC URL is configured: the one this home
 * started (any port), else the one any home started on `port` (devnet.port).
 */
export function discoverDevnet(home: string, port: number, env: NodeJS.ProcessEnv = process.env): RunningDevnet | undefined {
  const own = runningDevnet(home);
  if (own) return { home, state: own };
  return devnetOnPort(port, env);
}

export interface StartDevnetResult extends StartAnvilResult {
  /** The home that started the devnet: this one, or another whose devnet runs on the port. */
  home: string;
}

/**
 * `devnet up`'s chain part: the devnet this home started (any port, see startAnvil), else the
 * flock devnet another home started on the port (reused, not restarted: "already running, started
 * from home X"), else a new anvil, registered so that other homes find it.
 */
export async function startDevnet(opts: StartAnvilOptions, env: NodeJS.ProcessEnv = process.env): Promise<StartDevnetResult> {
  const { home, devnet } = opts;
  if (!runningDevnet(home)) {
    const other = devnetOnPort(devnet.port, env);
    if (other && other.home !== home) {
      return { state: other.state, reused: true, clockForward: await keepClockMonotonic(other.state.rpcUrl), home: other.home };
    }
  }
  const started = await startAnvil(opts);
  registerDevnet(home, started.state, env);
  return { ...started, home };
}

/**
 * `devnet down`: stops the devnet this home started (its VRF fulfiller too), and unregisters it. A devnet that another
 * home started (serving this home's port) is not stopped from here: DEVNET_OTHER_HOME names that
 * home, since daemons there may depend on it.
 */
export async function stopDevnet(home: string, port: number, opts: { graceMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<StopAnvilResult> {
  const env = opts.env ?? process.env;
  const own = runningDevnet(home);
  if (!own) {
    const other = devnetOnPort(port, env);
    if (other && other.home !== home) {
      throw new AbortError(`the devnet at ${other.state.rpcUrl} was started from home ${other.home}`, {
        code: 'DEVNET_OTHER_HOME',
        hint: `stop it from there: \`flock devnet down --home ${other.home}\``,
      });
    }
  }
  // The VRF fulfiller first (it would exit on its own once anvil is gone, a moment later).
  await stopFulfiller(home);
  const res = await stopAnvil(home, opts.graceMs);
  if (own && res.pid !== undefined) unregisterDevnet(own.port, res.pid, env);
  return res;
}
