/**
 * Long-running CLI processes (daemons, the store server) for tests and benchmarks: one run with
 * its NDJSON log records parsed (startCli), and a daemon kept running the way systemd keeps its
 * unit running (supervise: Restart=on-failure, RestartSec=, RestartPreventExitStatus=, read from
 * the unit file we ship).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli, type SpawnCliOptions } from './cli.js';

/** One NDJSON record a daemon logged (pino: level, time, msg, and its event's fields). */
export type LogRecord = Record<string, any>;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  readonly child: ChildProcess;
  /** Every NDJSON record on stdout so far. */
  readonly records: LogRecord[];
  /** All of stdout and stderr so far. */
  output(): string;
  readonly exited: Promise<Exit>;
  /** Calls `fn` with each record as it arrives. */
  onRecord(fn: (r: LogRecord) => void): void;
  /** The first record (so far or to come) that matches; rejects on exit or after `timeoutMs`. */
  waitFor(what: string, match: (r: LogRecord) => boolean, timeoutMs?: number): Promise<LogRecord>;
}

/** Spawns `node bin/flock <args>` (spawnCli) and parses its stdout as NDJSON. */
export function startCli(args: string[], opts: SpawnCliOptions): CliProcess {
  const child = spawnCli(args, opts);
  const records: LogRecord[] = [];
  const listeners: Array<(r: LogRecord) => void> = [];
  let out = '';
  let line = '';
  child.stdout!.on('data', (d: Buffer) => {
    const s = d.toString();
    out += s;
    line += s;
    let nl: number;
    while ((nl = line.indexOf('\n')) >= 0) {
      const text = line.slice(0, nl).trim();
      line = line.slice(nl + 1);
      if (!text.startsWith('{')) continue;
      let r: LogRecord;
      try {
        r = JSON.parse(text) as LogRecord;
      } catch {
        continue;
      }
      records.push(r);
      for (const l of listeners) l(r);
    }
  });
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return {
    child,
    records,
    output: () => out,
    exited,
    onRecord: (fn) => void listeners.push(fn),
    waitFor: (what, match, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const hit = records.find(match);
        if (hit) return resolve(hit);
        const timer = setTimeout(() => reject(new Error(`${what}: not logged within ${timeoutMs} ms\n${out}`)), timeoutMs);
        listeners.push((r) => {
          if (!match(r)) return;
          clearTimeout(timer);
          resolve(r);
        });
        void exited.then((e) => {
          clearTimeout(timer);
          reject(new Error(`${what}: exited (${e.code ?? e.signal}) first\n${out}`));
        });
      }),
  };
}

/** What systemd does when a unit's process ends. */
export interface RestartPolicy {
  /** RestartSec=, in ms. */
  restartSecMs: number;
  /** RestartPreventExitStatus=: exit codes after which the unit is not restarted. */
  preventExitStatus: readonly number[];
}

/**
 * The restart policy of a unit file (`Restart=on-failure` is required: the only one supervise
 * implements). `restartSecMs` overrides RestartSec= (tests wait seconds, not the unit's 30 s).
 */
export function unitRestartPolicy(unitFile: string, overrides: Partial<RestartPolicy> = {}): RestartPolicy {
  const text = readFileSync(unitFile, 'utf8');
  const value = (key: string) => text.match(new RegExp(`^${key}=(.*)$`, 'm'))?.[1]?.trim();
  if (value('Restart') !== 'on-failure') throw new Error(`${unitFile}: Restart=on-failure expected`);
  const sec = value('RestartSec') ?? '100ms';
  const restartSecMs = /ms$/.test(sec) ? Number.parseFloat(sec) : Number.parseFloat(sec) * 1000;
  const preventExitStatus = (value('RestartPreventExitStatus') ?? '').split(/\s+/).filter(Boolean).map(Number);
  return { restartSecMs, preventExitStatus, ...overrides };
}

/** systemd's Restart=on-failure: a non-zero code, or a signal other than the clean ones. */
function restarts(e: Exit, policy: RestartPolicy): boolean {
  if (e.signal) return !['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGPIPE'].includes(e.signal);
  return e.code !== 0 && !policy.preventExitStatus.includes(e.code ?? -1);
}

export interface Supervised {
  readonly name: string;
  /** Every run so far, the current one last. */
  readonly runs: CliProcess[];
  /** How each finished run ended, in order. */
  readonly exits: Exit[];
  /** Resolves when the unit ended for good: a clean exit, a code it is not restarted after, or stop(). */
  readonly ended: Promise<Exit>;
  /** Every record of every run, with the run's number (0-based). */
  records(): Array<LogRecord & { run: number }>;
  output(): string;
  /** Calls `fn` with each record of every run as it arrives. */
  onRecord(fn: (r: LogRecord, run: number) => void): void;
  /** SIGKILLs the current run; the policy restarts it. */
  kill(): void;
  /** SIGKILLs the current run and restarts nothing more (cleanup). */
  stop(): Promise<void>;
}

export interface SuperviseOptions extends SpawnCliOptions {
  policy: RestartPolicy;
  /** Extra environment for every run until one ends by SIGKILL (a crash hook such as FLOCK_TEST_EXIT_AFTER). */
  envUntilKilled?: Record<string, string>;
}

/** Runs `flock <args>` as systemd runs a unit with Restart=on-failure. */
export function supervise(name: string, args: string[], opts: SuperviseOptions): Supervised {
  const runs: CliProcess[] = [];
  const exits: Exit[] = [];
  const listeners: Array<(r: LogRecord, run: number) => void> = [];
  let killed = false;
  let stopped = false;
  let end!: (e: Exit) => void;
  const ended = new Promise<Exit>((resolve) => (end = resolve));
  let pending: NodeJS.Timeout | undefined;

  const start = () => {
    const env = { ...opts.env, ...(killed ? {} : opts.envUntilKilled) };
    const run = startCli(args, { ...opts, env });
    const n = runs.push(run) - 1;
    run.onRecord((r) => listeners.forEach((l) => l(r, n)));
    void run.exited.then((e) => {
      exits.push(e);
      if (e.signal === 'SIGKILL') killed = true;
      if (stopped) return end(e);
      if (!restarts(e, opts.policy)) return end(e);
      pending = setTimeout(start, opts.policy.restartSecMs);
    });
  };
  start();

  const current = () => runs[runs.length - 1]!;
  return {
    name,
    runs,
    exits,
    ended,
    records: () => runs.flatMap((r, run) => r.records.map((x) => ({ ...x, run }))),
    output: () => runs.map((r, i) => `--- ${name} run ${i + 1} ---\n${r.output()}`).join('\n'),
    onRecord: (fn) => void listeners.push(fn),
    kill: () => {
      const c = current().child;
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    },
    stop: async () => {
      stopped = true;
      clearTimeout(pending);
      const c = current();
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      await c.exited;
      end({ code: null, signal: 'SIGKILL' });
    },
  };
}

/**
 * A daemon's state file as it is now, or undefined before it exists: the one of `kind` for the
 * task in `home` (`<home>/daemons/<kind>-<chainId>-<task>-<account>.json`; these homes hold one
 * account's daemon each, so the account part is not needed to find it).
 */
export function readDaemonState(home: string, kind: 'trainer' | 'validator' | 'alliance', chainId: number | string, taskId: number | string | bigint): Record<string, any> | undefined {
  const dir = join(home, 'daemons');
  const prefix = `${kind}-${chainId}-${taskId}-`;
  const name = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('.json')) : undefined;
  if (!name) return undefined;
  try {
    return JSON.parse(readFileSync(join(dir, name), 'utf8'));
  } catch {
    return undefined; // never half a file (atomic rename), but it may vanish between the two calls
  }
}
