/**
 * `flock demo`'s view state: the round's steps and what each actor is doing, as a pure reducer
 * over the demo's events (the CLI's demo emits them; the ink view and the plain log draw them).
 */

export type DemoStepStatus = 'running' | 'done' | 'failed';

export type DemoEvent =
  /** A step of the round starts, ends or fails; `detail` says what it did. */
  | { kind: 'step'; id: string; title: string; status: DemoStepStatus; detail?: string; ms?: number }
  /** What an actor (a daemon or the demo acting for someone) is doing now. */
  | { kind: 'actor'; name: string; role: string; text: string; warn?: boolean };

export interface DemoStep {
  id: string;
  title: string;
  status: DemoStepStatus;
  detail?: string;
  ms?: number;
}

export interface DemoActor {
  name: string;
  role: string;
  text: string;
  warn: boolean;
}

export interface DemoViewState {
  steps: DemoStep[];
  actors: DemoActor[];
}

export const initialDemoView: DemoViewState = { steps: [], actors: [] };

export function reduceDemoView(s: DemoViewState, e: DemoEvent): DemoViewState {
  if (e.kind === 'step') {
    const step: DemoStep = { id: e.id, title: e.title, status: e.status, detail: e.detail, ms: e.ms };
    const i = s.steps.findIndex((x) => x.id === e.id);
    return { ...s, steps: i < 0 ? [...s.steps, step] : s.steps.map((x, j) => (j === i ? step : x)) };
  }
  const actor: DemoActor = { name: e.name, role: e.role, text: e.text, warn: Boolean(e.warn) };
  const i = s.actors.findIndex((x) => x.name === e.name);
  return { ...s, actors: i < 0 ? [...s.actors, actor] : s.actors.map((x, j) => (j === i ? actor : x)) };
}

/** One line per finished step, for a log or a pipe: `✔ stake  7 accounts staked 200 FLOCK  (3.1 s)`. */
export function stepLine(e: Extract<DemoEvent, { kind: 'step' }>): string | undefined {
  if (e.status === 'running') return undefined;
  const mark = e.status === 'done' ? 'ok' : 'FAILED';
  return `${mark.padEnd(6)} ${e.title}${e.detail ? `: ${e.detail}` : ''}${e.ms !== undefined ? ` (${(e.ms / 1000).toFixed(1)} s)` : ''}`;
}
