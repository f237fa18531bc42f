// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IEmissionGauge} from "./IEmissionGauge.sol";

/// @title IDelegationPools
/// @notice One delegation pool per operator (a training node or a validator). Delegators put
/// gmFLOCK into an operator's pool; the pool's stake adds to the operator's effective stake in
/// tasks, earns rewards, and bears slashing pro rata.
/// @dev Accounting is by shares: a delegator's stake is shares * pool stake / pool shares, so a
/// slash lowers every delegator's stake at once with no loop. Rewards (in FLOCK) use the
/// reward-per-share accumulator of Synthetix StakingRewards: every balance change settles first,
/// and a claim is O(1) whatever the number of delegators. Two reward sources:
/// - the emission (this contract is an {IEmissionGauge} weighted by all pooled stake): pulled
///   emission streams over the next day to all pools by stake, like StakingRewards' rewardRate;
/// - {notifyReward}: rewards earned by an operator in a task, paid into that operator's pool.
/// The operator keeps sigma of its pool's rewards; delegators share the rest by shares.
/// Undelegated stake waits out a cooldown, earning nothing but still slashable.
interface IDelegationPools is IEmissionGauge {
    /// @notice An operator's pool.
    /// @param sigma Operator share of the pool's rewards (WAD).
    /// @param sigmaChangedAt When sigma last changed (unix seconds).
    /// @param frozenUntil Sigma may not change before this time (set by protocol contracts near a task's end).
    /// @param totalStake Active gmFLOCK in the pool.
    /// @param totalShares Shares of the active stake.
    /// @param unbondingStake gmFLOCK waiting out the undelegation cooldown.
    /// @param unbondingShares Shares of the unbonding stake.
    struct PoolInfo {
        bool exists;
        uint64 sigma;
        uint64 sigmaChangedAt;
        uint64 frozenUntil;
        uint256 totalStake;
        uint256 totalShares;
        uint256 unbondingStake;
        uint256 unbondingShares;
    }

    /// @notice Thrown when an operator opens a second pool.
    error PoolsAlreadyExists(address operator);
    /// @notice Thrown when a pool does not exist.
    error PoolsUnknownPool(address operator);
    /// @notice Thrown when sigma lies outside the governed bounds.
    error PoolsSigmaOutOfBounds(uint256 sigma, uint256 min, uint256 max);
    /// @notice Thrown when sigma changes before its cooldown has passed.
    error PoolsSigmaCooldown(uint256 readyAt);
    /// @notice Thrown when sigma changes while the pool is frozen.
    error PoolsFrozen(uint256 frozenUntil);
    /// @notice Thrown when an amount or share count is zero.
    error PoolsZeroAmount();
    /// @notice Thrown when undelegating more shares than held.
    error PoolsInsufficientShares(uint256 requested, uint256 held);
    /// @notice Thrown when withdrawing before the undelegation cooldown has passed.
    error PoolsUnbonding(uint256 readyAt);
    /// @notice Thrown when there is nothing to withdraw.
    error PoolsNothingToWithdraw();
    /// @notice Thrown when a pool lost all its stake to slashing while shares remain, so new stake would be diluted to nothing.
    error PoolsInsolvent(address operator);
    /// @notice Thrown when a slash exceeds the pool's stake.
    error PoolsSlashTooLarge(uint256 amount, uint256 available);
    /// @notice Thrown when a caller lacks the protocol role a function needs.
    error PoolsUnauthorized(address caller);

    /// @notice Emitted when an operator opens its pool.
    event PoolCreated(address indexed operator, uint256 sigma);
    /// @notice Emitted when an operator changes sigma.
    event SigmaChanged(address indexed operator, uint256 oldSigma, uint256 newSigma);
    /// @notice Emitted when a protocol contract freezes a pool's sigma.
    event PoolFrozen(address indexed operator, uint256 until);
    /// @notice Emitted when gmFLOCK is delegated.
    event Delegated(address indexed delegator, address indexed operator, uint256 amount, uint256 shares);
    /// @notice Emitted when an undelegation starts its cooldown.
    event UndelegationRequested(
        address indexed delegator, address indexed operator, uint256 shares, uint256 amount, uint256 readyAt
    );
    /// @notice Emitted when unbonded gmFLOCK is withdrawn.
    event Withdrawn(address indexed delegator, address indexed operator, uint256 amount);
    /// @notice Emitted when rewards are paid into a pool.
    event RewardNotified(address indexed operator, address indexed from, uint256 amount, uint256 operatorCut);
    /// @notice Emitted when emission is pulled and starts streaming.
    event EmissionStreamed(uint256 amount, uint256 rate, uint256 periodFinish);
    /// @notice Emitted when a pool is slashed.
    event PoolSlashed(address indexed operator, address indexed by, uint256 amount, address recipient);
    /// @notice Emitted when a delegator claims rewards.
    event RewardsClaimed(address indexed account, address indexed operator, uint256 amount);
    /// @notice Emitted when an operator claims its commission.
    event CommissionClaimed(address indexed operator, uint256 amount);

    /// @notice Opens the caller's pool with operator share `sigma` (WAD).
    function createPool(uint256 sigma) external;

    /// @notice Changes the caller's sigma. Requirements: in bounds, cooldown passed, not frozen.
    function setSigma(uint256 sigma) external;

    /// @notice Delegates `amount` gmFLOCK to `operator`'s pool. Requirements: approval; pool exists and is solvent.
    /// @return shares Shares minted.
    function delegate(address operator, uint256 amount) external returns (uint256 shares);

    /// @notice Starts undelegating `shares` from `operator`'s pool; they stop earning and become
    /// withdrawable after the cooldown (adding to a pending request restarts its cooldown).
    /// @return amount gmFLOCK the shares are worth now (slashing before withdrawal lowers it).
    function undelegate(address operator, uint256 shares) external returns (uint256 amount);

    /// @notice Withdraws the caller's unbonded gmFLOCK from `operator`'s pool after the cooldown.
    /// @return amount gmFLOCK returned.
    function withdraw(address operator) external returns (uint256 amount);

    /// @notice Claims the caller's FLOCK rewards from `operator`'s pool.
    /// @return amount FLOCK paid.
    function claim(address operator) external returns (uint256 amount);

    /// @notice Claims the caller's operator commission.
    /// @return amount FLOCK paid.
    function claimCommission() external returns (uint256 amount);

    /// @notice Pays `amount` FLOCK (pulled from the caller) into `operator`'s pool as rewards.
    function notifyReward(address operator, uint256 amount) external;

    /// @notice Pulls the emission accrued to this gauge and starts streaming it. Anyone may call;
    /// every state-changing function also does it.
    function sync() external;

    /// @notice Slashes `amount` gmFLOCK from `operator`'s pool, pro rata across active and unbonding
    /// stake; sends it to `recipient`, or burns it when `recipient` is zero.
    /// Requirements: caller has SLASHER_ROLE.
    function slash(address operator, uint256 amount, address recipient) external;

    /// @notice Freezes `operator`'s sigma until `until` (never shortens a freeze). Requirements: caller has SLASHER_ROLE.
    function freeze(address operator, uint256 until) external;

    /// @notice The pool of `operator`.
    function pool(address operator) external view returns (PoolInfo memory);

    /// @notice The active stake of `operator`'s pool, which adds to its effective stake in tasks.
    function poolStake(address operator) external view returns (uint256);

    /// @notice `delegator`'s shares and their worth in `operator`'s pool.
    function delegation(address operator, address delegator) external view returns (uint256 shares, uint256 stake);

    /// @notice `delegator`'s pending undelegation from `operator`'s pool.
    function unbonding(address operator, address delegator)
        external
        view
        returns (uint256 shares, uint256 amount, uint256 readyAt);

    /// @notice FLOCK `delegator` could claim now from `operator`'s pool.
    function pendingRewards(address operator, address delegator) external view returns (uint256);

    /// @notice FLOCK `operator` could claim now as commission.
    function pendingCommission(address operator) external view returns (uint256);

    /// @notice All active pooled gmFLOCK (the gauge weight).
    function totalPooledStake() external view returns (uint256);
}
