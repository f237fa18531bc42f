/**
 * The trainer daemon (`flock train --task <id>`): register -> download the training data
 * (verified) -> train -> export ONNX -> check it against the task's model contract -> upload ->
 * commit hash(modelCID, node, salt) -> wait for the reveal phase -> reveal. Every step is
 * recorded in the state file and re-checked on chain before it is taken, so a restart (after a
 * crash, a SIGKILL, a reboot) resumes where it stopped and never commits or reveals twice.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IArena } from '../chain/types/index.js';
import { ExitCode } from '../cli/exit-codes.js';
import type { BackendChoice, TrainerConfigInput } from '../engine/index.js';
import { AbortError } from '../errors.js';
import { modelCommitment, newSalt, Phase, PHASES, readTask, register, SubmissionStatus } from '../protocol/arena.js';
import type { Protocol } from '../protocol/connect.js';
import type { Store } from '../storage/index.js';
import { fetchManifest } from '../tasks/manifest.js';
import type { DaemonRuntime } from './runtime.js';
import { StateStore, statePath } from './state.js';

export interface TrainerState {
  kind: 'trainer';
  chainId: number;
  taskId: string;
  account: string;
  startedAt: string;
  updatedAt?: string;
  registered?: { submissionId: string; txHash?: string };
  model?: { cid: string; size: number; trainScore?: number; metric?: string; source: 'trained' | 'file' };
  /** Recorded before the commit is sent. */
  salt?: string;
  commitment?: string;
  committed?: { txHash?: string };
  revealed?: { txHash?: string };
  done?: boolean;
}

export interface TrainerOptions {
  p: Protocol;
  arena: IArena;
  rt: DaemonRuntime;
  store: Store;
  home: string;
  taskId: bigint;
  /** gmFLOCK to stake; 0: the task's minimum. */
  stake: bigint;
  /** Overrides of the task's suggested trainer config. */
  trainer?: Partial<TrainerConfigInput>;
  backend?: BackendChoice;
  /** Submit this ONNX file instead of training. */
  modelFile?: string;
  /** Check the model against the task's contract before uploading (default true). */
  check?: boolean;
}

export interface TrainerResult {
  taskId: string;
  account: string;
  submissionId: string | undefined;
  modelCID: string | undefined;
  commitTx: string | undefined;
  revealTx: string | undefined;
  statePath: string;
  stopped: boolean;
}

const missed = (taskId: bigint, phase: string, what: string) =>
  new AbortError(`task ${taskId} is already in its ${phase} phase: too late to ${what}`, {
    code: 'DEADLINE_MISSED',
    exitCode: ExitCode.INTERRUPTED,
    hint: `\`flock task show ${taskId}\` shows the phases; join an open task (\`flock task list\`)`,
  });

/**
 * Runs the trainer for one task until it has revealed (or a SIGTERM stops it).
 *
 * @example
 * const r = await runTrainer({ p, arena, rt, store, home, taskId: 1n, stake: 0n });
 */
export async function runTrainer(o: TrainerOptions): Promise<TrainerResult> {
  const { arena, rt, taskId } = o;
  const log = rt.log.child({ daemon: 'trainer', task: taskId.toString() });
  const account = await rt.signer.getAddress();
  const chainId = o.p.record.chainId;
  const path = statePath(o.home, 'trainer', chainId, taskId);
  const st = new StateStore<TrainerState>(path, {
    kind: 'trainer',
    chainId,
    taskId: taskId.toString(),
    account,
    startedAt: new Date().toISOString(),
  });
  if (st.get().account.toLowerCase() !== account.toLowerCase()) {
    throw new AbortError(`state ${path} belongs to ${st.get().account}, not ${account}`, { code: 'STATE_ACCOUNT', exitCode: ExitCode.USAGE, hint: 'use the same --account, or another --home' });
  }
  log.info({ state: path, resumed: Boolean(st.get().registered) }, 'trainer started');
  const phaseNow = async () => Number(await rt.read('phase', () => arena.phase(taskId)));
  const result = (): TrainerResult => {
    const s = st.get();
    return {
      taskId: taskId.toString(),
      account,
      submissionId: s.registered?.submissionId,
      modelCID: s.model?.cid,
      commitTx: s.committed?.txHash,
      revealTx: s.revealed?.txHash,
      statePath: path,
      stopped: !s.done,
    };
  };

  // 1. Register (idempotent on chain).
  if (!st.get().registered) {
    const ph = await phaseNow();
    if (ph !== Phase.Submit) {
      const [role] = await rt.read('participant', () => arena.participant(taskId, account));
      if (Number(role) === 0) throw missed(taskId, PHASES[ph]!, 'register');
    }
    const r = await rt.exclusive(() => rt.read('register', () => register(o.p, rt.signer, { taskId, role: 'node', stake: o.stake }, log)));
    st.update({ registered: { submissionId: r.index.toString(), txHash: r.txHash } });
    log.info({ submissionId: r.index.toString(), tx: r.txHash, already: r.alreadyRegistered }, 'registered as training node');
  }
  const submissionId = BigInt(st.get().registered!.submissionId);
  if (rt.stopping) return result();

  // 2. Model: train (or take --model) and upload, unless already done.
  if (!st.get().model) {
    const ph = await phaseNow();
    if (ph > Phase.Submit && !st.get().committed) throw missed(taskId, PHASES[ph]!, 'submit a model');
    const model = await produceModel(o, log);
    if (!model) return result(); // stopped while training
    st.update({ model });
    log.info({ modelCID: model.cid, bytes: model.size, trainScore: model.trainScore }, 'model uploaded');
  }
  if (rt.stopping) return result();

  // 3. Commit: the salt is on disk before the transaction is sent.
  if (!st.get().committed) {
    const modelCID = st.get().model!.cid;
    if (!st.get().salt) {
      const salt = newSalt();
      st.update({ salt, commitment: modelCommitment(modelCID, account, salt) });
    }
    const { commitment } = st.get();
    const sub = await rt.read('submission', () => arena.submission(taskId, submissionId));
    if (sub.commitment === commitment) {
      log.info('commitment already on chain (restart after the send); not sending it again');
      st.update({ committed: {} });
    } else {
      const ph = await phaseNow();
      if (ph !== Phase.Submit) throw missed(taskId, PHASES[ph]!, 'commit the model');
      const receipt = await rt.send('commit model', () => arena.commitModel(taskId, commitment!));
      rt.crashPoint('commit');
      st.update({ committed: { txHash: receipt.hash } });
      log.info({ tx: receipt.hash, commitment }, 'model committed');
    }
  }

  // 4. Wait for the reveal phase, then reveal.
  while (!st.get().revealed && !rt.stopping) {
    const sub = await rt.read('submission', () => arena.submission(taskId, submissionId));
    if (Number(sub.status) >= SubmissionStatus.Revealed && sub.modelCID === st.get().model!.cid) {
      log.info('model already revealed on chain');
      st.update({ revealed: {} });
      break;
    }
    const ph = await phaseNow();
    if (ph === Phase.Submit) {
      const t = await rt.read('task', () => readTask(arena, taskId));
      log.debug({ revealOpensIn: t.submitEnd - (await rt.now()) }, 'waiting for the reveal phase');
      await rt.sleep();
      continue;
    }
    if (ph !== Phase.Reveal) throw missed(taskId, PHASES[ph]!, 'reveal the model');
    const receipt = await rt.send('reveal model', () => arena.revealModel(taskId, st.get().model!.cid, st.get().salt!));
    rt.crashPoint('reveal');
    st.update({ revealed: { txHash: receipt.hash } });
    log.info({ tx: receipt.hash, modelCID: st.get().model!.cid }, 'model revealed');
  }
  if (st.get().revealed) {
    st.update({ done: true });
    log.info('trainer done for this task');
  }
  return result();
}

/** Trains (or reads --model), checks against the contract, uploads; undefined when stopped. */
async function produceModel(o: TrainerOptions, log: DaemonRuntime['log']): Promise<TrainerState['model'] | undefined> {
  const { arena, taskId, store, rt } = o;
  const t = await rt.read('task', () => readTask(arena, taskId));
  const manifest = await fetchManifest(store, t.dataCID);
  const spec = manifest.spec;
  const work = join(o.home, 'daemons', 'work', `${o.p.record.chainId}-${taskId}`);
  mkdirSync(work, { recursive: true });
  const trainFile = join(work, manifest.trainName.replace(/[^\w.-]/g, '_') || 'train.data');
  await store.getToFile(manifest.train, trainFile);
  log.info({ cid: manifest.train, file: trainFile }, 'training data downloaded and verified');

  const engine = await import('../engine/index.js');
  let bytes: Uint8Array;
  let source: 'trained' | 'file';
  if (o.modelFile) {
    bytes = new Uint8Array(readFileSync(o.modelFile));
    source = 'file';
  } else {
    const config = { ...(spec.trainer ?? {}), ...(o.trainer ?? {}) } as TrainerConfigInput;
    if (!config.model) {
      throw new AbortError(`task ${taskId} suggests no model and no trainer config names one`, {
        code: 'NO_MODEL_CONFIG',
        exitCode: ExitCode.USAGE,
        hint: 'pass --trainer-config <file.yaml> with a `model:` section',
      });
    }
    let r;
    try {
      r = await engine.train({
        data: trainFile,
        schema: spec.schema,
        config,
        backend: o.backend,
        signal: rt.signal,
        onEpoch: (e) => log.info({ epoch: e.epoch, epochs: e.epochs, loss: e.loss, valLoss: e.valLoss, valMetrics: e.valMetrics }, 'epoch'),
      });
    } catch (e) {
      if (rt.stopping) return undefined;
      throw e;
    }
    log.info({ backend: r.backend.name, bestEpoch: r.bestEpoch, ms: r.durationMs }, 'trained');
    bytes = engine.exportOnnx(r.model);
    source = 'trained';
  }

  let trainScore: number | undefined;
  if (o.check !== false) {
    const ev = await engine.evaluateModel(bytes, { contract: spec.contract, metric: spec.metric.name, data: trainFile, schema: spec.schema });
    if (!ev.valid) {
      throw new AbortError(`the model fails the task's contract: ${ev.reason}`, {
        code: 'MODEL_INVALID',
        exitCode: ExitCode.INTEGRITY,
        hint: 'fix the model (or the trainer config); validators would mark it invalid and the node would be slashed',
      });
    }
    trainScore = ev.score;
    log.info({ metric: ev.metric, trainScore: ev.score }, 'model checked against the contract (score on the training data)');
  } else {
    log.warn('--no-check: the model is submitted without checking it against the contract');
  }
  const cid = await store.put(bytes);
  return { cid, size: bytes.length, trainScore, metric: spec.metric.name, source };
}
