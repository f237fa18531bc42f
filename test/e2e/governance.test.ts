import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Contract, JsonRpcProvider, Wallet, encodeBytes32String, parseEther } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployment } from '../../src/chain/deployment.js';
import { FlockSigner } from '../../src/chain/signer.js';
import { createProtocolClient } from '../../src/protocol/client.js';
import { freePort, ROOT, runCli, tempHome, type TempHome } from '../harness/index.js';
import { ANVIL_ACCOUNT_0, ensureBuilt, stopCliDevnet } from './helpers.js';

/**
 * Governance end to end on the devnet, through the built CLI: a proposal to raise the Arena's
 * gamma is proposed, voted through (self-delegated FLOCK plus a holder whose FLOCK is all locked),
 * queued, executed, and its proposer gets bond and reward back; the next task's node/validator
 * split follows the new gamma while a task created before keeps the old one (rules are fixed at
 * a task's creation). A spam proposal is flagged, dropped, and its bond goes to the treasury (the
 * timelock).
 */

// anvil's accounts #0..#4: public test keys, imported into encrypted keystores like a user's.
const KEYS = {
  proposer: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  locker: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  spammer: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  node: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  validator: '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
} as const;
const WAD = 10n ** 18n;
// Stakes in each task: T = 100, V = 300 gmFLOCK, so T / (T + V) = 1/4 and the nodes' share is
// gamma + (1 - 2 gamma) / 4: 0.35 at gamma 0.2, 0.45 at gamma 0.4.
const NODE_STAKE = parseEther('100');
const VALIDATOR_STAKE = parseEther('300');
const nodeShare = (gamma: bigint) => gamma + ((WAD - 2n * gamma) * NODE_STAKE) / (NODE_STAKE + VALIDATOR_STAKE);
const LOCKER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const BOND = parseEther('10000');
const REWARD = parseEther('1000');

const ERC20 = ['function balanceOf(address) view returns (uint256)'];
const CONFIG = ['function get(bytes32) view returns (uint256)'];

describe('governance on the devnet', () => {
  let t: TempHome;
  let provider: JsonRpcProvider;
  let contracts: Record<string, string>;
  let flock: Contract;
  const flags: Record<keyof typeof KEYS, string[]> = { proposer: [], locker: [], spammer: [], node: [], validator: [] };
  const cli = (args: string[], extra: string[] = []) => runCli([...args, ...extra], { home: t.home });
  const json = async (args: string[], extra: string[] = []) => {
    const r = await cli([...args, '--json'], extra);
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r.json();
  };
  const show = async (id: string) => json(['proposals', 'show', id]);
  /** A node and a validator join an Arena task (what `flock train` / `flock validate` do first). */
  const joinTask = async (taskId: string) => {
    for (const [who, role, stake] of [['node', 'node', NODE_STAKE], ['validator', 'validator', VALIDATOR_STAKE]] as const) {
      const signer = new FlockSigner(new Wallet(KEYS[who], provider)); // as the CLI signs
      await createProtocolClient({ record: readDeployment(t.home, 31337)!, signer }).arena.register({ taskId: BigInt(taskId), role, stake });
    }
  };
  const createTask = async () =>
    (await json(['task', 'create', '--spec', join(ROOT, 'examples/tasks/digits/task.yaml'), '--phase', '1h', '--bounty', '100'], flags.proposer)).taskId as string;

  beforeAll(async () => {
    ensureBuilt();
    t = tempHome();
    const port = await freePort();
    const up = await runCli(['devnet', 'up', '--port', String(port), '--json'], { home: t.home, timeoutMs: 120_000 });
    expect(up.code, up.stderr).toBe(0);
    contracts = up.json().deployment.contracts;
    provider = new JsonRpcProvider(up.json().rpcUrl, undefined, { staticNetwork: true });
    flock = new Contract(contracts.FlockToken!, ERC20, provider);

    writeFileSync(join(t.dir, 'password'), 'correct horse');
    for (const [name, key] of Object.entries(KEYS) as [keyof typeof KEYS, string][]) {
      flags[name] = ['--account', name, '--password-file', join(t.dir, 'password')];
      writeFileSync(join(t.dir, `${name}.key`), key);
      const imp = await cli(['wallet', 'import', name, '--private-key-file', join(t.dir, `${name}.key`)], flags[name]);
      expect(imp.code, imp.stderr).toBe(0);
    }
    for (const who of ['node', 'validator'] as const) await json(['stake', '600', '--lock', '0'], flags[who]); // two tasks' stakes
  }, 180_000);

  afterAll(async () => {
    provider?.destroy();
    await stopCliDevnet(t.home);
    t.cleanup();
  });

  it('deploys the Governor with a funded reward budget', () => {
    for (const name of ['ProposalBonds', 'FlockVotes', 'FlockGovernor']) expect(contracts[name], name).toMatch(/^0x[0-9a-fA-F]{40}$/);
  });

  it('a proposal changes gamma: propose, vote, queue, execute, claim bond and reward; the next task splits by the new gamma; a spam proposal is dropped', async () => {
    // A holder locks ALL their FLOCK: they still vote with its full weight.
    const lockerFlock: bigint = await flock.balanceOf!(LOCKER);
    expect(lockerFlock).toBeGreaterThan(0n);
    await json(['stake', (lockerFlock / 10n ** 18n).toString(), '--lock', '365'], flags.locker);
    expect(await flock.balanceOf!(LOCKER)).toBe(0n);

    // A task created under the old gamma (0.2), joined by a node and a validator.
    await json(['stake', '1000', '--lock', '0'], flags.proposer); // the creator's stake; it keeps its vote
    const oldTask = await createTask();
    await joinTask(oldTask);
    let rewards = (await json(['task', 'show', oldTask])).rewards;
    expect(rewards.rules.gamma).toBe(0.2);
    expect(rewards.nodeShare).toBe(0.35);

    const before: bigint = await flock.balanceOf!(ANVIL_ACCOUNT_0);
    const proposed = await json(
      ['propose', '--title', 'Raise the Arena floor share', '--description', 'gamma 0.2 -> 0.4', '--set', 'arena.gamma=0.4', '--self-delegate'],
      flags.proposer,
    );
    const id: string = proposed.proposalId;
    expect(BigInt(proposed.bond)).toBe(BOND);
    expect(proposed.actions[0].summary).toBe('arena.gamma: 0.2 -> 0.4');
    expect(await flock.balanceOf!(ANVIL_ACCOUNT_0)).toBe(before - BOND);
    let p = await show(id);
    expect(p.state).toBe('pending');
    expect(p.status).toMatch(/^flag window ends in (59 m|1 h)/);
    expect(p.title).toBe('Raise the Arena floor share');

    // Spam: proposed by a self-delegated holder, flagged by the big holder, dropped, bond to the treasury.
    const spam = await json(['propose', '--title', 'Send me the treasury', '--set', 'pool.sigmaMax=0.5', '--self-delegate'], flags.spammer);
    const treasuryBefore: bigint = await flock.balanceOf!(contracts.FlockTimelock!);
    const flagged = await json(['flag', spam.proposalId], flags.proposer);
    expect(flagged.dropped).toBe(true);
    expect(BigInt(flagged.totalWeight) >= BigInt(flagged.flagQuorum)).toBe(true);
    expect(await flock.balanceOf!(contracts.FlockTimelock!)).toBe(treasuryBefore + BOND);
    const dropped = await show(spam.proposalId);
    expect(dropped.state).toBe('canceled');
    expect(dropped.bondStatus).toBe('slashed');
    const again = await cli(['flag', spam.proposalId, '--json'], flags.locker);
    expect(again.code).toBe(7);

    // Voting opens after the flag window.
    const early = await cli(['vote', id, 'for', '--json'], flags.proposer);
    expect(early.code).toBe(7);
    expect(early.json().error.hint).toMatch(/pending/);
    await json(['devnet', 'warp', '61m']);
    await json(['task', 'reveal', oldTask], flags.proposer); // the old task is in its reveal phase now
    p = await show(id);
    expect(p.state).toBe('active');
    expect(p.status).toMatch(/^voting ends in (23|1 d)/);
    const v0 = await json(['vote', id, 'for', '--reason', 'validators deserve a larger floor'], flags.proposer);
    expect(BigInt(v0.weight)).toBeGreaterThan(parseEther('40000000')); // quorum is 4% of 1e9
    const v1 = await json(['vote', id, 'for'], flags.locker);
    expect(BigInt(v1.weight)).toBe(lockerFlock); // locked FLOCK votes with full weight

    await json(['devnet', 'warp', '1d']);
    expect((await show(id)).state).toBe('succeeded');
    const q = await json(['queue', id], flags.spammer);
    expect(q.proposalId).toBe(id);
    p = await show(id);
    expect(p.state).toBe('queued');
    expect(p.status).toMatch(/^executable in (\d+ s|1 m 0 s)/);
    const tooSoon = await cli(['execute', id, '--json'], flags.spammer);
    expect(tooSoon.code).toBe(7);
    await json(['devnet', 'warp', '61s']);
    await json(['execute', id], flags.spammer);
    p = await show(id);
    expect(p.state).toBe('executed');
    expect(p.actions).toEqual(['set arena.gamma = 0.4']);

    const config = new Contract(contracts.ProtocolConfig!, CONFIG, provider);
    expect(await config.get!(encodeBytes32String('arena.gamma'))).toBe(parseEther('0.4'));

    // The next task runs under the new gamma: its projected split, then the split settlement fixes.
    const newTask = await createTask();
    await joinTask(newTask);
    rewards = (await json(['task', 'show', newTask])).rewards;
    expect(rewards.rules.gamma).toBe(0.4);
    expect(rewards.nodeShare).toBe(0.45);
    await json(['devnet', 'warp', '61m']);
    await json(['task', 'reveal', newTask], flags.proposer);
    // Score reveals end on the hour boundary after the last phase: two days later both are over.
    await json(['devnet', 'warp', '2d']);
    // Settling fixes each task's split: the old one keeps the gamma it was created with.
    await json(['task', 'finalize', oldTask], flags.spammer); // anyone may
    await json(['task', 'finalize', newTask], flags.spammer);
    for (const [task, gamma] of [[oldTask, parseEther('0.2')], [newTask, parseEther('0.4')]] as const) {
      const r = (await json(['task', 'show', task])).rewards;
      expect(r.fixed, task).toBe(true);
      const pot = BigInt(r.nodeReward) + BigInt(r.validatorReward);
      expect(pot, task).toBeGreaterThan(0n);
      expect(BigInt(r.nodeReward), task).toBe((pot * nodeShare(gamma)) / WAD); // the contract's mulDiv
    }
    // `flock rewards` lists what both tasks owe the node (its stake: it never submitted), and
    // --claim collects it in one command.
    const owed = await json(['rewards'], flags.node);
    expect(owed.tasks.map((x: { taskId: string; stake: string }) => [x.taskId, BigInt(x.stake)])).toEqual([
      [oldTask, NODE_STAKE],
      [newTask, NODE_STAKE],
    ]);
    const collected = await json(['rewards', '--claim'], flags.node);
    expect(collected.tasks.map((x: { taskId: string }) => x.taskId)).toEqual([oldTask, newTask]);
    expect((await json(['rewards'], flags.node)).tasks).toEqual([]);

    // Anyone may claim; the bond and the reward go to the proposer.
    const beforeClaim: bigint = await flock.balanceOf!(ANVIL_ACCOUNT_0);
    const claimed = await json(['proposals', 'claim', id], flags.locker);
    expect(BigInt(claimed.bond)).toBe(BOND);
    expect(BigInt(claimed.reward)).toBe(REWARD);
    expect(await flock.balanceOf!(ANVIL_ACCOUNT_0)).toBe(beforeClaim + BOND + REWARD);
    const twice = await cli(['proposals', 'claim', id, '--json'], flags.spammer);
    expect(twice.code).toBe(7);

    const list = await json(['proposals', 'list']);
    expect(list.proposals.map((x: { id: string; state: string }) => [x.id, x.state])).toEqual([
      [id, 'executed'],
      [spam.proposalId, 'canceled'],
    ]);
  }, 120_000);

  it('rejects an unknown parameter with the close ones (here: its domain\'s), and a value outside its bounds', async () => {
    const unknown = await cli(['propose', '--title', 'x', '--set', 'pool.nope=1', '--json'], flags.proposer);
    expect(unknown.code).toBe(2);
    expect(unknown.json().error.message).toMatch(/did you mean .*pool\.sigmaMax/);
    expect(unknown.json().error.hint).toMatch(/`flock params`/);
    const out = await cli(['propose', '--title', 'x', '--set', 'redeem.fee=2', '--json'], flags.proposer);
    expect(out.code).toBe(2);
    expect(out.json().error.hint).toMatch(/between/);
  });
});
