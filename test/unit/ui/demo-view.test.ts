import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { DemoView } from '../../../src/ui/DemoView.js';
import { initialDemoView, reduceDemoView, stepLine, type DemoEvent } from '../../../src/ui/demo-view.js';

const EVENTS: DemoEvent[] = [
  { kind: 'step', id: 'devnet', title: 'devnet', status: 'running' },
  { kind: 'step', id: 'devnet', title: 'devnet', status: 'done', detail: 'started at http://127.0.0.1:8545', ms: 3100 },
  { kind: 'step', id: 'submit', title: 'submit phase', status: 'running' },
  { kind: 'actor', name: 'bob', role: 'trainer: CNN', text: 'training: epoch 3/40, loss 0.441' },
  { kind: 'actor', name: 'erin', role: 'validator', text: 'registered' },
  { kind: 'actor', name: 'bob', role: 'trainer: CNN', text: 'model committed' },
];

describe('flock demo view', () => {
  it('keeps one line per step and per actor, the latest of each', () => {
    const s = EVENTS.reduce(reduceDemoView, initialDemoView);
    expect(s.steps.map((x) => [x.id, x.status])).toEqual([['devnet', 'done'], ['submit', 'running']]);
    expect(s.actors).toEqual([
      { name: 'bob', role: 'trainer: CNN', text: 'model committed', warn: false },
      { name: 'erin', role: 'validator', text: 'registered', warn: false },
    ]);
  });

  it('draws the steps with their marks, and the actors while a step runs', () => {
    const state = EVENTS.reduce(reduceDemoView, initialDemoView);
    const { lastFrame, unmount } = render(createElement(DemoView, { header: 'one Arena round', state }));
    const frame = lastFrame()!;
    expect(frame).toContain('✔ devnet: started at http://127.0.0.1:8545 (3.1 s)');
    expect(frame).toMatch(/bob\s+trainer: CNN\s+model committed/);
    unmount();
  });

  it('prints finished steps as plain lines in a pipe', () => {
    expect(stepLine(EVENTS[0] as Extract<DemoEvent, { kind: 'step' }>)).toBeUndefined();
    expect(stepLine(EVENTS[1] as Extract<DemoEvent, { kind: 'step' }>)).toBe('ok     devnet: started at http://127.0.0.1:8545 (3.1 s)');
    expect(stepLine({ kind: 'step', id: 'x', title: 'submit phase', status: 'failed', detail: 'bob stopped' })).toBe('FAILED submit phase: bob stopped');
  });
});
