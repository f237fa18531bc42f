import { EventEmitter } from 'node:events';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { initialDaemonView, reduceDaemonView, type DaemonViewState, type LogRecord } from '../../../src/ui/daemon-view.js';
import { DaemonView, fmt, formatCountdown, progressBar, type DaemonViewHeader } from '../../../src/ui/DaemonView.js';
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
