// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IArenaTypes} from "./IArenaTypes.sol";

/// @title IArenaViews
/// @notice The read functions of the AI Arena (see {IArena}). Served at the Arena's address: the
/// Arena forwards them (its fallback) to its lens module, which reads the Arena's storage.
interface IArenaViews is IArenaTypes {
    /// @notice Tasks created so far (ids are 1..taskCount).
    function taskCount() external view returns (uint256);

    /// @notice A task's state.
    function task(uint256 taskId) external view returns (TaskInfo memory);

    /// @notice A task's rules (governed parameters at its creation).
    function taskRules(uint256 taskId) external view returns (TaskRules memory);

    /// @notice A task's CIDs and model contract.
    function taskSpec(uint256 taskId) external view returns (TaskSpec memory);

    /// @notice A task's settlement.
    function settlement(uint256 taskId) external view returns (SettlementInfo memory);

    /// @notice A task's phase now.
    function phase(uint256 taskId) external view returns (Phase);

    /// @notice `account`'s role in a task and its submission id or validator index.
    function participant(uint256 taskId, address account) external view returns (Role role, uint256 index);

    /// @notice A submission.
    function submission(uint256 taskId, uint256 submissionId) external view returns (SubmissionInfo memory);

    /// @notice Validator indices that committed a score for a submission (at most k, or all validators).
    function scorers(uint256 taskId, uint256 submissionId) external view returns (uint256[] memory);

    /// @notice A validator.
    function validator(uint256 taskId, uint256 index) external view returns (ValidatorInfo memory);

    /// @notice A validator's score of a submission.
    function score(uint256 taskId, uint256 submissionId, uint256 validatorIndex)
        external
        view
        returns (ScoreInfo memory);

    /// @notice Whether a validator may score a submission, and a draw index proving it.
    /// @dev Always (true, 0) when the task does not sample; (false, 0) before the seed is drawn.
    function assignment(uint256 taskId, uint256 submissionId, uint256 validatorIndex)
        external
        view
        returns (bool assigned, uint256 draw);

    /// @notice What {claim} would pay `account` now: gmFLOCK stake back, FLOCK reward (pool part
    /// included) and FLOCK refund.
    function claimable(uint256 taskId, address account)
        external
        view
        returns (uint256 stake, uint256 reward, uint256 refund);

    /// @notice The emission stream: rate (FLOCK per second scaled by 1e36), end, last update,
    /// total weight of earning tasks and emission per weight (scaled by 1e36).
    function stream()
        external
        view
        returns (uint256 rate, uint256 periodFinish, uint256 lastUpdate, uint256 totalWeight, uint256 rewardPerWeight);

    /// @notice Totals for audits: FLOCK pulled from the emission, emission fixed to tasks, rewards
    /// paid by claims (pool parts included), FLOCK sent to the treasury, gmFLOCK burned by slashing.
    function totals()
        external
        view
        returns (uint256 pulled, uint256 taskEmission, uint256 rewardsPaid, uint256 toTreasury, uint256 slashedBurned);

    /// @notice keccak256(abi.encode(modelCID, node, salt)).
    function modelCommitment(string calldata modelCID, address node, bytes32 salt) external pure returns (bytes32);

    /// @notice keccak256(abi.encode(validationCID, salt)).
    function validationCommitment(string calldata validationCID, bytes32 salt) external pure returns (bytes32);

    /// @notice keccak256(abi.encode(taskId, submissionId, validator, score, invalid, salt)).
    function scoreCommitment(
        uint256 taskId,
        uint256 submissionId,
        address validator,
        int256 score,
        bool invalid,
        bytes32 salt
    ) external pure returns (bytes32);
}
