import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonRpcProvider, parseEther, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployment } from '../../src/chain/deployment.js';
import { FlockSigner } from '../../src/chain/signer.js';
import { modelCommitment, newSalt, scoreCommitment, scoreTree } from '../../src/protocol/arena/index.js';
import { createProtocolClient, type ProtocolClient } from '../../src/protocol/client.js';
import { runCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt, startCliDevnet, teardownCliDevnet } from './helpers.js';

/**
 * A task's reward paid into a delegation pool goes to the stake that backed the registration
 * (issue #8, findings 1-3), end to end on the devnet: the operator's task runs through the
 * protocol client; the delegators use the built CLI. A delegator who undelegates during the task
 * is told the stake stays until the task's freeze ends, and is still paid for the task; one who
 * delegates just before the operator's claim is paid nothing from it; `flock rewards` shows the
 * task rewards and `flock rewards --claim` claims them.
 */

// anvil's accounts #2..#6 (mnemonic "test … junk"): public test keys, funded by `devnet up`.
const KEYS = {
  creator: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  node: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  validator: '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  alice: '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
  bob: '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
} as const;
type Actor = keyof typeof KEYS;
const SIGMA = parseEther('0.1');
const HOUR = 3600n;

describe('task rewards in a delegation pool', () => {
  let t: TempHome;
  let provider: JsonRpcProvider;
  const clients = {} as Record<Actor, ProtocolClient>;
  const address = {} as Record<Actor, string>;
  const cli = (args: string[]) => runCli(args, { home: t.home });
  const as = (who: Actor) => ['--account', who, '--password-file', join(t.dir, 'password')];
  const json = async (args: string[]) => {
    const r = await cli([...args, '--json']);
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r.json();
  };
  const warp = (d: string) => json(['devnet', 'warp', d]);

  beforeAll(async () => {
    ensureBuilt();
    t = tempHome();
    ({ provider } = await startCliDevnet(t.home));
    writeFileSync(join(t.dir, 'password'), 'correct horse');
    const record = readDeployment(t.home, 31337)!;
    for (const [who, key] of Object.entries(KEYS) as [Actor, string][]) {
      const wallet = new Wallet(key, provider);
      address[who] = wallet.address;
      clients[who] = createProtocolClient({ record, signer: new FlockSigner(wallet) });
      writeFileSync(join(t.dir, `${who}.key`), key);
      const imp = await cli(['wallet', 'import', who, '--private-key-file', join(t.dir, `${who}.key`), ...as(who)]);
      expect(imp.code, imp.stderr).toBe(0);
    }
  }, 180_000);

  afterAll(() => teardownCliDevnet(t, provider));

  it('pays the task reward to the shares at registration; the undelegated stake stays until the freeze ends', async () => {
    const { creator, node, validator } = clients;
    // Through the CLI, whose signer adds gas headroom (a lock's votes checkpoint costs more when
    // it lands in a later second than the estimate).
    for (const [who, amount] of [['creator', '200'], ['node', '50'], ['validator', '50']] as const) {
      await json(['stake', amount, '--lock', '0', ...as(who)]);
    }
    await json(['pool', 'create', '--sigma', '10%', ...as('node')]);
    await json(['stake', '100', '--lock', '0', ...as('alice')]);
    await json(['delegate', '100', '--to', address.node, ...as('alice')]);

    const home = join(t.dir, 'creator-home');
    mkdirSync(home, { recursive: true });
    const { taskId } = await creator.arena.createTask({
      dataCID: 'bafy-training-data',
      validationCID: 'bafy-validation-set',
      metric: 'accuracy',
      inputShape: [64],
      outputShape: [10],
      maxParameters: 1_000_000n,
      maxFileSize: 10_000_000n,
      baseline: 0.5,
      durations: { submit: HOUR, reveal: HOUR, scoreCommit: HOUR, scoreReveal: HOUR },
      creatorStake: parseEther('100'),
      minNodeStake: parseEther('10'),
      minValidatorStake: parseEther('10'),
      registrationFee: 0n,
      bounty: parseEther('100'), // the reward pot (no emission released here)
      home,
    });
    const modelSalt = newSalt();
    await node.arena.register({ taskId, role: 'node', stake: parseEther('10') });
    await node.arena.commitModel({ taskId, commitment: modelCommitment('bafy-model', address.node, modelSalt) });
    await validator.arena.register({ taskId, role: 'validator', stake: parseEther('10') });

    // Alice leaves during the task: the stake backs the node's registration, so it stays.
    const u = await json(['undelegate', '40', '--from', address.node, ...as('alice')]);
    expect(u.lockedByTask).toBe(true);
    const task = await node.arena.getTask({ taskId });
    expect(BigInt(new Date(u.readyAt).getTime() / 1000)).toBe(BigInt(task.scoreRevealEnd) + 7n * 24n * HOUR);

    await warp('1h');
    await node.arena.revealModel({ taskId, modelCID: 'bafy-model', salt: modelSalt });
    await creator.arena.revealValidationSet({ taskId, home });
    await warp('1h');
    const scoreSalt = newSalt();
    const score = parseEther('0.9');
    // One submission: the score tree is its one leaf.
    const tree = scoreTree([scoreCommitment(taskId, 0n, address.validator, score, false, scoreSalt)]);
    await validator.arena.commitScores({ taskId, root: tree.root });
    await warp('1h');
    await validator.arena.revealScores({ taskId, openings: [{ submissionId: 0n, score, invalid: false, salt: scoreSalt, proof: tree.proof(0) }] });
    await warp('2h'); // the task's end is rounded up to a whole hour
    expect((await creator.arena.finalizeTask({ taskId, batch: 10 })).phase).toBe('finalized');

    // Bob delegates just before the operator claims: his stake was never at risk in the task.
    await json(['stake', '1000', '--lock', '0', ...as('bob')]);
    await json(['delegate', '1000', '--to', address.node, ...as('bob')]);
    const claimed = await node.arena.claimTask({ taskId });
    expect(claimed.poolReward).toBeGreaterThan(0n);
    const toDelegators = claimed.poolReward - (claimed.poolReward * SIGMA) / parseEther('1');

    const bobView = await json(['rewards', ...as('bob')]);
    expect(BigInt(bobView.total)).toBe(0n);
    const aliceView = await json(['rewards', ...as('alice')]);
    expect(aliceView.pools).toHaveLength(1);
    expect(BigInt(aliceView.pools[0].task)).toBe(toDelegators);

    const before = await clients.alice.contracts.token.balanceOf(address.alice);
    const claim = await json(['rewards', '--claim', ...as('alice')]);
    const taskClaims = claim.claims.filter((c: { kind: string }) => c.kind === 'task');
    expect(taskClaims).toHaveLength(1);
    expect(BigInt(taskClaims[0].amount)).toBe(toDelegators);
    expect((await clients.alice.contracts.token.balanceOf(address.alice)) - before).toBe(BigInt(claim.total));
    const status = await json(['status', ...as('alice')]);
    expect(BigInt(status.delegations[0].pendingTaskRewards)).toBe(0n);

    // The plain cooldown (7 days from the undelegation) is over, the freeze (7 days from the
    // task's end, about 5 hours later) is not: still refused; after it, withdrawn in full.
    await warp('6d');
    await warp('22h');
    const early = await cli(['undelegate', '--withdraw', '--from', address.node, ...as('alice')]);
    expect(early.code, early.stdout + early.stderr).toBe(7);
    await warp('3h');
    const w = await json(['undelegate', '--withdraw', '--from', address.node, ...as('alice')]);
    expect(BigInt(w.amount)).toBe(parseEther('40'));
  }, 240_000);
});
