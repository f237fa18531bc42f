// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IAllianceRandomness} from "./IAllianceRandomness.sol";
import {IAllianceTypes} from "./IAllianceTypes.sol";
import {IArena} from "./IArena.sol";
import {IDelegationPools} from "./IDelegationPools.sol";
import {IEmission} from "./IEmission.sol";
import {IGmFlock} from "./IGmFlock.sol";
import {IProtocolConfig} from "./IProtocolConfig.sol";

/// @title IAllianceBase
/// @notice What the FL Alliance and its two modules share (see {IAlliance}): its constants and the
/// contracts it is wired to. Implemented by their common base, {AllianceStorage}.
interface IAllianceBase is IAllianceTypes {
    /// @notice The contracts the Alliance is wired to, fixed at deployment.
    /// @return flock FLOCK: reward pools and rewards.
    /// @return gm gmFLOCK: stakes.
    /// @return config The protocol config (parameters, roles, treasury).
    /// @return emission The emission the Alliance is a gauge of.
    /// @return pools The delegation pools (pool stake, freezing, slashing, rewards).
    /// @return randomness_ The randomness source of the role draws.
    /// @return arena The AI Arena whose finalized winners a task may start from (zero: none).
    function contracts()
        external
        view
        returns (
            IERC20 flock,
            IGmFlock gm,
            IProtocolConfig config,
            IEmission emission,
            IDelegationPools pools,
            IAllianceRandomness randomness_,
            IArena arena
        );

    /// @notice The randomness source.
    /// @return The contract.
    function randomness() external view returns (IAllianceRandomness);

    /// @notice The most rounds a task may have.
    /// @return The count.
    function MAX_ROUNDS() external view returns (uint256);

    /// @notice The longest CID accepted, in bytes.
    /// @return The length.
    function MAX_CID_LENGTH() external view returns (uint256);

    /// @notice The largest score magnitude a voter may reveal (1e36).
    /// @return The bound.
    function MAX_SCORE() external view returns (int256);

    /// @notice The most participants a task may have (the role draw's bound, {AllianceRoles}).
    /// @return The count (256).
    function MAX_PARTICIPANTS() external view returns (uint256);

    /// @notice The most proposers a round may draw ({AllianceRoles}).
    /// @return The count (64).
    function MAX_PROPOSERS() external view returns (uint256);

    /// @notice The longest join window or phase a task may set (so that every time fits 64 bits).
    /// @return Seconds (365 days).
    function MAX_DURATION() external view returns (uint256);

    /// @notice Scale of the emission accumulator and of the stream's rate ({IAllianceViews-stream}).
    /// @return 1e36.
    function PRECISION() external view returns (uint256);

    /// @notice How long pulled emission streams to the earning tasks.
    /// @return The duration (seconds).
    function REWARD_DURATION() external view returns (uint256);

    /// @notice How long after a round's last phase the delegation pools of its participants stay
    /// frozen (each draw extends the freeze), so that stake undelegated meanwhile stays slashable
    /// until the round is settled and no operator raises its share before rewards are claimed.
    /// @return The duration (seconds).
    function CLAIM_FREEZE() external view returns (uint256);
}
