/**
 * Persisted daemon state: one JSON file per daemon, task and account under
 * `<home>/daemons/<kind>-<chainId>-<task>-<account>.json` (so any number of accounts' daemons share
 * a home), written through files/atomic.ts (temp file, fsync, rename),
 * so a crash at any instant leaves either the previous state or the new one, never half a file.
 * Every step a daemon takes is recorded here; a secret (a salt) is recorded BEFORE the
 * transaction that commits to it is sent, so a SIGKILL between the send and the record never
 * loses what the reveal needs.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readJsonFile, writeJsonAtomic } from '../../files/atomic.js';
import { mkdirPrivate } from '../../files/dirs.js';
import { AbortError } from '../../errors/index.js';

/** The daemon's role, which names its state files: 'trainer', 'validator', ... */
export type DaemonKind = string;

export function statePath(home: string, kind: DaemonKind, chainId: number | bigint, task: bigint | string, account: string): string {
  return join(home, 'daemons', `${kind}-${chainId}-${task}-${account.toLowerCase()}.json`);
}

/**
 * Moves a state file of the layout before accounts were in the name
 * (`<kind>-<chainId>-<task>.json`) to `path`, when it belongs to `account`: a daemon upgraded in
 * the middle of a task keeps its salts. A legacy file of another account stays where it is.
 */
export function adoptLegacyState(path: string, account: string): void {
  const legacy = path.replace(/-0x[0-9a-f]{40}\.json$/, '.json');
  if (legacy === path || existsSync(path) || !existsSync(legacy)) return;
  const owner = readJson<{ account?: string }>(legacy)?.account;
  if (owner?.toLowerCase() === account.toLowerCase()) renameSync(legacy, path);
}

/** Reads a JSON file written by writeJsonAtomic, or undefined when absent. */
export function readJson<T>(path: string): T | undefined {
  try {
    return readJsonFile<T>(path);
  } catch (cause) {
    throw new AbortError(`daemon state ${path} is unreadable`, {
      code: 'BAD_DAEMON_STATE',
      hint: 'it is written atomically, so this is outside damage; move it aside only if you know no commitment is pending',
      cause,
    });
  }
}

/**
 * A daemon's state file: `get()` the current value, `update(patch)` merges and persists at once.
 *
 * @example
 * const s = new StateStore(statePath(home, 'trainer', 31337, 1n, address), { steps: {} });
 * s.update({ salt }); // on disk before the commit is sent
 */
export class StateStore<T extends object> {
  private value: T;

  constructor(
    readonly path: string,
    initial: T,
  ) {
    const saved = readJson<T>(path);
    this.value = saved ? { ...initial, ...saved } : initial;
    if (!saved) this.flush();
  }

  /** True when the file existed before this process (a restart). */
  get(): Readonly<T> {
    return this.value;
  }

  update(patch: Partial<T> | ((v: T) => Partial<T>)): Readonly<T> {
    const p = typeof patch === 'function' ? patch(this.value) : patch;
    this.value = { ...this.value, ...p, updatedAt: new Date().toISOString() };
    this.flush();
    return this.value;
  }

  private flush(): void {
    writeJsonAtomic(this.path, this.value);
  }
}

/**
 * One daemon per home and task: `<state>.lock` holds the owner's pid (and, where /proc tells, its
 * boot and start time), created exclusively. A lock whose owner is gone (SIGKILL, a reboot) is
 * taken over, so a crash never leaves a task stuck, even when its pid now belongs to another
 * process; a live owner makes this an AbortError (DAEMON_RUNNING) before anything is sent.
 * Returns the release function (idempotent).
 *
 * @example
 * const release = lockState(statePath(home, 'trainer', 31337, 1n, address));
 * try { ... } finally { release(); }
 */
export function lockState(path: string): () => void {
  const lock = `${path}.lock`;
  mkdirPrivate(dirname(lock));
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n${processIdentity(process.pid) ?? ''}\n`);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw lockError(lock, e);
      const [pidLine = '', id = ''] = safeRead(lock).split('\n');
      const owner = Number.parseInt(pidLine, 10);
      if (Number.isInteger(owner) && owner !== process.pid && holds(owner, id.trim())) {
        throw new AbortError(`another daemon (pid ${owner}) is working on this task from the same home`, {
          code: 'DAEMON_RUNNING',
          hint: `stop it first, or use another --home; if pid ${owner} is not a flock daemon, delete ${lock}`,
        });
      }
      rmSync(lock, { force: true }); // its owner is gone (or it is us, resuming in --watch)
    }
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (safeRead(lock).split('\n')[0]!.trim() === String(process.pid)) rmSync(lock, { force: true });
  };
  process.on('exit', release);
  return release;
}

/**
 * Whether the process that wrote a lock still runs: its pid is alive and, when the lock recorded
 * an identity and /proc can tell, it is the same process (same boot, same start time), not one
 * that got the pid after a reboot. Locks without an identity (no /proc) go by the pid alone.
 */
function holds(pid: number, id: string): boolean {
  if (!alive(pid)) return false;
  const now = id ? processIdentity(pid) : undefined;
  return now === undefined || now === id;
}

/** `<boot id> <start time>` of a process (Linux /proc), or undefined where it cannot be read. */
export function processIdentity(pid: number): string | undefined {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": state is field 3, starttime field 22 (proc(5)).
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return boot && start ? `${boot} ${start}` : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function lockError(lock: string, cause: unknown): AbortError {
  return new AbortError(`cannot take the daemon lock ${lock}: ${(cause as Error).message}`, {
    code: 'DAEMON_RUNNING',
    hint: 'another daemon may have started at the same moment; run the command again',
    cause,
  });
}
