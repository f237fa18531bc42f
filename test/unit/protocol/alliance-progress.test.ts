import { describe, expect, it } from 'vitest';
import { allianceDeadline, allianceReady, type AllianceProgress } from '../../../src/protocol/alliance/index.js';
import type { AllianceRoundView, AllianceTaskView } from '../../../src/protocol/alliance/index.js';

const task = (over: Partial<AllianceTaskView> = {}) => ({ status: 'joining', round: 0, joinEnd: 1000, spec: { minParticipants: 4, rounds: 2 }, ...over }) as AllianceTaskView;
const round = (phase: AllianceRoundView['phase']) =>
  ({ round: 1, phase, proposeCommitEnd: 1300, proposeRevealEnd: 1600, voteCommitEnd: 1900, voteRevealEnd: 2200 }) as AllianceRoundView;
const progress = (over: Partial<AllianceProgress>): AllianceProgress => ({
  task: task(),
  participants: 0,
  proposers: { total: 0, committed: 0, revealed: 0 },
  voters: { total: 0, committed: 0, revealed: 0 },
  now: 500,
  ...over,
});

describe('allianceReady (what `flock alliance wait` waits for)', () => {
  it('joining: the task minimum (or --participants) before the window ends; a round start after it', () => {
    expect(allianceReady(progress({ participants: 3 }))).toEqual({ ready: false, awaiting: ['participants 3/4'] });
    expect(allianceReady(progress({ participants: 4 })).ready).toBe(true);
    expect(allianceReady(progress({ participants: 4 }), { participants: 5 }).awaiting).toEqual(['participants 4/5']);
    expect(allianceReady(progress({ participants: 6, now: 1000 })).awaiting).toEqual(['a node to start round 1']);
    expect(allianceDeadline(progress({}))).toBe(1000);
  });

  it('each phase of a round waits for its own actors; drawing and settling wait for anyone', () => {
    const running = task({ status: 'running', round: 1 });
    const at = (phase: AllianceRoundView['phase'], p: Partial<AllianceProgress> = {}) => allianceReady(progress({ task: running, round: round(phase), ...p }));
    expect(at('drawing').awaiting).toEqual(["round 1's random word and its draw"]);
    expect(at('propose-commit', { proposers: { total: 3, committed: 2, revealed: 0 } }).awaiting).toEqual(['updates committed 2/3']);
    expect(at('propose-commit', { proposers: { total: 3, committed: 3, revealed: 0 } }).ready).toBe(true);
    // A proposer that never committed is not waited for in the reveal.
    expect(at('propose-reveal', { proposers: { total: 3, committed: 2, revealed: 1 } }).awaiting).toEqual(['updates revealed 1/2']);
    expect(at('propose-reveal', { proposers: { total: 3, committed: 2, revealed: 2 } }).ready).toBe(true);
    expect(at('vote-commit', { voters: { total: 3, committed: 1, revealed: 0 } }).awaiting).toEqual(['votes committed 1/3']);
    expect(at('vote-reveal', { voters: { total: 3, committed: 3, revealed: 3 } }).ready).toBe(true);
    expect(at('settling').awaiting).toEqual(['a node to settle round 1']);
    expect(at('settled').awaiting).toEqual(['a node to start round 2']);
    expect(allianceReady(progress({ task: task({ status: 'running', round: 2 }), round: { ...round('settled'), round: 2 } })).ready).toBe(true);
    expect(allianceDeadline(progress({ task: running, round: round('vote-commit') }))).toBe(1900);
    expect(allianceDeadline(progress({ task: running, round: round('settled') }))).toBeUndefined();
  });

  it('an ended task is ready', () => {
    expect(allianceReady(progress({ task: task({ status: 'finished', round: 5 }), round: round('settled') })).ready).toBe(true);
    expect(allianceReady(progress({ task: task({ status: 'cancelled' }) })).ready).toBe(true);
  });
});
