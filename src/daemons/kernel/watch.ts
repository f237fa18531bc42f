/**
 * `--watch`: keep a daemon going across tasks of any kind. Polls a task source for tasks open to
 * join (and resumes any task whose state file says it is not done), runs the single-task daemon
 * for each concurrently, and reports (without stopping) a task that fails. Stops on
 * SIGTERM/SIGINT once every running task has finished its current step.
 */
import { existsSync } from 'node:fs';
import { isTransient } from './retry.js';
import type { DaemonRuntime } from './runtime.js';
import { adoptLegacyState, readJson, statePath, type DaemonKind } from './state.js';

/** Where the tasks come from: the Arena today, Alliance tasks next. */
export interface TaskSource {
  /** Every task id there is now. */
  ids(): Promise<bigint[]>;
  /** Whether a task this daemon never joined is open to join. */
  joinable(id: bigint): Promise<boolean>;
}

export interface WatchOptions {
  rt: DaemonRuntime;
  kind: DaemonKind;
  home: string;
  chainId: number;
  /** The daemon's account: its state files carry it. */
  account: string;
  source: TaskSource;
  /** Runs the single-task daemon; resolves when it is done or stopped. */
  run: (taskId: bigint) => Promise<unknown>;
}

export interface WatchResult {
  tasks: Record<string, 'done' | 'failed' | 'stopped'>;
}

export async function watchTasks(o: WatchOptions): Promise<WatchResult> {
  const { rt } = o;
  const running = new Map<string, Promise<void>>();
  const outcome: WatchResult['tasks'] = {};
  rt.emit({ daemon: o.kind, watch: true }, { event: 'watching' });
  while (!rt.stopping) {
    let ids: bigint[];
    try {
      ids = await rt.retry('task list', () => o.source.ids());
    } catch (e) {
      if (!isTransient(e)) throw e;
      await rt.sleep(); // an outage: the running tasks wait it out on their own; look again later
      continue;
    }
    for (const id of ids) {
      const key = id.toString();
      if (running.has(key) || outcome[key] === 'done' || outcome[key] === 'failed') continue;
      const path = statePath(o.home, o.kind, o.chainId, id, o.account);
      adoptLegacyState(path, o.account);
      const saved = existsSync(path) ? readJson<{ done?: boolean }>(path) : undefined;
      if (saved?.done) {
        outcome[key] = 'done';
        continue;
      }
      // Join only tasks still open; resume any we already joined.
      if (!saved && !(await rt.retry('task phase', () => o.source.joinable(id)).catch((e: unknown) => (isTransient(e) ? false : Promise.reject(e))))) continue;
      const scope = { daemon: o.kind, watch: true, task: key };
      rt.emit(scope, { event: 'task-started', resumed: Boolean(saved) });
      const p = o
        .run(id)
        .then(() => {
          outcome[key] = readJson<{ done?: boolean }>(path)?.done ? 'done' : 'stopped';
        })
        .catch((err: unknown) => {
          outcome[key] = 'failed';
          rt.emit(scope, { event: 'task-failed', err: (err as Error).message, hint: (err as { hint?: string }).hint });
        })
        .finally(() => running.delete(key));
      running.set(key, p);
    }
    await rt.sleep();
  }
  await Promise.all(running.values());
  return { tasks: outcome };
}
