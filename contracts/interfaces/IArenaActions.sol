// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IArenaTypes} from "./IArenaTypes.sol";
import {IEmissionGauge} from "./IEmissionGauge.sol";

/// @title IArenaActions
/// @notice The state-changing functions of the AI Arena (see {IArena} for the lifecycle), plus
/// its emission weight as an {IEmissionGauge}. Implemented by {Arena} itself.
interface IArenaActions is IArenaTypes, IEmissionGauge {
    // ---------------------------------------------------------------- creator

    /// @notice Creates a task, staking `p.creatorStake` gmFLOCK and paying `p.bounty` FLOCK.
    /// @return taskId The new task's id (from 1).
    function createTask(TaskParams calldata p) external returns (uint256 taskId);

    /// @notice Reveals the task's validation set (its creator, in the Reveal phase).
    function revealValidationSet(uint256 taskId, string calldata validationCID, bytes32 salt) external;

    /// @notice Cancels a task whose creator did not reveal the validation set by `revealEnd`:
    /// slashes the creator and opens refunds. Anyone may call.
    function cancel(uint256 taskId) external;

    // ---------------------------------------------------------------- training nodes

    /// @notice Registers the caller as a training node, staking `stake` gmFLOCK and paying the fee.
    /// @return submissionId The caller's submission id.
    function registerNode(uint256 taskId, uint256 stake) external returns (uint256 submissionId);

    /// @notice Commits the caller's model: keccak256(abi.encode(modelCID, msg.sender, salt)).
    function commitModel(uint256 taskId, bytes32 commitment) external;

    /// @notice Reveals the caller's model.
    function revealModel(uint256 taskId, string calldata modelCID, bytes32 salt) external;

    // ---------------------------------------------------------------- validators

    /// @notice Registers the caller as a validator, staking `stake` gmFLOCK.
    /// @return index The caller's validator index.
    function registerValidator(uint256 taskId, uint256 stake) external returns (uint256 index);

    /// @notice Draws the task's sampling seed (done by the first score commit otherwise). Anyone may call.
    function drawSeed(uint256 taskId) external returns (bytes32 seed);

    /// @notice Commits the caller's score of a submission:
    /// keccak256(abi.encode(taskId, submissionId, msg.sender, score, invalid, salt)).
    /// @param draw When the task samples (more validators than k), a draw index in [0, k) at which
    /// the caller was drawn for this submission (see {assignment}); ignored otherwise.
    function commitScore(uint256 taskId, uint256 submissionId, uint256 draw, bytes32 commitment) external;

    /// @notice {commitScore} for several submissions.
    function commitScores(
        uint256 taskId,
        uint256[] calldata submissionIds,
        uint256[] calldata draws,
        bytes32[] calldata commitments
    ) external;

    /// @notice Reveals the caller's score of a submission (`score` is ignored when `invalid`).
    function revealScore(uint256 taskId, uint256 submissionId, int256 score, bool invalid, bytes32 salt) external;

    /// @notice {revealScore} for several submissions.
    function revealScores(
        uint256 taskId,
        uint256[] calldata submissionIds,
        int256[] calldata scores,
        bool[] calldata invalids,
        bytes32[] calldata salts
    ) external;

    // ---------------------------------------------------------------- settlement

    /// @notice Settles up to `maxSubmissions` more submissions (consensus, slashes, validator
    /// quality). The first call fixes the task's rewards. Anyone may call. A task without a
    /// revealed validation set is cancelled instead.
    /// @return settled Submissions settled by this call.
    /// @return consensusDone Whether the consensus pass is now over.
    function finalize(uint256 taskId, uint256 maxSubmissions) external returns (uint256 settled, bool consensusDone);

    /// @notice Ranks the next eligible submissions, given in order of consensus, best first (ties
    /// in any order); the contract verifies the order. Finalizes the task with the last one.
    /// Anyone may call.
    function rank(uint256 taskId, uint256[] calldata submissionIds) external;

    /// @notice Pays the caller everything it is owed by a finalized or cancelled task: its stake
    /// back (less slashing), its reward (the delegation pool's part paid into its pool) and refunds.
    function claim(uint256 taskId) external;

    /// @notice Brings the emission bookkeeping up to date and pulls new emission. Anyone may call.
    /// @return caughtUp Whether the bookkeeping reached now (call again if not).
    function sync() external returns (bool caughtUp);
}
