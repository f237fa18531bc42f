// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IArenaTypes} from "./IArenaTypes.sol";
import {IEmissionGauge} from "./IEmissionGauge.sol";

/// @title IArenaActions
/// @notice The state-changing functions of the AI Arena (see {IArena} for the lifecycle), plus the
/// views the Arena contract answers itself: its emission weight as an {IEmissionGauge} and its
/// modules. Implemented by {Arena} itself.
interface IArenaActions is IArenaTypes, IEmissionGauge {
    // ---------------------------------------------------------------- creator

    /// @notice Creates a task, staking `p.creatorStake` gmFLOCK and paying `p.bounty` FLOCK.
    /// @dev Emits {TaskCreated} and {TaskWeightChanged}. Requirements: non-empty CIDs and
    /// commitment; shapes of 1 to {IArenaBase-MAX_SHAPE_RANK} dimensions; non-zero model limits;
    /// |baseline| <= {IArenaBase-MAX_SCORE}; every phase at least arena.minPhase and the whole at
    /// most arena.maxTaskDuration; creatorStake >= arena.minCreatorStake; node and validator
    /// minimums >= arena.minStake and > 0; the emission bookkeeping caught up; approvals of
    /// gmFLOCK (stake) and FLOCK (bounty).
    /// @param p The task's data, validation commitment, metric, model contract, baseline, phase
    /// lengths, stakes, fee and bounty.
    /// @return taskId The new task's id (from 1).
    function createTask(TaskParams calldata p) external returns (uint256 taskId);

    /// @notice Reveals the task's validation set; its creator calls it in the Reveal phase.
    /// @dev Emits {ValidationSetRevealed}. Requirements: Reveal phase; the caller is the creator;
    /// not yet revealed; keccak256(abi.encode(validationCID, salt)) equals the commitment; a CID of
    /// at most {IArenaBase-MAX_CID_LENGTH} bytes.
    /// @param taskId The task.
    /// @param validationCID CID of the hidden validation set.
    /// @param salt The commitment's salt (it also feeds the sampling seed, with the drawing
    /// block's prevrandao; nodes' salts do not).
    function revealValidationSet(uint256 taskId, string calldata validationCID, bytes32 salt) external;

    /// @notice Cancels a task whose creator did not reveal the validation set by `revealEnd`:
    /// slashes the creator, sends the task's emission to the treasury and opens refunds. Anyone
    /// may call.
    /// @dev Emits {Slashed} and {TaskCancelled}. Requirements: the Reveal phase is over; the task is
    /// neither finalized nor cancelled; its validation set was not revealed.
    /// @param taskId The task.
    function cancel(uint256 taskId) external;

    // ---------------------------------------------------------------- training nodes

    /// @notice Registers the caller as a training node, staking `stake` gmFLOCK and paying the
    /// task's registration fee. Its delegation pool's active stake counts with its own, and the
    /// pool stays frozen until {IArenaBase-CLAIM_FREEZE} after the task: its operator share, and
    /// stake undelegated from it meanwhile (which stays slashable). The pool's share now is the one
    /// its commission on this task's reward is taken at. A node
    /// that never commits a model forfeits the fee (it stays in the task's reward pot) and gets
    /// its stake back: it has nothing to withhold, since it gave up before the Reveal phase showed
    /// anything, and feeds nothing into the sampling seed.
    /// @dev Emits {NodeRegistered} and {TaskWeightChanged}. Requirements: Submit phase; the caller
    /// has no role in the task and is not its creator; stake > 0 and at least the task's minimum;
    /// the emission bookkeeping caught up; approvals of gmFLOCK (stake) and FLOCK (fee).
    /// @param taskId The task.
    /// @param stake gmFLOCK to stake.
    /// @return submissionId The caller's submission id.
    function registerNode(uint256 taskId, uint256 stake) external returns (uint256 submissionId);

    /// @notice Commits the caller's model: keccak256(abi.encode(modelCID, msg.sender, salt)) (see
    /// {IArenaViews-modelCommitment}). A later commit replaces an earlier one. Committing binds
    /// the node to reveal: one that does not reveal is slashed as for an invalid model.
    /// @dev Emits {ModelCommitted}. Requirements: Submit phase; the caller is a node of the task;
    /// commitment != 0.
    /// @param taskId The task.
    /// @param commitment The commitment.
    function commitModel(uint256 taskId, bytes32 commitment) external;

    /// @notice Reveals the caller's model. A node that committed and does not reveal by the end of
    /// the Reveal phase is slashed arena.nodeSlash of its own and pool stake when the task is
    /// finalized, as if its model were invalid: withholding is never cheaper than revealing.
    /// @dev Emits {ModelRevealed}. Requirements: Reveal phase; the caller is a node that committed
    /// and has not revealed; the commitment matches; a CID of at most {IArenaBase-MAX_CID_LENGTH} bytes.
    /// @param taskId The task.
    /// @param modelCID CID of the model (ONNX).
    /// @param salt The commitment's salt.
    function revealModel(uint256 taskId, string calldata modelCID, bytes32 salt) external;

    // ---------------------------------------------------------------- validators

    /// @notice Registers the caller as a validator, staking `stake` gmFLOCK. As for a node, its
    /// delegation pool's stake counts and the pool is frozen; once it commits, its sampling weight
    /// is its own + pool stake.
    /// @dev Emits {ValidatorRegistered} and {TaskWeightChanged}. Requirements: Submit phase; the
    /// caller has no role in the task and is not its creator; stake > 0 and at least the task's
    /// minimum; the emission bookkeeping caught up; gmFLOCK approval.
    /// @param taskId The task.
    /// @param stake gmFLOCK to stake.
    /// @return index The caller's validator index.
    function registerValidator(uint256 taskId, uint256 stake) external returns (uint256 index);

    /// @notice Draws the task's sampling seed once the score commits are closed (so nobody knows,
    /// when it commits, which of its scores will count); returns the seed already drawn, if any.
    /// Anyone may call; {revealScores} and {finalize} draw it too.
    /// @dev Emits {SeedDrawn} when it draws. Requirements: ScoreReveal phase; the validation set
    /// was revealed.
    /// @param taskId The task.
    /// @return seed The seed.
    function drawSeed(uint256 taskId) external returns (bytes32 seed);
    /// @notice Commits the caller to its scores of every revealed submission at once: the root of
    /// a positional Merkle tree whose leaf i is {IArenaViews-scoreCommitment} of submission i
    /// (zero for a submission it did not score), depth {IArenaViews-scoreTreeDepth}; or, for a
    /// validation set it cannot use, {IArenaViews-unusableCommitment}. A later commit replaces an
    /// earlier one. The first commit puts the caller on the task's sampling line with its
    /// effective stake; after the phase, k validators per submission are drawn from the line by
    /// stake (all committers when at most k committed) and only their scores count.
    /// @dev Emits {ScoresCommitted}. Requirements: ScoreCommit phase; the validation set was
    /// revealed; the caller is a validator of the task; root != 0.
    /// @param taskId The task.
    /// @param root The root (or the unusable commitment).
    function commitScores(uint256 taskId, bytes32 root) external;
    /// @notice Opens the caller's committed scores of submissions it counts for. A counted score
    /// that is not opened by the end of the phase costs the validator as a score beyond the
    /// tolerance does.
    /// @dev Emits {ScoreRevealed} per score (and {SeedDrawn} if it draws the seed). Requirements:
    /// ScoreReveal phase; the caller committed a score tree; each opening's submission was
    /// revealed, not yet opened by the caller, counts the caller (drawn for it, when the task
    /// samples) and opens its leaf under the root; |score| <= {IArenaBase-MAX_SCORE} unless
    /// `invalid`; a non-empty list.
    /// @param taskId The task.
    /// @param openings The leaves to open.
    function revealScores(uint256 taskId, ScoreOpening[] calldata openings) external;
    /// @notice Reveals that the caller committed "validation set unusable". When validators
    /// holding more than half of the committed weight reveal so, the first {finalize} cancels the
    /// task and slashes its creator ({SlashReason-CreatorUnusableData}); otherwise the rejecter's
    /// counted scores are missing and cost it as unrevealed ones.
    /// @dev Emits {ValidationSetRejected}. Requirements: ScoreReveal phase; the caller's commitment
    /// is keccak256(abi.encode(taskId, msg.sender, salt)); not yet revealed.
    /// @param taskId The task.
    /// @param salt The commitment's salt.
    function rejectValidationSet(uint256 taskId, bytes32 salt) external;
    // ---------------------------------------------------------------- settlement

    /// @notice Settles up to `maxSubmissions` more submissions (consensus, slashes, validator
    /// quality). The first call fixes the task's rewards (or cancels the task: validation set
    /// never revealed, or rejected as unusable by more than half of the committed weight). Anyone
    /// may call. The consensus of a submission is the stake-weighted median of its counted,
    /// revealed scores; at an exact 50/50 split of the weight nobody can tell the honest half, so
    /// a tie slashes no one and moves no score: halves that agree within the tolerance settle at
    /// their midpoint, others leave the submission without consensus (Unscored). Each counted
    /// score beyond the task's tolerance, or not revealed, costs its validator
    /// rules.validatorSlash / E of its own and pool stake, E being the number of submissions its
    /// stake lets it expect to count for (at least 1; at most rules.validatorSlash in all).
    /// @dev Emits {RewardsFixed} on the first call, {SubmissionSettled} per submission,
    /// {SubmissionTied} per tie, {Slashed}, {ConsensusCompleted} at the end of the pass and
    /// {TaskFinalized} if no submission is eligible; or {Slashed} and {TaskCancelled} instead
    /// when the task is cancelled. Requirements: Finalizing phase; the consensus pass not over;
    /// maxSubmissions > 0.
    /// @param taskId The task.
    /// @param maxSubmissions Most submissions to settle in this call (size it to the block gas limit).
    /// @return settled Submissions settled by this call.
    /// @return consensusDone Whether the consensus pass is now over.
    function finalize(uint256 taskId, uint256 maxSubmissions) external returns (uint256 settled, bool consensusDone);

    /// @notice Ranks submissions above the baseline, given in order of consensus, best first (ties
    /// in any order). Finalizes the task with the last one. Anyone may call, and no call can make
    /// the ranking impossible to complete: a submission already in the ranking is skipped, and one
    /// whose consensus is above the last one ranked proves the ranking wrong from the first
    /// position with a lower consensus, so the ranking is cut back to there and continues with it.
    /// The whole order (every Eligible or Ranked submission, best first), in one call or in
    /// consecutive slices, completes the task whatever anyone ranked before or in between.
    /// @dev Emits {SubmissionRanked} per submission placed, {RankingRewound} per cut and
    /// {TaskFinalized} after the last. Requirements: Finalizing phase with the consensus pass
    /// over; a non-empty list; each submission above the baseline (Eligible or Ranked).
    /// @param taskId The task.
    /// @param submissionIds Submissions above the baseline, best first.
    function rank(uint256 taskId, uint256[] calldata submissionIds) external;

    /// @notice Pays the caller everything it is owed by a finalized or cancelled task: its stake
    /// back (less slashing), its reward and refunds. The delegation pool's part of the reward is
    /// paid into its pool for the shares the pool had at registration, at the share recorded then
    /// ({IDelegationPools-notifyTaskReward}).
    /// @dev Emits {Claimed}. Requirements: the task is finalized or cancelled; the caller has an
    /// unclaimed role in it.
    /// @param taskId The task.
    function claim(uint256 taskId) external;

    /// @notice Brings the emission bookkeeping up to date and pulls new emission. Anyone may call.
    /// @dev Emits {EmissionStreamed} when new emission was pulled; pulls nothing while a backlog remains.
    /// @return caughtUp Whether the bookkeeping reached now (call again if not).
    function sync() external returns (bool caughtUp);

    // ---------------------------------------------------------------- views

    /// @notice The Arena's three modules, fixed at deployment.
    /// @return settlement The {ArenaSettlement} that runs createTask, cancel and finalize by delegatecall.
    /// @return ranking The {ArenaRanking} that runs rank by delegatecall.
    /// @return lens The {ArenaLens} that serves {IArenaViews} through the Arena's fallback.
    function modules() external view returns (address settlement, address ranking, address lens);
}
