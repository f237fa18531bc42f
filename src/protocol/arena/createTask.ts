import type { IArenaTypes } from '../../chain/types/IArena.js';
import { recordTaskSecrets, savePendingSecrets, type TaskSecrets } from '../../tasks/secrets.js';
import { toWad } from '../../units/index.js';
import { requireArena, requireSigner, type ProtocolConnection } from '../connection.js';
import { badScoreTolerance, insufficientGm } from '../errors.js';
import { ensureAllowance, requireEvent, transact } from '../tx.js';
import { newSalt, validationCommitment } from './commitments.js';
import { METRIC_CODES, UNBOUNDED_METRICS, type ArenaMetricName } from './types.js';

export interface CreateTaskParameters {
  /** CID of the published task manifest (spec + training data). */
  dataCID: string;
  /** CID of the hidden validation set; only its commitment goes on chain. */
  validationCID: string;
  metric: ArenaMetricName;
  /** Input and output shapes without the batch dimension. */
  inputShape: number[];
  outputShape: number[];
  maxParameters: bigint;
  maxFileSize: bigint;
  /** Baseline in metric units (e.g. 0.9 accuracy): a submission must beat it to be paid. */
  baseline: number;
  /**
   * How far (absolute, in metric units) a validator's score may lie from the consensus without
   * being slashed. Required (> 0) for mse, mae and log-loss; for accuracy and f1, 0 or absent
   * takes the governed arena.validatorTolerance.
   */
  scoreTolerance?: number;
  /** Phase lengths in seconds. */
  durations: { submit: bigint; reveal: bigint; scoreCommit: bigint; scoreReveal: bigint };
  /** gmFLOCK. */
  creatorStake: bigint;
  minNodeStake: bigint;
  minValidatorStake: bigint;
  /** FLOCK. */
  registrationFee: bigint;
  bounty: bigint;
  /** FLOCK home: where the secrets go (tasks/secrets.ts). */
  home: string;
}

export interface CreateTaskReturnType {
  taskId: bigint;
  commitment: string;
  secretsPath: string;
  txHash: string;
}

/**
 * Creates an Arena task, approving the stake and bounty as needed. The validation salt is written
 * to disk (0600, fsynced) BEFORE the transaction is sent, so a crash between the send and the
 * receipt never loses what the reveal needs.
 *
 * @example
 * const r = await createTask(client, { dataCID, validationCID, metric: 'accuracy', inputShape: [64], outputShape: [10], … });
 * r.taskId; // 1n
 */
export async function createTask(client: ProtocolConnection, args: CreateTaskParameters): Promise<CreateTaskReturnType> {
  const scoreTolerance = scoreToleranceWad(args.metric, args.scoreTolerance); // before any approval
  const arena = requireArena(client);
  const { gm, token } = client.contracts;
  const account = await requireSigner(client, 'create task').getAddress();
  const chainId = client.record.chainId;
  const salt = newSalt();
  const commitment = validationCommitment(args.validationCID, salt);
  const gmBalance = await gm.balanceOf(account);
  if (gmBalance < args.creatorStake) throw insufficientGm('creating a task', args.creatorStake, account, gmBalance);
  const arenaAddr = await arena.getAddress();
  await ensureAllowance(client, gm, arenaAddr, args.creatorStake, 'gmFLOCK for the task stake');
  if (args.bounty > 0n) await ensureAllowance(client, token, arenaAddr, args.bounty, 'FLOCK for the bounty');

  const secrets: TaskSecrets = {
    chainId,
    taskId: undefined,
    creator: account,
    validationCID: args.validationCID,
    salt,
    commitment,
    dataCID: args.dataCID,
    createdAt: new Date().toISOString(),
  };
  savePendingSecrets(args.home, secrets);

  const params: IArenaTypes.TaskParamsStruct = {
    dataCID: args.dataCID,
    validationCommitment: commitment,
    metric: METRIC_CODES[args.metric],
    model: {
      inputShape: [0, ...args.inputShape],
      outputShape: [0, ...args.outputShape],
      maxParameters: args.maxParameters,
      maxFileSize: args.maxFileSize,
    },
    baselineScore: toWad(args.baseline),
    submitDuration: args.durations.submit,
    revealDuration: args.durations.reveal,
    scoreCommitDuration: args.durations.scoreCommit,
    scoreRevealDuration: args.durations.scoreReveal,
    creatorStake: args.creatorStake,
    minNodeStake: args.minNodeStake,
    minValidatorStake: args.minValidatorStake,
    registrationFee: args.registrationFee,
    bounty: args.bounty,
    scoreTolerance,
  };
  const receipt = await transact(client, 'create task', () => arena.createTask(params));
  const taskId = requireEvent(arena, receipt, 'TaskCreated', 'create task').args.taskId as bigint;
  const secretsPath = recordTaskSecrets(args.home, secrets, taskId);
  return { taskId, commitment, secretsPath, txHash: receipt.hash };
}

/**
 * A task's score tolerance as createTask sends it (WAD; 0 = the governed default), or an
 * AbortError (SCORE_TOLERANCE) when the metric is unbounded (mse, mae, log-loss) and none is
 * given, or the value is not a positive number within ±1e18 metric units (the contract's
 * ArenaBadTolerance, caught before anything is sent).
 *
 * @example
 * scoreToleranceWad('accuracy', undefined); // 0n: arena.validatorTolerance
 * scoreToleranceWad('mse', 150);            // 150n * 10n ** 18n
 * scoreToleranceWad('mse', undefined);      // throws SCORE_TOLERANCE
 */
export function scoreToleranceWad(metric: ArenaMetricName, tolerance: number | undefined): bigint {
  if (tolerance === undefined || tolerance === 0) {
    if (UNBOUNDED_METRICS.includes(metric)) throw badScoreTolerance(metric, undefined);
    return 0n;
  }
  if (!Number.isFinite(tolerance) || tolerance <= 0 || tolerance > 1e18) throw badScoreTolerance(metric, tolerance);
  const wad = toWad(tolerance);
  if (wad <= 0n) throw badScoreTolerance(metric, tolerance);
  return wad;
}
