/**
 * `flock demo`: one whole Arena round on the devnet, then one FL Alliance task of two federated
 * rounds, with the devnet's named accounts as the cast. Everything a user would run by hand runs
 * here in one process, through the same code: the commands' own functions (task create, reveal,
 * alliance create), the protocol actions, and the trainer, validator and Alliance node daemons
 * themselves (one runtime per actor and daemon, every state file in this home). Only the lazy
 * validator, which no command would play, acts through protocol actions directly.
 */
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../devnet/anvil.js';
import { AbortError } from '../../errors/index.js';
import { runTrainer } from '../../daemons/arena/trainer.js';
import { runValidator } from '../../daemons/arena/validator.js';
import { fromWad } from '../../units/index.js';
import { progressReady, type ReadyOptions } from '../../protocol/arena/index.js';
import { openContextStore } from '../storage.js';
import { runAllianceDemo } from './alliance.js';
import type { DemoAlliance } from './alliance-report.js';
import { runMarketDemo, type DemoMarket } from './market.js';
import { logitsModel } from './broken.js';
import { CAST, DemoDaemons, devnetClock, openActor, TASK_STAKE, type Actor, type DemoDeps, type StepFn } from './cast.js';
import { lazyCommit, lazyReveal, LAZY_SCORE, type LazyCommit } from './lazy.js';
import { tableRows, type DemoRow } from './report.js';

export type { DemoDeps } from './cast.js';
export type { DemoRow } from './report.js';

const SPEC = join(PACKAGE_ROOT, 'examples', 'tasks', 'digits', 'task.yaml');
/** gmFLOCK each actor holds before the round (staked at lock 0 when short). */
const STAKE = 200n * 10n ** 18n;
const BOUNTY = '100';
/** The small MLP: 16 hidden units, 6 epochs (about 0.94 on the hidden split, above the 0.9 baseline). */
const MLP = { model: { kind: 'mlp' as const, hidden: [16] }, epochs: 6, batchSize: 32, learningRate: 0.01, validationFraction: 0, seed: 1 };
const WAIT_MS = 240_000;

export interface DemoResult {
  taskId: string;
  chainId: number;
  rpcUrl: string;
  metric: string;
  baseline: number;
  /** FLOCK: the task's emission and bounty (wei). */
  emission: bigint;
  bounty: bigint;
  rows: DemoRow[];
  /** The ranked models, best first, have non-increasing true scores. */
  rankingFollowsTrueScores: boolean;
  steps: { id: string; title: string; ms: number; detail?: string }[];
  /** The FL Alliance task played after the Arena round. */
  alliance: DemoAlliance;
  /** The model market after both: the Arena winner registered, served and paid per call. */
  market: DemoMarket;
  wallSeconds: number;
  logFile: string;
}


/** Runs the round; every step is reported through `emit`. */
export async function runDemo(d: DemoDeps, logFile: string): Promise<DemoResult> {
  const started = Date.now();
  const steps: DemoResult['steps'] = [];
  const step: StepFn = async (id, title, fn, detail) => {
    const t0 = Date.now();
    d.emit({ kind: 'step', id, title, status: 'running' });
    try {
      const v = await fn();
      const ms = Date.now() - t0;
      const text = detail?.(v);
      steps.push({ id, title, ms, ...(text ? { detail: text } : {}) });
      d.emit({ kind: 'step', id, title, status: 'done', detail: text, ms });
      return v;
    } catch (e) {
      d.emit({ kind: 'step', id, title, status: 'failed', detail: (e as Error).message, ms: Date.now() - t0 });
      throw e;
    }
  };

  const net = await step('devnet', 'devnet', () => d.ensureDevnet(), (n) => `${n.reused ? 'running' : 'started'} at ${n.rpcUrl}, flock ${n.deployed ? 'deployed' : 'already deployed'}`);
  const store = await openContextStore(d.ctx);
  const actors: Actor[] = [];
  const daemons = new DemoDaemons(d);
  try {
    for (const m of CAST) actors.push(await openActor(d, m, store));
    const by = (name: string) => actors.find((a) => a.name === name)!;
    const creator = actors.find((a) => a.role === 'creator')!;
    const clock = devnetClock(await creator.ctx.provider(), d.log);

    await step('stake', 'stake', () => topUpStakes(actors), (n) => (n === 0 ? 'every account already holds 200 gmFLOCK' : `${n} accounts staked 200 FLOCK (lock 0: 200 gmFLOCK)`));

    const { create } = await import('../commands/task.js');
    const created = await step(
      'create',
      'create a task',
      () => create(creator.ctx, { spec: SPEC, phase: '1h', submit: '2d', bounty: BOUNTY }),
      (c) => `task ${c.taskId}: ${c.name}, ${c.metric} above a baseline of ${c.baseline}, bounty ${BOUNTY} FLOCK; the validation set stays with alice`,
    );
    const taskId = BigInt(created.taskId);
    const client = creator.client;

    // The daemons run from here to the end of the score-reveal phase; a failure of one ends the round.
    const brokenModel = join(d.ctx.config.home, 'demo', `dave-task${taskId}.onnx`);
    const waitReady = async (what: string, o?: ReadyOptions) => {
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        if (daemons.failure) throw daemons.failure;
        const { ready, awaiting } = progressReady(await client.arena.getProgress({ taskId }), o);
        if (ready) return;
        if (Date.now() > deadline) throw new AbortError(`${what}: still waiting for ${awaiting.join(', ')}`, { code: 'DEMO_TIMEOUT', hint: `see ${logFile}` });
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const { latest, warpTo } = clock;
    const info = () => client.arena.getTaskInfo({ taskId });

    const grace = by('grace');
    await step(
      'submit',
      'submit phase: trainers train and commit, validators register',
      async () => {
        await writeBrokenModel(d, actors.find((a) => a.model === 'broken')!, taskId, brokenModel);
        for (const a of actors) {
          if (a.role === 'trainer') {
            const model = a.model === 'cnn' ? {} : a.model === 'mlp' ? { trainer: MLP } : { modelFile: brokenModel, check: false };
            daemons.watch(a, a.rt, runTrainer({ ...a.deps, taskId, stake: TASK_STAKE, ...model }));
          } else if (a.role === 'validator' && !a.lazy) {
            daemons.watch(a, a.rt, runValidator({ ...a.deps, taskId, stake: TASK_STAKE }));
          }
        }
        await grace.client.arena.register({ taskId, role: 'validator', stake: TASK_STAKE });
        d.emit({ kind: 'actor', name: grace.name, role: grace.label, text: 'registered' });
        await waitReady('the submit phase', { nodes: 3, validators: 3 });
      },
      () => '3 models committed (each kept private until the reveal phase), 3 validators registered',
    );

    await step(
      'emission',
      'a day later: release the day’s emission',
      async () => {
        await warpTo((await latest()) + 86_400);
        return client.emission.advanceEmission();
      },
      (r) => `${fromWad(r.released).toFixed(2)} FLOCK released to the gauges; the Arena's share streams to the task`,
    );

    await step(
      'reveal',
      'reveal phase: models and the validation set are revealed',
      async () => {
        await warpTo((await info()).submitEnd);
        const { publishValidationSet } = await import('../commands/task.js');
        await publishValidationSet(creator.ctx, client, taskId);
        await client.arena.revealValidationSet({ taskId, home: creator.ctx.config.home });
        await waitReady('the reveal phase');
      },
      () => 'alice revealed the validation set; bob, carol and dave revealed their models',
    );

    let lazy: LazyCommit | undefined;
    await step(
      'score-commit',
      'score-commit phase: validators score every model and commit one Merkle root each',
      async () => {
        await warpTo((await info()).revealEnd);
        lazy = await lazyCommit(d, grace, taskId);
        await waitReady('the score-commit phase');
      },
      () => `erin and frank scored every model; grace committed ${LAZY_SCORE} for each without looking`,
    );

    await step(
      'score-reveal',
      'score-reveal phase: the seed is drawn, each validator opens the scores drawn to count',
      async () => {
        await warpTo((await info()).scoreCommitEnd);
        await lazyReveal(d, grace, taskId, lazy!);
        await waitReady('the score-reveal phase');
        await daemons.all();
      },
      () => 'every counted score opened',
    );

    const t = await step(
      'finalize',
      'finalize: consensus, slashing, ranking',
      async () => {
        const end = (await client.arena.getTask({ taskId })).scoreRevealEnd;
        await warpTo(end);
        await client.arena.finalizeTask({ taskId, batch: 50 });
        return client.arena.getTask({ taskId });
      },
      (x) => `task ${x.id} ${x.phase}`,
    );

    const claims = await step('claim', 'everyone claims', async () => {
      const out = new Map<string, { reward: bigint; stake: bigint }>();
      for (const a of actors) {
        const c = await a.client.arena.claimTask({ taskId });
        out.set(a.name, { reward: c.reward + c.poolReward, stake: c.stake });
      }
      return out;
    }, (m) => `${fromWad([...m.values()].reduce((s, c) => s + c.reward, 0n)).toFixed(2)} FLOCK paid in all`);

    const rows = await step('score', 'score every model on the hidden split (what consensus should find)', () => tableRows(d, actors, claims, taskId, t));
    // The Arena's daemons are done: their runtimes (and signal handlers) go before the Alliance's come.
    for (const a of actors) a.rt.dispose();

    const alliance = await runAllianceDemo({ d, actors, store, step, clock, logFile });
    const market = await runMarketDemo({ d, actors, store, step, taskId, logFile });
    const ranked = rows.filter((r) => r.rank !== null).sort((a, b) => a.rank! - b.rank!);
    const higher = t.higherIsBetter;
    const follows = ranked.every((r, i) => i === 0 || (higher ? ranked[i - 1]!.trueScore! >= r.trueScore! - t.scoreTolerance : ranked[i - 1]!.trueScore! <= r.trueScore! + t.scoreTolerance));
    return {
      taskId: taskId.toString(),
      chainId: net.chainId,
      rpcUrl: net.rpcUrl,
      metric: t.metric,
      baseline: t.baseline,
      emission: t.accruedEmission,
      bounty: t.bounty,
      rows,
      rankingFollowsTrueScores: follows,
      steps,
      alliance,
      market,
      wallSeconds: (Date.now() - started) / 1000,
      logFile,
    };
  } finally {
    // On a failure the daemons still running stop (after their current step) before the store closes.
    await daemons.stop('the demo is over');
    for (const a of actors) a.rt.dispose();
    await store.close();
    for (const a of actors) await a.ctx.close();
  }
}


/** Stakes 200 FLOCK at lock 0 for every actor holding less than 200 gmFLOCK; how many did. */
async function topUpStakes(actors: Actor[]): Promise<number> {
  let n = 0;
  for (const a of actors) {
    if ((await a.client.contracts.gm.balanceOf(a.address)) >= STAKE) continue;
    await a.client.staking.stake({ amount: STAKE, duration: 0n });
    n++;
  }
  return n;
}


/** dave's model: a small MLP trained here and exported without its softmax, as a hasty export would be. */
async function writeBrokenModel(d: DemoDeps, dave: Actor, taskId: bigint, file: string): Promise<void> {
  const { loadTaskSpec, train, exportOnnx } = await import('../../engine/index.js');
  const { writeFileAtomic } = await import('../../files/atomic.js');
  d.emit({ kind: 'actor', name: dave.name, role: dave.label, text: 'training a small MLP, exporting it without its softmax' });
  const { spec, files } = await loadTaskSpec(SPEC);
  const r = await train({ data: files.train, schema: spec.schema, config: { ...MLP, seed: Number(taskId) + 7 } });
  try {
    writeFileAtomic(file, logitsModel(exportOnnx(r.model)));
  } finally {
    r.model.dispose();
  }
}

