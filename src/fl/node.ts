/**
 * An Alliance node's work in a round, off chain and knowing nothing of it: split the private data
 * file once into a local train and test part (kept in the node's own folder), train an update from
 * the global model as a proposer (clipped and noised when the task asks), and, as a voter,
 * aggregate the round's updates exactly as every other voter does, score the aggregate against the
 * previous global model on the local test part, and say which updates to blame. The daemon
 * (daemons/alliance) calls these; raw data never leaves the functions but as model weights.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  evaluateModel,
  exportOnnx,
  loadEvaluationData,
  TabularDataset,
  train,
  trainableInitializers,
  type BackendChoice,
  type DataSchema,
  type MetricName,
  type ModelContract,
  type TrainerConfigInput,
} from '../engine/index.js';
import { rowHash } from '../engine/data/split.js';
import { mkdirPrivate } from '../files/dirs.js';
import { cidOf } from '../storage/cid.js';
import { aggregateModels } from './aggregate.js';
import { readModel, writeAggregate } from './model.js';
import { addGaussianNoise, clipUpdate } from './privacy/index.js';
import type { RuleName, UpdateSignal } from './strategies/types.js';
import { readGlobal } from './validate.js';
import { flatten, unflatten } from './vector.js';

/** Share of a node's rows kept as its local test part. */
export const LOCAL_TEST_FRACTION = 0.2;

/**
 * An update is blamed when its distance to the coordinate-wise median of the round's valid
 * updates exceeds this many times the median of those distances: honest updates on skewed data
 * differ by a small factor, a scaled or flipped one by an order of magnitude (docs/BENCHMARKS.md,
 * "Poisoning"). Needs three valid updates; an invalid update is always blamed.
 */
export const BLAME_FACTOR = 3;

export interface LocalData {
  train: string;
  test: string;
  trainRows: number;
  testRows: number;
}

/**
 * Splits the node's data file by a seeded row hash into `dir`/train.csv and `dir`/test.csv (0600,
 * the folder 0700): the same file and seed give the same split after a restart. From two rows on,
 * neither part is empty (a voter scores on the test part, a proposer trains on the train part): if
 * the hashes sent every row one way, the row with the lowest (highest) hash goes to test (train).
 */
export async function splitLocalData(file: string, schema: DataSchema, dir: string, seed: number): Promise<LocalData> {
  const ds = await TabularDataset.open(file, schema);
  const all = await ds.load('all');
  const f = ds.featureSize;
  const header = [...ds.schema.features, ds.schema.label].join(',');
  const train = [header];
  const test = [header];
  const hashes = Array.from({ length: all.size }, (_, i) => rowHash(i, seed));
  const toTest = hashes.map((h) => h < LOCAL_TEST_FRACTION);
  if (all.size >= 2) {
    const extreme = (better: (a: number, b: number) => boolean) => hashes.reduce((best, h, i) => (better(h, hashes[best]!) ? i : best), 0);
    if (!toTest.includes(true)) toTest[extreme((a, b) => a < b)] = true;
    if (!toTest.includes(false)) toTest[extreme((a, b) => a > b)] = false;
  }
  for (let i = 0; i < all.size; i++) {
    const line = `${Array.from(all.x.subarray(i * f, (i + 1) * f)).join(',')},${all.y[i]}`;
    (toTest[i] ? test : train).push(line);
  }
  mkdirPrivate(dir);
  chmodSync(dir, 0o700);
  const write = (name: string, lines: string[]) => {
    const p = path.join(dir, name);
    writeFileSync(p, `${lines.join('\n')}\n`, { mode: 0o600 });
    return p;
  };
  return { train: write('train.csv', train), test: write('test.csv', test), trainRows: train.length - 1, testRows: test.length - 1 };
}

export interface ProposeOptions {
  global: Uint8Array;
  schema: DataSchema;
  /** The task's trainer settings; epochs, seed and validationFraction are set here. */
  trainer: TrainerConfigInput;
  data: LocalData;
  epochs: number;
  seed: number;
  /** Clip the change to L2 norm `clip` and add N(0, (noise * clip)^2) to every trainable weight. */
  privacy?: { clip: number; noise: number };
  backend?: BackendChoice;
  signal?: AbortSignal;
}

export interface Proposal {
  bytes: Uint8Array;
  cid: string;
  examples: number;
  /** The last epoch's training loss. */
  loss: number | undefined;
}

/**
 * Trains the node's update from the global model on its local train part. With privacy, every
 * update a voter sees is clipped and noised on its own (noise multiplier z per update: voters see
 * each update, not only their mean).
 */
export async function proposeUpdate(o: ProposeOptions): Promise<Proposal> {
  const r = await train({ data: o.data.train, schema: o.schema, config: { ...o.trainer, epochs: o.epochs, validationFraction: 0, seed: o.seed }, initialOnnx: o.global, backend: o.backend, signal: o.signal });
  let bytes: Uint8Array;
  try {
    bytes = exportOnnx(r.model);
    if (o.privacy) {
      const trainable = new Set(trainableInitializers(r.model));
      const g = readGlobal(o.global);
      const model = readModel(bytes);
      const clipped = clipUpdate(new Map([['w', flatten(model, g.layout)]]), new Map([['w', g.vector]]), o.privacy.clip).weights.get('w')!;
      const values = unflatten(clipped, g.layout);
      const noised = addGaussianNoise(new Map([...values].filter(([name]) => trainable.has(name))), o.privacy.noise * o.privacy.clip);
      bytes = writeAggregate(model, new Map([...values].map(([name, v]) => [name, noised.get(name) ?? v])));
    }
  } finally {
    r.model.dispose();
  }
  return { bytes, cid: cidOf(bytes), examples: o.data.trainRows, loss: r.history.at(-1)?.loss };
}

export interface ScoreOptions {
  model: Uint8Array;
  contract: ModelContract;
  metric: MetricName;
  schema: DataSchema;
  /** The node's local test part. */
  test: string;
}

/**
 * Scores one model on the node's local test part, as a voter scores the global models (the
 * daemon's per-round score of the global model a settled round left). Throws with the reason when
 * the model fails the task's contract or the data cannot be read.
 */
export async function scoreOnLocalTest(o: ScoreOptions): Promise<number> {
  const data = await loadEvaluationData(o.test, o.schema);
  const r = await evaluateModel(o.model, { contract: o.contract, metric: o.metric, data });
  if (!r.valid) throw new Error(r.reason);
  return r.score;
}

export interface RoundUpdate {
  /** The proposer's index in the round (its bit in a blame mask). */
  index: number;
  cid: string;
  bytes: Uint8Array;
  examples: number;
}

export interface VoteOptions {
  global: Uint8Array;
  updates: readonly RoundUpdate[];
  rule: RuleName;
  f?: number;
  m?: number;
  beta?: number;
  maxNorm?: number;
  contract: ModelContract;
  metric: MetricName;
  schema: DataSchema;
  /** The node's local test part. */
  test: string;
}

export interface Verdict {
  aggregate: { bytes: Uint8Array; cid: string } | null;
  /** Scores on the local test part (null: the model could not be scored). */
  previousScore: number | null;
  newScore: number | null;
  /** Indexes of the updates blamed, ascending. */
  blamed: number[];
  /** Why each rejected update was refused. */
  rejected: { index: number; reason: string }[];
  signals: { index: number; kept: boolean; distanceToMedian?: number; krumScore?: number; norm?: number }[];
}

/**
 * Aggregates the round's updates with the task's rule (bit for bit as every voter: ordered by CID,
 * float64 accumulation; see aggregate.ts), scores the previous and the new global model on the
 * local test part, and blames the rejected updates and the outliers ({@link BLAME_FACTOR}).
 */
export async function voteOnUpdates(o: VoteOptions): Promise<Verdict> {
  const byCid = new Map(o.updates.map((u) => [u.cid, u]));
  const data = await loadEvaluationData(o.test, o.schema);
  const score = async (bytes: Uint8Array) => {
    const r = await evaluateModel(bytes, { contract: o.contract, metric: o.metric, data });
    return r.valid ? r.score : null;
  };
  const previousScore = await score(o.global);
  let agg;
  try {
    agg = aggregateModels(o.global, o.updates.map((u) => ({ id: u.cid, bytes: u.bytes, examples: u.examples })), { rule: o.rule, f: o.f, m: o.m, beta: o.beta, maxNorm: o.maxNorm });
  } catch (e) {
    // Nothing usable (every update invalid, or too few for the rule): no aggregate, blame the invalid ones.
    const reason = (e as Error).message;
    return { aggregate: null, previousScore, newScore: null, blamed: [], rejected: o.updates.map((u) => ({ index: u.index, reason })), signals: [] };
  }
  const rejected = agg.signals.flatMap((s) => (s.rejected === undefined ? [] : [{ index: byCid.get(s.id)!.index, reason: s.rejected }]));
  const valid = agg.signals.filter((s): s is UpdateSignal => s.rejected === undefined);
  const distances = valid.map((s) => s.distanceToMedian).sort((a, b) => a - b);
  const mid = distances.length >> 1;
  const typical = distances.length === 0 ? 0 : distances.length % 2 ? distances[mid]! : (distances[mid - 1]! + distances[mid]!) / 2;
  const outliers = valid.length >= 3 ? valid.filter((s) => s.distanceToMedian > BLAME_FACTOR * typical).map((s) => byCid.get(s.id)!.index) : [];
  return {
    aggregate: { bytes: agg.bytes, cid: agg.cid },
    previousScore,
    newScore: await score(agg.bytes),
    blamed: [...new Set([...rejected.map((r) => r.index), ...outliers])].sort((a, b) => a - b),
    rejected,
    signals: agg.signals.map((s) => ({ index: byCid.get(s.id)!.index, kept: s.rejected === undefined && s.kept, ...(s.rejected === undefined ? { distanceToMedian: s.distanceToMedian, krumScore: s.krumScore, norm: s.norm } : {}) })),
  };
}
