/**
 * The phase machine every daemon runs: a daemon is a list of steps, each saying when it is due,
 * what it checks on chain first, and what it records. The machine walks the list in order at
 * every poll, so a restart (after a crash, a SIGKILL, a reboot) resumes at the first step the
 * state file does not record, and re-checks the chain before acting: nothing is sent twice.
 */
import { AbortError } from '../../errors/index.js';
import type { DaemonEvents } from './events.js';
import { backoffDelay, isTransient } from './retry.js';
import type { DaemonRuntime, Reporter } from './runtime.js';

/** What the chain says about a step that the state file does not record yet. */
export type Gate =
  /** Take it now. */
  | { go: true }
  /** Already taken (a send that landed before the crash, or nothing left to do): adopt it. */
  | { done: true }
  /** Not yet: poll again later (reported as a `waiting` event unless null). */
  | { wait: DaemonEvents['waiting'] | null }
  /** Too late: the task moved past the phase this step needed (exit 8). */
  | { missed: string }
  /** The chain lost something an earlier step recorded (a reorg, a devnet restart), and the
   * step cleared it from the state: walk the list again from the top to redo it. */
  | { rewind: true };

export const GO: Gate = { go: true };
export const DONE: Gate = { done: true };

export interface Step<C> {
  /** What the step does, in words for a "too late to <name>" error: 'commit the model'. */
  name: string;
  /** True once the state file records the step (or, for in-memory steps, this run holds it). */
  recorded(c: C): boolean;
  /** Asks the chain whether the step is due (default: go). */
  gate?(c: C): Promise<Gate>;
  /** Records a step the chain already has (gate said done). */
  adopt?(c: C): Promise<void> | void;
  /**
   * Takes the step and records it. 'again' polls and runs it again (a step that works through
   * whatever has arrived, until its gate says done); 'stopped' ends the run (SIGTERM midway).
   */
  run(c: C): Promise<void | 'again' | 'stopped'>;
}

/** What every step gets: the runtime, the task and its reporter. */
export interface StepContext {
  rt: DaemonRuntime;
  taskId: bigint;
  report: Reporter;
  /** The hint of a "too late" error (default: `flock task show` and `flock task list`). */
  missedHint?: string;
  /** Called after a transient failure, before the step is checked again (reset a nonce cache). */
  onTransient?: () => void;
}

/** Backoff between checks while the chain (or the store) is unreachable: 1 s doubling to 60 s. */
const OUTAGE_BASE_MS = 1_000;
const OUTAGE_MAX_MS = 60_000;

/**
 * Runs `steps` in order until all are recorded ('done') or the runtime is stopping ('stopped').
 *
 * A transient failure (RPC or store unreachable) anywhere in a step never ends the daemon and is
 * never answered by sending again blindly: the machine backs off (1 s doubling to 60 s, reported
 * at the 1st, 2nd, 4th, 8th... failure and once on recovery) and asks the step's gate again, so a
 * transaction that was mined before its answer was lost is recognised on chain as done, and an
 * outage of hours is ridden out. Only a phase that passed meanwhile ends the run (the gate says
 * missed: exit 8).
 *
 * @example
 * const outcome = await runSteps(c, [register, train, commit, reveal]);
 */
export async function runSteps<C extends StepContext>(c: C, steps: readonly Step<C>[]): Promise<'done' | 'stopped'> {
  let failures = 0;
  let downSince = 0;
  walk: for (;;) {
    for (const step of steps) {
      while (!step.recorded(c)) {
        if (c.rt.stopping) return 'stopped';
        try {
          const gate = step.gate ? await step.gate(c) : GO;
          if (failures > 0) {
            c.report.emit({ event: 'recovered', what: step.name, failures, downMs: Date.now() - downSince });
            failures = 0;
          }
          if ('rewind' in gate) continue walk;
          if ('done' in gate) {
            await step.adopt?.(c);
            break;
          }
          if ('wait' in gate) {
            if (gate.wait) c.report.emit({ event: 'waiting', ...gate.wait });
            await c.rt.sleep();
            continue;
          }
          if ('missed' in gate) throw missedDeadline(c.taskId, gate.missed, step.name, c.missedHint);
          const outcome = await step.run(c);
          if (outcome === 'stopped') return 'stopped';
          if (outcome === 'again') await c.rt.sleep();
        } catch (e) {
          if (!isTransient(e)) throw e;
          // A SIGTERM during an outage: every record is already on disk, so stop (exit 0).
          if (c.rt.stopping) return 'stopped';
          if (failures++ === 0) downSince = Date.now();
          const delayMs = backoffDelay(failures, OUTAGE_BASE_MS, OUTAGE_MAX_MS);
          if ((failures & (failures - 1)) === 0) c.report.emit({ event: 'retrying', what: step.name, attempt: failures, delayMs, err: (e as Error).message });
          c.onTransient?.();
          await c.rt.sleep(delayMs);
        }
      }
    }
    return c.rt.stopping ? 'stopped' : 'done';
  }
}

/** DEADLINE_MISSED (exit 8): `task 3 is already in its reveal phase: too late to commit the model`. */
export function missedDeadline(taskId: bigint, phase: string, what: string, hint?: string): AbortError {
  return new AbortError(`task ${taskId} is already in its ${phase} phase: too late to ${what}`, {
    code: 'DEADLINE_MISSED',
    hint: hint ?? `\`flock task show ${taskId}\` shows the phases; join an open task (\`flock task list\`)`,
  });
}
