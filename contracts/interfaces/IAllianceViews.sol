// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAllianceTypes} from "./IAllianceTypes.sol";

/// @title IAllianceViews
/// @notice The read functions of the FL Alliance (see {IAlliance}). Served at the Alliance's
/// address: the Alliance forwards them (its fallback) to its lens module, which reads the
/// Alliance's storage.
interface IAllianceViews is IAllianceTypes {
    /// @notice Number of tasks created (ids are 1..taskCount).
    /// @return The count.
    function taskCount() external view returns (uint256);

    /// @notice A task's state.
    /// @dev `emissionEarned` includes what the stream owes the task up to now (final once it ended).
    /// @param taskId The task.
    /// @return The state.
    function task(uint256 taskId) external view returns (TaskInfo memory);

    /// @notice A task's parameters as created (`initialModelCID` resolved when `fromArena`).
    /// @param taskId The task.
    /// @return The parameters.
    function params(uint256 taskId) external view returns (TaskParams memory);

    /// @notice A round's state, with its phase now.
    /// @dev Before its settlement, `aggregateCID`, `winningStake` and `improvedStake` are those of
    /// the aggregate leading so far. A round that is not (yet) started reads as all zero (phase None).
    /// @param taskId The task.
    /// @param round The round (1..task.round).
    /// @return The state.
    function round(uint256 taskId, uint256 round) external view returns (RoundInfo memory);

    /// @notice The participant list now, in order, with effective stakes (own + pool).
    /// @dev During a round its first `participants` entries are the round's, in the draw's order.
    /// @param taskId The task.
    /// @return accounts The participants.
    /// @return stakes Their effective stakes.
    function participants(uint256 taskId) external view returns (address[] memory accounts, uint256[] memory stakes);

    /// @notice A participant (or former participant).
    /// @param taskId The task.
    /// @param account The account.
    /// @return The record.
    function member(uint256 taskId, address account) external view returns (MemberInfo memory);

    /// @notice The role `account` holds in `round` and its index there.
    /// @dev Exact for past rounds too: a participant moved to another index by a removal keeps
    /// the index it had in each round.
    /// @param taskId The task.
    /// @param round The round.
    /// @param account The account.
    /// @return role Its role (None if not in the round or roles not drawn).
    /// @return index Its index in the round's list (0 when not in the round).
    function roleOf(uint256 taskId, uint256 round, address account) external view returns (Role role, uint256 index);

    /// @notice The round's proposers in index order, with their commits, reveals and blame.
    /// @param taskId The task.
    /// @param round The round.
    /// @return The updates (empty before the draw).
    function updates(uint256 taskId, uint256 round) external view returns (Update[] memory);

    /// @notice A voter's record in a round.
    /// @param taskId The task.
    /// @param round The round.
    /// @param account The voter.
    /// @return committed Whether it committed.
    /// @return revealed Whether it revealed.
    /// @return vote What it revealed.
    function voteOf(uint256 taskId, uint256 round, address account)
        external
        view
        returns (bool committed, bool revealed, Vote memory vote);

    /// @notice What {IAllianceActions-claim} would pay `account` now.
    /// @param taskId The task.
    /// @param account The account.
    /// @return stake gmFLOCK.
    /// @return reward FLOCK to the account.
    /// @return poolReward FLOCK to its pool.
    /// @return refund FLOCK returned to the creator.
    function claimable(uint256 taskId, address account)
        external
        view
        returns (uint256 stake, uint256 reward, uint256 poolReward, uint256 refund);

    /// @notice The emission stream to the earning tasks, as of the last emission update.
    /// @return rate FLOCK per second, scaled by 1e36.
    /// @return periodFinish When the stream ends (unix seconds).
    /// @return lastUpdate When the accumulator was last brought up to date.
    /// @return totalWeight The total weight (effective stake) of the earning tasks.
    /// @return rewardPerWeight Emission per weight, scaled by 1e36.
    function stream()
        external
        view
        returns (uint256 rate, uint256 periodFinish, uint256 lastUpdate, uint256 totalWeight, uint256 rewardPerWeight);

    /// @notice Totals for audits.
    /// @return pulled FLOCK pulled from the emission.
    /// @return taskEmission Emission fixed to tasks that ended (their final `emissionEarned`).
    /// @return funded FLOCK funded by creators.
    /// @return rewardsPaid Rewards paid by claims (pool parts included).
    /// @return refunded FLOCK returned to creators (unspent reward pools).
    /// @return toTreasury FLOCK sent to the treasury.
    /// @return slashedBurned gmFLOCK of own stake burned by slashing.
    function totals()
        external
        view
        returns (
            uint256 pulled,
            uint256 taskEmission,
            uint256 funded,
            uint256 rewardsPaid,
            uint256 refunded,
            uint256 toTreasury,
            uint256 slashedBurned
        );

    /// @notice The commitment a proposer passes to {IAllianceActions-commitUpdate}.
    /// @param taskId The task.
    /// @param round The round.
    /// @param updateCID CID of the update.
    /// @param examples Examples it was trained on.
    /// @param proposer The proposer.
    /// @param salt A secret salt.
    /// @return keccak256(abi.encode(taskId, round, updateCID, examples, proposer, salt)).
    function updateCommitment(
        uint256 taskId,
        uint256 round,
        string calldata updateCID,
        uint64 examples,
        address proposer,
        bytes32 salt
    ) external pure returns (bytes32);

    /// @notice The commitment a voter passes to {IAllianceActions-commitVote}.
    /// @param taskId The task.
    /// @param round The round.
    /// @param vote The vote.
    /// @param voter The voter.
    /// @param salt A secret salt.
    /// @return keccak256(abi.encode(taskId, round, vote, voter, salt)), the vote as a tuple.
    function voteCommitment(uint256 taskId, uint256 round, Vote calldata vote, address voter, bytes32 salt)
        external
        pure
        returns (bytes32);
}
