/**
 * The daemon kernel: the phase machine walks a daemon's steps as the chain allows, the runtime
 * logs typed events and hands them to listeners, and one lock per home and task keeps a second
 * daemon off a task (a crashed owner's lock is taken over).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { DaemonRuntime, DONE, EVENT_TEXT, GO, lockState, messageOf, runSteps, type EventRecord, type Gate, type Step, type StepContext } from '../../../src/daemons/kernel/index.js';
import { processIdentity } from '../../../src/daemons/kernel/state.js';

const dir = mkdtempSync(join(tmpdir(), 'flock-kernel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runtime() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _e, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  const rt = new DaemonRuntime({ log: pino({ level: 'debug' }, sink), role: 'trainer', pollSeconds: 0.01 });
  const events: EventRecord[] = [];
  rt.onEvent((e) => events.push(e));
  return { rt, lines, events };
}

type Ctx = StepContext & { done: Set<string>; trace: string[] };
const ctx = (rt: DaemonRuntime): Ctx => ({ rt, taskId: 7n, report: rt.reporter('7'), done: new Set(), trace: [] });

/** A step whose gates answer in turn from `gates`, recording its name when it runs or is adopted. */
function step(name: string, gates: Gate[] = [GO], outcomes: ('again' | 'stopped' | void)[] = []): Step<Ctx> {
  return {
    name,
    recorded: (c) => c.done.has(name),
    gate: async (c) => {
      c.trace.push(`gate ${name}`);
      return gates.length > 1 ? gates.shift()! : gates[0]!;
    },
    adopt: (c) => {
      c.trace.push(`adopt ${name}`);
      c.done.add(name);
    },
    run: async (c) => {
      c.trace.push(`run ${name}`);
      const o = outcomes.shift();
      if (o === undefined) c.done.add(name);
      return o;
    },
  };
}

describe('runSteps', () => {
  it('takes the steps in order, adopts what the chain already has, waits until a step is due', async () => {
    const { rt, events } = runtime();
    const c = ctx(rt);
    const out = await runSteps(c, [step('register'), step('commit', [DONE]), step('reveal', [{ wait: { for: 'reveal', opensIn: 60 } }, { wait: null }, GO])]);
    expect(out).toBe('done');
    expect(c.trace).toEqual(['gate register', 'run register', 'gate commit', 'adopt commit', 'gate reveal', 'gate reveal', 'gate reveal', 'run reveal']);
    expect(events.filter((e) => e.event === 'waiting')).toEqual([expect.objectContaining({ event: 'waiting', for: 'reveal', opensIn: 60, daemon: 'trainer', task: '7' })]);
    rt.dispose();
  });

  it('skips steps the state records, and runs a step again while it says so', async () => {
    const { rt } = runtime();
    const c = ctx(rt);
    c.done.add('register');
    expect(await runSteps(c, [step('register'), step('score', [GO], ['again', 'again'])])).toBe('done');
    expect(c.trace).toEqual(['gate score', 'run score', 'gate score', 'run score', 'gate score', 'run score']);
    rt.dispose();
  });

  it('a missed phase is DEADLINE_MISSED (exit 8) naming the step', async () => {
    const { rt } = runtime();
    const c = ctx(rt);
    const err = await runSteps(c, [step('commit the model', [{ missed: 'reveal' }])]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DEADLINE_MISSED', exitCode: 8, message: 'task 7 is already in its reveal phase: too late to commit the model' });
    rt.dispose();
  });

  it('stops between steps on SIGTERM, and when a step says it was stopped', async () => {
    const { rt, events } = runtime();
    const c = ctx(rt);
    expect(await runSteps(c, [step('train', [GO], ['stopped']), step('commit')])).toBe('stopped');
    expect(c.trace).toEqual(['gate train', 'run train']);
    rt.stop('SIGTERM'); // what the SIGTERM handler calls
    expect(rt.stopping).toBe(true);
    expect(await runSteps(ctx(rt), [step('commit')])).toBe('stopped');
    expect(events.at(-1)).toMatchObject({ event: 'stopping', signal: 'SIGTERM', daemon: 'trainer' });
    rt.dispose();
  });

  // Found checking docs/DAEMONS.md ("SIGTERM: the current step finishes, the state is persisted,
  // the process exits 0"): a SIGTERM that came while a chain read was failing (an RPC outage)
  // ended the run with that read's error, exit 3, instead of stopping.
  it('a SIGTERM during an outage stops the run, not the failing read', async () => {
    const { rt } = runtime();
    const c = ctx(rt);
    const down: Step<Ctx> = {
      name: 'commit the model',
      recorded: () => false,
      gate: async () => {
        rt.stop('SIGTERM'); // arrives while the read below is failing
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8545'), { code: 'SERVER_ERROR' });
      },
      run: async () => undefined,
    };
    expect(await runSteps(c, [down])).toBe('stopped');
    rt.dispose();
  });
});

describe('DaemonRuntime events', () => {
  it('logs each event with its type, scope and message, and hands it to listeners', () => {
    const { rt, lines, events } = runtime();
    rt.reporter('3').emit({ event: 'model-committed', tx: '0xab', commitment: '0xcd', already: false });
    rt.reporter('3').emit({ event: 'model-invalid', submission: '1', modelCID: 'bafk', reason: 'fetch-failed: down', cause: 'fetch-failed' });
    expect(lines[0]).toMatchObject({ level: 30, event: 'model-committed', daemon: 'trainer', task: '3', tx: '0xab', msg: 'model committed' });
    expect(lines[1]).toMatchObject({ level: 40, event: 'model-invalid', msg: 'model could not be fetched or verified: marking it invalid' });
    expect(events.map((e) => e.event)).toEqual(['model-committed', 'model-invalid']);
    expect(events[1]!.level).toBe(40);
    rt.dispose();
  });

  it('every event type has a message', () => {
    for (const [type, text] of Object.entries(EVENT_TEXT)) expect(typeof text.msg === 'string' ? text.msg : 'fn', type).toBeTruthy();
    expect(messageOf({ event: 'waiting', for: 'score-reveal' })).toBe('waiting for the score-reveal phase');
  });

  it('retries a transient failure, reporting each retry as an event', async () => {
    const { rt, events } = runtime();
    let n = 0;
    const resets: number[] = [];
    const v = await rt.retry(
      'latest block',
      async () => {
        if (n++ < 1) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'SERVER_ERROR' });
        return 42;
      },
      { task: '3', onRetry: () => resets.push(n) },
    );
    expect(v).toBe(42);
    expect(resets).toEqual([1]);
    expect(events).toEqual([expect.objectContaining({ event: 'retrying', what: 'latest block', attempt: 1, task: '3', level: 40 })]);
    rt.dispose();
  });
});

describe('lockState: one daemon per home and task', () => {
  it('refuses a second daemon while the first runs, and takes over the lock of a killed one', async () => {
    const path = join(dir, 'daemons', 'trainer-31337-1.json'); // its folder does not exist yet
    lockState(path)();
    // Another daemon's lock: the file holds a live process's pid (here a plain sleeper's).
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((r) => child.on('spawn', r));
    writeFileSync(`${path}.lock`, `${child.pid}\n`);
    try {
      expect(() => lockState(path)).toThrow(expect.objectContaining({ code: 'DAEMON_RUNNING', exitCode: 2 }));
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.on('close', r));
    }
    const release = lockState(path); // the owner is gone: taken over
    expect(existsSync(`${path}.lock`)).toBe(true);
    release();
    release(); // idempotent
    expect(existsSync(`${path}.lock`)).toBe(false);
    lockState(path)();
  });

  // Found checking docs/DAEMONS.md ("the lock of a process that died (SIGKILL, reboot) is taken
  // over"): the lock held only a pid, and after a reboot that pid may well belong to another live
  // process (pids restart low; often another flock daemon of the same home). The daemon then
  // refused to start with exit 2, which systemd never restarts (RestartPreventExitStatus).
  it.skipIf(!existsSync('/proc/self/stat'))('takes over a lock whose pid now belongs to another process (a reboot, a reused pid)', async () => {
    const path = join(dir, 'daemons', 'validator-31337-2.json');
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((r) => child.on('spawn', r));
    try {
      // Written by a daemon before the reboot: same pid, another boot.
      lockState(path)();
      writeFileSync(`${path}.lock`, `${child.pid}\n00000000-0000-0000-0000-000000000000 4242\n`);
      const release = lockState(path);
      expect(readFileSync(`${path}.lock`, 'utf8').split('\n')[0]).toBe(String(process.pid));
      release();
      // Written by the live process itself: refused.
      writeFileSync(`${path}.lock`, `${child.pid}\n${processIdentity(child.pid!)}\n`);
      expect(() => lockState(path)).toThrow(expect.objectContaining({ code: 'DAEMON_RUNNING', exitCode: 2 }));
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.on('close', r));
    }
  });
});
