/**
 * The Arena (contracts/arena/): one file per action and view, each `(client, params)` with its
 * XParameters / XReturnType types; the enums in types.ts; the commit-reveal hashes in
 * commitments.ts. A ProtocolClient has them bound as `client.arena.x(params)`.
 */
export * from './actions.js';
export * from './commitments.js';
export * from './types.js';
export type { ClaimTaskParameters, ClaimTaskReturnType } from './claimTask.js';
export type { CommitModelParameters, CommitModelReturnType } from './commitModel.js';
export type { CommitScoresParameters, CommitScoresReturnType } from './commitScores.js';
export type { CreateTaskParameters, CreateTaskReturnType } from './createTask.js';
export { scoreToleranceWad } from './createTask.js';
export type { DrawSeedParameters, DrawSeedReturnType } from './drawSeed.js';
export type { FinalizeTaskParameters, FinalizeTaskReturnType } from './finalizeTask.js';
export type { GetAssignmentParameters, GetAssignmentReturnType } from './getAssignment.js';
export type { GetClaimableParameters, GetClaimableReturnType } from './getClaimable.js';
export type { GetParticipantParameters, GetParticipantReturnType } from './getParticipant.js';
export type { GetPhaseParameters, GetPhaseReturnType } from './getPhase.js';
export type { GetScoreParameters, GetScoreReturnType } from './getScore.js';
export type { GetSubmissionParameters, GetSubmissionReturnType } from './getSubmission.js';
export { progressReady, type GetProgressParameters, type GetProgressReturnType, type ReadyOptions } from './getProgress.js';
export type { GetSubmissionsParameters, GetSubmissionsReturnType } from './getSubmissions.js';
export type { GetTaskParameters, GetTaskReturnType, TaskView } from './getTask.js';
export type { GetTaskCountReturnType } from './getTaskCount.js';
export type { GetTaskIdsReturnType } from './getTaskIds.js';
export type { GetTaskInfoParameters, GetTaskInfoReturnType } from './getTaskInfo.js';
export type { GetTaskRewardsParameters, GetTaskRewardsReturnType, TaskRewardsView } from './getTaskRewards.js';
export type { GetTaskRulesParameters, GetTaskRulesReturnType, TaskRulesView } from './getTaskRules.js';
export type { GetValidationCIDParameters, GetValidationCIDReturnType } from './getValidationCID.js';
export type { GetValidatorParameters, GetValidatorReturnType } from './getValidator.js';
export type { RegisterParameters, RegisterReturnType } from './register.js';
export type { RevealModelParameters, RevealModelReturnType } from './revealModel.js';
export type { RejectValidationSetParameters, RejectValidationSetReturnType } from './rejectValidationSet.js';
export type { RevealScoresParameters, RevealScoresReturnType, ScoreOpening } from './revealScores.js';
export type { RevealValidationSetParameters, RevealValidationSetReturnType } from './revealValidationSet.js';
/** The Arena contract of the deployment, or an AbortError (NO_ARENA) for one from before it. */
export { requireArena } from '../connection.js';
