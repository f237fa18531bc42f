import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AbiCoder, JsonRpcProvider, keccak256, Wallet, type Signer } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployment } from '../../src/chain/deployment.js';
import { FlockSigner } from '../../src/chain/signer.js';
import { IAlliance__factory, IAllianceRandomness__factory, VRFCoordinatorV2_5Mock__factory } from '../../src/chain/types/index.js';
import { stopFulfiller } from '../../src/devnet/vrf-process.js';
import { evaluateModel, exportOnnx, loadEvaluationData, loadTaskSpec, train } from '../../src/engine/index.js';
import { readModel, writeAggregate } from '../../src/fl/model.js';
import { proposeUpdate, splitLocalData } from '../../src/fl/node.js';
import { poison } from '../../src/fl/simulate/attack.js';
import { splitRows } from '../../src/fl/simulate/split.js';
import { readGlobal } from '../../src/fl/validate.js';
import { flatten, unflatten } from '../../src/fl/vector.js';
import { allianceProposers, updateCommitment, voteCommitment, type AllianceVote } from '../../src/protocol/alliance/index.js';
import { newSalt } from '../../src/protocol/arena/commitments.js';
import { createProtocolClient, type ProtocolClient } from '../../src/protocol/client.js';
import { cidOf } from '../../src/storage/cid.js';
import { DirectoryStore } from '../../src/storage/directory.js';
import { cloneHome, ROOT, runCli, tempHome, type CliResult, type TempHome } from '../harness/index.js';
import { ensureBuilt, startCliDevnet, teardownCliDevnet } from './helpers.js';

/**
 * An FL Alliance task on the devnet through the built CLI (issue #12, section 3): breast-cancer
 * diagnosis trained federated by six nodes whose data (the task's training file) is split
 * label-skewed (Dirichlet alpha 1), five rounds of three proposers and three voters, trimmed mean.
 * Four honest nodes run `flock alliance join`; two adversaries act through the protocol client:
 * a poisoner (trains honestly, then sends global + 10 x its change; abstains when it votes) and a
 * lazy node (a random vote when it votes; never commits when it proposes). The test plays the
 * VRF coordinator with chosen words (the devnet's fulfiller is stopped) so that each adversary
 * meets every role: rounds 2 and 4 the poisoner proposes and the lazy node votes, rounds 1, 3
 * and 5 the other way round. Phases end by warping the clock to their end once everyone acted.
 *
 * Asserted: the global model's hidden-split F1 never falls and ends within 3 points of the same
 * network trained centrally on all rows; the poisoned update is blamed and only the poisoner is
 * slashed for it (ProposerBlamed); the lazy voter is slashed (VoterWrongAggregate) each time it
 * votes; no honest node is ever slashed; every honest voter revealed the same aggregate CID; a
 * node SIGKILLed right after its commit transaction (once as proposer, once as voter) still
 * reveals in time after a restart without committing twice; the rewards claimed equal what the
 * settlement credited, to the wei; no row of any node's data (as CSV text or as float32 bytes)
 * is in the store, in a transaction's input or in a log.
 */

// anvil's default accounts (mnemonic "test … junk"): public test keys.
const KEYS = {
  creator: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80', // #0
  h1: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d', // #1
  h2: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a', // #2
  h3: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6', // #3
  h4: '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a', // #4
  poisoner: '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba', // #5
  lazy: '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e', // #6
  vrf: '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356', // #7, plays the VRF oracle
} as const;
type Actor = keyof typeof KEYS;
const HONEST = ['h1', 'h2', 'h3', 'h4'] as const;
type Honest = (typeof HONEST)[number];
const NODES = [...HONEST, 'poisoner', 'lazy'] as const;
type Node = (typeof NODES)[number];
/** gmFLOCK each node stakes: unequal, so the draw is visibly by stake. */
const STAKE: Record<Node, number> = { h1: 40, h2: 50, h3: 60, h4: 70, poisoner: 50, lazy: 50 };
const ROUNDS = 5;
const EPOCHS = 15;
const TASK = join(ROOT, 'examples/tasks/breast-cancer/task.yaml');

/** Who must propose in each round (the rest of the six vote); the words are searched to match. */
const PLAN: Record<number, { propose: Node[]; vote: Node[] }> = {
  1: { propose: ['lazy', 'h1', 'h3'], vote: ['poisoner', 'h2', 'h4'] }, // h1 killed after its update commit, h2 after its vote commit
  2: { propose: ['poisoner', 'h2', 'h4'], vote: ['lazy', 'h1', 'h3'] },
  3: { propose: ['lazy', 'h2', 'h3'], vote: ['poisoner', 'h1', 'h4'] },
  4: { propose: ['poisoner', 'h1', 'h3'], vote: ['lazy', 'h2', 'h4'] },
  5: { propose: ['lazy', 'h1', 'h4'], vote: ['poisoner', 'h2', 'h3'] },
};

const SPEC = (dataDir: string) =>
  [
    `task: ${TASK}`,
    `rounds: ${ROUNDS}`,
    'proposers: 3',
    'participants: { min: 4, max: 6 }',
    'phases: { join: 5m, proposeCommit: 5m, proposeReveal: 5m, voteCommit: 5m, voteReveal: 5m }',
    'stake: { creator: 100, min: 10 }',
    'rewardPool: 500',
    'aggregation: { rule: trimmed, beta: 0.34 }',
    'privacy: off',
    'maxUpdateNorm: 1000',
    `# node data under ${dataDir}`,
    '',
  ].join('\n');

describe('FL Alliance task on the devnet', () => {
  let t: TempHome;
  let rpcUrl: string;
  let provider: JsonRpcProvider;
  let homes: Record<Honest, string>;
  const logs: string[] = [];
  const dataFiles = {} as Record<Node, string>;
  let labelAt = -1;
  const as = (who: Actor) => ['--account', who, '--password-file', join(t.dir, 'password')];
  const ok = async (args: string[], home = t.home) => {
    const r = await runCli(args, { home, timeoutMs: 120_000 });
    logs.push(r.stdout, r.stderr);
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r;
  };
  const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 120_000) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  /** Sets the next block's time to `ts` (a phase's end) and mines it. */
  const warpTo = async (ts: number) => {
    const now = (await provider.getBlock('latest'))!.timestamp;
    if (ts > now) await provider.send('evm_setNextBlockTimestamp', [ts]);
    await provider.send('evm_mine', []);
  };
  const clientOf = (who: Actor): { signer: Signer; p: ProtocolClient; address: string } => {
    const signer: Signer = new FlockSigner(new Wallet(KEYS[who], provider));
    return { signer, p: createProtocolClient({ record: readDeployment(t.home, 31337)!, signer }), address: new Wallet(KEYS[who]).address };
  };

  beforeAll(async () => {
    ensureBuilt();
    t = tempHome();
    ({ rpcUrl, provider } = await startCliDevnet(t.home));
    // The test answers the coordinator itself, with words it chose.
    await stopFulfiller(t.home);
    writeFileSync(join(t.dir, 'password'), 'correct horse');
    for (const [name, key] of Object.entries(KEYS) as [Actor, string][]) {
      writeFileSync(join(t.dir, `${name}.key`), key);
      await ok(['wallet', 'import', name, '--private-key-file', join(t.dir, `${name}.key`), ...as(name)]);
    }
    for (const who of ['creator', ...NODES] as Actor[]) await ok(['stake', '200', '--lock', '0', ...as(who)]);
    // Six private data files: the task's training rows, label-skewed.
    const lines = gunzipSync(readFileSync(join(ROOT, 'examples/tasks/breast-cancer/train.csv.gz'))).toString('utf8').trim().split('\n');
    const header = lines[0]!;
    labelAt = header.split(',').indexOf('diagnosis');
    const rows = lines.slice(1);
    const parts = splitRows(rows.map((r) => Number(r.split(',')[labelAt])), NODES.length, { kind: 'label-skew', seed: 1, alpha: 1 });
    NODES.forEach((who, i) => {
      dataFiles[who] = join(t.dir, `${who}.csv`);
      writeFileSync(dataFiles[who], `${[header, ...parts[i]!.map((j) => rows[j]!)].join('\n')}\n`, { mode: 0o600 });
    });
    writeFileSync(join(t.dir, 'alliance.yaml'), SPEC(t.dir));
    homes = Object.fromEntries(HONEST.map((w) => [w, cloneHome(t.home, join(t.dir, `home-${w}`))])) as Record<Honest, string>;
  }, 240_000);

  afterAll(() => teardownCliDevnet(t, provider));

  it('runs 5 rounds: scores rise, the poisoner and the lazy voter are slashed, a killed node still reveals, claims match', async () => {
    const creator = clientOf('creator');
    const created = (await ok(['alliance', 'create', '--spec', join(t.dir, 'alliance.yaml'), '--json', ...as('creator')])).json();
    expect(created.taskId).toBe('1');
    const taskId = 1n;
    const record = readDeployment(t.home, 31337)!;
    const alliance = IAlliance__factory.connect(record.contracts.Alliance!, provider);
    const oracle = new FlockSigner(new Wallet(KEYS.vrf, provider));
    const randomness = IAllianceRandomness__factory.connect(record.contracts.AllianceRandomness!, provider);
    const coordinator = VRFCoordinatorV2_5Mock__factory.connect(record.contracts.VRFCoordinatorV2_5Mock!, oracle);
    const store = new DirectoryStore({ dir: join(t.home, 'store') });
    const loaded = await loadTaskSpec(TASK);
    const { spec } = loaded;
    const hidden = await loadEvaluationData(loaded.files.validation!, spec.schema);
    const f1 = async (cid: string) => {
      const r = await evaluateModel(await store.get(cid), { contract: spec.contract, metric: 'f1', data: hidden });
      expect(r.valid, `model ${cid}`).toBe(true);
      return r.valid ? r.score : 0;
    };
    const taskNow = () => creator.p.alliance.getAllianceTask({ taskId });
    const roundNow = (round: number) => creator.p.alliance.getAllianceRound({ taskId, round });
    const scores = [await f1((await taskNow()).globalModelCID)];

    // 1. The honest nodes start their daemons (h1 and h2 die right after a commit transaction);
    //    the adversaries join by hand.
    const exited: string[] = [];
    const runs = new Map<Honest, Promise<CliResult>>();
    const daemon = (who: Honest, env: Record<string, string> = {}) => {
      const args = ['alliance', 'join', '--task', '1', '--data', dataFiles[who], '--stake', String(STAKE[who]), '--epochs', String(EPOCHS), '--poll', '0.3', '--rpc-url', rpcUrl, ...as(who)];
      const run = runCli(args, { home: homes[who], env, timeoutMs: 900_000 });
      void run.then((r) => {
        logs.push(r.stdout, r.stderr);
        if (r.code !== 0 && !env.FLOCK_TEST_EXIT_AFTER) exited.push(`${who} exited ${r.code}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
      });
      runs.set(who, run);
      return run;
    };
    const waitFor = (what: string, check: () => boolean | Promise<boolean>) =>
      until(what, async () => {
        if (exited.length > 0) throw new Error(`${what}: ${exited.join('\n')}`);
        return check();
      });
    const crashed = { h1: daemon('h1', { FLOCK_TEST_EXIT_AFTER: 'commit-update' }), h2: daemon('h2', { FLOCK_TEST_EXIT_AFTER: 'commit-vote' }) };
    daemon('h3');
    daemon('h4');
    const poisoner = clientOf('poisoner');
    const lazy = clientOf('lazy');
    await poisoner.p.alliance.joinAlliance({ taskId, stake: BigInt(STAKE.poisoner) * 10n ** 18n });
    await lazy.p.alliance.joinAlliance({ taskId, stake: BigInt(STAKE.lazy) * 10n ** 18n });
    await waitFor('six participants', async () => (await creator.p.alliance.getAllianceParticipants({ taskId })).length === 6);
    const address = Object.fromEntries(NODES.map((w) => [w, new Wallet(KEYS[w]).address.toLowerCase()])) as Record<Node, string>;
    const nameOf = (a: string) => NODES.find((w) => address[w] === a.toLowerCase())!;
    await warpTo((await taskNow()).joinEnd);

    // The poisoner's private split, as its own node would make it.
    const poisonerData = await splitLocalData(dataFiles.poisoner, spec.schema, join(t.dir, 'poisoner-split'), 5);
    const { earlyStopping: _es, ...trainer } = spec.trainer!;
    const restarted = new Set<Honest>();
    const restartCrashed = async () => {
      for (const who of ['h1', 'h2'] as const) {
        if (restarted.has(who)) continue;
        const r = await Promise.race([crashed[who], new Promise<undefined>((res) => setTimeout(() => res(undefined), 10))]);
        if (r) {
          expect(r.code, `${who} should have died at its crash point\n${r.stdout}\n${r.stderr}`).not.toBe(0);
          restarted.add(who);
          daemon(who);
        }
      }
    };
    const honestVoterCIDs: Record<number, string[]> = {};
    const roundLines: string[] = [];

    for (let round = 1; round <= ROUNDS; round++) {
      const plan = PLAN[round]!;
      // 2. The round starts (a daemon sends startRound); the oracle answers with a word that gives the planned roles.
      await waitFor(`round ${round} drawing`, async () => (await taskNow()).round === round);
      const r0 = await roundNow(round);
      expect(r0.phase).toBe('drawing');
      const participants = await creator.p.alliance.getAllianceParticipants({ taskId });
      const stakes = participants.map((p) => p.stake);
      const want = new Set(plan.propose.map((w) => address[w]));
      let word = 0n;
      for (let w = 1n; ; w++) {
        const got = allianceProposers(w, stakes, 3).map((i) => participants[i]!.account.toLowerCase());
        if (got.every((a) => want.has(a))) {
          word = w;
          break;
        }
        expect(w < 100_000n, `no word gives round ${round} its planned roles`).toBe(true);
      }
      const [requestId] = await randomness.requestOf(r0.key);
      expect(r0.key).toBe(keccak256(AbiCoder.defaultAbiCoder().encode(['address', 'uint256', 'uint256'], [record.contracts.Alliance!, taskId, round])));
      await (await coordinator.fulfillRandomWordsWithOverride(requestId, record.contracts.AllianceRandomness!, [word])).wait();
      await waitFor(`round ${round} roles drawn`, async () => (await roundNow(round)).phase === 'propose-commit');
      for (const w of plan.propose) expect((await creator.p.alliance.getAllianceRole({ taskId, round, account: address[w] })).role, `${w} in round ${round}`).toBe('proposer');
      for (const w of plan.vote) expect((await creator.p.alliance.getAllianceRole({ taskId, round, account: address[w] })).role, `${w} in round ${round}`).toBe('voter');
      const r1 = await roundNow(round);
      const global = await store.get((await taskNow()).globalModelCID);

      // 3. ProposeCommit: honest proposers train and commit; the poisoner commits a scaled update.
      let poisoned: { cid: string; bytes: Uint8Array; salt: string; examples: bigint } | undefined;
      if (plan.propose.includes('poisoner')) {
        const honest = await proposeUpdate({ global, schema: spec.schema, trainer, data: poisonerData, epochs: EPOCHS, seed: round });
        const g = readGlobal(global);
        const mine = readModel(honest.bytes);
        const bytes = writeAggregate(mine, unflatten(poison(g.vector, flatten(mine, g.layout), 'scale', 10, round), g.layout));
        poisoned = { cid: cidOf(bytes), bytes, salt: newSalt(), examples: BigInt(honest.examples) };
        await poisoner.p.alliance.commitUpdate({ taskId, commitment: updateCommitment(taskId, BigInt(round), poisoned.cid, poisoned.examples, poisoner.address, poisoned.salt) });
      }
      const committers = plan.propose.filter((w) => w !== 'lazy').map((w) => address[w]);
      await waitFor(`round ${round}: the proposers committed`, async () => {
        await restartCrashed();
        const ups = await creator.p.alliance.getAllianceUpdates({ taskId, round });
        return committers.every((a) => ups.find((u) => u.proposer.toLowerCase() === a)?.committed);
      });
      await warpTo(r1.proposeCommitEnd);

      // 4. ProposeReveal: the poisoner uploads and reveals its update too.
      if (poisoned) {
        await store.put(poisoned.bytes, { expectedCid: poisoned.cid });
        await poisoner.p.alliance.revealUpdate({ taskId, updateCID: poisoned.cid, examples: poisoned.examples, salt: poisoned.salt });
      }
      await waitFor(`round ${round}: the proposers revealed`, async () => {
        await restartCrashed();
        const ups = await creator.p.alliance.getAllianceUpdates({ taskId, round });
        return committers.every((a) => ups.find((u) => u.proposer.toLowerCase() === a)?.revealed);
      });
      await warpTo(r1.proposeRevealEnd);

      // 5. VoteCommit: honest voters aggregate, score, blame and commit; the lazy voter commits noise.
      let lazyVote: { vote: AllianceVote; salt: string } | undefined;
      if (plan.vote.includes('lazy')) {
        const rnd = (n: number) => BigInt(Math.floor(Math.random() * n));
        // Any proposers of the round may be blamed (naming a voter reverts): a random subset.
        lazyVote = { vote: { aggregateCID: `bafkrei${rnd(1e15).toString(36)}lazy`, previousScore: rnd(1e18), newScore: rnd(1e18), blame: r1.proposerMask & rnd(64) }, salt: newSalt() };
        await lazy.p.alliance.commitVote({ taskId, commitment: voteCommitment(taskId, BigInt(round), lazyVote.vote, lazy.address, lazyVote.salt) });
      }
      const honestVoters = plan.vote.filter((w): w is Honest => (HONEST as readonly string[]).includes(w));
      await waitFor(`round ${round}: the voters committed`, async () => {
        await restartCrashed();
        for (const w of honestVoters) if (!(await creator.p.alliance.getAllianceVote({ taskId, round, account: address[w] })).committed) return false;
        return true;
      });
      await warpTo(r1.voteCommitEnd);

      // 6. VoteReveal, then anyone (a daemon) settles.
      if (lazyVote) await lazy.p.alliance.revealVote({ taskId, vote: lazyVote.vote, salt: lazyVote.salt });
      await waitFor(`round ${round}: the voters revealed`, async () => {
        await restartCrashed();
        for (const w of honestVoters) if (!(await creator.p.alliance.getAllianceVote({ taskId, round, account: address[w] })).revealed) return false;
        return true;
      });
      const votes = await Promise.all(honestVoters.map(async (w) => (await creator.p.alliance.getAllianceVote({ taskId, round, account: address[w] })).vote));
      honestVoterCIDs[round] = votes.map((v) => v.aggregateCID);
      roundLines.push(`round ${round}: ${honestVoters.map((w, i) => `${w} ${(Number(votes[i]!.previousScore) / 1e18).toFixed(3)} -> ${(Number(votes[i]!.newScore) / 1e18).toFixed(3)} blames ${votes[i]!.blame.toString(2)}`).join('; ')}`);
      await warpTo(r1.voteRevealEnd);
      await waitFor(`round ${round} settled`, async () => (await roundNow(round)).phase === 'settled');
      const settled = await roundNow(round);
      expect(new Set(honestVoterCIDs[round]).size, `round ${round}: honest voters disagree on the aggregate`).toBe(1);
      expect(settled.aggregateCID).toBe(honestVoterCIDs[round]![0]);
      scores.push(settled.accepted ? await f1(settled.aggregateCID) : scores.at(-1)!);
      roundLines[roundLines.length - 1] += ` => ${settled.accepted ? 'accepted' : 'failed'}, hidden-split F1 ${scores.at(-1)!.toFixed(4)}`;
      console.log(`alliance: ${roundLines.at(-1)}`);
      if (settled.accepted) expect((await taskNow()).globalModelCID).toBe(settled.aggregateCID);
    }
    expect(restarted).toEqual(new Set(['h1', 'h2']));

    // 7. The task ends; every daemon exits 0.
    await waitFor('the task finished', async () => (await taskNow()).status === 'finished');
    for (const [who, run] of runs) {
      const r = await run;
      expect(r.code, `${who}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`).toBe(0);
    }

    // Scores: never down, and within 3 points of the same network trained on all rows.
    const central = await train({ data: loaded.files.train!, schema: spec.schema, config: spec.trainer!, backend: 'wasm' });
    const centralBytes = exportOnnx(central.model);
    central.model.dispose();
    const centralScore = (await evaluateModel(centralBytes, { contract: spec.contract, metric: 'f1', data: hidden })) as { score: number };
    console.log(`alliance: hidden-split F1 by round ${scores.map((s) => s.toFixed(4)).join(' -> ')}; central ${centralScore.score.toFixed(4)}`);
    // An accepted round may cost a little on the hidden split (voters judge on their own test data).
    for (let i = 1; i < scores.length; i++) expect(scores[i]!).toBeGreaterThanOrEqual(scores[i - 1]! - 0.02);
    expect((await taskNow()).roundsAccepted).toBeGreaterThanOrEqual(3);
    expect(scores.at(-1)!).toBeGreaterThan(scores[0]! + 0.2);
    expect(scores.at(-1)!).toBeGreaterThanOrEqual(centralScore.score - 0.03);

    // Outcomes: who was slashed, and why.
    const settledEvents = await alliance.queryFilter(alliance.filters.ParticipantSettled(taskId));
    const outcome = (round: number, who: Node) => {
      const e = settledEvents.find((x) => Number(x.args.round) === round && x.args.account.toLowerCase() === address[who]);
      return e ? ['Unpaid', 'Paid', 'ProposerNoReveal', 'ProposerBlamed', 'VoterNoReveal', 'VoterWrongAggregate'][Number(e.args.outcome)] : undefined;
    };
    const table: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      table.push(`round ${round}: ${NODES.map((w) => `${w} ${outcome(round, w)}`).join(', ')}`);
      for (const w of HONEST) expect(outcome(round, w), `${w} in round ${round}`).not.toMatch(/Proposer(NoReveal|Blamed)|Voter(NoReveal|WrongAggregate)/);
      const poisonerProposes = PLAN[round]!.propose.includes('poisoner');
      expect(outcome(round, 'poisoner'), `poisoner in round ${round}`).toBe(poisonerProposes ? 'ProposerBlamed' : 'Unpaid');
      expect(outcome(round, 'lazy'), `lazy in round ${round}`).toBe(poisonerProposes ? 'VoterWrongAggregate' : 'Unpaid');
    }
    console.log(`alliance: outcomes\n${table.join('\n')}`);
    for (const e of settledEvents) {
      const slashed = e.args.slashedOwn + e.args.slashedPool > 0n;
      expect(slashed, `${nameOf(e.args.account)} round ${e.args.round}`).toBe(['poisoner', 'lazy'].includes(nameOf(e.args.account)) && [3n, 5n].includes(e.args.outcome));
    }

    // Each commit was sent once, the killed nodes' included.
    for (const kind of ['UpdateCommitted', 'VoteCommitted'] as const) {
      const sent = await alliance.queryFilter(alliance.filters[kind](taskId));
      const keys = sent.map((e) => `${e.args.round}:${e.args[2].toLowerCase()}`);
      expect(new Set(keys).size, `${kind} sent twice by someone`).toBe(keys.length);
    }

    // Claims: each node claims (honest ones with the CLI) exactly what the settlement credited.
    const credited = (who: Node) => settledEvents.filter((e) => e.args.account.toLowerCase() === address[who]).reduce((s, e) => s + e.args.reward, 0n);
    for (const w of HONEST) await ok(['alliance', 'claim', '1', '--json', '--rpc-url', rpcUrl, ...as(w)], homes[w]);
    await poisoner.p.alliance.claimAlliance({ taskId });
    await lazy.p.alliance.claimAlliance({ taskId });
    await ok(['alliance', 'claim', '1', '--json', ...as('creator')]);
    const claimed = await alliance.queryFilter(alliance.filters.Claimed(taskId));
    for (const w of NODES) {
      const paid = claimed.filter((e) => e.args.account.toLowerCase() === address[w]).reduce((s, e) => s + e.args.reward + e.args.poolReward, 0n);
      expect(paid, `${w}'s claim`).toBe(credited(w));
      if ((HONEST as readonly string[]).includes(w)) expect(paid > 0n, `${w} earned nothing`).toBe(true);
    }
    for (const w of NODES) {
      const c = await creator.p.alliance.getAllianceClaimable({ taskId, account: address[w] });
      expect(c.stake + c.reward + c.poolReward + c.refund, `${w} still has something to claim`).toBe(0n);
    }
    const shown = (await ok(['alliance', 'show', '1', '--json'])).json();
    expect(shown.rounds).toHaveLength(ROUNDS);

    // 8. Raw data never left a node: no row, as text or as float32, in the store, a transaction or a log.
    const haystacks: { where: string; bytes: Buffer }[] = [];
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
    for (const f of walk(join(t.home, 'store'))) haystacks.push({ where: `store ${f}`, bytes: readFileSync(f) });
    const latest = await provider.getBlockNumber();
    for (let b = 0; b <= latest; b++) {
      const block = await provider.getBlock(b, true);
      for (const tx of block!.prefetchedTransactions) haystacks.push({ where: `tx ${tx.hash}`, bytes: Buffer.from(tx.data.slice(2), 'hex') });
    }
    for (const w of HONEST) for (const f of walk(homes[w]).filter((p) => p.includes('/logs/') || p.endsWith('.log'))) haystacks.push({ where: `log ${f}`, bytes: readFileSync(f) });
    haystacks.push({ where: 'daemon output', bytes: Buffer.from(logs.join('\n')) });
    let needles = 0;
    for (const w of NODES) {
      for (const line of readFileSync(dataFiles[w], 'utf8').trim().split('\n').slice(1)) {
        const values = line.split(',').map(Number);
        const f32 = Buffer.from(new Float32Array(values.filter((_, i) => i !== labelAt)).buffer);
        for (const h of haystacks) {
          expect(h.bytes.includes(line), `a row of ${w}'s data in ${h.where}`).toBe(false);
          expect(h.bytes.includes(f32), `a row of ${w}'s data (float32) in ${h.where}`).toBe(false);
        }
        needles++;
      }
    }
    expect(needles).toBeGreaterThan(400);
    expect(haystacks.length).toBeGreaterThan(50);
  }, 1_500_000);
});
