/**
 * The validator daemon (`flock validate --task <id>`): register with stake -> wait for the
 * creator's validation-set reveal -> fetch it (verified) -> for each revealed submission assigned
 * to this validator: fetch the model (verified CID; a failed fetch or a hash mismatch is an
 * invalid model), score it with the engine (a bad model is `{valid: false}`, never a crash) ->
 * commit every score (salts persisted first) -> in the score-reveal phase, reveal them. Each step
 * is re-checked on chain before it is taken, so a restart never commits or reveals twice.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { IArena } from '../chain/types/index.js';
import { AbortError } from '../errors/index.js';
import type { EvaluationData } from '../engine/index.js';
import { newSalt, Phase, PHASES, Role, scoreCommitment, SubmissionStatus } from '../protocol/arena/index.js';
import { toWad } from '../units/index.js';
import type { ProtocolClient } from '../protocol/client.js';
import type { Store } from '../storage/index.js';
import { fetchManifest, type TaskManifest } from '../tasks/manifest.js';
import type { DaemonRuntime } from './runtime.js';
import { StateStore, statePath } from './state.js';

export interface ScoreRecord {
  modelCID: string;
  draw: string;
  /** WAD, as a decimal string. */
  score: string;
  invalid: boolean;
  /** Why the model is invalid (engine code or fetch failure). */
  reason?: string;
  /** The metric's value as a number, for humans. */
  value?: number;
  salt: string;
  commitment: string;
  committed?: { txHash?: string };
  revealed?: { txHash?: string };
}

export interface ValidatorState {
  kind: 'validator';
  chainId: number;
  taskId: string;
  account: string;
  startedAt: string;
  updatedAt?: string;
  registered?: { index: string; txHash?: string };
  validation?: { cid: string; file: string };
  /** By submission id. */
  scores: Record<string, ScoreRecord>;
  done?: boolean;
}

export interface ValidatorOptions {
  p: ProtocolClient;
  arena: IArena;
  rt: DaemonRuntime;
  store: Store;
  home: string;
  taskId: bigint;
  /** gmFLOCK to stake; 0: the task's minimum. */
  stake: bigint;
}

export interface ValidatorResult {
  taskId: string;
  account: string;
  validatorIndex: string | undefined;
  scores: Record<string, { score: number | undefined; invalid: boolean; reason?: string; committed: boolean; revealed: boolean }>;
  statePath: string;
  stopped: boolean;
}

const missed = (taskId: bigint, phase: string, what: string) =>
  new AbortError(`task ${taskId} is already in its ${phase} phase: too late to ${what}`, {
    code: 'DEADLINE_MISSED',
    hint: `\`flock task show ${taskId}\` shows the phases; validators register while submissions are open`,
  });

/**
 * Runs the validator for one task until every assigned score is revealed (or a SIGTERM stops it).
 *
 * @example
 * const r = await runValidator({ p, arena, rt, store, home, taskId: 1n, stake: 0n });
 */
export async function runValidator(o: ValidatorOptions): Promise<ValidatorResult> {
  const { arena, rt, taskId } = o;
  const log = rt.log.child({ daemon: 'validator', task: taskId.toString() });
  const account = await rt.signer.getAddress();
  const chainId = o.p.record.chainId;
  const path = statePath(o.home, 'validator', chainId, taskId);
  const st = new StateStore<ValidatorState>(path, { kind: 'validator', chainId, taskId: taskId.toString(), account, startedAt: new Date().toISOString(), scores: {} });
  if (st.get().account.toLowerCase() !== account.toLowerCase()) {
    throw new AbortError(`state ${path} belongs to ${st.get().account}, not ${account}`, { code: 'STATE_ACCOUNT', hint: 'use the same --account, or another --home' });
  }
  log.info({ state: path, resumed: Boolean(st.get().registered) }, 'validator started');
  const phaseNow = async () => Number(await rt.read('phase', () => arena.phase(taskId)));
  const setScore = (id: string, patch: Partial<ScoreRecord>) =>
    st.update((v) => ({ scores: { ...v.scores, [id]: { ...v.scores[id]!, ...patch } } }));
  const result = (): ValidatorResult => {
    const s = st.get();
    const scores: ValidatorResult['scores'] = {};
    for (const [id, r] of Object.entries(s.scores)) {
      scores[id] = { score: r.value, invalid: r.invalid, reason: r.reason, committed: Boolean(r.committed), revealed: Boolean(r.revealed) };
    }
    return { taskId: taskId.toString(), account, validatorIndex: s.registered?.index, scores, statePath: path, stopped: !s.done };
  };

  // 1. Register (idempotent on chain).
  if (!st.get().registered) {
    const [role] = await rt.read('participant', () => arena.participant(taskId, account));
    const ph = await phaseNow();
    if (Number(role) !== Role.Validator && ph !== Phase.Submit) throw missed(taskId, PHASES[ph]!, 'register as a validator');
    const r = await rt.exclusive(() => rt.read('register', () => o.p.arena.register({ taskId, role: 'validator', stake: o.stake })));
    st.update({ registered: { index: r.index.toString(), txHash: r.txHash } });
    log.info({ index: r.index.toString(), tx: r.txHash, already: r.alreadyRegistered }, 'registered as validator');
  }
  const vIndex = BigInt(st.get().registered!.index);

  let manifest: TaskManifest | undefined;
  let data: EvaluationData | undefined;

  while (!rt.stopping) {
    const ph = await phaseNow();
    if (ph <= Phase.Reveal) {
      const t = await rt.read('task', () => arena.task(taskId));
      log.debug({ phase: PHASES[ph], scoreCommitOpensIn: Number(t.revealEnd) - (await rt.now()) }, 'waiting for the score-commit phase');
      await rt.sleep();
      continue;
    }
    if (ph === Phase.ScoreCommit) {
      const t = await rt.read('task', () => o.p.arena.getTask({ taskId }));
      if (!t.validationRevealed) {
        log.info('the creator did not reveal the validation set; nothing to score (the task will be cancelled)');
        await rt.sleep();
        continue;
      }
      manifest ??= await fetchManifest(o.store, t.dataCID);
      data ??= await loadValidation(o, st, manifest, log);
      await ensureSeed(o, log);
      // Score and commit every assigned, revealed submission not yet committed.
      for (let id = 0n; id < BigInt(t.nodeCount) && !rt.stopping; id++) {
        const key = id.toString();
        const rec = st.get().scores[key];
        if (rec?.committed) continue;
        const sub = await rt.read('submission', () => arena.submission(taskId, id));
        if (Number(sub.status) !== SubmissionStatus.Revealed) continue;
        const [assigned, draw] = await rt.read('assignment', () => arena.assignment(taskId, id, vIndex));
        if (!assigned) continue;
        if (!rec) {
          const ev = await scoreModel(o, manifest, data, sub.modelCID, log.child({ submission: key }));
          const salt = newSalt();
          const score = ev.invalid ? 0n : toWad(ev.value!);
          st.update((v) => ({
            scores: {
              ...v.scores,
              [key]: {
                modelCID: sub.modelCID,
                draw: draw.toString(),
                score: score.toString(),
                invalid: ev.invalid,
                reason: ev.reason,
                value: ev.value,
                salt,
                commitment: scoreCommitment(taskId, id, account, score, ev.invalid, salt),
              },
            },
          }));
        }
        const r = st.get().scores[key]!;
        const onChain = await rt.read('score', () => arena.score(taskId, id, vIndex));
        if (onChain.commitment === r.commitment) {
          log.info({ submission: key }, 'score commitment already on chain; not sending it again');
          setScore(key, { committed: {} });
          continue;
        }
        const receipt = await rt.send(`commit score for submission ${key}`, () => arena.commitScore(taskId, id, BigInt(r.draw), r.commitment));
        rt.crashPoint('commit');
        setScore(key, { committed: { txHash: receipt.hash } });
        log.info({ submission: key, tx: receipt.hash, score: r.value, invalid: r.invalid, reason: r.reason }, 'score committed');
      }
      if (!rt.stopping) log.debug({ scoreRevealOpensIn: t.scoreCommitEnd - (await rt.now()) }, 'waiting for the score-reveal phase');
      await rt.sleep();
      continue;
    }
    if (ph === Phase.ScoreReveal) {
      for (const [key, r] of Object.entries(st.get().scores)) {
        if (rt.stopping) break;
        if (!r.committed || r.revealed) continue;
        const id = BigInt(key);
        const onChain = await rt.read('score', () => arena.score(taskId, id, vIndex));
        if (onChain.revealed) {
          setScore(key, { revealed: {} });
          continue;
        }
        const receipt = await rt.send(`reveal score for submission ${key}`, () => arena.revealScore(taskId, id, BigInt(r.score), r.invalid, r.salt));
        rt.crashPoint('reveal');
        setScore(key, { revealed: { txHash: receipt.hash } });
        log.info({ submission: key, tx: receipt.hash }, 'score revealed');
      }
      if (!rt.stopping) {
        st.update({ done: true });
        log.info({ scored: Object.keys(st.get().scores).length }, 'validator done for this task');
      }
      break;
    }
    // Finalizing or later: anything committed and not revealed can no longer be revealed.
    const pending = Object.values(st.get().scores).some((r) => r.committed && !r.revealed);
    if (pending) throw missed(taskId, PHASES[ph]!, 'reveal the scores');
    st.update({ done: true });
    break;
  }
  return result();
}

/**
 * When the task samples (more validators than k), nobody is assigned anything until its seed is
 * drawn, and the contract draws it only at a first score commit: every validator would wait on
 * the others. So whoever sees no seed draws it (anyone may; idempotent on chain).
 */
async function ensureSeed(o: ValidatorOptions, log: DaemonRuntime['log']): Promise<void> {
  const { arena, rt, taskId } = o;
  const [info, rules] = await rt.read('task', () => Promise.all([arena.task(taskId), arena.taskRules(taskId)]));
  if (info.validatorCount <= rules.sampleSize || BigInt(info.seed) !== 0n) return;
  const receipt = await rt.send('draw the sampling seed', () => arena.drawSeed(taskId));
  log.info({ tx: receipt.hash, validators: Number(info.validatorCount), k: Number(rules.sampleSize) }, 'sampling seed drawn');
}

async function loadValidation(o: ValidatorOptions, st: StateStore<ValidatorState>, manifest: TaskManifest, log: DaemonRuntime['log']): Promise<EvaluationData> {
  const spec = await o.rt.read('task spec', () => o.arena.taskSpec(o.taskId));
  const cid = spec.validationCID;
  const work = join(o.home, 'daemons', 'work', `${o.p.record.chainId}-${o.taskId}`);
  mkdirSync(work, { recursive: true });
  const file = join(work, 'validation.data');
  await o.store.getToFile(cid, file);
  st.update({ validation: { cid, file } });
  log.info({ cid, file }, 'validation set downloaded and verified');
  const { loadEvaluationData } = await import('../engine/index.js');
  return loadEvaluationData(file, manifest.spec.schema);
}

/** Fetches (verified) and scores one model; every failure is an invalid mark, never a crash. */
async function scoreModel(
  o: ValidatorOptions,
  manifest: TaskManifest,
  data: EvaluationData,
  modelCID: string,
  log: DaemonRuntime['log'],
): Promise<{ invalid: boolean; value?: number; reason?: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await o.store.get(modelCID, { maxBytes: manifest.spec.contract.maxBytes });
  } catch (e) {
    const reason = `fetch-failed: ${(e as Error).message}`;
    log.warn({ modelCID, reason }, 'model could not be fetched or verified: marking it invalid');
    return { invalid: true, reason };
  }
  const { evaluateModel } = await import('../engine/index.js');
  try {
    const ev = await evaluateModel(bytes, { contract: manifest.spec.contract, metric: manifest.spec.metric.name, data });
    if (!ev.valid) {
      log.info({ modelCID, code: ev.code, reason: ev.reason }, 'model is invalid');
      return { invalid: true, reason: ev.reason };
    }
    log.info({ modelCID, metric: ev.metric, score: ev.score, samples: ev.samples }, 'model scored');
    return { invalid: false, value: ev.score };
  } catch (e) {
    const reason = `evaluation-failed: ${(e as Error).message}`;
    log.warn({ modelCID, reason }, 'model could not be evaluated: marking it invalid');
    return { invalid: true, reason };
  }
}
