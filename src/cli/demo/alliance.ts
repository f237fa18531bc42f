/**
 * The demo's FL Alliance task, after its Arena round: what README.md's "An FL Alliance round" does
 * by hand, in one process. heidi creates a two-round task from examples/alliance/breast-cancer.yaml
 * with the command's own function; the task's training rows are dealt to four nodes as `flock fl
 * split` deals them (one file each, 0600, under <home>/demo/); each node runs the daemon `flock
 * alliance join` runs (runAllianceNode, its own runtime); between phases the clock is moved to
 * the phase's end once allianceReady says the phase's work is on chain. Each global model is
 * scored on the task's hidden split (validation.csv.gz, which no node holds), then every node and
 * the creator claim.
 */
import { join } from 'node:path';
import { runAllianceNode } from '../../daemons/alliance/node.js';
import type { DaemonRuntime } from '../../daemons/kernel/index.js';
import { PACKAGE_ROOT } from '../../devnet/anvil.js';
import { AbortError, isFlockError } from '../../errors/index.js';
import { allianceDeadline, allianceReady, OUTCOMES, requireAlliance, ROLES, type AllianceProgress } from '../../protocol/alliance/index.js';
import type { Store } from '../../storage/index.js';
import { formatFlock } from '../../units/index.js';
import { arenaDaemonDeps } from '../daemon.js';
import { allianceFigures, type ClaimRecord, type DemoAlliance, type SettledRecord } from './alliance-report.js';
import { daemonRuntime, DemoDaemons, openAccount, type Account, type Actor, type DemoDeps, type DevnetClock, type StepFn } from './cast.js';

const SPEC = join(PACKAGE_ROOT, 'examples', 'alliance', 'breast-cancer.yaml');
const TASK_DIR = join(PACKAGE_ROOT, 'examples', 'tasks', 'breast-cancer');

/** The Alliance's cast: a creator who takes no part, and four nodes (honest actors of the Arena round, whose stake is back by now). */
export const ALLIANCE_CAST = { creator: 'heidi', nodes: ['bob', 'carol', 'erin', 'frank'] } as const;
/** Local epochs per round: a few seconds of training per proposer on 2 cores. */
export const ALLIANCE_EPOCHS = 5;
/** FLOCK staked at lock 0 by a cast member short of what the task asks. */
const TOP_UP = 200n * 10n ** 18n;
const WAIT_MS = 180_000;
const NODE_LABEL = 'FL Alliance node';
const CREATOR_LABEL = 'FL Alliance creator (takes no part)';

export interface AllianceDemoOptions {
  d: DemoDeps;
  /** The Arena round's actors: the nodes are some of them (their contexts and signers, new runtimes). */
  actors: Actor[];
  store: Store;
  step: StepFn;
  clock: DevnetClock;
  logFile: string;
}

const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);
const f3 = (x: number | null) => (x === null ? '–' : x.toFixed(3));
/** The metric as the view says it: breast-cancer's f1 is macro F1 (both classes count equally). */
const metricName = (m: string) => (m === 'f1' ? 'macro F1' : m);

/** Runs the task from its creation to the claims; every step is reported through `step`. */
export async function runAllianceDemo(o: AllianceDemoOptions): Promise<DemoAlliance> {
  const { d, step, clock, store, logFile } = o;
  const nodes = ALLIANCE_CAST.nodes.map((name) => o.actors.find((a) => a.name === name)!);
  const creatorRef: { a?: Account } = {};
  const nameOf = (address: string) => [...nodes, creatorRef.a].find((a) => a?.address.toLowerCase() === address.toLowerCase())?.name ?? address;
  const daemons = new DemoDaemons(d);
  const runtimes: DaemonRuntime[] = [];
  try {
    const creator = (creatorRef.a = await openAccount(d, ALLIANCE_CAST.creator));
    const client = creator.client;
    const alliance = requireAlliance(client);
    const [{ loadAllianceSpec }, { loadTaskSpec, evaluateModel, loadEvaluationData }, { splitDataFile }, { create }] = await Promise.all([
      import('../../tasks/alliance-spec.js'),
      import('../../engine/index.js'),
      import('../../fl/split-file.js'),
      import('../commands/alliance.js'),
    ]);
    const spec = loadAllianceSpec(SPEC);
    const { spec: taskSpec, files } = await loadTaskSpec(spec.taskFile);

    const created = await step(
      'alliance-create',
      'FL Alliance: heidi creates a federated task',
      async () => {
        // heidi's creator stake, each node's minimum: staked at lock 0 when short.
        const staked: string[] = [];
        for (const [a, need] of [[creator, spec.creatorStake], ...nodes.map((n) => [n, spec.minStake] as const)] as const) {
          if ((await a.client.contracts.gm.balanceOf(a.address)) >= need) continue;
          await a.client.staking.stake({ amount: TOP_UP, duration: 0n });
          staked.push(a.name);
        }
        const c = await create(creator.ctx, SPEC);
        d.emit({ kind: 'actor', name: creator.name, role: CREATOR_LABEL, text: `created Alliance task ${c.taskId}` });
        return { ...c, staked };
      },
      (c) =>
        `task ${c.taskId}: ${c.name}, ${c.rounds} rounds of ${c.proposers} proposers drawn by a VRF word, ${c.rule}; heidi staked ${formatFlock(spec.creatorStake, { symbol: 'gmFLOCK' })} and funded a ${formatFlock(spec.rewardPool)} reward pool${c.staked.length ? ` (${list(c.staked)} staked 200 FLOCK at lock 0 first)` : ''}`,
    );
    const taskId = created.taskId;

    // The referee: the task's hidden split, which no node holds.
    const hidden = await loadEvaluationData(files.validation!, taskSpec.schema);
    const scores: Record<string, number | null> = {};
    const scoreOf = async (cid: string): Promise<number | null> => {
      if (!Object.hasOwn(scores, cid)) {
        const ev = await evaluateModel(await store.get(cid, { maxBytes: taskSpec.contract.maxBytes }), { contract: taskSpec.contract, metric: taskSpec.metric.name, data: hidden });
        scores[cid] = ev.valid ? ev.score : null;
      }
      return scores[cid]!;
    };

    const dataDir = join(d.ctx.config.home, 'demo', `alliance-task${taskId}`);
    const split = await step(
      'alliance-data',
      'FL Alliance: deal the training rows to four nodes, one private file each',
      async () => {
        const r = await splitDataFile({ file: files.train, schema: taskSpec.schema, clients: nodes.length, kind: 'iid', seed: 1, out: dataDir });
        return { ...r, initial: await scoreOf(created.initialModelCID) };
      },
      (r) =>
        `${r.rows} rows of train.csv.gz: ${nodes.map((n, i) => `${n.name} ${r.clients[i]!.rows}`).join(', ')} (as \`flock fl split\` deals them, files 0600 under ${dataDir}); the initial model scores ${metricName(taskSpec.metric.name)} ${f3(r.initial)} on the hidden split (${hidden.size} rows no node holds)`,
    );

    // The nodes' daemons, from their join to the task's end; a failure of one ends the demo.
    const votes = new Map<number, string[]>();
    const waitFor = async (what: string, awaitingOf: (p: AllianceProgress) => string[]): Promise<AllianceProgress> => {
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        if (daemons.failure) throw daemons.failure;
        const p = await client.alliance.getAllianceProgress({ taskId });
        const awaiting = awaitingOf(p);
        if (awaiting.length === 0) return p;
        if (Date.now() > deadline) {
          throw new AbortError(`FL Alliance task ${taskId}, ${what}: still waiting for ${awaiting.join(', ')}`, {
            code: 'DEMO_TIMEOUT',
            hint: `see ${logFile}, \`flock alliance show ${taskId}\` and \`flock devnet status\` (its VRF fulfiller answers the draws)`,
          });
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const where = (p: AllianceProgress) => `${p.task.status}${p.round ? `, round ${p.round.round} ${p.round.phase}` : ''}`;
    /** Round `r` in `phase`, with the phase's work on chain. */
    const phaseDone = (r: number, phase: string) => (p: AllianceProgress) => {
      const { awaiting } = allianceReady(p);
      if (p.round?.round !== r || p.round.phase !== phase) return [`round ${r}'s ${phase} phase (now ${where(p)}${awaiting.length ? `; waiting for ${awaiting.join(', ')}` : ''})`];
      return awaiting;
    };

    const joined = await step(
      'alliance-join',
      'FL Alliance: each node starts its daemon (`flock alliance join`) and joins with its own file',
      async () => {
        split.clients.forEach((file, i) => {
          const n = nodes[i]!;
          const rt = daemonRuntime(d, n, 'alliance', NODE_LABEL);
          runtimes.push(rt);
          rt.onEvent((e) => {
            if (e.event === 'voted') votes.set(e.round, [...(votes.get(e.round) ?? []), `${n.name} ${e.previousScore.toFixed(3)} -> ${e.newScore.toFixed(3)}`]);
          });
          const run = async () => runAllianceNode({ ...(await arenaDaemonDeps(n.ctx, rt, n.client, n.signer, store)), taskId, data: file.file, stake: 0n, epochs: ALLIANCE_EPOCHS, untilRound: spec.rounds });
          daemons.watch({ name: n.name, label: NODE_LABEL }, rt, run(), (e) => nodeFailed(n.name, e));
        });
        return waitFor('the join window', (p) => (p.task.status === 'joining' ? allianceReady(p, { participants: nodes.length }).awaiting : []));
      },
      () => `${list(nodes.map((n) => n.name))} joined with ${formatFlock(spec.minStake, { symbol: 'gmFLOCK' })} each; each split its file into local train and test rows, which never leave it`,
    );

    const rounds = spec.rounds;
    for (let r = 1; r <= rounds; r++) {
      const t0 = await client.alliance.getAllianceTask({ taskId });
      if (t0.status !== 'joining' && t0.status !== 'running') break; // ended early (its randomness never came)
      await step(
        `alliance-${r}-propose`,
        `FL Alliance round ${r}: a VRF word draws ${spec.proposersPerRound} proposers by stake; they train ${ALLIANCE_EPOCHS} epochs from the global model on their own rows and commit`,
        async () => {
          if (r === 1) await clock.warpTo(joined.task.joinEnd); // past the join window: a node starts round 1 and asks for its word
          await waitFor(`round ${r}, propose-commit`, phaseDone(r, 'propose-commit'));
          const ups = await client.alliance.getAllianceUpdates({ taskId, round: r });
          return ups.map((u) => nameOf(u.proposer));
        },
        (ps) => `${list(ps)} propose; ${list(nodes.map((n) => n.name).filter((n) => !ps.includes(n)))} vote; ${ps.length} updates committed, each kept private until the reveal`,
      );
      await step(
        `alliance-${r}-reveal`,
        `FL Alliance round ${r}: the proposers upload their updates and reveal them`,
        async () => {
          await warpPast(r, 'propose-commit');
          await waitFor(`round ${r}, propose-reveal`, phaseDone(r, 'propose-reveal'));
          return client.alliance.getAllianceUpdates({ taskId, round: r });
        },
        (ups) => `${ups.filter((u) => u.revealed).length} updates revealed (${ups.map((u) => `${nameOf(u.proposer)} on ${u.examples} rows`).join(', ')})`,
      );
      await step(
        `alliance-${r}-vote`,
        `FL Alliance round ${r}: the voters aggregate the updates (${spec.rule}), score the aggregate on their own test rows and commit their votes`,
        async () => {
          await warpPast(r, 'propose-reveal');
          await waitFor(`round ${r}, vote-commit`, phaseDone(r, 'vote-commit'));
        },
        () => `${metricName(taskSpec.metric.name)} of the global model -> the aggregate, on each voter's own test rows: ${(votes.get(r) ?? []).join(', ') || 'no vote'}`,
      );
      await step(
        `alliance-${r}-settle`,
        `FL Alliance round ${r}: the voters reveal, a node settles the round (pays its majority, slashes a blamed proposer or a stray voter)`,
        async () => {
          await warpPast(r, 'vote-commit');
          await waitFor(`round ${r}, vote-reveal`, phaseDone(r, 'vote-reveal'));
          await warpPast(r, 'vote-reveal');
          await waitFor(`round ${r}'s settlement`, (p) => (p.task.round > r || p.task.status === 'finished' || p.task.status === 'cancelled' ? [] : [`a node to settle round ${r} (now ${where(p)})`]));
          const round = await client.alliance.getAllianceRound({ taskId, round: r });
          const before = r === 1 ? created.initialModelCID : (await globalAfter(r - 1)) ?? created.initialModelCID;
          const after = round.accepted ? round.aggregateCID : before;
          const settled = (await settledRecords()).filter((s) => s.round === r);
          return { accepted: round.accepted, improved: round.improvedStake, voters: round.voterStake, before: await scoreOf(before), after: await scoreOf(after), paid: settled.reduce((t, s) => t + s.reward, 0n), slashed: settled.filter((s) => s.slashed > 0n).map((s) => nameOf(s.account)) };
        },
        (x) =>
          `${formatFlock(x.improved, { symbol: false })} of ${formatFlock(x.voters, { symbol: 'gmFLOCK' })} of voter stake found the aggregate no worse: ${x.accepted ? 'accepted, it is the new global model' : 'failed (a majority must), the global model stays'}, ${metricName(taskSpec.metric.name)} ${f3(x.before)} -> ${f3(x.after)} on the hidden split; ${formatFlock(x.paid)} credited, ${x.slashed.length ? `${list(x.slashed)} slashed` : 'nobody slashed'}`,
      );
    }

    const claims = await step(
      'alliance-claim',
      'FL Alliance: every node and the creator claim',
      async () => {
        await daemons.all(); // the nodes end with the task
        const out: Record<string, ClaimRecord> = {};
        for (const a of [...nodes, creator]) {
          await a.client.alliance.claimAlliance({ taskId });
          const events = await alliance.queryFilter(alliance.filters.Claimed(taskId, a.address));
          out[a.address.toLowerCase()] = events.reduce(
            (t, e) => ({ stake: t.stake + e.args.stake, reward: t.reward + e.args.reward, poolReward: t.poolReward + e.args.poolReward, refund: t.refund + e.args.refund }),
            { stake: 0n, reward: 0n, poolReward: 0n, refund: 0n },
          );
          d.emit({ kind: 'actor', name: a.name, role: a === creator ? CREATOR_LABEL : NODE_LABEL, text: `claimed ${formatFlock(out[a.address.toLowerCase()]!.reward + out[a.address.toLowerCase()]!.refund)}` });
        }
        return out;
      },
      (c) => {
        const paid = nodes.reduce((t, n) => t + c[n.address.toLowerCase()]!.reward, 0n);
        const h = c[creator.address.toLowerCase()]!;
        return `${formatFlock(paid)} to the nodes, each with its stake back; heidi: ${formatFlock(h.stake, { symbol: 'gmFLOCK' })} of stake back and ${formatFlock(h.refund)} of the pool unspent`;
      },
    );

    const t = await client.alliance.getAllianceTask({ taskId });
    const roundViews = [];
    for (let r = 1; r <= t.round; r++) roundViews.push(await client.alliance.getAllianceRound({ taskId, round: r }));
    for (const rv of roundViews) if (rv.accepted && rv.aggregateCID) await scoreOf(rv.aggregateCID);
    const members = await Promise.all(nodes.map((n) => client.alliance.getAllianceMember({ taskId, account: n.address })));
    return allianceFigures({
      task: { id: taskId.toString(), name: created.name, rule: t.spec.rule, metric: taskSpec.metric.name, proposersPerRound: t.spec.proposersPerRound, status: t.status, initialModelCID: created.initialModelCID, funded: t.funded, emission: t.emissionEarned },
      epochs: ALLIANCE_EPOCHS,
      rounds: roundViews.map((r) => ({ round: r.round, phase: r.phase, accepted: r.accepted, aggregateCID: r.aggregateCID, improvedStake: r.improvedStake, voterStake: r.voterStake })),
      settled: await settledRecords(),
      scores,
      creator: { name: creator.name, address: creator.address, staked: t.spec.creatorStake },
      nodes: nodes.map((n, i) => ({ name: n.name, address: n.address, staked: members[i]!.ownStake })),
      claims,
    });

    /** Moves the clock past the end of round `r`'s `phase` (the phase's work is on chain by now). */
    async function warpPast(r: number, phase: string): Promise<void> {
      const p = await waitFor(`round ${r}, ${phase}`, phaseDone(r, phase));
      await clock.warpTo(allianceDeadline(p)!);
    }

    /** Every ParticipantSettled record of the task. */
    async function settledRecords(): Promise<SettledRecord[]> {
      const events = await alliance.queryFilter(alliance.filters.ParticipantSettled(taskId));
      return events.map((e) => ({
        round: Number(e.args.round),
        account: e.args.account,
        role: ROLES[Number(e.args.role)]!,
        outcome: OUTCOMES[Number(e.args.outcome)]!,
        reward: e.args.reward,
        slashed: e.args.slashedOwn + e.args.slashedPool,
      }));
    }

    /** The global model round `r` left (undefined before any round). */
    async function globalAfter(r: number): Promise<string | undefined> {
      let cid: string | undefined;
      for (let i = 1; i <= r; i++) {
        const x = await client.alliance.getAllianceRound({ taskId, round: i });
        if (x.phase === 'settled' && x.accepted && x.aggregateCID) cid = x.aggregateCID;
      }
      return cid;
    }
  } finally {
    // However it ends, the nodes' daemons stop (after their current step) before the store closes.
    await daemons.stop('the demo is over');
    for (const rt of runtimes) rt.dispose();
    await creatorRef.a?.ctx.close();
  }
}

/** A node's failure, said as whose: the daemon's own code (and exit status) kept. */
function nodeFailed(name: string, e: Error): Error {
  if (!isFlockError(e) || !(e instanceof AbortError)) return e;
  return new AbortError(`FL Alliance: ${name}'s node failed: ${e.message}`, { code: e.code, ...(e.hint ? { hint: e.hint } : {}), ...(e.details ? { details: e.details } : {}), cause: e });
}
