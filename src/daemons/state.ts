/**
 * Persisted daemon state: one JSON file per daemon and task under
 * `<home>/daemons/<kind>-<chainId>-<task>.json`, written through files/atomic.ts (temp file, fsync, rename),
 * so a crash at any instant leaves either the previous state or the new one, never half a file.
 * Every step a daemon takes is recorded here; a secret (a salt) is recorded BEFORE the
 * transaction that commits to it is sent, so a SIGKILL between the send and the record never
 * loses what the reveal needs.
 */
import { join } from 'node:path';
import { readJsonFile, writeJsonAtomic } from '../files/atomic.js';
import { AbortError } from '../errors/index.js';

export type DaemonKind = 'trainer' | 'validator';

export function statePath(home: string, kind: DaemonKind, chainId: number | bigint, task: bigint | string): string {
  return join(home, 'daemons', `${kind}-${chainId}-${task}.json`);
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
 * const s = new StateStore(statePath(home, 'trainer', 31337, 1n), { steps: {} });
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
