// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";

/// @title IGmFlock
/// @notice gmFLOCK: FLOCK locked for 0..365 days, minted at the lock multiplier
/// m(t) = 1 for t <= bonusStart, else 1 + slope * (min(t, maxDuration) - bonusStart) / 365 days.
/// @dev gmFLOCK moves only from or to an account holding GM_HOLDER_ROLE (delegation pools, tasks).
/// Each lock is a position; redeeming a position after its unlock time burns the position's gmFLOCK
/// and returns its FLOCK less the redeem fee, which goes to the treasury. gmFLOCK lost to slashing
/// leaves a position short: redeeming it then returns FLOCK pro rata to the gmFLOCK burned and sends
/// the forfeited rest to the treasury, so FLOCK is always conserved.
/// Locked FLOCK keeps its governance weight: per-account checkpoints of locked FLOCK (not gmFLOCK)
/// on the same timestamp clock as FlockToken, readable by the Governor at a proposal's snapshot.
interface IGmFlock is IERC20, IERC6372 {
    /// @notice One lock of FLOCK.
    /// @param amount FLOCK locked (wei); zero once redeemed.
    /// @param gmAmount gmFLOCK minted for it.
    /// @param unlockAt When it may be redeemed (unix seconds).
    /// @param multiplier The multiplier it was minted at (WAD). uint96: the governed bounds allow
    /// up to 1 + 10 * 4 = 41x (41e18 > type(uint64).max); the struct still fills two slots.
    struct Position {
        uint128 amount;
        uint128 gmAmount;
        uint64 unlockAt;
        uint96 multiplier;
    }

    /// @notice Thrown when a lock of zero FLOCK is asked for.
    error GmFlockZeroAmount();

    /// @notice Thrown when a lock is longer than the maximum duration.
    /// @param duration The asked duration (seconds).
    /// @param maxDuration The longest allowed (seconds).
    error GmFlockLockTooLong(uint256 duration, uint256 maxDuration);

    /// @notice Thrown when a position does not exist or was already redeemed.
    /// @param account The owner.
    /// @param positionId The position.
    error GmFlockUnknownPosition(address account, uint256 positionId);

    /// @notice Thrown when a position is redeemed before its unlock time.
    /// @param positionId The position.
    /// @param unlockAt When it unlocks (unix seconds).
    error GmFlockStillLocked(uint256 positionId, uint256 unlockAt);

    /// @notice Thrown when the caller holds less gmFLOCK than the position needs and did not accept the shortfall.
    /// @param needed gmFLOCK the position minted.
    /// @param balance gmFLOCK the caller holds.
    error GmFlockInsufficientGm(uint256 needed, uint256 balance);

    /// @notice Thrown when gmFLOCK would move between two accounts neither of which is a protocol contract.
    /// @param from The sender.
    /// @param to The receiver.
    error GmFlockNonTransferable(address from, address to);

    /// @notice Thrown when a vote checkpoint is asked for a time not yet in the past.
    /// @param timepoint The asked time.
    /// @param clock The current clock.
    error GmFlockFutureLookup(uint256 timepoint, uint48 clock);

    /// @notice Emitted when FLOCK is locked.
    /// @param account The owner.
    /// @param positionId The new position.
    /// @param amount FLOCK locked.
    /// @param gmAmount gmFLOCK minted.
    /// @param unlockAt When it may be redeemed.
    event Locked(address indexed account, uint256 indexed positionId, uint256 amount, uint256 gmAmount, uint256 unlockAt);

    /// @notice Emitted when a position is redeemed.
    /// @param account The owner.
    /// @param positionId The position.
    /// @param gmBurned gmFLOCK burned.
    /// @param flockOut FLOCK returned to the owner.
    /// @param fee FLOCK paid to the treasury as fee.
    /// @param forfeited FLOCK sent to the treasury for gmFLOCK the owner no longer held.
    event Redeemed(
        address indexed account, uint256 indexed positionId, uint256 gmBurned, uint256 flockOut, uint256 fee, uint256 forfeited
    );

    /// @notice Locks `amount` FLOCK for `duration` seconds and mints gmFLOCK at the lock multiplier.
    /// @dev Emits {Locked} and {IERC20-Transfer}. Requirements: amount > 0; duration <= max;
    /// the caller approved this contract for `amount` FLOCK.
    /// @param amount FLOCK to lock (wei).
    /// @param duration Lock length (seconds), at most lock.maxDuration.
    /// @return positionId The new position's id (per account, from 0).
    function lock(uint256 amount, uint256 duration) external returns (uint256 positionId);

    /// @notice Redeems an unlocked position.
    /// @param positionId The position.
    /// @param acceptShortfall Redeem even if the caller holds less gmFLOCK than the position minted,
    /// forfeiting FLOCK pro rata to the missing gmFLOCK.
    /// @dev Emits {Redeemed} and {IERC20-Transfer}. Requirements: the position exists, is unlocked,
    /// and the caller holds its gmFLOCK or accepts the shortfall.
    /// @return flockOut FLOCK returned to the caller.
    function redeem(uint256 positionId, bool acceptShortfall) external returns (uint256 flockOut);

    /// @notice Burns gmFLOCK from the caller (protocol contracts use it for slashed stake).
    /// @dev Emits {IERC20-Transfer}. The FLOCK behind it is forfeited to the treasury at redemption.
    /// Requirements: the caller holds `amount`.
    /// @param amount gmFLOCK to burn.
    function burn(uint256 amount) external;

    /// @notice The multiplier a lock of `duration` would be minted at now.
    /// @param duration Lock length (seconds); capped at lock.maxDuration.
    /// @return The multiplier (WAD).
    function multiplier(uint256 duration) external view returns (uint256);

    /// @notice A position of `account`.
    /// @dev Reverts with {GmFlockUnknownPosition} unless `positionId` < `positionCount(account)`.
    /// @param account The owner.
    /// @param positionId The position.
    /// @return The position (its `amount` is zero once redeemed).
    function position(address account, uint256 positionId) external view returns (Position memory);

    /// @notice How many positions `account` has opened (redeemed ones included).
    /// @param account The owner.
    /// @return The count; position ids are 0..count-1.
    function positionCount(address account) external view returns (uint256);

    /// @notice FLOCK currently locked by `account`.
    /// @param account The owner.
    /// @return The amount (wei), positions not yet redeemed.
    function lockedOf(address account) external view returns (uint256);

    /// @notice FLOCK currently locked by everyone.
    /// @return The amount (wei).
    function totalLocked() external view returns (uint256);

    /// @notice Governance weight of `account` now: the FLOCK it has locked.
    /// @param account The owner.
    /// @return The weight (FLOCK wei).
    function getVotes(address account) external view returns (uint256);

    /// @notice Governance weight of `account` at a past `timepoint`.
    /// @dev Reverts with {GmFlockFutureLookup} unless `timepoint` < `clock()`.
    /// @param account The owner.
    /// @param timepoint A past time (unix seconds).
    /// @return The FLOCK it had locked then (wei).
    function getPastVotes(address account, uint256 timepoint) external view returns (uint256);

    /// @notice FLOCK locked by everyone at a past `timepoint`.
    /// @dev Reverts with {GmFlockFutureLookup} unless `timepoint` < `clock()`.
    /// @param timepoint A past time (unix seconds).
    /// @return The amount (wei).
    function getPastTotalSupply(uint256 timepoint) external view returns (uint256);

    /// @notice The FLOCK token.
    /// @return The token.
    function flock() external view returns (IERC20);
}
