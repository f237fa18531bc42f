import { describe, expect, it } from 'vitest';
import { progressReady, type GetProgressReturnType } from '../../../src/protocol/arena/index.js';

const p = (o: Partial<GetProgressReturnType>): GetProgressReturnType => ({
  phase: 'submit',
  validationRevealed: false,
  nodes: { registered: 0, committed: 0, revealed: 0 },
  validators: { registered: 0, committed: 0 },
  scoresOwed: null,
  ...o,
});

describe('progressReady (what `flock task wait` waits for)', () => {
  it('submit: the nodes and validators asked for registered, and every registered node committed', () => {
    expect(progressReady(p({}))).toEqual({ ready: false, awaiting: ['nodes registered 0/1'] });
    expect(progressReady(p({ nodes: { registered: 2, committed: 1, revealed: 0 } }), { validators: 1 }).awaiting).toEqual(['validators registered 0/1', 'models committed 1/2']);
    expect(progressReady(p({ nodes: { registered: 2, committed: 2, revealed: 0 }, validators: { registered: 1, committed: 0 } }), { nodes: 2, validators: 1 }).ready).toBe(true);
  });
  it('reveal: the validation set and every committed model', () => {
    expect(progressReady(p({ phase: 'reveal', nodes: { registered: 2, committed: 2, revealed: 2 } })).awaiting).toEqual(['the validation set (`flock task reveal`)']);
    expect(progressReady(p({ phase: 'reveal', validationRevealed: true, nodes: { registered: 3, committed: 2, revealed: 2 } })).ready).toBe(true);
  });
  it('score-commit: every validator; score-reveal: the seed, then every counted score', () => {
    expect(progressReady(p({ phase: 'score-commit', validators: { registered: 3, committed: 2 } })).awaiting).toEqual(['validators committed 2/3']);
    expect(progressReady(p({ phase: 'score-reveal', scoresOwed: null })).ready).toBe(false);
    expect(progressReady(p({ phase: 'score-reveal', scoresOwed: 1 })).awaiting).toEqual(['1 counted score to open']);
    expect(progressReady(p({ phase: 'score-reveal', scoresOwed: 0 })).ready).toBe(true);
    expect(progressReady(p({ phase: 'finalized' })).ready).toBe(true);
  });
});
