/**
 * The live view of `flock train` / `flock validate` / `flock alliance join`, as a pure reducer over the daemons' typed
 * events (daemons/kernel/events.ts): the daemons report events, the runtime logs them and hands
 * them to this view, so both see the same facts, no log message is ever parsed, and the daemons
 * know nothing of the UI.
 */
import { messageOf, type EventRecord } from '../daemons/kernel/events.js';
import { METRICS } from '../engine/metrics.js';

/** What the view folds: a daemon event with its scope, level and time. */
export type LogRecord = EventRecord;

/** The daemon: an Arena trainer or validator, or an Alliance node. */
export type Role = 'trainer' | 'validator' | 'alliance';

export interface TrainingProgress {
  epoch: number;
  epochs: number;
  loss: number;
  valLoss?: number;
  /** Best validation value so far of the first task metric the engine reports. */
  best?: { metric: string; value: number; epoch: number };
  /** Set once training finished. */
  trained?: { backend: string; bestEpoch: number; seconds: number };
}

export interface ScoringProgress {
  scored: number;
  invalid: number;
  /** Scores under the root committed last (every score of the task is committed, only counted ones revealed). */
  committed: number;
  revealed: number;
  last?: { metric: string; score: number };
}

/** One settled round of an Alliance task, as this node saw it. */
export interface RoundScore {
  round: number;
  accepted: boolean;
  /** The score of the global model the round left on the node's local test part (absent: not scored). */
  score?: number;
}

/** Where an Alliance node stands in its task. */
export interface AllianceProgress {
  /** The round it is in (0 before round 1). */
  round: number;
  /** The task's number of rounds, once known. */
  rounds?: number;
  /** Its role in `round`; undefined until the roles are drawn. */
  role?: 'proposer' | 'voter' | 'none';
  /** The metric the global model is scored by. */
  metric?: string;
  /** Its private data's split into the local train and test parts. */
  data?: { trainRows: number; testRows: number };
  /** The local training loss of its last update. */
  loss?: { round: number; value: number };
  /** Its last vote. */
  vote?: { round: number; previousScore: number; newScore: number; improved: boolean; blamed: number };
  /** The global model's score by settled round, ascending rounds: the view's chart. */
  scores: RoundScore[];
}

export interface TaskView {
  task: string;
  role: Role;
  /** What the daemon is doing now, in plain words. */
  step: string;
  training?: TrainingProgress;
  scoring?: ScoringProgress;
  alliance?: AllianceProgress;
  /** The next phase opens at `at` (ms since the epoch, wall clock). */
  deadline?: { what: string; at: number };
  trainScore?: { metric: string; value: number };
  model?: string;
  committed?: boolean;
  /** Latest transaction, hash shortened. */
  tx?: { what: string; hash: string };
  done: boolean;
  failed?: string;
}

export interface Notice {
  level: 'warn' | 'error' | 'fatal';
  time: number;
  text: string;
  task?: string;
}

export interface DaemonViewState {
  /** In the order they first appear. */
  tasks: TaskView[];
  /** The last MAX_NOTICES warnings and errors. */
  notices: Notice[];
  watching: boolean;
  stopping: boolean;
}

export const MAX_NOTICES = 5;

export const initialDaemonView: DaemonViewState = { tasks: [], notices: [], watching: false, stopping: false };

/** `0x1234…cdef`; other long ids (CIDs) keep their head and tail the same way. */
export function shortId(id: string): string {
  const head = id.startsWith('0x') ? 6 : 8;
  return id.length <= head + 6 ? id : `${id.slice(0, head)}…${id.slice(-4)}`;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const isRole = (v: unknown): v is Role => v === 'trainer' || v === 'validator' || v === 'alliance';

function noticeOf(r: LogRecord): Notice | undefined {
  if (r.level < 40) return undefined;
  const f = r as unknown as Record<string, unknown>;
  const detail = [str(f.what), str(f.err) ?? str(f.reason)].filter(Boolean).join(': ');
  const text = `${messageOf(r)}${detail ? ` (${detail})` : ''}`;
  return { level: r.level >= 60 ? 'fatal' : r.level >= 50 ? 'error' : 'warn', time: r.time, text, task: str(r.task) };
}

function deadlineOf(r: LogRecord, role: Role): TaskView['deadline'] {
  if (r.event !== 'waiting' || r.opensIn === undefined) return undefined;
  const at = r.time + r.opensIn * 1000;
  if (role !== 'alliance') return { what: `${r.for} opens`, at };
  // The round in the words: the same phase of the next round is another deadline, not a renewal.
  const n = r.round ?? 1;
  const what = r.for === 'round' ? `round ${n} starts` : r.for === 'settlement' ? `round ${n} can be settled` : `${r.for} of round ${n} opens`;
  return { what, at };
}

/** The first metric of the engine's list that this epoch reports, and whether higher is better. */
function primaryMetric(m: unknown): { metric: string; value: number; higher: boolean } | undefined {
  if (!m || typeof m !== 'object') return undefined;
  for (const [metric, direction] of Object.entries(METRICS)) {
    const value = num((m as Record<string, unknown>)[metric]);
    if (value !== undefined) return { metric, value, higher: direction === 'higher' };
  }
  return undefined;
}

function onEpoch(prev: TrainingProgress | undefined, r: LogRecord & { event: 'epoch' }): TrainingProgress {
  const epoch = num(r.epoch) ?? 0;
  const m = primaryMetric(r.valMetrics);
  let best = epoch > 1 ? prev?.best : undefined; // epoch 1 again: a new training run
  if (m && (!best || best.metric !== m.metric || (m.higher ? m.value > best.value : m.value < best.value))) {
    best = { metric: m.metric, value: m.value, epoch };
  }
  return { epoch, epochs: num(r.epochs) ?? prev?.epochs ?? 0, loss: num(r.loss) ?? NaN, valLoss: num(r.valLoss), best };
}

const noScores: ScoringProgress = { scored: 0, invalid: 0, committed: 0, revealed: 0 };

function bump(t: TaskView, key: keyof Omit<ScoringProgress, 'last'>, extra?: Partial<ScoringProgress>): Partial<TaskView> {
  const s = t.scoring ?? noScores;
  return { scoring: { ...s, [key]: s[key] + 1, ...extra } };
}

const tx = (what: string, r: { tx?: string }): Partial<TaskView> => {
  const hash = str(r.tx);
  return hash ? { tx: { what, hash: shortId(hash) } } : {};
};

const noRounds: AllianceProgress = { round: 0, scores: [] };

/** The progress in round `n` (a later round: its role is not drawn yet) with `patch`. */
function inRound(t: TaskView, n: number | undefined, patch: Partial<AllianceProgress> = {}): Partial<TaskView> {
  const a = t.alliance ?? noRounds;
  const later = n !== undefined && n > a.round;
  return { alliance: { ...a, ...(later ? { round: n, role: undefined } : {}), ...patch } };
}

/** The scores with round `s` in its place (a restart may report a round again). */
function withScore(scores: readonly RoundScore[], s: RoundScore): RoundScore[] {
  return [...scores.filter((x) => x.round !== s.round), s].sort((a, b) => a.round - b.round);
}

/** How one event of an Alliance node changes its task's view; undefined: it does not. */
function allianceUpdate(t: TaskView, r: LogRecord): Partial<TaskView> | undefined {
  switch (r.event) {
    case 'started':
      return { step: r.resumed ? 'resuming from its state file' : 'splitting the private data, then joining' };
    case 'approving':
      return { step: `approving ${r.what}` };
    case 'alliance-task':
      return inRound(t, r.round, { rounds: r.rounds, metric: r.metric });
    case 'data-split':
      return { step: 'joining the task (stake)', ...inRound(t, undefined, { data: { trainRows: r.trainRows, testRows: r.testRows } }) };
    case 'registered':
      return { step: 'joined; waiting for the next round', ...tx('join', r) };
    case 'waiting': {
      const n = r.round ?? t.alliance?.round ?? 0;
      const step =
        r.for === 'round'
          ? `joining is open; waiting for round ${n} to start`
          : r.for === 'randomness'
            ? `waiting for the randomness that draws the roles of round ${n}`
            : r.for === 'propose-reveal'
              ? 'update committed; waiting for the reveal phase'
              : r.for === 'vote-commit'
                ? 'waiting for the proposers’ reveals, then aggregating, scoring and voting'
                : r.for === 'vote-reveal'
                  ? 'vote committed; waiting for the vote-reveal phase'
                  : r.for === 'settlement'
                    ? `done with round ${n}; waiting for its settlement`
                    : r.for === 'global-model'
                      ? `waiting for round ${n}'s global model in the store`
                      : `waiting for the ${r.for} phase`;
      // Waiting for round 1 to start: the node is not in it yet.
      return { step, ...inRound(t, r.for === 'round' ? undefined : r.round) };
    }
    case 'round-role': {
      const step =
        r.role === 'proposer'
          ? `proposer in round ${r.round}: training an update from the global model`
          : r.role === 'voter'
            ? `voter in round ${r.round}: waiting for the proposers’ updates`
            : `no role in round ${r.round} (joined after it started)`;
      return { step, ...inRound(t, r.round, { role: r.role }) };
    }
    case 'round-step': {
      const step =
        r.step === 'start' ? `round ${r.round} started; drawing its roles` : r.step === 'draw' ? `round ${r.round}: roles drawn` : r.step === 'settle' ? `round ${r.round} settled` : 'the randomness never came: the task ends early';
      return { step, ...inRound(t, r.round), ...tx(r.step, r) };
    }
    case 'update-ready':
      return { step: 'committing the update', ...inRound(t, r.round, r.loss !== undefined && Number.isFinite(r.loss) ? { loss: { round: r.round, value: r.loss } } : {}) };
    case 'update-committed':
      return { step: 'update committed; waiting for the reveal phase', ...tx('update commit', r) };
    case 'update-revealed':
      return { step: 'update revealed; waiting for the votes', ...tx('update reveal', r) };
    case 'voted': {
      const vote = { round: r.round, previousScore: r.previousScore, newScore: r.newScore, improved: r.improved, blamed: r.blamed.length };
      return { step: `committing the vote (the aggregate ${r.improved ? 'is no worse than' : 'is worse than'} the global model)`, ...inRound(t, r.round, { vote }) };
    }
    case 'vote-skipped':
      return { step: `no vote in round ${r.round}: ${r.reason}` };
    case 'vote-committed':
      return { step: 'vote committed; waiting for the vote-reveal phase', ...tx('vote commit', r) };
    case 'vote-revealed':
      return { step: 'vote revealed; waiting for the settlement', ...tx('vote reveal', r) };
    case 'round-missed':
      return { step: `round ${r.round}: too late to ${r.what}` };
    case 'round-result': {
      const a = t.alliance ?? noRounds;
      const scores = withScore(a.scores, { round: r.round, accepted: r.accepted, ...(num(r.score) !== undefined ? { score: r.score } : {}) });
      const patch = { scores, ...(r.metric ? { metric: r.metric } : {}) };
      // The previous round, reported late (another node settled it): the step stays this round's.
      if (r.round < a.round) return inRound(t, undefined, patch);
      return { step: r.accepted ? `round ${r.round} accepted: new global model` : `round ${r.round} failed: the global model stays`, ...inRound(t, r.round, patch) };
    }
    case 'done':
      return { step: `done: the task is over (revealed in ${r.scored ?? 0} round(s))`, done: true };
    case 'task-failed':
      return { step: 'failed', failed: r.err };
    default:
      return undefined;
  }
}

/** How one event of a task's daemon changes that task's view; undefined: it does not. */
function taskUpdate(t: TaskView, r: LogRecord): Partial<TaskView> | undefined {
  if (t.role === 'alliance') return allianceUpdate(t, r);
  const trainer = t.role === 'trainer';
  switch (r.event) {
    case 'started':
      return { step: r.resumed ? 'resuming from its state file' : trainer ? 'registering (stake and fee)' : 'registering (stake)' };
    case 'approving':
      return { step: `approving ${r.what}` };
    case 'registered':
      return { step: trainer ? 'downloading the training data' : 'waiting for the score-commit phase', ...tx('register', r) };
    case 'waiting':
      if (r.for === 'reveal') return { step: 'waiting for the reveal phase', committed: true };
      if (r.for === 'score-commit') return { step: `waiting for the score-commit phase${r.phase ? ` (task in its ${r.phase} phase)` : ''}` };
      return { step: t.scoring?.committed ? 'scores committed; waiting for the score-reveal phase' : 'waiting for the score-reveal phase' };
    case 'done':
      if (trainer) return { step: 'done: model revealed', done: true };
      if (r.rejected !== undefined) return { step: r.rejected ? 'done: validation set rejected as unusable' : 'done', done: true };
      return { step: `done: ${r.scored ?? t.scoring?.revealed ?? 0} counted score(s) revealed`, done: true };
    // trainer
    case 'data-ready':
      return { step: 'training' };
    case 'epoch':
      return { step: 'training', training: onEpoch(t.training, r) };
    case 'trained': {
      const trained = { backend: r.backend, bestEpoch: r.bestEpoch, seconds: Math.round(r.ms / 1000) };
      return { step: 'checking the model against the task’s contract', ...(t.training ? { training: { ...t.training, trained } } : {}) };
    }
    case 'model-checked':
      return { step: 'model checked; preparing the commit', trainScore: { metric: r.metric, value: r.trainScore } };
    case 'model-ready':
      return { step: 'committing the model', model: shortId(r.modelCID) };
    case 'model-uploaded':
      // Uploaded in the reveal phase, right before the reveal.
      return { step: t.committed ? 'revealing the model' : 'committing the model', model: shortId(r.modelCID) };
    case 'model-committed':
      return { step: 'waiting for the reveal phase', committed: true, ...tx('commit', r) };
    case 'model-revealed':
      return { step: 'model revealed', ...tx('reveal', r) };
    // validator
    case 'no-validation-set':
      return { step: 'nothing to score: the creator did not reveal the validation set' };
    case 'validation-ready':
      return { step: 'scoring models', scoring: t.scoring ?? noScores };
    case 'validation-unusable':
      return { step: 'validation set unusable: committing its rejection' };
    case 'unusable-committed':
      return { step: 'rejection committed; waiting for the score-reveal phase', ...tx('commit', r) };
    case 'validation-rejected':
      return { step: 'validation set rejected', ...tx('reject', r) };
    case 'seed-drawn':
      return { step: 'sampling seed drawn; revealing the scores that count', ...tx('seed', r) };
    case 'model-scored':
      return { step: 'scoring models', ...bump(t, 'scored', { last: { metric: r.metric, score: r.score } }) };
    case 'model-invalid':
      return { step: 'scoring models', ...bump(t, 'invalid') };
    case 'scores-committed': {
      const s = t.scoring ?? noScores;
      const step = r.unavailable ? `scores committed; ${r.unavailable} model(s) not available yet` : 'scores committed; waiting for the score-reveal phase';
      return { step, scoring: { ...s, committed: r.scores }, ...tx('score commit', r) };
    }
    case 'score-revealed':
      return { step: 'revealing the scores that count', ...bump(t, 'revealed'), ...tx('score reveal', r) };
    // --watch
    case 'task-started':
      return { step: r.resumed ? 'resuming from its state file' : 'starting' };
    case 'task-failed':
      return { step: 'failed', failed: r.err };
    default:
      return undefined;
  }
}

/**
 * Folds one event into the view. Pure: returns a new state (or the same one when the event
 * changes nothing), so the renderer can compare by reference.
 */
export function reduceDaemonView(state: DaemonViewState, r: LogRecord): DaemonViewState {
  let next = state;
  const notice = noticeOf(r);
  if (notice) next = { ...next, notices: [...next.notices, notice].slice(-MAX_NOTICES) };
  if (r.event === 'stopping') next = { ...next, stopping: true };
  if (r.event === 'watching') next = { ...next, watching: true };

  const task = str(r.task);
  const role = r.daemon;
  if (task === undefined || !isRole(role)) return next;
  const i = next.tasks.findIndex((t) => t.task === task && t.role === role);
  const current: TaskView = i >= 0 ? next.tasks[i]! : { task, role, step: 'starting', done: false };
  const update = taskUpdate(current, r);
  const fresh = deadlineOf(r, role);
  if (!update && !fresh && i >= 0) return next;
  // A deadline lasts until the task's next step record that does not renew it. Renewals keep the
  // earliest estimate: chain time moves only with blocks (an idle devnet mines none), so the
  // record that saw the freshest block is the closest to the truth.
  const deadline = fresh && current.deadline?.what === fresh.what && current.deadline.at < fresh.at ? current.deadline : fresh;
  const updated: TaskView = { ...current, ...update, deadline };
  const tasks = i >= 0 ? next.tasks.map((t, j) => (j === i ? updated : t)) : [...next.tasks, updated];
  return { ...next, tasks };
}

/**
 * The lines printed under the final frame once the view is closed: where each task stands, so
 * the outcome stays in the terminal's scrollback.
 */
export function summarizeDaemonView(state: DaemonViewState): string[] {
  const lines = state.tasks.flatMap((t) => {
    const head = `task ${t.task} (${t.role})`;
    const rounds = t.alliance ? allianceSummary(t.alliance) : [];
    if (t.done) return [`${head}: ${t.step}${t.tx ? ` (${t.tx.what} tx ${t.tx.hash})` : ''}`, ...rounds];
    if (t.failed) return [`${head}: failed: ${t.failed}`, ...rounds];
    // Not stopping: an error ends the daemon, and the error handler prints it next.
    return [`${head}: ${state.stopping ? 'stopped' : 'ended'} at: ${t.step}`, ...rounds];
  });
  if (state.stopping && state.tasks.some((t) => !t.done && !t.failed)) lines.push('run the same command again to resume');
  return lines;
}

/** The last rounds' scores in the summary. */
export const SUMMARY_ROUNDS = 10;

/** `  round 2/3, 1 of 2 accepted; global f1 by round: 1 0.912, 2 0.934*` (* accepted), or nothing before round 1. */
function allianceSummary(a: AllianceProgress): string[] {
  if (a.round === 0 && a.scores.length === 0) return [];
  const head = `  round ${a.round}${a.rounds ? `/${a.rounds}` : ''}`;
  if (a.scores.length === 0) return [head];
  const accepted = a.scores.filter((s) => s.accepted).length;
  const shown = a.scores.slice(-SUMMARY_ROUNDS);
  const score = (s: RoundScore) => `${s.round} ${s.score === undefined ? '–' : String(Number(s.score.toPrecision(3)))}${s.accepted ? '*' : ''}`;
  return [
    `${head}, ${accepted} of ${a.scores.length} settled accepted; global ${a.metric ?? 'score'} by round (* accepted): ${a.scores.length > shown.length ? '…, ' : ''}${shown.map(score).join(', ')}`,
  ];
}
