/**
 * `flock fl simulate` end to end: the built CLI on a shipped task (breast cancer: an MLP, fast),
 * real local training from the global ONNX model, real aggregation and ONNX scoring on the hidden
 * split. A run is reproducible across processes; poisoners are singled out by the signals; the
 * DP epsilon is the accountant's; bad flags fail fast with a one-line error.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privacyReport } from '../../src/fl/privacy/index.js';
import { ROOT, runCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt } from './helpers.js';

let t: TempHome;
const SPEC = join(ROOT, 'examples/tasks/breast-cancer/task.yaml');

beforeAll(() => {
  ensureBuilt();
  t = tempHome('flock-fl-sim-e2e-');
});
afterAll(() => t.cleanup());

const sim = (args: string[]) => runCli(['fl', 'simulate', '--spec', SPEC, ...args], { home: t.home, timeoutMs: 240_000 });

interface Round {
  round: number;
  score: number | null;
  kept: number;
  sampled: number;
  cid: string;
  caught?: boolean;
  flagged: string[];
  poisoners: string[];
  epsilon?: number;
}

describe('flock fl simulate', () => {
  it('--json: a score per round that improves on the initial model, the same run in two processes', async () => {
    const args = ['--clients', '5', '--rounds', '3', '--local-epochs', '2', '--rule', 'fedavg', '--central', '--json'];
    const [a, b] = await Promise.all([sim(args), sim(args)]);
    expect(a.code, a.stderr).toBe(0);
    const r = a.json();
    expect(r).toMatchObject({ task: 'breast-cancer', metric: 'f1', rule: 'fedavg', split: 'iid' });
    expect(r.clients).toHaveLength(5);
    expect(r.clients.reduce((s: number, c: { rows: number }) => s + c.rows, 0)).toBe(446);
    const rounds = r.rounds as Round[];
    expect(rounds.map((x) => x.round)).toEqual([0, 1, 2, 3]);
    for (const x of rounds.slice(1)) expect(x).toMatchObject({ sampled: 5, kept: 5 });
    expect(r.final).toBe(rounds[3]!.score);
    expect(r.final).toBeGreaterThan(0.85);
    expect(r.final).toBeGreaterThan(rounds[0]!.score! + 0.1);
    expect(r.central).toMatchObject({ epochs: 6 });
    expect(r.central.score).toBeGreaterThan(0.85);
    // Seeded split, seeded local training, deterministic aggregation: the same global models.
    expect(b.code, b.stderr).toBe(0);
    expect((b.json().rounds as Round[]).map((x) => x.cid)).toEqual(rounds.map((x) => x.cid));
  }, 300_000);

  it('poisoning: 2 sign-flipping clients of 10 are the updates the signals blame most', async () => {
    const r = await sim(['--clients', '10', '--rounds', '3', '--rule', 'median', '--poison', '2', '--attack', 'sign-flip', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json();
    const malicious = j.clients.filter((c: { malicious: boolean }) => c.malicious).map((c: { name: string }) => c.name);
    expect(malicious).toHaveLength(2);
    for (const x of (j.rounds as Round[]).slice(1)) {
      expect(x.poisoners).toEqual(malicious);
      expect(x.flagged).toEqual(malicious);
      expect(x.caught).toBe(true);
    }
    expect(j.caughtShare).toBe(1);
    expect(j.final).toBeGreaterThan((j.rounds as Round[])[0]!.score! + 0.2); // it learns despite them
  }, 300_000);

  it('DP: epsilon per round is the RDP accountant’s (q = 1, z, rounds)', async () => {
    const r = await sim(['--clients', '5', '--rounds', '2', '--dp-clip', '1', '--dp-noise', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json();
    const rounds = j.rounds as Round[];
    for (const x of rounds.slice(1)) {
      expect(x.epsilon).toBeCloseTo(privacyReport({ sampleRate: 1, noiseMultiplier: 2, rounds: x.round, delta: 1e-5 }).epsilon!, 10);
    }
    expect(j.privacy).toMatchObject({ delta: 1e-5, sampleRate: 1, noiseMultiplier: 2, clip: 1 });
    expect(j.privacy.epsilon).toBe(rounds[2]!.epsilon);
  }, 300_000);

  it('text: per-round lines on stderr, then the table, the chart and the final score', async () => {
    const r = await sim(['--clients', '4', '--rounds', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^round 0\/2: initial model \d\.\d{4}$/m);
    expect(r.stderr).toMatch(/^round 2\/2: \d\.\d{4}, 4\/4 kept, [\d.]+ s$/m);
    expect(r.stdout).toContain('breast-cancer: 4 clients (iid; rows 111 112 111 112), rule fedavg');
    expect(r.stdout).toMatch(/^round {7}f1 {5}kept$/m);
    expect(r.stdout).toContain('global model (fedavg)');
    expect(r.stdout).toMatch(/^final f1 \d\.\d{4}$/m);
  }, 300_000);

  it('bad flags: one line, exit 2, before any training', async () => {
    const cases: [string[], string, RegExp][] = [
      [['--clients', '0'], 'FL_BAD_PARAMETER', /--clients 0 must be a whole number >= 1/],
      [['--clients', '5', '--poison', '5'], 'FL_BAD_PARAMETER', /--poison 5 must be a whole number from 1 to clients - 1 \(4\)/],
      [['--rule', 'median', '--dp-clip', '1', '--dp-noise', '1'], 'FL_BAD_PARAMETER', /--rule median is not one/],
      [['--dp-clip', '1'], 'FL_BAD_PARAMETER', /needs both --dp-clip and --dp-noise/],
      [['--split', 'zipf'], 'FL_BAD_PARAMETER', /unknown split zipf/],
      [['--rule', 'mean'], 'FL_INVALID_RULE', /unknown rule mean/],
      [['--attack', 'scale'], 'FL_BAD_PARAMETER', /--attack and --attack-strength need --poison/],
    ];
    for (const [args, code, message] of cases) {
      const r = await sim([...args, '--json']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.json().error.code, args.join(' ')).toBe(code);
      expect(r.json().error.message, args.join(' ')).toMatch(message);
    }
    const regression = await runCli(['fl', 'simulate', '--spec', join(ROOT, 'examples/tasks/diabetes/task.yaml'), '--split', 'label-skew', '--json'], { home: t.home });
    expect(regression.code).toBe(2);
    expect(regression.json().error.message).toBe('--split label-skew needs classes; diabetes is a regression task');
    const missing = await runCli(['fl', 'simulate', '--spec', join(t.dir, 'nope.yaml'), '--json'], { home: t.home });
    expect(missing.code).toBe(2);
    expect(missing.json().error.code).toBe('FL_BAD_TASK');
  }, 120_000);
});
