/**
 * The trainer daemon (`flock train --task <id>`), as a list of steps: register -> produce the
 * model (download the training data, verified; train or take --model; export ONNX; check it
 * against the task's model contract; keep it in the work folder, 0600, CID computed locally) ->
 * choose the salt -> commit hash(modelCID, node, salt) -> in the reveal phase, upload the model
 * and reveal it.
 *
 * The model reaches the store only in the reveal phase, right before the reveal: anyone who can
 * list the store (a shared folder, an HTTP or IPFS store) would otherwise learn the CID during the
 * submit phase and could commit hash(thatCID, themselves, their salt) as their own submission.
 * Uploads are content-addressed, so uploading again after a restart is harmless.
 */
import { existsSync, readFileSync } from 'node:fs';
import { AbortError } from '../../errors/index.js';
import { modelCommitment, newSalt, Phase, SubmissionStatus } from '../../protocol/arena/index.js';
import { cidOf } from '../../storage/cid.js';
import { DONE, GO, runSteps, type Step } from '../kernel/index.js';
import { checkTaskStep } from './check.js';
import { openTask, phaseOf, read, registerStep, secondsUntil, write, type ArenaStateBase, type ArenaStepContext } from './common.js';
import { produceModel, type KeptModel, type ModelOptions } from './model.js';
import type { ArenaDaemonDeps } from './ports.js';

export interface TrainerState extends ArenaStateBase {
  registered?: { submissionId: string; txHash?: string };
  kind: 'trainer';
  /**
   * The model, kept in `file` (the work folder, 0600) and NOT in the store until the reveal phase.
   * State files written before the upload moved to the reveal have no `file`: their model was
   * uploaded before its commit.
   */
  model?: KeptModel;
  /** Recorded before the commit is sent. */
  salt?: string;
  commitment?: string;
  committed?: { txHash?: string };
  /** The model was put in the store (in the reveal phase, right before the reveal is sent). */
  uploaded?: { cid: string; at: string };
  revealed?: { txHash?: string };
}

export interface TrainerOptions extends ArenaDaemonDeps, ModelOptions {
  taskId: bigint;
  /** gmFLOCK to stake; 0: the task's minimum. */
  stake: bigint;
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

type C = ArenaStepContext<TrainerState> & { o: TrainerOptions };

const register = registerStep<TrainerState, C>('node', (index, txHash) => ({ registered: { submissionId: index, txHash } }));

const produce: Step<C> = {
  name: 'submit a model',
  recorded: (c) => Boolean(c.st.get().model),
  async gate(c) {
    return (await phaseOf(c)) > Phase.Submit ? { missed: c.phaseName! } : GO;
  },
  async run(c) {
    const model = await produceModel(c);
    if (!model) return 'stopped'; // stopped while training
    c.st.update({ model });
    c.report.emit({ event: 'model-ready', modelCID: model.cid, bytes: model.size, file: model.file, trainScore: model.trainScore });
  },
};

/** The salt is on disk before the commitment that hides it is sent. */
const salt: Step<C> = {
  name: 'commit the model',
  recorded: (c) => Boolean(c.st.get().salt),
  run: async (c) => {
    const s = newSalt();
    c.st.update({ salt: s, commitment: modelCommitment(c.st.get().model!.cid, c.account, s) });
  },
};

const commit: Step<C> = {
  name: 'commit the model',
  recorded: (c) => Boolean(c.st.get().committed),
  async gate(c) {
    const sub = await read(c, 'submission', () => c.arena.getSubmission({ taskId: c.taskId, submissionId: submissionId(c) }));
    if (sub.commitment === c.st.get().commitment) return DONE; // a restart after the send
    return (await phaseOf(c)) === Phase.Submit ? GO : { missed: c.phaseName! };
  },
  adopt(c) {
    c.st.update({ committed: {} });
    c.report.emit({ event: 'model-committed', commitment: c.st.get().commitment!, already: true });
  },
  async run(c) {
    const { commitment } = c.st.get();
    const { txHash } = await write(c, 'commit model', () => c.arena.commitModel({ taskId: c.taskId, commitment: commitment! }));
    c.rt.crashPoint('commit');
    c.st.update({ committed: { txHash } });
    c.report.emit({ event: 'model-committed', tx: txHash, commitment: commitment!, already: false });
  },
};

const reveal: Step<C> = {
  name: 'reveal the model',
  recorded: (c) => Boolean(c.st.get().revealed),
  async gate(c) {
    const sub = await read(c, 'submission', () => c.arena.getSubmission({ taskId: c.taskId, submissionId: submissionId(c) }));
    if (sub.status >= SubmissionStatus.Revealed && sub.modelCID === c.st.get().model!.cid) return DONE;
    const ph = await phaseOf(c);
    if (sub.commitment !== c.st.get().commitment) {
      // The chain lost our commit (a reorg, a devnet restarted from older state): commit again
      // while submissions are open; after that, revealing would only revert.
      if (ph !== Phase.Submit) return { missed: c.phaseName! };
      c.st.update({ committed: undefined });
      c.report.emit({ event: 'commit-lost', commitment: c.st.get().commitment! });
      return { rewind: true };
    }
    if (ph === Phase.Submit) {
      const t = await read(c, 'task', () => c.arena.getTaskInfo({ taskId: c.taskId }));
      return { wait: { for: 'reveal', opensIn: await secondsUntil(c, t.submitEnd) } };
    }
    return ph === Phase.Reveal ? GO : { missed: c.phaseName! };
  },
  async adopt(c) {
    c.report.emit({ event: 'model-revealed', modelCID: c.st.get().model!.cid, already: true });
    // The upload precedes the reveal; after a crash between the two records, put it again
    // (harmless: content-addressed) so validators can fetch it.
    await uploadModel(c);
    c.st.update({ revealed: {} });
  },
  async run(c) {
    await uploadModel(c);
    if (c.rt.stopping) return 'stopped';
    const { model, salt } = c.st.get();
    const { txHash } = await write(c, 'reveal model', () => c.arena.revealModel({ taskId: c.taskId, modelCID: model!.cid, salt: salt! }));
    c.rt.crashPoint('reveal');
    c.st.update({ revealed: { txHash } });
    c.report.emit({ event: 'model-revealed', tx: txHash, modelCID: model!.cid, already: false });
  },
};

/** The trainer, in order. */
export const TRAINER_STEPS: readonly Step<C>[] = [checkTaskStep<TrainerState, C>(), register, produce, salt, commit, reveal];

const submissionId = (c: C) => BigInt(c.st.get().registered!.submissionId);

/**
 * Runs the trainer for one task until it has revealed (or a SIGTERM stops it).
 *
 * @example
 * const r = await runTrainer({ rt, arena: client.arena, chain, store, home, taskId: 1n, stake: 0n });
 */
export async function runTrainer(o: TrainerOptions): Promise<TrainerResult> {
  const { c: base, release } = openTask<TrainerState>(o, o.taskId, { kind: 'trainer' });
  const c: C = { ...base, o };
  try {
    c.report.emit({ event: 'started', state: c.path, resumed: Boolean(c.st.get().registered) });
    if ((await runSteps(c, TRAINER_STEPS)) === 'done') {
      c.st.update({ done: true });
      c.report.emit({ event: 'done' });
    }
  } finally {
    release();
  }
  const s = c.st.get();
  return {
    taskId: o.taskId.toString(),
    account: c.account,
    submissionId: s.registered?.submissionId,
    modelCID: s.model?.cid,
    uploaded: Boolean(s.uploaded),
    commitTx: s.committed?.txHash,
    revealTx: s.revealed?.txHash,
    statePath: c.path,
    stopped: !s.done,
  };
}

/**
 * Puts the model in the store (checking the kept file still hashes to the committed CID) and
 * records it. Idempotent. A state file of an older trainer (model uploaded before the commit, no
 * kept file) is accepted when the store has the model.
 */
async function uploadModel(c: C): Promise<void> {
  if (c.st.get().uploaded) return;
  const model = c.st.get().model!;
  if (model.file && existsSync(model.file)) {
    const bytes = new Uint8Array(readFileSync(model.file));
    if (cidOf(bytes) !== model.cid) {
      throw new AbortError(`the kept model ${model.file} no longer hashes to the committed CID ${model.cid}`, {
        code: 'MODEL_CHANGED',
        hint: 'the file was changed after the commit; restore it (the reveal needs exactly the committed bytes)',
      });
    }
    await c.store.put(bytes, { expectedCid: model.cid });
  } else if (!(await c.store.has(model.cid))) {
    throw new AbortError(`the committed model ${model.cid} is neither kept at ${model.file ?? '(no file recorded)'} nor in the store`, {
      code: 'MODEL_MISSING',
      hint: 'restore the ONNX file (its sha256 is in the CID) or `flock store put` it, then restart',
    });
  }
  c.st.update({ uploaded: { cid: model.cid, at: new Date().toISOString() } });
  c.report.emit({ event: 'model-uploaded', modelCID: model.cid, bytes: model.size, store: c.store.location });
}
