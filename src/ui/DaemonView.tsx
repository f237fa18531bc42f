import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import type { AllianceProgress, DaemonViewState, Notice, TaskView, TrainingProgress } from './daemon-view.js';
import { lineChart } from './line-chart.js';

export interface DaemonViewHeader {
  command: string;
  account: string;
  /** e.g. `31337 (http://127.0.0.1:8545)`. */
  chain: string;
  logFile?: string;
}

export interface DaemonViewProps {
  header: DaemonViewHeader;
  state: DaemonViewState;
  /** Clock for countdowns (tests pass a fixed one). */
  now?: () => number;
}

const BAR = 20;

/** 3 significant digits, without trailing zeros: losses and metrics at a glance. */
export function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  return Math.abs(x) >= 1000 ? x.toFixed(0) : String(Number(x.toPrecision(3)));
}

/** `1 d 2 h 3 m`, `12 m 3 s`, `42 s`: whole seconds, the two or three largest units. */
export function formatCountdown(ms: number): string {
  let s = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${d} d ${h} h ${m} m`;
  if (h > 0) return `${h} h ${m} m ${s} s`;
  return m > 0 ? `${m} m ${s} s` : `${s} s`;
}

export function progressBar(done: number, total: number, width = BAR): string {
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function Training({ p }: { p: TrainingProgress }) {
  const parts = [`${p.epoch}/${p.epochs} epochs${p.trained && p.epoch < p.epochs ? ' (stopped early)' : ''}`, `loss ${fmt(p.loss)}`];
  if (p.valLoss !== undefined) parts.push(`val ${fmt(p.valLoss)}`);
  if (p.best) parts.push(`best ${p.best.metric} ${fmt(p.best.value)} (epoch ${p.best.epoch})`);
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="green">{progressBar(p.epoch, p.epochs)}</Text> {parts.join('  ')}
      </Text>
      {p.trained ? (
        <Text dimColor>
          trained in {p.trained.seconds} s on {p.trained.backend}; kept the weights of epoch {p.trained.bestEpoch}
        </Text>
      ) : null}
    </Box>
  );
}

/** Columns of the score chart (axis labels included): it fits an 80-column terminal beside the indent. */
export const CHART_WIDTH = 60;
/** Rows of its plot area: 6 intervals, split into 2 or 3 ticks. */
export const CHART_HEIGHT = 7;

/**
 * The global model's score by settled round as a plain-text line chart, from the first round this
 * node saw settled to the task's last (a round it could not score, or not settled yet, is a gap);
 * undefined before any score.
 */
export function scoreChart(a: AllianceProgress, width = CHART_WIDTH): string | undefined {
  if (!a.scores.some((s) => s.score !== undefined)) return undefined;
  const first = a.scores[0]!.round;
  const last = Math.max(a.scores.at(-1)!.round, a.rounds ?? 0);
  const values = Array.from({ length: last - first + 1 }, () => NaN);
  for (const s of a.scores) if (s.score !== undefined) values[s.round - first] = s.score;
  return lineChart([{ name: `global model (${a.metric ?? 'score'})`, values }], { width, height: CHART_HEIGHT, xLabel: 'round', xStart: first });
}

function AllianceRound({ a }: { a: AllianceProgress }) {
  const head = a.round === 0 ? 'before round 1' : `round ${a.round}${a.rounds ? `/${a.rounds}` : ''}`;
  const role = a.round === 0 ? '' : a.role === undefined ? 'role not drawn yet' : a.role === 'none' ? 'no role' : a.role;
  const data = a.data ? `local data ${a.data.trainRows} train / ${a.data.testRows} test rows` : '';
  const v = a.vote;
  return (
    <Box flexDirection="column">
      <Text>{[head, role, data].filter(Boolean).join(' · ')}</Text>
      {a.loss || v ? (
        <Text>
          {[
            a.loss ? `local loss ${fmt(a.loss.value)} (update of round ${a.loss.round})` : '',
            v ? `vote in round ${v.round}: ${a.metric ?? 'score'} ${fmt(v.previousScore)} → ${fmt(v.newScore)}, ${v.improved ? 'no worse' : 'worse'}${v.blamed ? `, ${v.blamed} blamed` : ''}` : '',
          ]
            .filter(Boolean)
            .join('   ')}
        </Text>
      ) : null}
    </Box>
  );
}

function ScoreChart({ a }: { a: AllianceProgress }) {
  const chart = scoreChart(a);
  if (!chart) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text dimColor>{a.metric ?? 'score'} of the global model on the local test part, by round</Text>
      {chart.split('\n').map((line, i) => (
        <Text key={i}>{line}</Text>
      ))}
    </Box>
  );
}

function Task({ t, now }: { t: TaskView; now: number }) {
  const s = t.scoring;
  const color = t.failed ? 'red' : t.done ? 'green' : 'cyan';
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>
        <Text bold>
          task {t.task} · {t.role}:
        </Text>{' '}
        <Text color={color}>{t.failed ? `failed: ${t.failed}` : t.step}</Text>
      </Text>
      <Box flexDirection="column" marginLeft={2}>
        {t.alliance ? <AllianceRound a={t.alliance} /> : null}
        {t.training ? <Training p={t.training} /> : null}
        {t.trainScore ? (
          <Text>
            {t.trainScore.metric} on the training data {fmt(t.trainScore.value)}
          </Text>
        ) : null}
        {s ? (
          <Text>
            {`scored ${s.scored}  invalid ${s.invalid}  committed ${s.committed}  revealed ${s.revealed}`}
            {s.last ? `   last ${s.last.metric} ${fmt(s.last.score)}` : ''}
          </Text>
        ) : null}
        {t.deadline ? (
          <Text color="yellow">
            {t.deadline.at > now ? `${t.deadline.what} in ${formatCountdown(t.deadline.at - now)}` : `${t.deadline.what} with the next block`}
          </Text>
        ) : null}
        {t.model || t.tx ? (
          <Text dimColor>
            {[t.model ? `model ${t.model}` : '', t.tx ? `${t.tx.what} tx ${t.tx.hash}` : ''].filter(Boolean).join('   ')}
          </Text>
        ) : null}
        {t.alliance ? <ScoreChart a={t.alliance} /> : null}
      </Box>
    </Box>
  );
}

const clock = (ms: number) => new Date(ms).toTimeString().slice(0, 8);

function Notices({ notices }: { notices: Notice[] }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      {notices.map((n, i) => (
        <Text key={i} color={n.level === 'warn' ? 'yellow' : 'red'} wrap="truncate-end">
          {clock(n.time)} {n.level} {n.task ? `task ${n.task}: ` : ''}
          {n.text}
        </Text>
      ))}
    </Box>
  );
}

/**
 * The live view of a daemon: a header (command, account, chain; the log file under it), one block per task (step, epoch bar, scoring counts, a
 * countdown to the next phase; for an Alliance node its round and role, local loss, vote and a chart of the global model's score by round), then the latest warnings. Countdowns tick once a second from the
 * absolute deadline in the state; nothing here reads the chain.
 */
export function DaemonView({ header, state, now = Date.now }: DaemonViewProps) {
  const ticking = state.tasks.some((t) => t.deadline);
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!ticking) return undefined;
    const id = setInterval(() => setTick((n) => n + 1), 1000);
    id.unref();
    return () => clearInterval(id);
  }, [ticking]);
  const t = now();
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>flock {header.command}</Text>
        {`  account ${header.account}  chain ${header.chain}${state.watching ? '  watching for tasks' : ''}`}
      </Text>
      {header.logFile ? <Text dimColor>log {header.logFile}</Text> : null}
      {state.tasks.length === 0 ? <Text dimColor>{state.watching ? 'watching for Arena tasks…' : 'starting…'}</Text> : null}
      {state.tasks.map((task) => (
        <Task key={`${task.role}-${task.task}`} t={task} now={t} />
      ))}
      {state.notices.length > 0 ? <Notices notices={state.notices} /> : null}
      {state.stopping ? (
        <Box marginTop={1}>
          <Text color="yellow">stopping after the current step…</Text>
        </Box>
      ) : null}
    </Box>
  );
}
