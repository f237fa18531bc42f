import { fromWad } from '../../units/index.js';
import { requireArena, type ProtocolConnection } from '../connection.js';
import { unknownTask } from '../errors.js';
import { counts, deadlines } from './getTaskInfo.js';
import { METRIC_NAMES, PHASES, type ArenaMetricName, type PhaseName, type TaskParameters } from './types.js';

export type GetTaskParameters = TaskParameters;

/** A task with its phase and spec, in plain units (WAD as numbers, times as unix seconds). */
export interface TaskView {
  id: bigint;
  creator: string;
  metric: ArenaMetricName;
  higherIsBetter: boolean;
  phase: PhaseName;
  validationRevealed: boolean;
  baseline: number;
  /** How far (absolute, metric units) a validator's score may lie from the consensus unslashed. */
  scoreTolerance: number;
  dataCID: string;
  /** Unix seconds. */
  submitEnd: number;
  revealEnd: number;
  scoreCommitEnd: number;
  scoreRevealEnd: number;
  creatorStake: bigint;
  minNodeStake: bigint;
  minValidatorStake: bigint;
  registrationFee: bigint;
  bounty: bigint;
  nodeCount: number;
  revealedCount: number;
  validatorCount: number;
  /** Validators that committed scores; of their effective stake, how much rejected the validation set (gmFLOCK). */
  committerCount: number;
  committedWeight: bigint;
  unusableWeight: bigint;
  accruedEmission: bigint;
  inputShape: number[];
  outputShape: number[];
  maxParameters: bigint;
  maxFileSize: bigint;
}

export type GetTaskReturnType = TaskView;

/**
 * One task, with its phase and spec; an AbortError (UNKNOWN_TASK) when it does not exist.
 *
 * @example
 * const t = await getTask(client, { taskId: 1n });
 * t.phase; // 'submit'
 */
export async function getTask(client: ProtocolConnection, { taskId }: GetTaskParameters): Promise<GetTaskReturnType> {
  const arena = requireArena(client);
  const count = await arena.taskCount();
  if (taskId < 1n || taskId > count) throw unknownTask(taskId, count);
  const [t, spec, phase] = await Promise.all([arena.task(taskId), arena.taskSpec(taskId), arena.phase(taskId)]);
  return {
    id: taskId,
    creator: t.creator,
    metric: METRIC_NAMES[Number(t.metric)]!,
    higherIsBetter: t.higherIsBetter,
    phase: PHASES[Number(phase)]!,
    validationRevealed: t.validationRevealed,
    baseline: fromWad(t.baselineScore),
    scoreTolerance: fromWad(t.scoreTolerance),
    dataCID: spec.dataCID,
    ...deadlines(t),
    creatorStake: t.creatorStake,
    minNodeStake: t.minNodeStake,
    minValidatorStake: t.minValidatorStake,
    registrationFee: t.registrationFee,
    bounty: t.bounty,
    ...counts(t),
    committerCount: Number(t.committerCount),
    committedWeight: t.committedWeight,
    unusableWeight: t.unusableWeight,
    accruedEmission: t.accruedEmission,
    inputShape: spec.model.inputShape.slice(1).map(Number),
    outputShape: spec.model.outputShape.slice(1).map(Number),
    maxParameters: spec.model.maxParameters,
    maxFileSize: spec.model.maxFileSize,
  };
}
