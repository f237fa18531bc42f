/**
 * `flock demo`'s FL Alliance figures and tables (src/cli/demo/alliance-report.ts): which global
 * model each round left and its score, who proposed and voted, each node's credits against its
 * claim, the creator's refund.
 */
import { describe, expect, it } from 'vitest';
import { allianceFigures, allianceFooter, allianceNodesTable, allianceRoundsTable, type AllianceFiguresInput, type SettledRecord } from '../../../src/cli/demo/alliance-report.js';

const E = 10n ** 18n;
const A = { bob: '0x00000000000000000000000000000000000000B0', carol: '0x00000000000000000000000000000000000000C0', erin: '0x00000000000000000000000000000000000000E0', frank: '0x00000000000000000000000000000000000000F0' };
const HEIDI = '0x0000000000000000000000000000000000000AA0';

const paid = (round: number, who: keyof typeof A, role: 'proposer' | 'voter', reward: bigint): SettledRecord => ({ round, account: A[who].toLowerCase(), role, outcome: 'paid', reward, slashed: 0n });
const unpaid = (round: number, who: keyof typeof A, role: 'proposer' | 'voter'): SettledRecord => ({ round, account: A[who], role, outcome: 'unpaid', reward: 0n, slashed: 0n });

function input(over: Partial<AllianceFiguresInput> = {}): AllianceFiguresInput {
  return {
    task: { id: '1', name: 'breast-cancer', rule: 'fedavg', metric: 'f1', proposersPerRound: 2, status: 'finished', initialModelCID: 'init', funded: 100n * E, emission: 0n },
    epochs: 5,
    rounds: [
      { round: 1, phase: 'settled', accepted: true, aggregateCID: 'agg1', improvedStake: 20n * E, voterStake: 20n * E },
      { round: 2, phase: 'settled', accepted: false, aggregateCID: 'agg2', improvedStake: 10n * E, voterStake: 20n * E },
    ],
    settled: [
      paid(1, 'carol', 'proposer', 125n * E / 10n),
      paid(1, 'frank', 'proposer', 125n * E / 10n),
      paid(1, 'bob', 'voter', 125n * E / 10n),
      paid(1, 'erin', 'voter', 125n * E / 10n),
      unpaid(2, 'erin', 'proposer'),
      unpaid(2, 'frank', 'proposer'),
      unpaid(2, 'bob', 'voter'),
      paid(2, 'carol', 'voter', 125n * E / 10n),
    ],
    scores: { init: 0.3692, agg1: 0.8795, agg2: 0.9 },
    creator: { name: 'heidi', address: HEIDI, staked: 100n * E },
    nodes: (['bob', 'carol', 'erin', 'frank'] as const).map((name) => ({ name, address: A[name], staked: 10n * E })),
    claims: {
      [A.bob.toLowerCase()]: { stake: 10n * E, reward: 125n * E / 10n, poolReward: 0n, refund: 0n },
      [A.carol.toLowerCase()]: { stake: 10n * E, reward: 25n * E, poolReward: 0n, refund: 0n },
      [A.erin.toLowerCase()]: { stake: 10n * E, reward: 125n * E / 10n, poolReward: 0n, refund: 0n },
      [A.frank.toLowerCase()]: { stake: 10n * E, reward: 125n * E / 10n, poolReward: 0n, refund: 0n },
      [HEIDI.toLowerCase()]: { stake: 100n * E, reward: 0n, poolReward: 0n, refund: 375n * E / 10n },
    },
    ...over,
  };
}

describe('flock demo: FL Alliance figures', () => {
  it('names each round\'s proposers and voters, and scores the global model it left (a failed round keeps the one before)', () => {
    const a = allianceFigures(input());
    expect(a.rounds.map((r) => ({ round: r.round, proposers: r.proposers, voters: r.voters, accepted: r.accepted, model: r.globalModelCID, score: r.score }))).toEqual([
      { round: 1, proposers: ['carol', 'frank'], voters: ['bob', 'erin'], accepted: true, model: 'agg1', score: 0.8795 },
      { round: 2, proposers: ['erin', 'frank'], voters: ['bob', 'carol'], accepted: false, model: 'agg1', score: 0.8795 },
    ]);
    expect(a.initialScore).toBe(0.3692);
    expect(a.finalScore).toBe(0.8795);
    expect(a.rounds.map((r) => r.paid)).toEqual([50n * E, 125n * E / 10n]);
  });

  it('credits each node the sum of its settlements and compares it with its claim, to the wei', () => {
    const a = allianceFigures(input());
    const carol = a.nodes.find((n) => n.name === 'carol')!;
    expect(carol).toMatchObject({ roles: ['proposer', 'voter'], outcomes: ['paid', 'paid'], credited: 25n * E, claimed: 25n * E, stakeBack: 10n * E, slashed: 0n });
    expect(a.claimsMatchCredits).toBe(true);
    expect(a.paid).toBe(625n * E / 10n);
    expect(a.creator).toMatchObject({ name: 'heidi', staked: 100n * E, stakeBack: 100n * E, refund: 375n * E / 10n });

    const short = input();
    short.claims[A.bob.toLowerCase()] = { stake: 10n * E, reward: 125n * E / 10n - 1n, poolReward: 0n, refund: 0n };
    expect(allianceFigures(short).claimsMatchCredits).toBe(false);
  });

  it('counts slashes (own and pool stake) per round and per node', () => {
    const settled = [...input().settled];
    settled[6] = { round: 2, account: A.bob, role: 'voter', outcome: 'voter-wrong-aggregate', reward: 0n, slashed: 2n * E };
    const a = allianceFigures(input({ settled }));
    expect(a.rounds[1]!.slashed).toBe(2n * E);
    expect(a.nodes.find((n) => n.name === 'bob')).toMatchObject({ slashed: 2n * E, outcomes: ['paid', 'voter-wrong-aggregate'] });
  });

  it('leaves a round not yet settled out of the global model, and an unscorable model as null', () => {
    const a = allianceFigures(input({ rounds: [{ round: 1, phase: 'vote-reveal', accepted: false, aggregateCID: '', improvedStake: 0n, voterStake: 0n }], settled: [], scores: {} }));
    expect(a.rounds[0]).toMatchObject({ settled: false, accepted: false, globalModelCID: 'init', score: null, proposers: [], voters: [] });
    expect(a.nodes[0]!.roles).toEqual(['none']);
    expect(a.initialScore).toBeNull();
  });

  it('draws the round and node tables and the footer', () => {
    const a = allianceFigures(input());
    const rounds = allianceRoundsTable(a);
    expect(rounds.headers).toEqual(['ROUND', 'PROPOSERS', 'VOTERS', 'NO WORSE', 'RESULT', 'MACRO F1', 'PAID', 'SLASHED']);
    expect(rounds.rows).toEqual([
      ['0', '–', '–', '–', 'initial model', '0.3692', '–', '–'],
      ['1', 'carol, frank', 'bob, erin', '20 of 20', 'accepted', '0.8795', '50.00', '0'],
      ['2', 'erin, frank', 'bob, carol', '10 of 20', 'failed: kept', '0.8795', '12.50', '0'],
    ]);
    expect(rounds.alignRight).toEqual([0, 3, 5, 6, 7]);
    expect(rounds.title).toContain('FL Alliance task 1 finished: breast-cancer, fedavg, 2 proposers a round, 5 local epochs');
    const nodes = allianceNodesTable(a);
    expect(nodes.headers).toEqual(['ACCOUNT', 'ROLE', 'ROUND 1', 'ROUND 2', 'CREDITED', 'SLASHED', 'CLAIMED', 'STAKE BACK']);
    expect(nodes.rows[1]).toEqual(['carol', 'node', 'proposer: paid', 'voter: paid', '25.00', '0', '25.00', '10.00']);
    expect(nodes.rows.at(-1)).toEqual(['heidi', 'creator', '–', '–', '–', '0', '37.50 refund', '100.00']);
    expect(nodes.alignRight).toEqual([4, 5, 6, 7]);
    expect(allianceFooter(a)).toBe(
      "the global model's macro F1 on the hidden split went 0.3692 -> 0.8795 over 2 rounds (1 accepted); 62.50 FLOCK claimed by the nodes, each exactly what the settlements credited it\nsee it again with `flock alliance show 1`",
    );
  });
});
