/**
 * How a trainer produces its model: download the training data (verified), train with the engine
 * (or take --model), export ONNX, check it against the task's model contract, and keep it in the
 * work folder (0600) under its locally computed CID. Nothing is uploaded here.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdirPrivate } from '../../files/dirs.js';
import type { BackendChoice, TrainerConfigInput } from '../../engine/index.js';
import { AbortError } from '../../errors/index.js';
import { writeFileAtomic } from '../../files/atomic.js';
import { cidOf } from '../../storage/cid.js';
import { fetchManifest } from '../../tasks/manifest.js';
import type { Reporter } from '../kernel/index.js';
import { read, workDir, type TaskAccess } from './common.js';

/** The model a trainer committed to, kept locally until its reveal. */
export interface KeptModel {
  cid: string;
  size: number;
  /** Absent in state files of trainers that uploaded before committing. */
  file?: string;
  trainScore?: number;
  metric?: string;
  source: 'trained' | 'file';
}

export interface ModelOptions {
  /** Overrides of the task's suggested trainer config. */
  trainer?: Partial<TrainerConfigInput>;
  backend?: BackendChoice;
  /** Submit this ONNX file instead of training. */
  modelFile?: string;
  /** Check the model against the task's contract before committing to it (default true). */
  check?: boolean;
}

export type ModelContext = TaskAccess & { report: Reporter; o: ModelOptions };

/**
 * The task's suggested trainer config under this node's own, with a seed of this node's own
 * (from its address and the task) unless its config pins one: every node training the suggested
 * config with the suggested seed would produce the byte-identical model, and two nodes would tie
 * for first without either having done anything.
 *
 * @example
 * trainingConfig({ model: { kind: 'mlp' }, seed: 1 }, undefined, '0x7099…', 1n).seed // not 1
 */
export function trainingConfig(suggested: Partial<TrainerConfigInput> | undefined, own: Partial<TrainerConfigInput> | undefined, account: string, taskId: bigint): TrainerConfigInput {
  const seed = own?.seed ?? nodeSeed(account, taskId);
  return { ...(suggested ?? {}), ...(own ?? {}), seed } as TrainerConfigInput;
}

/** 31 bits of sha256(account, task): mulberry32 takes a 32-bit seed. */
function nodeSeed(account: string, taskId: bigint): number {
  return createHash('sha256').update(`${account.toLowerCase()}:${taskId}`).digest().readUInt32BE(0) >>> 1;
}

/**
 * Trains (or reads --model), checks against the contract, computes the CID and writes the ONNX
 * bytes atomically into the work folder (mode 0600); nothing is uploaded. Undefined when stopped.
 */
export async function produceModel(c: ModelContext): Promise<KeptModel | undefined> {
  const { o, report } = c;
  const t = await read(c, 'task', () => c.arena.getTaskInfo({ taskId: c.taskId }));
  const manifest = await fetchManifest(c.store, t.dataCID);
  const spec = manifest.spec;
  const work = workDir(c);
  mkdirPrivate(work);
  const trainFile = join(work, manifest.trainName.replace(/[^\w.-]/g, '_') || 'train.data');
  await c.store.getToFile(manifest.train, trainFile);
  report.emit({ event: 'data-ready', cid: manifest.train, file: trainFile });

  const engine = await import('../../engine/index.js');
  let bytes: Uint8Array;
  let source: 'trained' | 'file';
  if (o.modelFile) {
    bytes = new Uint8Array(readFileSync(o.modelFile));
    source = 'file';
  } else {
    const config = trainingConfig(spec.trainer, o.trainer, c.chain.address, c.taskId);
    if (!config.model) {
      throw new AbortError(`task ${c.taskId} suggests no model and no trainer config names one`, { code: 'NO_MODEL_CONFIG', hint: 'pass --trainer-config <file.yaml> with a `model:` section' });
    }
    let r;
    try {
      r = await engine.train({
        data: trainFile,
        schema: spec.schema,
        config,
        backend: o.backend,
        signal: c.rt.signal,
        onEpoch: (e) => report.emit({ event: 'epoch', epoch: e.epoch, epochs: e.epochs, loss: e.loss, valLoss: e.valLoss, valMetrics: e.valMetrics }),
      });
    } catch (e) {
      if (c.rt.stopping) return undefined;
      throw e;
    }
    report.emit({ event: 'trained', backend: r.backend.name, bestEpoch: r.bestEpoch, ms: r.durationMs });
    bytes = engine.exportOnnx(r.model);
    source = 'trained';
  }

  let trainScore: number | undefined;
  if (o.check !== false) {
    const ev = await engine.evaluateModel(bytes, { contract: spec.contract, metric: spec.metric.name, data: trainFile, schema: spec.schema });
    if (!ev.valid) {
      throw new AbortError(`the model fails the task's contract: ${ev.reason}`, {
        code: 'MODEL_INVALID',
        hint: 'fix the model (or the trainer config); validators would mark it invalid and the node would be slashed',
      });
    }
    trainScore = ev.score;
    report.emit({ event: 'model-checked', metric: ev.metric, trainScore: ev.score });
  } else {
    report.emit({ event: 'model-unchecked' });
  }
  // The CID is computed here, not by the store: the model stays private until the reveal phase.
  const cid = cidOf(bytes);
  const file = join(work, `model-${cid}.onnx`);
  writeFileAtomic(file, bytes);
  return { cid, size: bytes.length, file, trainScore, metric: spec.metric.name, source };
}
