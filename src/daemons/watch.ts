/**
 * `--watch`: keep a daemon going across tasks. Polls the Arena for tasks open for submissions
 * (and resumes any task whose state file says it is not done), runs the single-task daemon for
 * each concurrently, and logs (without stopping) a task that fails. Stops on SIGTERM/SIGINT once
 * every running task has finished its current step.
 */
import { existsSync } from 'node:fs';
import type { IArena } from '../chain/types/index.js';
import { Phase } from '../protocol/arena/index.js';
import type { DaemonRuntime } from './runtime.js';
import { readJson, statePath, type DaemonKind } from './state.js';

export interface WatchOptions {
  arena: IArena;
  rt: DaemonRuntime;
  kind: DaemonKind;
  home: string;
  chainId: number;
  /** Runs the single-task daemon; resolves when it is done or stopped. */
  run: (taskId: bigint) => Promise<unknown>;
}

export interface WatchResult {
  tasks: Record<string, 'done' | 'failed' | 'stopped'>;
}

export async function watchTasks(o: WatchOptions): Promise<WatchResult> {
  const { rt, arena } = o;
  const log = rt.log.child({ daemon: o.kind, watch: true });
  const running = new Map<string, Promise<void>>();
  const outcome: WatchResult['tasks'] = {};
  log.info('watching for Arena tasks');
  while (!rt.stopping) {
    const count = await rt.read('task count', () => arena.taskCount());
    for (let id = 1n; id <= count; id++) {
      const key = id.toString();
      if (running.has(key) || outcome[key] === 'done' || outcome[key] === 'failed') continue;
      const path = statePath(o.home, o.kind, o.chainId, id);
      const saved = existsSync(path) ? readJson<{ done?: boolean }>(path) : undefined;
      if (saved?.done) {
        outcome[key] = 'done';
        continue;
      }
      // Join only tasks still open for registration; resume any we already joined.
      if (!saved && Number(await rt.read('phase', () => arena.phase(id))) !== Phase.Submit) continue;
      log.info({ task: key, resumed: Boolean(saved) }, 'starting on task');
      const p = o
        .run(id)
        .then(() => {
          const s = readJson<{ done?: boolean }>(path);
          outcome[key] = s?.done ? 'done' : 'stopped';
        })
        .catch((err: unknown) => {
          outcome[key] = 'failed';
          log.error({ task: key, err: (err as Error).message, hint: (err as { hint?: string }).hint }, 'task failed; still watching others');
        })
        .finally(() => running.delete(key));
      running.set(key, p);
    }
    await rt.sleep();
  }
  await Promise.all(running.values());
  return { tasks: outcome };
}
