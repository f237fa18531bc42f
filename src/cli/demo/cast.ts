/**
 * The demo's cast: who plays which part (devnet accounts by name), and each actor opened as the
 * commands would open it: its own context (no password on the devnet), protocol client, and a
 * daemon runtime whose events feed the demo's view.
 */
import type { JsonRpcProvider, Signer } from 'ethers';
import type { ProtocolClient } from '../../protocol/client.js';
import type { Logger } from '../../log/index.js';
import type { DemoEvent } from '../../ui/demo-view.js';
import type { Context } from '../context.js';
import { DaemonRuntime, messageOf, type EventRecord } from '../../daemons/kernel/index.js';
import type { ArenaDaemonDeps } from '../../daemons/arena/ports.js';
import { arenaDaemonDeps } from '../daemon.js';
import { openProtocol } from '../protocol.js';

export type CastRole = 'creator' | 'trainer' | 'validator';

export interface CastMember {
  /** A devnet account name (`flock devnet accounts`). */
  name: string;
  role: CastRole;
  /** What it does, in the view and the table. */
  label: string;
  model?: 'cnn' | 'mlp' | 'broken';
  lazy?: boolean;
}

/** The round's people: a creator, three trainers (one broken model), three validators (one lazy). */
export const CAST: readonly CastMember[] = [
  { name: 'alice', role: 'creator', label: 'creator' },
  { name: 'bob', role: 'trainer', label: 'trainer: CNN', model: 'cnn' },
  { name: 'carol', role: 'trainer', label: 'trainer: small MLP', model: 'mlp' },
  { name: 'dave', role: 'trainer', label: 'trainer: broken model (logits, no softmax)', model: 'broken' },
  { name: 'erin', role: 'validator', label: 'validator' },
  { name: 'frank', role: 'validator', label: 'validator' },
  { name: 'grace', role: 'validator', label: 'validator: lazy (scores 0.5 without looking)', lazy: true },
];


/** gmFLOCK each trainer and validator stakes in the task: enough for a slash to show. */
export const TASK_STAKE = 50n * 10n ** 18n;

/** Seconds between the daemons' polls: the demo moves the clock as soon as they are done. */
const POLL_SECONDS = 0.3;

export interface DemoDeps {
  ctx: Context;
  /** Starts or reuses this home's devnet and deploys flock if needed. */
  ensureDevnet(): Promise<{ rpcUrl: string; chainId: number; reused: boolean; deployed: boolean }>;
  /** A context acting as a devnet account (no password on the devnet). */
  actorContext(name: string): Promise<Context>;
  /** Where the daemons' records go (the live view is drawn from events, not from logs). */
  log: Logger;
  emit(e: DemoEvent): void;
}


/** A devnet account opened as the commands would open it: its context, protocol client and signer. */
export interface Account {
  name: string;
  ctx: Context;
  client: ProtocolClient;
  signer: Signer;
  address: string;
}

export interface Actor extends CastMember, Account {
  rt: DaemonRuntime;
  deps: ArenaDaemonDeps;
}

export async function openAccount(d: DemoDeps, name: string): Promise<Account> {
  const ctx = await d.actorContext(name);
  const { client, signer, account } = await openProtocol(ctx, { sign: true });
  return { name, ctx, client, signer, address: account };
}

export async function openActor(d: DemoDeps, m: CastMember, store: ArenaDaemonDeps['store']): Promise<Actor> {
  const a = await openAccount(d, m.name);
  const rt = daemonRuntime(d, a, m.role === 'validator' ? 'validator' : 'trainer', m.label);
  return { ...m, ...a, rt, deps: await arenaDaemonDeps(a.ctx, rt, a.client, a.signer, store) };
}

/** A daemon runtime for `a` (one per actor and daemon, as each command would have its own), its events on the actor's line. */
export function daemonRuntime(d: DemoDeps, a: Account, role: string, label: string): DaemonRuntime {
  const rt = new DaemonRuntime({ log: d.log.child({ actor: a.name }), role, pollSeconds: POLL_SECONDS, env: a.ctx.env });
  rt.onEvent((e) => d.emit({ kind: 'actor', name: a.name, role: label, text: describe(e), warn: e.level >= 40 }));
  return rt;
}

/** A daemon event in a few words for the actor's line. */
function describe(e: EventRecord): string {
  if (e.event === 'epoch') return `training: epoch ${e.epoch}/${e.epochs}, loss ${e.loss.toFixed(3)}`;
  if (e.event === 'model-scored') return `scored model #${e.submission}: ${e.metric} ${e.score.toFixed(3)}`;
  if (e.event === 'model-invalid') return `model #${e.submission} is invalid: ${e.reason}`;
  if (e.event === 'data-split') return `split its rows: ${e.trainRows} to train on, ${e.testRows} to test on`;
  if (e.event === 'update-ready') return `round ${e.round}: update trained on ${e.examples} rows${e.loss !== undefined ? `, loss ${e.loss.toFixed(3)}` : ''}`;
  if (e.event === 'voted') return `round ${e.round}: aggregate ${e.newScore.toFixed(3)} against the global model's ${e.previousScore.toFixed(3)} on its own rows`;
  if (e.event === 'round-result') return `round ${e.round} ${e.accepted ? 'accepted' : 'failed'}${e.score !== undefined ? `: the global model scores ${e.score.toFixed(3)} on its own rows` : ''}`;
  return messageOf(e);
}

/** The step runner of the demo: reports the step's start, end (with its detail line) or failure. */
export type StepFn = <T>(id: string, title: string, fn: () => Promise<T>, detail?: (v: T) => string | undefined) => Promise<T>;

/**
 * The daemons the demo runs, one promise each: the first failure is kept (the daemon's own error,
 * its code and exit status) and ends the part of the demo that waits on them; `stop` stops the
 * ones still running (as SIGTERM would: after their current step) and waits for them, bounded.
 */
export class DemoDaemons {
  failure: Error | undefined;
  private readonly running: { rt: DaemonRuntime; p: Promise<unknown>; done: boolean }[] = [];

  constructor(private readonly d: DemoDeps) {}

  watch(who: { name: string; label: string }, rt: DaemonRuntime, p: Promise<unknown>, wrap: (e: Error) => Error = (e) => e): void {
    const entry = { rt, p: Promise.resolve(), done: false };
    entry.p = p.then(
      () => void (entry.done = true),
      (e: Error) => {
        entry.done = true;
        this.failure ??= wrap(e);
        this.d.emit({ kind: 'actor', name: who.name, role: who.label, text: `failed: ${e.message}`, warn: true });
      },
    );
    this.running.push(entry);
  }

  /** Every daemon done; throws the first failure. */
  async all(): Promise<void> {
    await Promise.all(this.running.map((x) => x.p));
    if (this.failure) throw this.failure;
  }

  /** Stops the daemons still running and waits up to `ms` for them to end; never throws. */
  async stop(reason: string, ms = 15_000): Promise<void> {
    const live = this.running.filter((x) => !x.done);
    if (live.length === 0) return;
    for (const x of live) x.rt.stop(reason);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(live.map((x) => x.p)), new Promise((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
  }
}

/**
 * The devnet's clock, as the demo moves it. `warpTo` mines one block at `end + 1` exactly (anvil's
 * clock goes on from there). Absolute on purpose: ethers serves getBlock('latest') from a 250 ms
 * cache, and a warp by a difference from a stale "now" overshot by a day (the task was past its
 * last phase before its reveal).
 */
export function devnetClock(provider: JsonRpcProvider, log: Logger) {
  const latest = async () => Number(BigInt(((await provider.send('eth_getBlockByNumber', ['latest', false])) as { timestamp: string }).timestamp));
  const warpTo = async (end: number) => {
    const from = await latest();
    await provider.send('evm_mine', [Math.max(end, from) + 1]);
    log.debug({ from, to: await latest(), end }, 'warped');
  };
  return { latest, warpTo };
}

export type DevnetClock = ReturnType<typeof devnetClock>;

