/**
 * What the trainer and the validator share: the per-task session (state file under the home's
 * lock, checked to belong to this account), chain reads and writes through the runtime's retry,
 * the phase gate helpers and the work folder.
 */
import { join } from 'node:path';
import { AbortError } from '../../errors/index.js';
import { Phase, PHASES, Role } from '../../protocol/arena/index.js';
import { adoptLegacyState, GO, lockState, StateStore, statePath, type DaemonKind, type Reporter, type Step, type StepContext } from '../kernel/index.js';
import type { ArenaDaemonDeps } from './ports.js';

/** The fields every Arena daemon state file has. */
export interface ArenaStateBase {
  kind: DaemonKind;
  chainId: number;
  taskId: string;
  account: string;
  startedAt: string;
  updatedAt?: string;
  done?: boolean;
}

/** The task and the chain, as the helpers below need them. */
export interface TaskAccess extends ArenaDaemonDeps {
  taskId: bigint;
  /** The phase read by the last phaseOf, by name ('reveal'), for messages. */
  phaseName?: string;
}

export interface ArenaStepContext<S extends ArenaStateBase> extends StepContext, TaskAccess {
  st: StateStore<S>;
  path: string;
  account: string;
  report: Reporter;
}

/**
 * Opens a task's state (taking the home's lock for it) and builds the step context. Call
 * `release()` when the daemon ends, however it ends.
 */
export function openTask<S extends ArenaStateBase>(
  d: ArenaDaemonDeps,
  taskId: bigint,
  extra: Omit<S, Exclude<keyof ArenaStateBase, 'kind'>>,
  missedHint?: string,
): { c: ArenaStepContext<S>; release: () => void } {
  const account = d.chain.address;
  const path = statePath(d.home, extra.kind, d.chain.chainId, taskId, account);
  adoptLegacyState(path, account);
  const release = lockState(path);
  try {
    const initial = { chainId: d.chain.chainId, taskId: taskId.toString(), account, startedAt: new Date().toISOString(), ...extra } as S;
    const st = new StateStore<S>(path, initial);
    if (st.get().account.toLowerCase() !== account.toLowerCase()) {
      throw new AbortError(`state ${path} belongs to ${st.get().account}, not ${account}`, { code: 'STATE_ACCOUNT', hint: 'use the same --account, or another --home' });
    }
    const report = d.rt.reporter(taskId.toString());
    return { c: { ...d, rt: d.rt, taskId, st, path, account, report, missedHint, onTransient: () => d.chain.resetNonce() }, release };
  } catch (e) {
    release();
    throw e;
  }
}

/** A chain read, retried on transient failures. */
export function read<T>(c: TaskAccess, what: string, fn: () => Promise<T>): Promise<T> {
  return c.rt.retry(what, fn, { task: c.taskId.toString() });
}

/**
 * A transaction, sent once. A transient failure is not retried here: it reaches the phase
 * machine, which resets the nonce cache, backs off and asks the step's gate again, so a send that
 * was mined before its answer was lost is recognised on chain instead of sent twice.
 */
export function write<T>(_c: TaskAccess, _what: string, fn: () => Promise<T>): Promise<T> {
  return fn();
}

/** The task's phase now (a number of protocol's Phase), remembered by name for messages. */
export async function phaseOf(c: TaskAccess): Promise<number> {
  const ph = await read(c, 'phase', () => c.arena.getPhase({ taskId: c.taskId }));
  c.phaseName = PHASES[ph] ?? String(ph);
  return ph;
}

/** Seconds of chain time until `end`. */
export async function secondsUntil(c: TaskAccess, end: number): Promise<number> {
  return end - (await read(c, 'latest block', () => c.chain.now()));
}

/** `<home>/daemons/work/<chainId>-<task>-<account>/`: downloads and kept models (0700). */
export function workDir(c: TaskAccess): string {
  return join(c.home, 'daemons', 'work', `${c.chain.chainId}-${c.taskId}-${c.chain.address.toLowerCase()}`);
}

/**
 * Registers with stake (approve + register, idempotent on chain) while the task takes
 * registrations, or adopts a registration the chain already has. `record` says how the state
 * file keeps the participant's index (a trainer calls it its submission id).
 */
export function registerStep<S extends ArenaStateBase & { registered?: object }, C extends ArenaStepContext<S> & { o: { stake: bigint } }>(
  role: 'node' | 'validator',
  record: (index: string, txHash: string | undefined) => Partial<S>,
): Step<C> {
  return {
    name: role === 'node' ? 'register' : 'register as a validator',
    recorded: (c) => Boolean(c.st.get().registered),
    async gate(c) {
      const onChain = await read(c, 'participant', () => c.arena.getParticipant({ taskId: c.taskId, account: c.account }));
      if (onChain.role === (role === 'node' ? Role.Node : Role.Validator)) return GO;
      return (await phaseOf(c)) === Phase.Submit ? GO : { missed: c.phaseName! };
    },
    async run(c) {
      // One write, never interleaved with another task's approve (--watch).
      const r = await c.rt.exclusive(() =>
        write(c, 'register', () => c.arena.register({ taskId: c.taskId, role, stake: c.o.stake, onApprove: (what) => c.report.emit({ event: 'approving', what }) })),
      );
      c.rt.crashPoint('register');
      c.st.update(record(r.index.toString(), r.txHash));
      c.report.emit({ event: 'registered', index: r.index.toString(), tx: r.txHash, already: r.alreadyRegistered });
    },
  };
}
