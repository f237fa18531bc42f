// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IArenaTypes} from "./IArenaTypes.sol";

/// @title IArenaViews
/// @notice The read functions of the AI Arena (see {IArena}). Served at the Arena's address: the
/// Arena forwards them (its fallback) to its lens module, which reads the Arena's storage.
interface IArenaViews is IArenaTypes {
    /// @notice Tasks created so far.
    /// @return The count; task ids are 1..taskCount.
    function taskCount() external view returns (uint256);

    /// @notice A task's state.
    /// @dev Reverts with {ArenaUnknownTask} for an unknown task. `accruedEmission` is as of the last
    /// emission update (final once the task is settled).
    /// @param taskId The task.
    /// @return The task's state.
    function task(uint256 taskId) external view returns (TaskInfo memory);

    /// @notice A task's rules (governed parameters at its creation).
    /// @dev Reverts with {ArenaUnknownTask} for an unknown task.
    /// @param taskId The task.
    /// @return The rules.
    function taskRules(uint256 taskId) external view returns (TaskRules memory);

    /// @notice A task's CIDs and model contract.
    /// @dev Reverts with {ArenaUnknownTask} for an unknown task.
    /// @param taskId The task.
    /// @return The training data's and (once revealed) the validation set's CIDs, and the model contract.
    function taskSpec(uint256 taskId) external view returns (TaskSpec memory);

    /// @notice A task's settlement.
    /// @dev Reverts with {ArenaUnknownTask} for an unknown task.
    /// @param taskId The task.
    /// @return The settlement (all zero before the first {IArenaActions-finalize}).
    function settlement(uint256 taskId) external view returns (SettlementInfo memory);

    /// @notice A task's phase now.
    /// @param taskId The task.
    /// @return The phase (None for an unknown task).
    function phase(uint256 taskId) external view returns (Phase);

    /// @notice `account`'s role in a task and its submission id or validator index.
    /// @param taskId The task.
    /// @param account The account.
    /// @return role Node, Validator, or None (the creator included).
    /// @return index Its submission id (a node) or validator index (a validator); 0 otherwise.
    function participant(uint256 taskId, address account) external view returns (Role role, uint256 index);

    /// @notice A submission. While a task is being ranked, a submission a rewind cut off the
    /// ranking ({RankingRewound}) reads as Eligible again, with rank and factor 0.
    /// @param taskId The task.
    /// @param submissionId The submission.
    /// @return The node and its submission (all zero for an unknown one).
    function submission(uint256 taskId, uint256 submissionId) external view returns (SubmissionInfo memory);

    /// @notice Counted validators that revealed a score of a submission (at most k).
    /// @param taskId The task.
    /// @param submissionId The submission.
    /// @return The validator indices, in order of their reveals.
    function scorers(uint256 taskId, uint256 submissionId) external view returns (uint256[] memory);

    /// @notice A validator.
    /// @param taskId The task.
    /// @param index The validator index.
    /// @return The validator (all zero for an unknown one).
    function validator(uint256 taskId, uint256 index) external view returns (ValidatorInfo memory);

    /// @notice A validator's revealed score of a submission.
    /// @param taskId The task.
    /// @param submissionId The submission.
    /// @param validatorIndex The validator index.
    /// @return The score (all zero until revealed).
    function score(uint256 taskId, uint256 submissionId, uint256 validatorIndex)
        external
        view
        returns (ScoreInfo memory);

    /// @notice Whether a validator's score of a submission counts, and at which draws.
    /// @dev When the task does not sample (at most k committers): (true, 0) for a committer. When
    /// it samples: (false, 0) before the seed is drawn; else whether any of the k draws lands on
    /// the validator, with their bit mask. (false, 0) for an unknown validator or one that did
    /// not commit. Reverts with {ArenaUnknownTask} for an unknown task.
    /// @param taskId The task.
    /// @param submissionId The submission.
    /// @param validatorIndex The validator index.
    /// @return counted Whether the validator's score of the submission counts.
    /// @return draws Bit j set when draw j landed on it.
    function assignment(uint256 taskId, uint256 submissionId, uint256 validatorIndex)
        external
        view
        returns (bool counted, uint256 draws);

    /// @notice The depth of the task's score trees: the least d with 2^d >= its node count.
    /// @param taskId The task.
    /// @return The depth (proof length).
    function scoreTreeDepth(uint256 taskId) external view returns (uint256);

    /// @notice What {IArenaActions-claim} would pay `account` now.
    /// @dev (0, 0, 0) while the task is neither finalized nor cancelled, or once claimed. Reverts
    /// with {ArenaUnknownTask} for an unknown task.
    /// @param taskId The task.
    /// @param account The account.
    /// @return stake gmFLOCK stake back (less slashing).
    /// @return reward FLOCK reward, the delegation pool's part included.
    /// @return refund FLOCK refund (fee or bounty of a cancelled task).
    function claimable(uint256 taskId, address account)
        external
        view
        returns (uint256 stake, uint256 reward, uint256 refund);

    /// @notice The emission stream to the earning tasks, as of the last emission update.
    /// @return rate FLOCK per second, scaled by 1e36.
    /// @return periodFinish When the stream ends (unix seconds).
    /// @return lastUpdate When the accumulator was last brought up to date.
    /// @return totalWeight The total weight of the earning tasks.
    /// @return rewardPerWeight Emission per weight, scaled by 1e36.
    function stream()
        external
        view
        returns (uint256 rate, uint256 periodFinish, uint256 lastUpdate, uint256 totalWeight, uint256 rewardPerWeight);

    /// @notice Totals for audits.
    /// @return pulled FLOCK pulled from the emission.
    /// @return taskEmission Emission fixed to tasks (at settlement or cancellation).
    /// @return rewardsPaid Rewards paid by claims (pool parts included).
    /// @return toTreasury FLOCK sent to the treasury.
    /// @return slashedBurned gmFLOCK of own stake burned by slashing.
    function totals()
        external
        view
        returns (uint256 pulled, uint256 taskEmission, uint256 rewardsPaid, uint256 toTreasury, uint256 slashedBurned);

    /// @notice The commitment a node passes to {IArenaActions-commitModel}.
    /// @param modelCID CID of the model.
    /// @param node The node.
    /// @param salt A secret salt.
    /// @return keccak256(abi.encode(modelCID, node, salt)).
    function modelCommitment(string calldata modelCID, address node, bytes32 salt) external pure returns (bytes32);

    /// @notice The validation commitment a creator passes in {TaskParams}.
    /// @param validationCID CID of the validation set.
    /// @param salt A secret salt.
    /// @return keccak256(abi.encode(validationCID, salt)).
    function validationCommitment(string calldata validationCID, bytes32 salt) external pure returns (bytes32);

    /// @notice A leaf of a validator's score tree (see {IArenaActions-commitScores}).
    /// @param taskId The task.
    /// @param submissionId The submission.
    /// @param validator The validator.
    /// @param score The raw score, 1e18-scaled (the reveal must repeat it, even when `invalid`).
    /// @param invalid Whether the model is marked invalid.
    /// @param salt A secret salt.
    /// @return keccak256(abi.encode(taskId, submissionId, validator, score, invalid, salt)).
    function scoreCommitment(
        uint256 taskId,
        uint256 submissionId,
        address validator,
        int256 score,
        bool invalid,
        bytes32 salt
    ) external pure returns (bytes32);

    /// @notice The commitment of a validator that finds the validation set unusable (see
    /// {IArenaActions-rejectValidationSet}).
    /// @param taskId The task.
    /// @param validator The validator.
    /// @param salt A secret salt.
    /// @return keccak256(abi.encode(taskId, validator, salt)).
    function unusableCommitment(uint256 taskId, address validator, bytes32 salt) external pure returns (bytes32);
}
