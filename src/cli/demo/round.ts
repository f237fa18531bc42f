/**
 * `flock demo`: one whole Arena round on the devnet, with the devnet's named accounts as its
 * cast. Everything a user would run by hand runs here in one process, through the same code:
 * the commands' own functions (task create, reveal), the protocol actions, and the trainer and
 * validator daemons themselves (one runtime per actor, every state file in this home). Only the
 * lazy validator, which no command would play, acts through protocol actions directly.
 */
import { join } from 'node:path';
import type { ProtocolClient } from '../../protocol/client.js';
import type { Logger } from '../../log/index.js';
import type { DemoEvent } from '../../ui/demo-view.js';
import type { Context } from '../context.js';
import { PACKAGE_ROOT } from '../../devnet/anvil.js';
import { AbortError } from '../../errors/index.js';
import { DaemonRuntime, messageOf, type EventRecord } from '../../daemons/kernel/index.js';
import { runTrainer } from '../../daemons/arena/trainer.js';
import { runValidator } from '../../daemons/arena/validator.js';
import type { ArenaDaemonDeps } from '../../daemons/arena/ports.js';
import { fromWad, toWad } from '../../units/index.js';
import { progressReady, newSalt, scoreCommitment, scoreTree, SubmissionStatus, SUBMISSION_STATUSES, ZERO_LEAF, type ReadyOptions } from '../../protocol/arena/index.js';
import { arenaDaemonDeps } from '../daemon.js';
import { openProtocol } from '../protocol.js';
import { openContextStore } from '../storage.js';
import { logitsModel } from './broken.js';

export type CastRole = 'creator' | 'trainer' | 'validator';

export interface CastMember {
  /** A devnet account name (`flock devnet accounts`). */
  name: string;
  role: CastRole;
  /** What it does, in the view and the table. */
  label: string;
  model?: 'cnn' | 'mlp' | 'broken';
  lazy?: boolean;
}

/** The round's people: a creator, three trainers (one broken model), three validators (one lazy). */
export const CAST: readonly CastMember[] = [
  { name: 'alice', role: 'creator', label: 'creator' },
  { name: 'bob', role: 'trainer', label: 'trainer: CNN', model: 'cnn' },
  { name: 'carol', role: 'trainer', label: 'trainer: small MLP', model: 'mlp' },
  { name: 'dave', role: 'trainer', label: 'trainer: broken model (logits, no softmax)', model: 'broken' },
  { name: 'erin', role: 'validator', label: 'validator' },
  { name: 'frank', role: 'validator', label: 'validator' },
  { name: 'grace', role: 'validator', label: 'validator: lazy (scores 0.5 without looking)', lazy: true },
];

const SPEC = join(PACKAGE_ROOT, 'examples', 'tasks', 'digits', 'task.yaml');
/** gmFLOCK each actor holds before the round (staked at lock 0 when short). */
const STAKE = 200n * 10n ** 18n;
/** gmFLOCK each trainer and validator stakes in the task: enough for a slash to show. */
const TASK_STAKE = 50n * 10n ** 18n;
const BOUNTY = '100';
/** The small MLP: 16 hidden units, 6 epochs (about 0.94 on the hidden split, above the 0.9 baseline). */
const MLP = { model: { kind: 'mlp' as const, hidden: [16] }, epochs: 6, batchSize: 32, learningRate: 0.01, validationFraction: 0, seed: 1 };
/** What the lazy validator says of every model, without running any. */
const LAZY_SCORE = 0.5;
const POLL_SECONDS = 0.3;
const WAIT_MS = 240_000;

export interface DemoDeps {
  ctx: Context;
  /** Starts or reuses this home's devnet and deploys flock if needed. */
  ensureDevnet(): Promise<{ rpcUrl: string; chainId: number; reused: boolean; deployed: boolean }>;
  /** A context acting as a devnet account (no password on the devnet). */
  actorContext(name: string): Promise<Context>;
  /** Where the daemons' records go (the live view is drawn from events, not from logs). */
  log: Logger;
  emit(e: DemoEvent): void;
}

export interface DemoRow {
  name: string;
  address: string;
  role: CastRole;
  label: string;
  submission: string | null;
  /** SUBMISSION_STATUSES name for a trainer; 'honest' / 'lazy' for a validator; 'creator'. */
  status: string;
  /** 1-based; null when not ranked. */
  rank: number | null;
  /** The on-chain consensus score (metric units); null when none. */
  consensus: number | null;
  /** The model's score on the hidden split, computed here; null for an invalid model. */
  trueScore: number | null;
  /** FLOCK paid by the claim (wei). */
  reward: bigint;
  /** gmFLOCK staked in the task and gmFLOCK lost to slashing (wei). */
  staked: bigint;
  slashed: bigint;
}

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
  wallSeconds: number;
  logFile: string;
}

interface Actor extends CastMember {
  ctx: Context;
  client: ProtocolClient;
  address: string;
  rt: DaemonRuntime;
  deps: ArenaDaemonDeps;
}

/** Runs the round; every step is reported through `emit`. */
export async function runDemo(d: DemoDeps, logFile: string): Promise<DemoResult> {
  const started = Date.now();
  const steps: DemoResult['steps'] = [];
  const step = async <T>(id: string, title: string, fn: () => Promise<T>, detail?: (v: T) => string): Promise<T> => {
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
  try {
    for (const m of CAST) actors.push(await openActor(d, m, store));
    const by = (name: string) => actors.find((a) => a.name === name)!;
    const creator = actors.find((a) => a.role === 'creator')!;
    const provider = await creator.ctx.provider();

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
    const daemons: Promise<unknown>[] = [];
    let failure: Error | undefined;
    const watch = (a: Actor, p: Promise<unknown>) =>
      daemons.push(
        p.catch((e: Error) => {
          failure ??= e; // the daemon's own error (its code and exit status); the view says whose
          d.emit({ kind: 'actor', name: a.name, role: a.label, text: `failed: ${e.message}`, warn: true });
        }),
      );
    const waitReady = async (what: string, o?: ReadyOptions) => {
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        if (failure) throw failure;
        const { ready, awaiting } = progressReady(await client.arena.getProgress({ taskId }), o);
        if (ready) return;
        if (Date.now() > deadline) throw new AbortError(`${what}: still waiting for ${awaiting.join(', ')}`, { code: 'DEMO_TIMEOUT', hint: `see ${logFile}` });
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    // Mines one block at `end + 1` exactly (anvil's clock goes on from there). Absolute on
    // purpose: ethers serves getBlock('latest') from a 250 ms cache, and a warp by a difference
    // from a stale "now" overshot by a day (the task was past its last phase before its reveal).
    const latest = async () => Number(BigInt(((await provider.send('eth_getBlockByNumber', ['latest', false])) as { timestamp: string }).timestamp));
    const warpTo = async (end: number) => {
      const from = await latest();
      await provider.send('evm_mine', [Math.max(end, from) + 1]);
      d.log.debug({ from, to: await latest(), end }, 'warped');
    };
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
            watch(a, runTrainer({ ...a.deps, taskId, stake: TASK_STAKE, ...model }));
          } else if (a.role === 'validator' && !a.lazy) {
            watch(a, runValidator({ ...a.deps, taskId, stake: TASK_STAKE }));
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
        await Promise.all(daemons);
        if (failure) throw failure;
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
      wallSeconds: (Date.now() - started) / 1000,
      logFile,
    };
  } finally {
    for (const a of actors) a.rt.dispose();
    await store.close();
    for (const a of actors) await a.ctx.close();
  }
}

async function openActor(d: DemoDeps, m: CastMember, store: ArenaDaemonDeps['store']): Promise<Actor> {
  const ctx = await d.actorContext(m.name);
  const { client, signer, account } = await openProtocol(ctx, { sign: true });
  const rt = new DaemonRuntime({ log: d.log.child({ actor: m.name }), role: m.role === 'validator' ? 'validator' : 'trainer', pollSeconds: POLL_SECONDS, env: ctx.env });
  rt.onEvent((e) => d.emit({ kind: 'actor', name: m.name, role: m.label, text: describe(e), warn: e.level >= 40 }));
  return { ...m, ctx, client, address: account, rt, deps: await arenaDaemonDeps(ctx, rt, client, signer, store) };
}

/** A daemon event in a few words for the actor's line. */
function describe(e: EventRecord): string {
  if (e.event === 'epoch') return `training: epoch ${e.epoch}/${e.epochs}, loss ${e.loss.toFixed(3)}`;
  if (e.event === 'model-scored') return `scored model #${e.submission}: ${e.metric} ${e.score.toFixed(3)}`;
  if (e.event === 'model-invalid') return `model #${e.submission} is invalid: ${e.reason}`;
  return messageOf(e);
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

interface LazyCommit {
  tree: ReturnType<typeof scoreTree>;
  leaves: { submission: bigint; score: bigint; salt: string }[];
}

/** grace commits one root over "0.5" for every revealed model; her salts stay in memory (a demo, not a daemon). */
async function lazyCommit(d: DemoDeps, a: Actor, taskId: bigint): Promise<LazyCommit> {
  const subs = await a.client.arena.getSubmissions({ taskId });
  const score = toWad(LAZY_SCORE);
  const leaves: string[] = [];
  const mine: { submission: bigint; score: bigint; salt: string }[] = [];
  for (const s of subs) {
    if (s.status !== SubmissionStatus.Revealed) {
      leaves.push(ZERO_LEAF);
      continue;
    }
    const salt = newSalt();
    leaves.push(scoreCommitment(taskId, s.id, a.address, score, false, salt));
    mine.push({ submission: s.id, score, salt });
  }
  const tree = scoreTree(leaves);
  await a.client.arena.commitScores({ taskId, root: tree.root });
  d.emit({ kind: 'actor', name: a.name, role: a.label, text: `scores committed (${LAZY_SCORE} for each of ${mine.length} models)` });
  return { tree, leaves: mine };
}

async function lazyReveal(d: DemoDeps, a: Actor, taskId: bigint, { tree, leaves: mine }: LazyCommit): Promise<void> {
  const { index } = await a.client.arena.getParticipant({ taskId, account: a.address });
  const t = await a.client.arena.getTaskInfo({ taskId });
  if (t.committerCount > t.sampleSize && t.seed === 0n) await a.client.arena.drawSeed({ taskId });
  const openings = [];
  for (const x of mine) {
    const { counted } = await a.client.arena.getAssignment({ taskId, submissionId: x.submission, validatorIndex: index });
    if (counted) openings.push({ submissionId: x.submission, score: x.score, invalid: false, salt: x.salt, proof: tree.proof(Number(x.submission)) });
  }
  if (openings.length > 0) await a.client.arena.revealScores({ taskId, openings });
  d.emit({ kind: 'actor', name: a.name, role: a.label, text: `opened ${openings.length} counted scores` });
}

/** The table: each actor's part, claim and loss, with each model's true score on the hidden split. */
async function tableRows(
  d: DemoDeps,
  actors: Actor[],
  claims: Map<string, { reward: bigint; stake: bigint }>,
  taskId: bigint,
  t: Awaited<ReturnType<ProtocolClient['arena']['getTask']>>,
): Promise<DemoRow[]> {
  const client = actors[0]!.client;
  const [{ fetchManifest }, { evaluateModel, loadEvaluationData }, { readSecrets, keptValidationPath }] = await Promise.all([
    import('../../tasks/manifest.js'),
    import('../../engine/index.js'),
    import('../../tasks/secrets.js'),
  ]);
  const store = await openContextStore(d.ctx);
  try {
    const manifest = await fetchManifest(store, t.dataCID);
    const secrets = readSecrets(d.ctx.config.home, client.record.chainId, taskId);
    const data = await loadEvaluationData(keptValidationPath(d.ctx.config.home, client.record.chainId, secrets.validationCID), manifest.spec.schema);
    const subs = await client.arena.getSubmissions({ taskId });
    const rows: DemoRow[] = [];
    for (const a of actors) {
      const claim = claims.get(a.name) ?? { reward: 0n, stake: 0n };
      const base = { name: a.name, address: a.address, role: a.role, label: a.label, reward: claim.reward };
      if (a.role === 'creator') {
        rows.push({ ...base, submission: null, status: 'creator', rank: null, consensus: null, trueScore: null, staked: t.creatorStake, slashed: t.creatorStake - claim.stake });
        continue;
      }
      if (a.role === 'validator') {
        rows.push({ ...base, submission: null, status: a.lazy ? 'lazy' : 'honest', rank: null, consensus: null, trueScore: null, staked: TASK_STAKE, slashed: TASK_STAKE - claim.stake });
        continue;
      }
      const s = subs.find((x) => x.account.toLowerCase() === a.address.toLowerCase())!;
      const ev = s.modelCID ? await evaluateModel(await store.get(s.modelCID), { contract: manifest.spec.contract, metric: manifest.spec.metric.name, data }) : undefined;
      const status = SUBMISSION_STATUSES[s.status]!;
      const scored = status === 'ranked' || status === 'eligible' || status === 'below-baseline';
      rows.push({
        ...base,
        submission: s.id.toString(),
        status,
        rank: status === 'ranked' ? Number(s.rank) + 1 : null,
        consensus: scored ? orient(fromWad(s.consensus), t.higherIsBetter) : null,
        trueScore: ev?.valid ? ev.score : null,
        staked: TASK_STAKE,
        slashed: TASK_STAKE - claim.stake,
      });
    }
    return rows;
  } finally {
    await store.close();
  }
}

/** The contract orients consensus so that higher is better; a lower-is-better metric is stored negated. */
function orient(v: number, higherIsBetter: boolean): number {
  return higherIsBetter ? v : -v;
}
