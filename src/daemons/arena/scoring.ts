/**
 * How a validator scores: the creator's validation set, downloaded (verified) once per run, and
 * each model fetched (verified CID) and evaluated with onnxruntime. Refused bytes (CID mismatch,
 * too large), a model that does not parse or breaks the task's contract are an invalid mark, never
 * a crash; a model that cannot be fetched now is unavailable, asked again later, never invalid.
 */
import { join } from 'node:path';
import { mkdirPrivate } from '../../files/dirs.js';
import type { EvaluationData } from '../../engine/index.js';
import { ExitCode, isFlockError } from '../../errors/index.js';
import type { TaskManifest } from '../../tasks/manifest.js';
import type { Reporter, StateStore } from '../kernel/index.js';
import { checkRevealedValidation } from './check.js';
import { read, workDir, type TaskAccess } from './common.js';

export type ScoringContext = TaskAccess & { report: Reporter; st: StateStore<{ validation?: { cid: string; file: string } }> };

export async function loadValidation(c: ScoringContext, manifest: TaskManifest): Promise<EvaluationData> {
  const cid = await read(c, 'task spec', () => c.arena.getValidationCID({ taskId: c.taskId }));
  const work = workDir(c);
  mkdirPrivate(work);
  const file = join(work, 'validation.data');
  await c.store.getToFile(cid, file);
  c.st.update({ validation: { cid, file } });
  c.report.emit({ event: 'validation-ready', cid, file });
  await checkRevealedValidation(c.taskId, manifest, cid, file);
  const { loadEvaluationData } = await import('../../engine/index.js');
  return loadEvaluationData(file, manifest.spec.schema);
}

/** Fetches (verified) and scores one model; every failure is an invalid mark, never a crash. */
/** A score to commit, or `unavailable`: the model could not be fetched now; try again later. */
export type ScoreOutcome = { unavailable: true; reason: string } | { unavailable?: false; invalid: boolean; value?: number; reason?: string };

export async function scoreModel(c: ScoringContext & { manifest: TaskManifest; data: EvaluationData; unavailable?: Set<string> }, modelCID: string, submission: string): Promise<ScoreOutcome> {
  const report: Reporter = c.report;
  const spec = c.manifest.spec;
  let bytes: Uint8Array;
  try {
    bytes = await c.store.get(modelCID, { maxBytes: spec.contract.maxBytes });
  } catch (e) {
    const reason = `fetch-failed: ${(e as Error).message}`;
    // Only bytes that were fetched and refused (wrong hash, over the size limit) make a model
    // invalid. Not found, or a store that does not answer, is "unavailable": never invalid, asked
    // again at the next poll until the commit phase ends (reported once, not at every poll).
    if (!(isFlockError(e) && e.exitCode === ExitCode.INTEGRITY)) {
      if (!c.unavailable?.has(submission)) report.emit({ event: 'model-unavailable', submission, modelCID, reason });
      c.unavailable?.add(submission);
      return { unavailable: true, reason };
    }
    report.emit({ event: 'model-invalid', submission, modelCID, reason, cause: 'fetch-failed' });
    return { invalid: true, reason };
  }
  c.unavailable?.delete(submission);
  const { evaluateModel } = await import('../../engine/index.js');
  try {
    const ev = await evaluateModel(bytes, { contract: spec.contract, metric: spec.metric.name, data: c.data });
    if (!ev.valid) {
      report.emit({ event: 'model-invalid', submission, modelCID, reason: ev.reason, cause: 'invalid', code: ev.code });
      return { invalid: true, reason: ev.reason };
    }
    report.emit({ event: 'model-scored', submission, modelCID, metric: ev.metric, score: ev.score, samples: ev.samples });
    return { invalid: false, value: ev.score };
  } catch (e) {
    const reason = `evaluation-failed: ${(e as Error).message}`;
    report.emit({ event: 'model-invalid', submission, modelCID, reason, cause: 'evaluation-failed' });
    return { invalid: true, reason };
  }
}
