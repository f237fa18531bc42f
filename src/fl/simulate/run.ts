/**
 * An in-process federated run on a task's shipped data, the engine's federated path end to end:
 * the task's training file is split across N clients (seeded), each round every sampled client
 * trains E local epochs from the global ONNX model (warm start), sends its update (honest,
 * poisoned, or clipped for DP), the rule aggregates them (aggregateModels, as an Alliance voter
 * would), and the new global model is scored on the task's hidden split. Only the DP noise is not
 * reproducible: it comes from the OS CSPRNG, as on a real proposer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AbortError } from '../../errors/index.js';
import { writeFileAtomic } from '../../files/atomic.js';
import {
  evaluateModel,
  exportOnnx,
  initialModel,
  loadEvaluationData,
  loadTaskSpec,
  metricDirection,
  TabularDataset,
  train,
  trainableInitializers,
  type BackendChoice,
  type EvaluationData,
  type LoadedTask,
  type MetricName,
  type TrainerConfigInput,
} from '../../engine/index.js';
import { deriveSeed, permutation } from '../../engine/random.js';
import { aggregateModels, type ModelUpdate } from '../aggregate.js';
import { readModel, writeAggregate } from '../model.js';
import { addGaussianNoise, clipUpdate, noiseStd, PrivacyAccountant } from '../privacy/index.js';
import { STRATEGIES } from '../strategies/index.js';
import type { RuleName, StrategyOptions, UpdateSignal, RejectedSignal } from '../strategies/types.js';
import { cidOf } from '../../storage/cid.js';
import { readGlobal } from '../validate.js';
import { flatten, unflatten } from '../vector.js';
import { poison, type AttackKind } from './attack.js';
import { splitRows, type SplitKind } from './split.js';

export interface SimulationOptions extends StrategyOptions {
  /** A task.yaml with a training file and a hidden validation file. */
  task: string;
  clients: number;
  rounds: number;
  rule: RuleName;
  split: SplitKind;
  /** label-skew: Dirichlet concentration (default 0.5). */
  alpha?: number;
  /** Seeds the split, the clients' training and the attack (default 1). */
  seed?: number;
  /** Local epochs per round (default 1). */
  localEpochs?: number;
  /** Share of clients sampled each round (default 1: all). */
  fraction?: number;
  /** The first `clients` of a seeded draw are malicious. */
  poison?: { clients: number; attack: AttackKind; strength?: number };
  /** Clipping norm C and noise multiplier z (FedAvg only: the noise is calibrated to a mean). */
  dp?: { clip: number; noise: number; delta?: number };
  /** Updates whose change has a larger L2 norm are rejected. */
  maxNorm?: number;
  /** Overrides of the task's trainer config (model, batch size, learning rate), for experiments. */
  trainer?: Partial<TrainerConfigInput>;
  /**
   * Writes every round's files under this folder: round-<r>/global.onnx (the model the round
   * started from), round-<r>/<client>.onnx (each update as sent), round-<r>/aggregate.onnx, and
   * the final global.onnx. `flock fl aggregate` over a round's files gives its aggregate again.
   */
  save?: string;
  /** Also train the same model centrally on all the clients' rows for rounds x localEpochs epochs. */
  central?: boolean;
  backend?: BackendChoice;
  onRound?: (round: RoundReport) => void;
  signal?: AbortSignal;
}

export interface RoundReport {
  /** 0 is the initial model. */
  round: number;
  /** The global model's score on the hidden split; null when the model is invalid (see `invalid`). */
  score: number | null;
  invalid?: string;
  /** Clients sampled, updates the rule aggregated, updates kept in the aggregate. */
  sampled: number;
  aggregated: number;
  kept: number;
  /** Sampled clients whose update did not reach the rule, and why: training failed, or the same bytes as another client's. */
  dropped: string[];
  /** Malicious clients sampled this round, and the same number of updates the signals blame most. */
  poisoners: string[];
  flagged: string[];
  /** Whether `flagged` is exactly `poisoners` (when any were sampled). */
  caught?: boolean;
  /** Why the global model did not change this round (no update could be aggregated). */
  skipped?: string;
  /** Privacy spent so far (DP runs). */
  epsilon?: number;
  cid: string;
  durationMs: number;
}

export interface SimulationResult {
  task: string;
  metric: MetricName;
  direction: 'higher' | 'lower';
  rule: RuleName;
  split: SplitKind;
  clients: { name: string; rows: number; malicious: boolean }[];
  rounds: RoundReport[];
  final: number | null;
  central?: { score: number | null; epochs: number };
  privacy?: { epsilon: number; delta: number; order: number; sampleRate: number; noiseMultiplier: number; clip: number };
  /** Share of rounds with poisoners in which the signals singled out exactly them. */
  caughtShare?: number;
  durationMs: number;
}

const bad = (message: string, hint: string): AbortError => new AbortError(message, { code: 'FL_BAD_PARAMETER', hint });

function checkOptions(o: SimulationOptions): void {
  const whole = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!whole(o.clients, 1)) throw bad(`--clients ${o.clients} must be a whole number >= 1`, 'e.g. --clients 10');
  if (!whole(o.rounds, 1)) throw bad(`--rounds ${o.rounds} must be a whole number >= 1`, 'e.g. --rounds 20');
  if (o.localEpochs !== undefined && !whole(o.localEpochs, 1)) throw bad(`--local-epochs ${o.localEpochs} must be a whole number >= 1`, 'e.g. --local-epochs 1');
  if (o.fraction !== undefined && !(o.fraction > 0 && o.fraction <= 1)) throw bad(`--fraction ${o.fraction} must be in (0, 1]`, 'e.g. --fraction 0.5 samples half the clients each round');
  if (o.poison && !(whole(o.poison.clients, 1) && o.poison.clients < o.clients)) {
    throw bad(`--poison ${o.poison.clients} must be a whole number from 1 to clients - 1 (${o.clients - 1})`, 'e.g. --poison 2 --clients 10');
  }
  if (o.poison?.strength !== undefined && !(o.poison.strength > 0 && Number.isFinite(o.poison.strength))) throw bad(`--attack-strength ${o.poison.strength} must be a positive number`, 'e.g. --attack-strength 10');
  if (o.dp) {
    if (o.rule !== 'fedavg') throw bad(`DP noise is calibrated to a mean of clipped updates; --rule ${o.rule} is not one`, 'use --rule fedavg with --dp-clip and --dp-noise');
    if (!(o.dp.clip > 0 && Number.isFinite(o.dp.clip))) throw bad(`--dp-clip ${o.dp.clip} must be a positive number`, 'e.g. --dp-clip 1');
    if (!(o.dp.noise >= 0 && Number.isFinite(o.dp.noise))) throw bad(`--dp-noise ${o.dp.noise} must be a number >= 0`, 'e.g. --dp-noise 1.1');
    const d = o.dp.delta ?? 1e-5;
    if (!(d > 0 && d < 1)) throw bad(`--dp-delta ${d} must be in (0, 1)`, 'e.g. --dp-delta 1e-5');
  }
}

/**
 * Runs the rule once on `count` one-parameter updates, so its own checks (Bulyan's n >= 4f + 3,
 * MultiKrum's m, the trimmed mean's beta) fail before any training rather than after round 1.
 */
function checkRule(o: SimulationOptions, count: number): void {
  const updates = Array.from({ length: count }, (_, i) => ({ id: String(i).padStart(8, '0'), weights: Float32Array.of(i), examples: 1 }));
  STRATEGIES[o.rule].aggregate(new Float32Array(1), updates, o);
}

async function loadTask(file: string): Promise<LoadedTask & { validation: string }> {
  let t: LoadedTask;
  try {
    t = await loadTaskSpec(file);
  } catch (cause) {
    throw new AbortError(`cannot use ${file}: ${(cause as Error).message}`, { code: 'FL_BAD_TASK', hint: 'pass a task.yaml, e.g. examples/tasks/digits/task.yaml', cause });
  }
  if (!t.files.validation) throw new AbortError(`${file} names no validation file to score the global model on`, { code: 'FL_BAD_TASK', hint: 'add data.validation to the task.yaml' });
  return { ...t, validation: t.files.validation };
}

/** Writes each client's rows to its own CSV file (the client's private data) and returns the paths. */
function writeClientFiles(dir: string, ds: TabularDataset, x: Float32Array, y: Float32Array, parts: number[][]): string[] {
  const f = ds.featureSize;
  const header = [...ds.schema.features, ds.schema.label].join(',');
  return parts.map((rows, c) => {
    const lines = [header];
    for (const i of rows) lines.push(`${Array.from(x.subarray(i * f, (i + 1) * f)).join(',')},${y[i]}`);
    const file = path.join(dir, `client-${c + 1}.csv`);
    writeFileSync(file, lines.join('\n') + '\n');
    return file;
  });
}

/**
 * The `count` updates the signals blame most: rejected first, then by Krum score (over all the
 * round's updates) where the rule computes one, else by distance to the coordinate-wise median.
 * Not "not kept": Bulyan set up for fewer attackers than there are can keep one in its selection
 * while the Krum scores still point at both.
 */
function mostBlamed(signals: readonly (UpdateSignal | RejectedSignal)[], count: number): string[] {
  const blame = (s: UpdateSignal | RejectedSignal) => [s.rejected === undefined ? 0 : 1, s.krumScore ?? 0, s.distanceToMedian ?? 0] as const;
  return [...signals]
    .sort((a, b) => {
      const [ra, ka, da] = blame(a);
      const [rb, kb, db] = blame(b);
      return rb - ra || kb - ka || db - da;
    })
    .slice(0, count)
    .map((s) => s.id);
}

/**
 * Runs the simulation; reports each round through `onRound` as it ends.
 *
 * @example
 * const r = await simulate({ task: 'examples/tasks/digits/task.yaml', clients: 10, rounds: 20, rule: 'median', split: 'iid' });
 * console.log(r.final);
 */
export async function simulate(o: SimulationOptions): Promise<SimulationResult> {
  const started = performance.now();
  checkOptions(o);
  const perRound = Math.max(1, Math.round((o.fraction ?? 1) * o.clients));
  checkRule(o, perRound);
  const seed = o.seed ?? 1;
  const localEpochs = o.localEpochs ?? 1;
  const task = await loadTask(o.task);
  const spec = task.spec;
  const metric = spec.metric.name;
  const direction = spec.metric.direction ?? metricDirection(metric);
  const { earlyStopping: _es, ...trainer } = { ...spec.trainer, ...o.trainer } as TrainerConfigInput & { earlyStopping?: unknown };
  const config = (s: number, epochs: number): TrainerConfigInput => ({ ...trainer, epochs, validationFraction: 0, seed: s });

  const ds = await TabularDataset.open(task.files.train, spec.schema);
  const all = await ds.load('all');
  if (o.split === 'label-skew' && spec.schema.taskType !== 'classification') throw bad(`--split label-skew needs classes; ${spec.name} is a regression task`, 'use --split iid');
  const labels = spec.schema.taskType === 'classification' ? all.y : new Float32Array(all.size);
  let parts: number[][];
  try {
    parts = splitRows(labels, o.clients, { kind: o.split, seed, alpha: o.alpha });
  } catch (e) {
    throw bad((e as Error).message, 'use fewer clients or a larger alpha');
  }
  const names = parts.map((_, c) => `client-${String(c + 1).padStart(String(o.clients).length, '0')}`);
  const malicious = new Set(o.poison ? [...permutation(o.clients, deriveSeed(seed, 7))].slice(0, o.poison.clients) : []);
  const hidden: EvaluationData = await loadEvaluationData(task.validation, spec.schema);
  const score = async (bytes: Uint8Array): Promise<{ score: number | null; invalid?: string }> => {
    const r = await evaluateModel(bytes, { contract: spec.contract, metric, data: hidden });
    return r.valid ? { score: r.score } : { score: null, invalid: r.reason };
  };

  const dir = mkdtempSync(path.join(tmpdir(), 'flock-fl-sim-'));
  try {
    const files = writeClientFiles(dir, ds, all.x, all.y, parts);
    // Round 0: the architecture with seeded weights; its normalisation from the task's training file.
    const init = await initialModel({ data: task.files.train, schema: spec.schema, config: config(seed, 1), backend: o.backend });
    let global = exportOnnx(init);
    const trainable = new Set(trainableInitializers(init));
    const batchNorm = init.layers.some((l) => l.getClassName() === 'BatchNormalization');
    init.dispose();
    // Batch-norm statistics change with the data but are no trainable weight: clipping and noise would not cover them.
    if (o.dp && batchNorm) throw bad('DP cannot cover this model: its batch-norm statistics carry the clients’ data unclipped and unnoised', 'use a trainer config without batchNorm for a DP run');

    const accountant = o.dp ? new PrivacyAccountant() : undefined;
    const sampleRate = perRound / o.clients;
    const first = await score(global);
    const rounds: RoundReport[] = [{ round: 0, ...first, sampled: 0, aggregated: 0, kept: 0, dropped: [], poisoners: [], flagged: [], cid: '', durationMs: 0 }];
    o.onRound?.(rounds[0]!);

    for (let round = 1; round <= o.rounds; round++) {
      const t0 = performance.now();
      const g = readGlobal(global);
      const sampled = [...permutation(o.clients, deriveSeed(seed, 11, round))].slice(0, perRound).sort((a, b) => a - b);
      const updates: ModelUpdate[] = [];
      const nameOf = new Map<string, string>();
      const dropped: string[] = [];
      for (const c of sampled) {
        if (o.signal?.aborted) throw new AbortError('the simulation was interrupted', { code: 'INTERRUPTED' });
        let local: Uint8Array;
        try {
          const r = await train({ data: files[c]!, schema: spec.schema, config: config(deriveSeed(seed, round, c), localEpochs), backend: o.backend, initialOnnx: global, signal: o.signal });
          local = exportOnnx(r.model);
          r.model.dispose();
        } catch (e) {
          if (o.signal?.aborted) throw new AbortError('the simulation was interrupted', { code: 'INTERRUPTED' });
          dropped.push(`${names[c]}: ${(e as Error).message}`);
          continue;
        }
        const model = readModel(local);
        let weights = flatten(model, g.layout);
        if (malicious.has(c)) weights = poison(g.vector, weights, o.poison!.attack, o.poison!.strength ?? 10, deriveSeed(seed, 13, round, c));
        else if (o.dp) weights = clipUpdate(new Map([['w', weights]]), new Map([['w', g.vector]]), o.dp.clip).weights.get('w')!;
        const bytes = writeAggregate(model, unflatten(weights, g.layout));
        // Named by CID, as on chain, so `flock fl aggregate` over the same files orders them the same way.
        const id = cidOf(bytes);
        // Two clients can send the same bytes (e.g. from a dead model nothing moves); a round takes an update once.
        if (nameOf.has(id)) {
          dropped.push(`${names[c]}: the same update as ${nameOf.get(id)}`);
          continue;
        }
        nameOf.set(id, names[c]!);
        // Under DP every update weighs the same: the noise is calibrated to a plain mean of clipped updates.
        updates.push({ id, bytes, examples: o.dp ? 1 : parts[c]!.length });
      }
      if (o.save) {
        const at = path.join(o.save, `round-${round}`);
        writeFileAtomic(path.join(at, 'global.onnx'), global, { mode: 0o644 });
        for (const u of updates) writeFileAtomic(path.join(at, `${nameOf.get(u.id!)}.onnx`), u.bytes, { mode: 0o644 });
      }
      const poisoners = sampled.filter((c) => malicious.has(c)).map((c) => names[c]!);
      let report: Omit<RoundReport, 'score' | 'invalid' | 'durationMs'>;
      try {
        if (updates.length === 0) throw new AbortError('no sampled client sent a usable update', { code: 'FL_ALL_REJECTED' });
        const agg = aggregateModels(global, updates, { rule: o.rule, beta: o.beta, f: o.f, m: o.m, maxNorm: o.maxNorm });
        let next = agg.bytes;
        if (o.dp) {
          const m = readModel(next);
          const std = noiseStd(o.dp.noise, o.dp.clip, agg.signals.filter((s) => s.kept).length);
          const noised = addGaussianNoise(new Map(m.tensors.filter((t) => trainable.has(t.name)).map((t) => [t.name, t.values])), std);
          next = writeAggregate(m, new Map(m.tensors.map((t) => [t.name, noised.get(t.name) ?? t.values])));
          // Priced as a subsampled Gaussian at q = sampled / clients (a fixed-size draw, as Flower
          // samples; the accountant's analysis is for Poisson sampling, the usual approximation).
          accountant!.addRound({ sampleRate, noiseMultiplier: o.dp.noise });
        }
        global = next;
        if (o.save) writeFileAtomic(path.join(o.save, `round-${round}`, 'aggregate.onnx'), next, { mode: 0o644 });
        const flagged = mostBlamed(agg.signals, poisoners.length).map((id) => nameOf.get(id)!).sort();
        report = {
          round,
          sampled: sampled.length,
          aggregated: agg.signals.filter((s) => s.rejected === undefined).length,
          kept: agg.signals.filter((s) => s.kept).length,
          dropped,
          poisoners,
          flagged,
          ...(poisoners.length > 0 ? { caught: flagged.join() === [...poisoners].sort().join() } : {}),
          cid: o.dp ? cidOf(next) : agg.cid,
        };
      } catch (e) {
        // A round can lose clients (failed training, duplicates, rejected updates) and skip; a rule that cannot
        // work with every sampled client present is a bad flag, reported at once.
        if (!(e instanceof AbortError) || !['FL_ALL_REJECTED', 'FL_TOO_FEW_UPDATES'].includes(e.code)) throw e;
        if (e.code === 'FL_TOO_FEW_UPDATES' && dropped.length === 0 && updates.length === sampled.length) throw e;
        report = { round, sampled: sampled.length, aggregated: 0, kept: 0, dropped, poisoners, flagged: [], skipped: e.message, cid: rounds[round - 1]!.cid };
      }
      const r: RoundReport = {
        ...report,
        ...(await score(global)),
        ...(accountant ? { epsilon: accountant.spent(o.dp!.delta ?? 1e-5).epsilon } : {}),
        durationMs: performance.now() - t0,
      };
      rounds.push(r);
      o.onRound?.(r);
    }

    if (o.save) writeFileAtomic(path.join(o.save, 'global.onnx'), global, { mode: 0o644 });
    let central: SimulationResult['central'];
    if (o.central) {
      const epochs = o.rounds * localEpochs;
      const r = await train({ data: task.files.train, schema: spec.schema, config: config(seed, epochs), backend: o.backend, signal: o.signal });
      const bytes = exportOnnx(r.model);
      r.model.dispose();
      central = { score: (await score(bytes)).score, epochs };
    }
    const attacked = rounds.filter((r) => r.caught !== undefined);
    const spent = accountant?.spent(o.dp!.delta ?? 1e-5);
    return {
      task: spec.name,
      metric,
      direction,
      rule: o.rule,
      split: o.split,
      clients: names.map((name, c) => ({ name, rows: parts[c]!.length, malicious: malicious.has(c) })),
      rounds,
      final: rounds[rounds.length - 1]!.score,
      ...(central ? { central } : {}),
      ...(spent ? { privacy: { epsilon: spent.epsilon, delta: o.dp!.delta ?? 1e-5, order: spent.order, sampleRate, noiseMultiplier: o.dp!.noise, clip: o.dp!.clip } } : {}),
      ...(attacked.length > 0 ? { caughtShare: attacked.filter((r) => r.caught).length / attacked.length } : {}),
      durationMs: performance.now() - started,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
