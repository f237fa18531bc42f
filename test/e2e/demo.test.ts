/**
 * `flock demo` (issue #10): one command runs a whole Arena round on the devnet it started, and its
 * result says what happened. Asserted from its --json and from the chain afterwards: the ranking
 * follows the models' true scores on the hidden split; the CNN wins; the model exported without
 * its softmax (raw logits: the same accuracy, but not the probabilities the task's contract asks
 * for) is invalid and slashed; the lazy validator is slashed and earns nothing; everyone honest is
 * paid; the task stays on the devnet for `flock task show`.
 *
 * Then its FL Alliance task (issue #12, section 3): both rounds settled, the final global model's
 * macro F1 on the hidden split above the initial model's, every node paid claimed exactly what the
 * settlements credited it (to the wei, against the chain's member records too), nobody slashed
 * (every node is honest), the creator's stake back; the task stays for `flock alliance show`.
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

  it('runs a whole Arena round and an FL Alliance task, and reports both against the true scores', async () => {
    const r = await runCli(['demo', '--json'], { home: t.home, timeoutMs: 380_000 });
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

    // The model market after both: the winner registered, served by ivan, ten paid calls, one redemption.
    expect(x.market).toMatchObject({ modelId: '1', host: 'ivan', calls: 10 });
    expect(x.market.correct).toBeGreaterThanOrEqual(8);
    expect(BigInt(x.market.fee) + BigInt(x.market.hostAmount) + BigInt(x.market.revenue)).toBe(BigInt(x.market.redeemed));
    expect(BigInt(x.market.redeemed)).toBe(10n * BigInt(x.market.price));
    expect(x.market.contributors.map((c: { name: string }) => c.name)).toContain('bob');

    // The FL Alliance task after the Arena round.
    const a = x.alliance;
    expect(a).toMatchObject({ status: 'finished', metric: 'f1', name: 'breast-cancer' });
    expect(a.rounds.map((w: { round: number; settled: boolean }) => [w.round, w.settled])).toEqual([
      [1, true],
      [2, true],
    ]);
    for (const w of a.rounds) {
      expect(w.proposers).toHaveLength(2);
      expect(w.voters).toHaveLength(2);
      expect([...w.proposers, ...w.voters].sort()).toEqual(['bob', 'carol', 'erin', 'frank']);
      expect(w.slashed, `round ${w.round}`).toBe('0');
    }
    expect(a.finalScore).toBeGreaterThan(a.initialScore);
    expect(a.rounds.some((w: { accepted: boolean }) => w.accepted)).toBe(true);
    expect(a.claimsMatchCredits).toBe(true);
    const shownAlliance = await runCli(['alliance', 'show', a.taskId, '--json'], { home: t.home });
    expect(shownAlliance.code, shownAlliance.stderr).toBe(0);
    const chain = shownAlliance.json();
    expect(chain.task.status).toBe('finished');
    let paid = 0n;
    for (const n of a.nodes) {
      expect(n.slashed, n.name).toBe('0');
      expect(n.claimed, n.name).toBe(n.credited); // to the wei
      expect(n.stakeBack, n.name).toBe(n.staked);
      const member = chain.participants.find((p: { account: string }) => p.account.toLowerCase() === n.address.toLowerCase());
      expect(member, n.name).toMatchObject({ rewardEarned: n.credited, slashed: '0' });
      paid += BigInt(n.claimed);
    }
    expect(paid).toBeGreaterThan(0n);
    expect(a.nodes.filter((n: { credited: string }) => BigInt(n.credited) > 0n).length).toBeGreaterThanOrEqual(2);
    expect(a.creator).toMatchObject({ name: 'heidi', stakeBack: a.creator.staked });
    expect(BigInt(a.creator.refund) + paid).toBe(BigInt(a.funded) + BigInt(a.emission)); // every FLOCK of the pool paid or refunded
  }, 400_000);
});
