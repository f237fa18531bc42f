import { EventEmitter } from 'node:events';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { initialDaemonView, reduceDaemonView, type DaemonViewState, type LogRecord } from '../../../src/ui/daemon-view.js';
import { CHART_HEIGHT, DaemonView, fmt, formatCountdown, progressBar, scoreChart, type DaemonViewHeader } from '../../../src/ui/DaemonView.js';
import { lineChart } from '../../../src/ui/line-chart.js';
import { startLiveView } from '../../../src/ui/live-view.js';

const T0 = 1_796_127_880_807;
const header: DaemonViewHeader = { command: 'train', account: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', chain: '31337 (127.0.0.1:8545)', logFile: '/home/op/.flock/logs/train-20261201-122440.log' };
const rec = (dt: number, fields: Record<string, unknown>, level = 30): LogRecord => ({ level, time: T0 + dt, daemon: 'trainer', task: '1', ...fields }) as LogRecord;
const fold = (records: LogRecord[]): DaemonViewState => records.reduce(reduceDaemonView, initialDaemonView);

const training = [
  rec(0, { resumed: false, event: 'started' }),
  rec(339, { index: '0', tx: '0x0c6f467332b4cff6f90f541e49817e7b3a8fd8b874def7f18add234efe4b52bc', already: false, event: 'registered' }),
  rec(424, { event: 'data-ready' }),
  rec(5000, { epoch: 11, epochs: 25, loss: 0.2, valLoss: 0.2, valMetrics: { accuracy: 0.962 }, event: 'epoch' }),
  rec(5400, { epoch: 12, epochs: 25, loss: 0.23104, valLoss: 0.19812, valMetrics: { accuracy: 0.955 }, event: 'epoch' }),
];
const waiting = [
  ...training,
  rec(9000, { backend: 'wasm', bestEpoch: 11, ms: 8000, event: 'trained' }),
  rec(9100, { metric: 'accuracy', trainScore: 0.9943, event: 'model-checked' }),
  rec(9200, { tx: '0xfadb5ae3f37db8ab1ba1d8c731caabbc4dbf5a1df0f66155c32dc6013a362482', event: 'model-committed' }),
  rec(10_000, { opensIn: 723, event: 'waiting', for: 'reveal' }, 20),
];

afterEach(() => {
  vi.useRealTimers();
});

describe('DaemonView', () => {
  it('draws the header, the step and an epoch bar with the losses and the best metric', () => {
    const { lastFrame, unmount } = render(createElement(DaemonView, { header, state: fold(training), now: () => T0 + 6000 }));
    const lines = lastFrame()!.split('\n');
    expect(lines[0]).toBe('flock train  account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8  chain 31337 (127.0.0.1:8545)');
    expect(lines[1]).toBe('log /home/op/.flock/logs/train-20261201-122440.log');
    expect(lines).toContain('task 1 · trainer: training');
    expect(lines).toContain('  ██████████░░░░░░░░░░ 12/25 epochs  loss 0.231  val 0.198  best accuracy 0.962 (epoch 11)');
    expect(lines).toContain('  register tx 0x0c6f…52bc');
    unmount();
  });

  it('counts down to the next phase once a second from the absolute deadline', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(T0 + 10_000);
    const { lastFrame, unmount } = render(createElement(DaemonView, { header, state: fold(waiting) }));
    expect(lastFrame()).toContain('  reveal opens in 12 m 3 s');
    expect(lastFrame()).toContain('25 epochs'); // still shows the finished run
    expect(lastFrame()).toContain('trained in 8 s on wasm; kept the weights of epoch 11');
    vi.advanceTimersByTime(1000);
    await new Promise((r) => setTimeout(r, 50)); // let React and ink flush the tick
    expect(lastFrame()).toContain('  reveal opens in 12 m 2 s');
    vi.advanceTimersByTime(723_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(lastFrame()).toContain('  reveal opens with the next block');
    unmount();
  });

  it('shows a validator’s counts, the latest warnings and that it is stopping', () => {
    const v = (dt: number, fields: Record<string, unknown>, level = 30): LogRecord => ({ level, time: T0 + dt, daemon: 'validator', task: '2', ...fields }) as LogRecord;
    const state = fold([
      v(0, { event: 'validation-ready' }),
      v(1, { submission: '0', metric: 'accuracy', score: 0.981675392670157, event: 'model-scored' }),
      v(2, { root: '0x5c1d', scores: 1, unavailable: 1, tx: '0xca00707159b09c8a0be561ce6f9d6d62b666c00750f800a41f3b1c60cc82a4c7', already: false, event: 'scores-committed' }),
      v(3, { submission: '1', reason: 'fetch-failed: CID mismatch', event: 'model-invalid', cause: 'fetch-failed' }, 40),
      { level: 30, time: T0 + 4, signal: 'SIGTERM', event: 'stopping' },
    ]);
    const frame = render(createElement(DaemonView, { header: { ...header, command: 'validate' }, state, now: () => T0 })).lastFrame()!;
    expect(frame).toContain('task 2 · validator: scoring models');
    expect(frame).toContain('scored 1  invalid 1  committed 1  revealed 0   last accuracy 0.982');
    // One line each (cut to the width; the log file has it all).
    expect(frame).toMatch(/\n\d\d:\d\d:\d\d warn task 2: model could not be fetched or verified: marking it invalid \(fetch-failed: CID…\n/);
    expect(frame.trimEnd().split('\n').at(-1)).toBe('stopping after the current step…');
  });

  it('formats countdowns, numbers and bars', () => {
    expect(formatCountdown(723_000)).toBe('12 m 3 s');
    expect(formatCountdown(42_100)).toBe('43 s');
    expect(formatCountdown(3_600_000 + 61_000)).toBe('1 h 1 m 1 s');
    expect(formatCountdown(2 * 86_400_000 + 3_600_000)).toBe('2 d 1 h 0 m');
    expect(formatCountdown(-5)).toBe('0 s');
    expect(fmt(0.23104)).toBe('0.231');
    expect(fmt(1234.5)).toBe('1235');
    expect(fmt(undefined)).toBe('–');
    expect(progressBar(12, 25, 10)).toBe('█████░░░░░');
    expect(progressBar(0, 0, 4)).toBe('░░░░');
  });
});

/** Enough of a terminal for ink: a stream with columns, collecting what is written. */
function terminal() {
  const out = Object.assign(new EventEmitter(), {
    columns: 120,
    rows: 30,
    isTTY: true,
    text: '',
    write(chunk: string, cb?: () => void) {
      out.text += chunk;
      cb?.();
      return true;
    },
  });
  return out;
}

describe('startLiveView', () => {
  const line = (r: LogRecord) => `${JSON.stringify(r)}\n`;

  it('draws from the daemon’s events and, once closed, prints where each task stands', async () => {
    const out = terminal();
    const view = await startLiveView({ header, minLevel: 30, out: out as unknown as NodeJS.WriteStream, patchConsole: false });
    for (const r of waiting) view.onEvent(r);
    view.onLine(line(rec(10_500, { event: 'model-uploaded' }))); // log lines are not drawn while the view works
    view.onEvent(rec(11_000, { tx: '0xeac87c1d5df34b40696f157db0f9c79ab3e72b4e991918ff16df2baa09beeca2', event: 'model-revealed' }));
    view.onEvent(rec(11_001, { event: 'done' }));
    view.close();
    view.close(); // idempotent
    expect(out.text).toContain('task 1 · trainer: done: model revealed');
    expect(out.text.endsWith('task 1 (trainer): done: model revealed (reveal tx 0xeac8…eca2)\nlog: /home/op/.flock/logs/train-20261201-122440.log\n')).toBe(true);
  });

  it('a UI failure drops the view and the records go on as NDJSON at the configured level', async () => {
    const out = terminal();
    const view = await startLiveView({ header, minLevel: 30, out: out as unknown as NodeJS.WriteStream, patchConsole: false });
    expect(() => view.onEvent(null as never)).not.toThrow();
    expect(() => view.onLine('not json\n')).not.toThrow();
    const before = out.text.length;
    view.onLine(line(rec(1, { event: 'epoch', epoch: 1, epochs: 2 })));
    view.onLine(line(rec(2, { opensIn: 5, event: 'waiting', for: 'reveal' }, 20)));
    const after = out.text.slice(before);
    expect(after).toBe(line(rec(1, { event: 'epoch', epoch: 1, epochs: 2 })));
    expect(out.text).toContain('"msg":"live view failed; logging NDJSON to stdout"');
    view.close();
  });
});

describe('DaemonView: Alliance node', () => {
  const node = (dt: number, fields: Record<string, unknown>, level = 30): LogRecord => ({ level, time: T0 + dt, daemon: 'alliance', task: '1', ...fields }) as LogRecord;
  const allianceHeader: DaemonViewHeader = { ...header, command: 'alliance join', logFile: '/home/op/.flock/logs/alliance-join-20261201-122440.log' };
  const rounds = [
    node(0, { resumed: false, event: 'started' }),
    node(20, { round: 0, rounds: 4, metric: 'f1', event: 'alliance-task' }),
    node(300, { trainRows: 364, testRows: 91, dir: '/home/op/.flock/daemons/work/alliance-31337-1-0x7099/data', event: 'data-split' }),
    node(500, { index: '0', tx: '0x0c6f467332b4cff6f90f541e49817e7b3a8fd8b874def7f18add234efe4b52bc', already: false, event: 'registered' }),
    node(123_100, { round: 1, role: 'proposer', index: 2, event: 'round-role' }),
    node(131_000, { round: 1, updateCID: 'bafkreiupdate1', examples: 364, loss: 0.34121, file: '/tmp/u.onnx', event: 'update-ready' }),
    node(434_000, { round: 1, accepted: true, aggregateCID: 'bafkreiagg1', score: 0.8, metric: 'f1', event: 'round-result' }),
    node(436_100, { round: 2, role: 'voter', index: 0, event: 'round-role' }),
    node(527_000, { round: 2, aggregateCID: 'bafkreiagg2', previousScore: 0.8, newScore: 0.9, improved: true, blamed: [3], rejected: 0, event: 'voted' }),
    node(527_100, { round: 2, tx: '0xca00707159b09c8a0be561ce6f9d6d62b666c00750f800a41f3b1c60cc82a4c7', commitment: '0x5c1d', already: false, event: 'vote-committed' }),
    node(527_200, { for: 'vote-reveal', opensIn: 75, round: 2, event: 'waiting' }, 20),
  ];

  it('draws the round and role, the local loss and vote, the countdown, the latest tx and the score chart', () => {
    const state = fold([...rounds.slice(0, -3), node(709_000, { round: 2, accepted: true, aggregateCID: 'bafkreiagg2', score: 0.9, metric: 'f1', event: 'round-result' }), ...rounds.slice(-3)]);
    const lines = render(createElement(DaemonView, { header: allianceHeader, state, now: () => T0 + 527_200 })).lastFrame()!.split('\n');
    expect(lines[0]).toMatch(/^flock alliance join {2}account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8/); // the rest wraps at the test terminal's 100 columns
    expect(lines).toContain('task 1 · alliance: vote committed; waiting for the vote-reveal phase');
    expect(lines).toContain('  round 2/4 · voter · local data 364 train / 91 test rows');
    expect(lines).toContain('  local loss 0.341 (update of round 1)   vote in round 2: f1 0.8 → 0.9, no worse, 1 blamed');
    expect(lines).toContain('  vote-reveal of round 2 opens in 1 m 15 s');
    expect(lines).toContain('  vote commit tx 0xca00…a4c7');
    const caption = lines.indexOf('  f1 of the global model on the local test part, by round');
    expect(caption).toBeGreaterThan(0);
    // The chart, as line-chart draws it, indented under the task: rounds 1..4, two settled so far.
    const chart = lines.slice(caption + 1).map((l) => l.slice(2));
    expect(chart).toEqual(scoreChart(state.tasks[0]!.alliance!)!.split('\n'));
    expect(chart.at(-1)).toBe('● global model (f1)');
    expect(chart.at(-2)!.trim()).toBe('round');
    expect(chart.at(-3)!.trim().split(/\s+/)).toEqual(['1', '2', '3', '4']);
    expect(chart.filter((l) => l.includes('●'))).toHaveLength(3); // two points and the legend
    expect(chart.find((l) => l.startsWith('0.9'))).toMatch(/●$/); // round 2's point, the last one so far
  });

  it('before any round is scored: no chart; before round 1: the countdown to its start', () => {
    const state = fold([...rounds.slice(0, 4), node(600, { for: 'round', opensIn: 120, round: 1, event: 'waiting' }, 20)]);
    const frame = render(createElement(DaemonView, { header: allianceHeader, state, now: () => T0 + 600 })).lastFrame()!;
    expect(frame).toContain('task 1 · alliance: joining is open; waiting for round 1 to start');
    expect(frame).toContain('  before round 1 · local data 364 train / 91 test rows');
    expect(frame).toContain('  round 1 starts in 2 m 0 s');
    expect(frame).toContain('  join tx 0x0c6f…52bc');
    expect(frame).not.toContain('of the global model');
  });

  it('charts the score by round with a gap for a round it could not score', () => {
    const chart = scoreChart({ round: 4, rounds: 4, metric: 'accuracy', scores: [{ round: 1, accepted: true, score: 0.5 }, { round: 2, accepted: false }, { round: 3, accepted: true, score: 0.75 }] }, 40)!;
    expect(chart).toBe(
      lineChart([{ name: 'global model (accuracy)', values: [0.5, NaN, 0.75, NaN] }], { width: 40, height: CHART_HEIGHT, xLabel: 'round', xStart: 1 }),
    );
    expect(scoreChart({ round: 2, scores: [{ round: 1, accepted: false }] })).toBeUndefined();
  });

  it('the live view draws an Alliance node too, and its summary keeps the scores by round', async () => {
    const out = terminal();
    const view = await startLiveView({ header: allianceHeader, minLevel: 30, out: out as unknown as NodeJS.WriteStream, patchConsole: false });
    for (const r of rounds.slice(0, 7)) view.onEvent(r);
    view.onEvent({ level: 30, time: T0 + 500_000, signal: 'SIGTERM', daemon: 'alliance', event: 'stopping' });
    view.close();
    expect(out.text).toContain('task 1 · alliance: round 1 accepted: new global model');
    expect(out.text).toContain('f1 of the global model on the local test part, by round');
    expect(
      out.text.endsWith(
        'task 1 (alliance): stopped at: round 1 accepted: new global model\n  round 1/4, 1 of 1 settled accepted; global f1 by round (* accepted): 1 0.8*\nrun the same command again to resume\nlog: /home/op/.flock/logs/alliance-join-20261201-122440.log\n',
      ),
    ).toBe(true);
  });
});
