/**
 * The demo's cast: who plays which part (devnet accounts by name), and each actor opened as the
 * commands would open it: its own context (no password on the devnet), protocol client, and a
 * daemon runtime whose events feed the demo's view.
 */
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


export interface Actor extends CastMember {
  ctx: Context;
  client: ProtocolClient;
  address: string;
  rt: DaemonRuntime;
  deps: ArenaDaemonDeps;
}


export async function openActor(d: DemoDeps, m: CastMember, store: ArenaDaemonDeps['store']): Promise<Actor> {
  const ctx = await d.actorContext(m.name);
  const { client, signer, account } = await openProtocol(ctx, { sign: true });
  const rt = new DaemonRuntime({ log: d.log.child({ actor: m.name }), role: m.role === 'validator' ? 'validator' : 'trainer', pollSeconds: POLL_SECONDS, env: ctx.env });
  rt.onEvent((e) => d.emit({ kind: 'actor', name: m.name, role: m.label, text: describe(e), warn: e.level >= 40 }));
  return { ...m, ctx, client, address: account, rt, deps: await arenaDaemonDeps(ctx, rt, client, signer, store) };
}

/** A daemon event in a few words for the actor's line. */
function describe(e: EventRecord): string {
  if (e.event === 'epoch') return `training: epoch ${e.epoch}/${e.epochs}, loss ${e.loss.toFixed(3)}`;
  if (e.event === 'model-scored') return `scored model #${e.submission}: ${e.metric} ${e.score.toFixed(3)}`;
  if (e.event === 'model-invalid') return `model #${e.submission} is invalid: ${e.reason}`;
  return messageOf(e);
}

