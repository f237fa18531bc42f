// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IArenaTypes} from "./IArenaTypes.sol";
import {IDelegationPools} from "./IDelegationPools.sol";
import {IEmission} from "./IEmission.sol";
import {IGmFlock} from "./IGmFlock.sol";
import {IProtocolConfig} from "./IProtocolConfig.sol";

/// @title IArenaBase
/// @notice What the AI Arena and its two modules share (see {IArena}): its constants and the
/// contracts it is wired to. Implemented by their common base, {ArenaStorage}.
interface IArenaBase is IArenaTypes {
    /// @notice The contracts the Arena is wired to, fixed at deployment.
    /// @return flock FLOCK: fees, bounties and rewards.
    /// @return gm gmFLOCK: stakes.
    /// @return config The protocol config (parameters, roles, treasury).
    /// @return emission The emission the Arena is a gauge of.
    /// @return pools The delegation pools (pool stake, freezing, slashing, rewards).
    function contracts()
        external
        view
        returns (IERC20 flock, IGmFlock gm, IProtocolConfig config, IEmission emission, IDelegationPools pools);

    /// @notice Scale of the emission accumulator and of the stream's rate ({IArenaViews-stream}).
    /// @return 1e36.
    function PRECISION() external view returns (uint256);

    /// @notice How long pulled emission streams to the earning tasks.
    /// @return The duration (seconds).
    function REWARD_DURATION() external view returns (uint256);

    /// @notice Granularity of the end of a task's earning window (`scoreRevealEnd` is rounded up to it).
    /// @return The epoch length (seconds).
    function EPOCH() external view returns (uint256);

    /// @notice Most bitmap words or drop epochs one emission update walks; past that, functions
    /// that change weights revert with {ArenaSyncBacklog} until {IArenaActions-sync} catches up.
    /// @return The maximum.
    function MAX_UPDATE_STEPS() external view returns (uint256);

    /// @notice Upper bound of the governed arena.sampleSize (validators drawn per submission).
    /// @return The maximum.
    function MAX_SAMPLE_SIZE() external view returns (uint256);

    /// @notice Largest absolute score or baseline (1e18 in metric units).
    /// @return 1e36.
    function MAX_SCORE() external view returns (int256);

    /// @notice Longest CID accepted.
    /// @return The length (bytes).
    function MAX_CID_LENGTH() external view returns (uint256);

    /// @notice Most dimensions of a model's input or output shape.
    /// @return The maximum.
    function MAX_SHAPE_RANK() external view returns (uint256);

    /// @notice How long after a task's end the delegation pools of its nodes and validators stay
    /// frozen, so that no operator raises its share before rewards are claimed into its pool.
    /// @return The duration (seconds).
    function CLAIM_FREEZE() external view returns (uint256);
}
