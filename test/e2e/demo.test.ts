/**
 * `flock demo` (issue #10): one command runs a whole Arena round on the devnet it started, and its
 * result says what happened. Asserted from its --json and from the chain afterwards: the ranking
 * follows the models' true scores on the hidden split; the CNN wins; the model exported without
 * its softmax (raw logits: the same accuracy, but not the probabilities the task's contract asks
 * for) is invalid and slashed; the lazy validator is slashed and earns nothing; everyone honest is
 * paid; the task stays on the devnet for `flock task show`.
 */
import type { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt, startCliDevnet, teardownCliDevnet } from './helpers.js';

describe('flock demo', () => {
  let t: TempHome;
  let provider: JsonRpcProvider;

  beforeAll(async () => {
    ensureBuilt();
    t = tempHome('flock-demo-');
    ({ provider } = await startCliDevnet(t.home)); // a free port; the demo reuses this home's devnet
  }, 180_000);
  afterAll(() => teardownCliDevnet(t, provider));

  it('runs a whole round and reports the ranking against the true scores', async () => {
    const r = await runCli(['demo', '--json'], { home: t.home, timeoutMs: 280_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const x = r.json();
    const row = (name: string) => x.rows.find((w: { name: string }) => w.name === name);
    expect(x.rankingFollowsTrueScores).toBe(true);
    expect(row('bob')).toMatchObject({ rank: 1, status: 'ranked', slashed: '0' });
    expect(row('bob').trueScore).toBeGreaterThan(0.95);
    expect(Math.abs(row('bob').consensus - row('bob').trueScore)).toBeLessThan(1e-6);
    expect(row('carol')).toMatchObject({ rank: 2, status: 'ranked', slashed: '0' });
    expect(row('dave')).toMatchObject({ rank: null, status: 'invalid', trueScore: null });
    expect(BigInt(row('dave').slashed)).toBeGreaterThan(0n);
    expect(row('grace')).toMatchObject({ status: 'lazy', reward: '0' });
    expect(BigInt(row('grace').slashed)).toBeGreaterThan(0n);
    for (const name of ['alice', 'bob', 'carol', 'erin', 'frank']) expect(BigInt(row(name).reward), name).toBeGreaterThan(0n);
    expect(BigInt(x.emission)).toBeGreaterThan(0n);
    expect(x.wallSeconds).toBeLessThan(180);

    const shown = await runCli(['task', 'show', x.taskId, '--json'], { home: t.home });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.json()).toMatchObject({ phase: 'finalized' });

    // `task wait` on a task that does not exist says so (it used to fail as a bare revert, exit 7).
    const missing = await runCli(['task', 'wait', '99', '--json'], { home: t.home });
    expect(missing.code).not.toBe(0);
    expect(missing.json().error).toMatchObject({ code: 'UNKNOWN_TASK' });
  }, 300_000);
});
