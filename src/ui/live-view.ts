/**
 * Draws a daemon's live view with ink on the terminal, fed by the daemon's typed events. The log
 * lines go to a file meanwhile; a UI failure never reaches the daemon: the view is dropped and the
 * log lines go on to stdout as NDJSON.
 */
import type { Instance } from 'ink';
import { initialDaemonView, reduceDaemonView, summarizeDaemonView, type LogRecord } from './daemon-view.js';
import type { DaemonViewHeader } from './DaemonView.js';

export interface LiveView {
  /** A daemon event (DaemonRuntime.onEvent): redraws the view. */
  onEvent(record: LogRecord): void;
  /** A pino line (NDJSON), shown only once the view has failed; give it to the logger. */
  onLine(line: string): void;
  /** Unmounts the view (the terminal is restored) and prints where each task stands. Idempotent. */
  close(): void;
}

export interface LiveViewOptions {
  header: DaemonViewHeader;
  /** pino's numeric level under which fallback lines are dropped (the configured --log-level). */
  minLevel: number;
  out?: NodeJS.WriteStream;
  /** Route console output above the view (default); tests whose console cannot be patched turn it off. */
  patchConsole?: boolean;
}

export async function startLiveView(opts: LiveViewOptions): Promise<LiveView> {
  const out = opts.out ?? process.stdout;
  const [{ render }, { createElement }, { DaemonView }] = await Promise.all([import('ink'), import('react'), import('./DaemonView.js')]);
  let state = initialDaemonView;
  let closed = false;
  const draw = () => createElement(DaemonView, { header: opts.header, state });
  // Ctrl-C stays a signal (the daemon's runtime stops after the current step); ink reads no keys.
  let ink: Instance | undefined = render(draw(), { stdout: out, exitOnCtrlC: false, patchConsole: opts.patchConsole ?? true });

  const fallBack = (why: unknown) => {
    const view = ink;
    ink = undefined;
    try {
      view?.unmount();
    } catch {
      // Already torn down.
    }
    out.write(`${JSON.stringify({ level: 40, time: Date.now(), msg: 'live view failed; logging NDJSON to stdout', err: String(why) })}\n`);
  };
  // A component that throws makes ink unmount itself with the error.
  ink.waitUntilExit().catch((e: unknown) => {
    if (ink && !closed) fallBack(e);
  });

  return {
    onLine(line) {
      if (ink || closed) return;
      try {
        const { level } = JSON.parse(line) as { level: number };
        if (level >= opts.minLevel) out.write(line.endsWith('\n') ? line : `${line}\n`);
      } catch {
        // Not a record: nothing to show.
      }
    },
    onEvent(record) {
      if (!ink) return;
      try {
        const next = reduceDaemonView(state, record);
        if (next === state) return;
        state = next;
        ink.rerender(draw());
      } catch (e) {
        if (ink) fallBack(e);
      }
    },
    close() {
      if (closed) return;
      closed = true;
      const view = ink;
      ink = undefined;
      if (!view) return;
      try {
        view.unmount();
      } catch {
        // The terminal may be gone (SIGHUP); nothing left to restore.
      }
      const lines = summarizeDaemonView(state);
      if (opts.header.logFile) lines.push(`log: ${opts.header.logFile}`);
      out.write(`${lines.join('\n')}\n`);
    },
  };
}
