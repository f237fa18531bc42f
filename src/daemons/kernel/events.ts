/**
 * What a daemon reports, as typed events. The runtime writes each one to the NDJSON log (with
 * `event: <type>` and the message below) and hands it to its listeners (the live view), so the
 * view reduces typed records and no consumer ever parses a log message. Reword a message here
 * freely; rename an event type only together with its consumers (ui/daemon-view.ts).
 */

/** The fields of each event type. */
export interface DaemonEvents {
  // every daemon
  started: { state: string; resumed: boolean };
  /** Staking needs an allowance first (approve, then register). */
  approving: { what: string };
  registered: { index: string; tx?: string; already: boolean };
  /** Polling until the next phase opens; `opensIn` in seconds of chain time. */
  waiting: { for: 'reveal' | 'score-commit' | 'score-reveal' | 'round' | 'randomness' | 'propose-reveal' | 'vote-commit' | 'vote-reveal' | 'settlement' | 'global-model'; opensIn?: number; phase?: string; round?: number };
  /** A transient failure (RPC, store) is being retried. */
  retrying: { what: string; attempt: number; delayMs: number; err: string };
  /** The chain (or store) answers again after `failures` failed checks. */
  recovered: { what: string; failures: number; downMs: number };
  stopping: { signal: string };
  /** `scored`: scores revealed; `rejected`: the validation set was rejected as unusable. */
  done: { scored?: number; rejected?: boolean };
  // --watch
  watching: {};
  'task-started': { resumed: boolean };
  'task-failed': { err: string; hint?: string };
  // trainer
  'data-ready': { cid: string; file: string };
  epoch: { epoch: number; epochs: number; loss: number; valLoss?: number; valMetrics?: Record<string, number> };
  trained: { backend: string; bestEpoch: number; ms: number };
  'model-checked': { metric: string; trainScore: number };
  'model-unchecked': {};
  'model-ready': { modelCID: string; bytes: number; file?: string; trainScore?: number };
  'model-committed': { tx?: string; commitment: string; already: boolean };
  /** The state file says committed, the chain has no such commitment (rolled back). */
  'commit-lost': { commitment: string };
  'model-uploaded': { modelCID: string; bytes: number; store: string };
  'model-revealed': { tx?: string; modelCID: string; already: boolean };
  // validator
  'validation-ready': { cid: string; file: string };
  'no-validation-set': {};
  /** The validation set breaks the task's schema: the validator commits "unusable" instead of scores. */
  'validation-unusable': { cid: string; reason: string };
  'unusable-committed': { commitment: string; tx?: string; already: boolean };
  'validation-rejected': { tx?: string; already: boolean };
  /** The task samples (more committers than k) and nobody had drawn its seed. */
  'seed-drawn': { tx: string; committers: number; k: number };
  'model-scored': { submission: string; modelCID: string; metric: string; score: number; samples: number };
  /** `cause`: the model fails the contract (invalid), or could not be fetched / evaluated. */
  'model-invalid': { submission: string; modelCID: string; reason: string; cause: 'invalid' | 'fetch-failed' | 'evaluation-failed'; code?: string };
  /** The model cannot be fetched now (not found, store down): asked again at the next poll. */
  'model-unavailable': { submission: string; modelCID: string; reason: string };
  /** One root over every score so far (`scores` leaves; `unavailable` models not scored yet, committed again once they are). */
  'scores-committed': { root: string; scores: number; unavailable?: number; tx?: string; already: boolean };
  'score-revealed': { submission: string; tx?: string; already: boolean };
  // Alliance node
  /** The task as the node (re)starts on it: its current round, how many it has, the metric the global model is scored by. */
  'alliance-task': { round: number; rounds: number; metric: string };
  /** The private data file, split once into the local train and test parts (kept in the work folder). */
  'data-split': { trainRows: number; testRows: number; dir: string };
  /** A round's roles are drawn: this node's role in it. */
  'round-role': { round: number; role: 'proposer' | 'voter' | 'none'; index?: number };
  /** Anyone's step of the round, taken by this node: start it, draw its roles, settle it, or end a task whose randomness never came. */
  'round-step': { round: number; step: 'start' | 'draw' | 'settle' | 'expire'; tx?: string };
  'update-ready': { round: number; updateCID: string; examples: number; loss?: number; file: string };
  'update-committed': { round: number; tx?: string; commitment: string; already: boolean };
  'update-revealed': { round: number; tx?: string; updateCID: string; already: boolean };
  /** The voter's verdict: the aggregate's CID, both scores on the local test part, the updates it blames. */
  voted: { round: number; aggregateCID: string; previousScore: number; newScore: number; improved: boolean; blamed: number[]; rejected: number };
  /** No vote this round: no update could be aggregated or scored (the node is neither paid nor slashed). */
  'vote-skipped': { round: number; reason: string };
  'vote-committed': { round: number; tx?: string; commitment: string; already: boolean };
  'vote-revealed': { round: number; tx?: string; already: boolean };
  /** The node's role in a round passed before it acted (it was down): it is neither paid nor slashed for a step it never committed to. */
  'round-missed': { round: number; what: string };
  /**
   * A settled round: whether its aggregate became the global model, and the score of the global
   * model it left (the new one or the one kept) on this node's local test part, by `metric`
   * (absent when it could not be scored: see round-unscored).
   */
  'round-result': { round: number; accepted: boolean; aggregateCID: string; score?: number; metric?: string };
  /** The global model a settled round left could not be scored on the local test part (the node goes on; its chart skips the round). */
  'round-unscored': { round: number; modelCID: string; reason: string };
  // model host (flock serve)
  /** Serving: the model's CID, where the server listens, the offer's price (FLOCK wei) and endpoint. */
  serving: { modelId: string; modelCID: string; url: string; endpoint: string; price: string; workers: number };
  'offer-updated': { modelId: string; price: string; stake: string; endpoint: string; tx: string };
  /** A paid call was answered (debug: one per call). */
  'call-paid': { channelId: string; calls: string; amount: string; ms: number };
  /** The latest voucher of a channel redeemed on chain (`why`: schedule, closing, threshold, start, shutdown). */
  redeemed: { channelId: string; amount: string; calls: string; paid: string; why: string; tx?: string; already: boolean };
  /** A voucher that can no longer be redeemed (its channel closed or its window passed). */
  'voucher-lost': { channelId: string; amount: string; reason: string };
}

export type EventType = keyof DaemonEvents;

/** An event: its type in `event` beside its fields. */
export type DaemonEvent<K extends EventType = EventType> = { [T in K]: { event: T } & DaemonEvents[T] }[K];

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

/** pino's numeric levels, which the records carry. */
export const LEVEL_VALUES: Record<EventLevel, number> = { debug: 20, info: 30, warn: 40, error: 50 };

/** Each event's log level and message. A function when the wording depends on the fields. */
export const EVENT_TEXT: { [K in EventType]: { level: EventLevel; msg: string | ((e: DaemonEvents[K]) => string) } } = {
  started: { level: 'info', msg: 'daemon started' },
  approving: { level: 'info', msg: (e) => `approving ${e.what}` },
  registered: { level: 'info', msg: 'registered' },
  waiting: { level: 'debug', msg: (e) => `waiting for the ${e.for} phase` },
  retrying: { level: 'warn', msg: 'transient failure, retrying' },
  recovered: { level: 'info', msg: 'reachable again; resuming' },
  stopping: { level: 'info', msg: 'stopping after the current step' },
  done: { level: 'info', msg: 'done for this task' },
  watching: { level: 'info', msg: 'watching for tasks' },
  'task-started': { level: 'info', msg: 'starting on task' },
  'task-failed': { level: 'error', msg: 'task failed; still watching others' },
  'data-ready': { level: 'info', msg: 'training data downloaded and verified' },
  epoch: { level: 'info', msg: 'epoch' },
  trained: { level: 'info', msg: 'trained' },
  'model-checked': { level: 'info', msg: 'model checked against the contract (score on the training data)' },
  'model-unchecked': { level: 'warn', msg: '--no-check: the model is submitted without checking it against the contract' },
  'model-ready': { level: 'info', msg: 'model ready; kept locally until the reveal phase' },
  'model-committed': { level: 'info', msg: (e) => (e.already ? 'commitment already on chain (restart after the send); not sending it again' : 'model committed') },
  'commit-lost': { level: 'warn', msg: 'the chain lost our commitment (rolled back); committing again' },
  'model-uploaded': { level: 'info', msg: 'model uploaded' },
  'model-revealed': { level: 'info', msg: (e) => (e.already ? 'model already revealed on chain' : 'model revealed') },
  'validation-ready': { level: 'info', msg: 'validation set downloaded and verified' },
  'no-validation-set': { level: 'info', msg: 'the creator did not reveal the validation set; nothing to score (the task will be cancelled)' },
  'validation-unusable': { level: 'warn', msg: 'the revealed validation set breaks the task’s schema: committing "unusable" instead of scores (the creator is slashed if most validators agree)' },
  'unusable-committed': { level: 'info', msg: (e) => (e.already ? '"validation set unusable" already committed on chain' : '"validation set unusable" committed') },
  'validation-rejected': { level: 'info', msg: (e) => (e.already ? 'validation set already rejected on chain' : 'validation set rejected (revealed "unusable")') },
  'seed-drawn': { level: 'info', msg: 'sampling seed drawn' },
  'model-scored': { level: 'info', msg: 'model scored' },
  'model-invalid': {
    level: 'info',
    msg: (e) =>
      e.cause === 'invalid' ? 'model is invalid' : e.cause === 'fetch-failed' ? 'model could not be fetched or verified: marking it invalid' : 'model could not be evaluated: marking it invalid',
  },
  'model-unavailable': { level: 'warn', msg: 'model not available yet; trying again at the next poll (never marked invalid for it)' },
  'scores-committed': {
    level: 'info',
    msg: (e) => (e.already ? 'score root already on chain; not sending it again' : e.unavailable ? 'scores committed (committed again once the unavailable models are scored)' : 'scores committed'),
  },
  'score-revealed': { level: 'info', msg: 'score revealed' },
  'alliance-task': { level: 'info', msg: (e) => `Alliance task of ${e.rounds} round(s), the global model scored by ${e.metric}; now in round ${e.round}` },
  'data-split': { level: 'info', msg: 'private data split into local train and test parts (they never leave this machine)' },
  'round-role': { level: 'info', msg: (e) => (e.role === 'none' ? `round ${e.round}: no role (joined after it started)` : `round ${e.round}: ${e.role}`) },
  'round-step': { level: 'info', msg: (e) => `round ${e.round}: ${e.step === 'start' ? 'started' : e.step === 'draw' ? 'roles drawn' : e.step === 'settle' ? 'settled' : 'randomness never came: the task ends early'}` },
  'update-ready': { level: 'info', msg: 'update trained; kept locally until the reveal phase' },
  'update-committed': { level: 'info', msg: (e) => (e.already ? 'update commitment already on chain' : 'update committed') },
  'update-revealed': { level: 'info', msg: (e) => (e.already ? 'update already revealed on chain' : 'update revealed') },
  voted: { level: 'info', msg: (e) => `aggregate ${e.improved ? 'is no worse than' : 'is worse than'} the global model (${e.previousScore} -> ${e.newScore})${e.blamed.length ? `; blaming ${e.blamed.length} update(s)` : ''}` },
  'vote-skipped': { level: 'warn', msg: 'no vote this round' },
  'vote-committed': { level: 'info', msg: (e) => (e.already ? 'vote commitment already on chain' : 'vote committed') },
  'vote-revealed': { level: 'info', msg: (e) => (e.already ? 'vote already revealed on chain' : 'vote revealed') },
  'round-missed': { level: 'warn', msg: (e) => `round ${e.round}: too late to ${e.what}` },
  'round-result': {
    level: 'info',
    msg: (e) => `${e.accepted ? `round ${e.round} accepted: new global model` : `round ${e.round} failed: the global model stays`}${e.score !== undefined ? ` (${e.metric ?? 'score'} ${e.score} on the local test part)` : ''}`,
  },
  'round-unscored': { level: 'warn', msg: (e) => `round ${e.round}: the global model could not be scored on the local test part` },
  serving: { level: 'info', msg: (e) => `serving model ${e.modelId} at ${e.url} (offered at ${e.endpoint})` },
  'offer-updated': { level: 'info', msg: 'offer on chain updated' },
  'call-paid': { level: 'debug', msg: 'paid call answered' },
  redeemed: { level: 'info', msg: (e) => (e.already ? 'voucher was already redeemed on chain' : `voucher redeemed (${e.why})`) },
  'voucher-lost': { level: 'warn', msg: (e) => `voucher of channel ${e.channelId} can no longer be redeemed: ${e.reason}` },
};

/** The level of one event (a model that cannot be fetched or evaluated is a warning). */
export function levelOf(e: DaemonEvent): EventLevel {
  if (e.event === 'model-invalid' && e.cause !== 'invalid') return 'warn';
  return EVENT_TEXT[e.event].level;
}

/** The message of one event. */
export function messageOf(e: DaemonEvent): string {
  const text = EVENT_TEXT[e.event].msg as string | ((x: DaemonEvent) => string);
  return typeof text === 'function' ? text(e) : text;
}

/** Who emitted an event: the daemon's role and, for task work, the task. */
export interface EventScope {
  daemon: string;
  task?: string;
  watch?: boolean;
}

/** What listeners receive: the event with its scope, pino level and wall-clock time (ms). */
export type EventRecord = DaemonEvent & EventScope & { level: number; time: number };
