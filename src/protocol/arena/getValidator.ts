import { requireArena, type ProtocolConnection } from '../connection.js';
import type { TaskParameters } from './types.js';

export interface GetValidatorParameters extends TaskParameters {
  validatorIndex: bigint;
}

/** A validator of a task (IArenaTypes.ValidatorInfo). */
export interface GetValidatorReturnType {
  account: string;
  slashed: boolean;
  claimed: boolean;
  /** Whether it revealed "validation set unusable" (rejectValidationSet). */
  unusable: boolean;
  /** gmFLOCK. */
  ownStake: bigint;
  poolStake: bigint;
  /** Its sampling weight (own + pool stake), 0 until it committed. */
  sampleWeight: bigint;
  /** Stake * quality summed over the submissions it scored. */
  points: bigint;
  /** The part of its stake slashed so far (WAD). */
  slashedFraction: bigint;
  /** Its commitment: the root of its score tree or its unusable commitment; zero hash until it committed. */
  scoreRoot: string;
}

/**
 * One validator of a task: its stake, its score commitment and what settlement did to it.
 *
 * @example
 * const v = await getValidator(client, { taskId: 1n, validatorIndex: 0n });
 * if (v.scoreRoot === tree.root) { … } // committed already: do not send again
 */
export async function getValidator(client: ProtocolConnection, { taskId, validatorIndex }: GetValidatorParameters): Promise<GetValidatorReturnType> {
  const v = await requireArena(client).validator(taskId, validatorIndex);
  return {
    account: v.account,
    slashed: v.slashed,
    claimed: v.claimed,
    unusable: v.unusable,
    ownStake: v.ownStake,
    poolStake: v.poolStake,
    sampleWeight: v.sampleWeight,
    points: v.points,
    slashedFraction: v.slashedFraction,
    scoreRoot: v.scoreRoot,
  };
}
