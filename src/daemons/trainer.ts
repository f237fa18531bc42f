/**
 * The trainer daemon (`flock train --task <id>`): register -> download the training data
 * (verified) -> train -> export ONNX -> check it against the task's model contract -> compute
 * the model's CID locally and keep the ONNX file in the work folder (0600) -> commit
 * hash(modelCID, node, salt) -> wait for the reveal phase -> upload the model -> reveal.
 *
 * The model reaches the store only in the reveal phase, right before the reveal: anyone who can
 * list the store (a shared folder, an HTTP or IPFS store) would otherwise learn the CID during the
 * submit phase and could commit hash(thatCID, themselves, their salt) as their own submission.
 * Uploads are content-addressed, so uploading again after a restart is harmless.
 *
 * Every step is recorded in the state file and re-checked on chain before it is taken, so a
 * restart (after a crash, a SIGKILL, a reboot) resumes where it stopped and never commits or
 * reveals twice.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IArena } from '../chain/types/index.js';
import { AbortError } from '../errors/index.js';
import type { BackendChoice, TrainerConfigInput } from '../engine/index.js';
import { modelCommitment, newSalt, Phase, PHASES, SubmissionStatus } from '../protocol/arena/index.js';
import type { ProtocolClient } from '../protocol/client.js';
import { cidOf } from '../storage/cid.js';
import type { Store } from '../storage/index.js';
import { fetchManifest } from '../tasks/manifest.js';
import type { DaemonRuntime } from './runtime.js';
import { writeFileAtomic } from '../files/atomic.js';
import { StateStore, statePath } from './state.js';

export interface TrainerState {
  kind: 'trainer';
  chainId: number;
  taskId: string;
  account: string;
  startedAt: string;
  updatedAt?: string;
  registered?: { submissionId: string; txHash?: string };
  /**
   * The model, kept in `file` (the work folder, 0600) and NOT in the store until the reveal phase.
   * State files written before the upload moved to the reveal have no `file`: their model was
   * uploaded before its commit.
   */
  model?: { cid: string; size: number; file?: string; trainScore?: number; metric?: string; source: 'trained' | 'file' };
  /** Recorded before the commit is sent. */
  salt?: string;
  commitment?: string;
  committed?: { txHash?: string };
  /** The model was put in the store (in the reveal phase, right before the reveal is sent). */
  uploaded?: { cid: string; at: string };
  revealed?: { txHash?: string };
  done?: boolean;
}

export interface TrainerOptions {
  p: ProtocolClient;
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
  /** Check the model against the task's contract before committing to it (default true). */
  check?: boolean;
}

export interface TrainerResult {
  taskId: string;
  account: string;
  submissionId: string | undefined;
  modelCID: string | undefined;
  /** Whether the model is in the store (it is put there only in the reveal phase). */
  uploaded: boolean;
  commitTx: string | undefined;
  revealTx: string | undefined;
  statePath: string;
  stopped: boolean;
}

const missed = (taskId: bigint, phase: string, what: string) =>
  new AbortError(`task ${taskId} is already in its ${phase} phase: too late to ${what}`, {
    code: 'DEADLINE_MISSED',
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
    throw new AbortError(`state ${path} belongs to ${st.get().account}, not ${account}`, { code: 'STATE_ACCOUNT', hint: 'use the same --account, or another --home' });
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
      uploaded: Boolean(s.uploaded),
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
    const r = await rt.exclusive(() => rt.read('register', () => o.p.arena.register({ taskId, role: 'node', stake: o.stake })));
    st.update({ registered: { submissionId: r.index.toString(), txHash: r.txHash } });
    log.info({ submissionId: r.index.toString(), tx: r.txHash, already: r.alreadyRegistered }, 'registered as training node');
  }
  const submissionId = BigInt(st.get().registered!.submissionId);
  if (rt.stopping) return result();

  // 2. Model: train (or take --model), keep it locally, unless already done. Not uploaded yet.
  if (!st.get().model) {
    const ph = await phaseNow();
    if (ph > Phase.Submit && !st.get().committed) throw missed(taskId, PHASES[ph]!, 'submit a model');
    const model = await produceModel(o, log);
    if (!model) return result(); // stopped while training
    st.update({ model });
    log.info({ modelCID: model.cid, bytes: model.size, file: model.file, trainScore: model.trainScore }, 'model ready; kept locally until the reveal phase');
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

  // 4. Wait for the reveal phase, then upload the model and reveal it.
  while (!st.get().revealed && !rt.stopping) {
    const sub = await rt.read('submission', () => arena.submission(taskId, submissionId));
    if (Number(sub.status) >= SubmissionStatus.Revealed && sub.modelCID === st.get().model!.cid) {
      log.info('model already revealed on chain');
      // The upload precedes the reveal; after a crash between the two records, put it again
      // (harmless: content-addressed) so validators can fetch it.
      await uploadModel(o, st, log);
      st.update({ revealed: {} });
      break;
    }
    const ph = await phaseNow();
    if (ph === Phase.Submit) {
      const t = await rt.read('task', () => o.p.arena.getTask({ taskId }));
      log.debug({ revealOpensIn: t.submitEnd - (await rt.now()) }, 'waiting for the reveal phase');
      await rt.sleep();
      continue;
    }
    if (ph !== Phase.Reveal) throw missed(taskId, PHASES[ph]!, 'reveal the model');
    await uploadModel(o, st, log);
    if (rt.stopping) break;
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

/**
 * Puts the model in the store (checking the kept file still hashes to the committed CID) and
 * records it. Idempotent. A state file of an older trainer (model uploaded before the commit, no
 * kept file) is accepted when the store has the model.
 */
async function uploadModel(o: TrainerOptions, st: StateStore<TrainerState>, log: DaemonRuntime['log']): Promise<void> {
  if (st.get().uploaded) return;
  const model = st.get().model!;
  if (model.file && existsSync(model.file)) {
    const bytes = new Uint8Array(readFileSync(model.file));
    if (cidOf(bytes) !== model.cid) {
      throw new AbortError(`the kept model ${model.file} no longer hashes to the committed CID ${model.cid}`, {
        code: 'MODEL_CHANGED',
        hint: 'the file was changed after the commit; restore it (the reveal needs exactly the committed bytes)',
      });
    }
    await o.store.put(bytes, { expectedCid: model.cid });
  } else if (!(await o.store.has(model.cid))) {
    throw new AbortError(`the committed model ${model.cid} is neither kept at ${model.file ?? '(no file recorded)'} nor in the store`, {
      code: 'MODEL_MISSING',
      hint: 'restore the ONNX file (its sha256 is in the CID) or `flock store put` it, then restart',
    });
  }
  st.update({ uploaded: { cid: model.cid, at: new Date().toISOString() } });
  log.info({ modelCID: model.cid, bytes: model.size, store: o.store.location }, 'model uploaded');
}

/**
 * Trains (or reads --model), checks against the contract, computes the CID and writes the ONNX
 * bytes atomically into the work folder (mode 0600); nothing is uploaded. Undefined when stopped.
 */
async function produceModel(o: TrainerOptions, log: DaemonRuntime['log']): Promise<TrainerState['model'] | undefined> {
  const { arena, taskId, store, rt } = o;
  const t = await rt.read('task', () => o.p.arena.getTask({ taskId }));
  const manifest = await fetchManifest(store, t.dataCID);
  const spec = manifest.spec;
  const work = join(o.home, 'daemons', 'work', `${o.p.record.chainId}-${taskId}`);
  mkdirSync(work, { recursive: true, mode: 0o700 });
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
        hint: 'fix the model (or the trainer config); validators would mark it invalid and the node would be slashed',
      });
    }
    trainScore = ev.score;
    log.info({ metric: ev.metric, trainScore: ev.score }, 'model checked against the contract (score on the training data)');
  } else {
    log.warn('--no-check: the model is submitted without checking it against the contract');
  }
  // The CID is computed here, not by the store: the model stays private until the reveal phase.
  const cid = cidOf(bytes);
  const file = join(work, `model-${cid}.onnx`);
  writeFileAtomic(file, bytes);
  return { cid, size: bytes.length, file, trainScore, metric: spec.metric.name, source };
}
