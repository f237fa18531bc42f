// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IEmission} from "./IEmission.sol";
import {IEmissionGauge} from "./IEmissionGauge.sol";
import {IGmFlock} from "./IGmFlock.sol";
import {IProtocolConfig} from "./IProtocolConfig.sol";

/// @title IDelegationPools
/// @notice One delegation pool per operator (a training node or a validator). Delegators put
/// gmFLOCK into an operator's pool; the pool's stake adds to the operator's effective stake in
/// tasks, earns rewards, and bears slashing pro rata.
/// @dev Accounting is by shares: a delegator's stake is shares * pool stake / pool shares, so a
/// slash lowers every delegator's stake at once with no loop. Three reward sources (in FLOCK):
/// - the emission (this contract is an {IEmissionGauge} weighted by all pooled stake): pulled
///   emission streams over the next day to all pools by stake, like StakingRewards' rewardRate,
///   and within a pool by shares through a reward-per-share accumulator (every balance change
///   settles first; {claim} is O(1) whatever the number of delegators);
/// - {notifyTaskReward}: what an operator earned in a task, paid by the protocol contract that
///   ran it to the shares the pool had when the task fixed its stake (`since`), whoever joined or
///   left since; delegators pull it with {claimTaskRewards}, in bounded batches of entries;
/// - {notifyReward}: rewards anyone pays into a pool, shared at once by its current shares.
/// The operator keeps sigma of its pool's rewards (for a task reward: the sigma the task
/// recorded); delegators share the rest. Undelegated stake waits out a cooldown, earning nothing
/// but still slashable; when the pool is frozen (its stake backs a running task), not before the
/// freeze ends. Stake backing several concurrent tasks of its operator is exposed in each.
interface IDelegationPools is IEmissionGauge {
    /// @notice An operator's pool.
    /// @param exists Whether the operator has opened it.
    /// @param sigma Operator share of the pool's rewards (WAD).
    /// @param sigmaChangedAt When sigma last changed (unix seconds).
    /// @param frozenUntil Sigma may not change, and stake undelegated until then may not be
    /// withdrawn, before this time (set by protocol contracts to after the end of each task that
    /// counts the pool's stake).
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
    /// @param operator The operator.
    error PoolsAlreadyExists(address operator);

    /// @notice Thrown when a pool does not exist.
    /// @param operator The operator without a pool.
    error PoolsUnknownPool(address operator);

    /// @notice Thrown when sigma lies outside the governed bounds.
    /// @param sigma The sigma asked for (WAD).
    /// @param min The lowest accepted (pool.sigmaMin).
    /// @param max The highest accepted (pool.sigmaMax, at most 1e18).
    error PoolsSigmaOutOfBounds(uint256 sigma, uint256 min, uint256 max);

    /// @notice Thrown when sigma changes before its cooldown has passed.
    /// @param readyAt When sigma may change again (unix seconds).
    error PoolsSigmaCooldown(uint256 readyAt);

    /// @notice Thrown when sigma changes while the pool is frozen.
    /// @param frozenUntil When the freeze ends (unix seconds).
    error PoolsFrozen(uint256 frozenUntil);

    /// @notice Thrown when an amount or share count is zero (or a delegation is worth no share).
    error PoolsZeroAmount();

    /// @notice Thrown when undelegating more shares than held.
    /// @param requested The shares asked for.
    /// @param held The shares the caller holds.
    error PoolsInsufficientShares(uint256 requested, uint256 held);

    /// @notice Thrown when withdrawing before the undelegation cooldown has passed.
    /// @param readyAt When the withdrawal opens (unix seconds).
    error PoolsUnbonding(uint256 readyAt);

    /// @notice Thrown when there is nothing to withdraw.
    error PoolsNothingToWithdraw();

    /// @notice Thrown when a pool lost all its stake to slashing while shares remain, so new stake
    /// would be diluted to nothing.
    /// @param operator The pool's operator.
    error PoolsInsolvent(address operator);

    /// @notice Thrown when a slash exceeds the pool's stake.
    /// @param amount The gmFLOCK to slash.
    /// @param available The pool's active plus unbonding stake.
    error PoolsSlashTooLarge(uint256 amount, uint256 available);

    /// @notice Thrown when a caller lacks the protocol role a function needs.
    /// @param caller The caller.
    error PoolsUnauthorized(address caller);

    /// @notice Emitted when an operator opens its pool.
    /// @param operator The operator.
    /// @param sigma Its operator share (WAD).
    event PoolCreated(address indexed operator, uint256 sigma);

    /// @notice Emitted when an operator changes sigma.
    /// @param operator The operator.
    /// @param oldSigma Sigma before (WAD).
    /// @param newSigma Sigma after (WAD).
    event SigmaChanged(address indexed operator, uint256 oldSigma, uint256 newSigma);

    /// @notice Emitted when a protocol contract freezes a pool's sigma.
    /// @param operator The pool's operator.
    /// @param until The end of the freeze (unix seconds).
    event PoolFrozen(address indexed operator, uint256 until);

    /// @notice Emitted when gmFLOCK is delegated.
    /// @param delegator The delegator.
    /// @param operator The pool's operator.
    /// @param amount gmFLOCK delegated.
    /// @param shares Shares minted.
    event Delegated(address indexed delegator, address indexed operator, uint256 amount, uint256 shares);

    /// @notice Emitted when an undelegation starts its cooldown.
    /// @param delegator The delegator.
    /// @param operator The pool's operator.
    /// @param shares Active shares burned.
    /// @param amount gmFLOCK moved to the unbonding bucket.
    /// @param readyAt When the delegator's whole unbonding request becomes withdrawable.
    event UndelegationRequested(
        address indexed delegator, address indexed operator, uint256 shares, uint256 amount, uint256 readyAt
    );

    /// @notice Emitted when unbonded gmFLOCK is withdrawn.
    /// @param delegator The delegator.
    /// @param operator The pool's operator.
    /// @param amount gmFLOCK returned.
    event Withdrawn(address indexed delegator, address indexed operator, uint256 amount);

    /// @notice Emitted when rewards are paid into a pool.
    /// @param operator The pool's operator.
    /// @param from Who paid them (e.g. the Arena).
    /// @param amount FLOCK paid in.
    /// @param operatorCut Part of `amount` credited to the operator's commission.
    event RewardNotified(address indexed operator, address indexed from, uint256 amount, uint256 operatorCut);

    /// @notice Emitted when a protocol contract pays a task's reward into a pool.
    /// @param operator The pool's operator.
    /// @param from The protocol contract that paid it.
    /// @param amount FLOCK paid in.
    /// @param operatorCut Part of `amount` credited to the operator's commission (all of it when
    /// the pool had no shares at `since`).
    /// @param since When the task fixed the pool's stake (unix seconds): the shares then share the
    /// rest (as used: a time whose shares may still change is taken as the last final one).
    /// @param totalShares The pool's shares at `since`.
    event TaskRewardNotified(
        address indexed operator,
        address indexed from,
        uint256 amount,
        uint256 operatorCut,
        uint256 since,
        uint256 totalShares
    );

    /// @notice Emitted when a delegator claims task rewards (its cursor moved over some entries).
    /// @param account The delegator.
    /// @param operator The pool's operator.
    /// @param amount FLOCK paid.
    /// @param fromEntry The first entry walked.
    /// @param toEntry One past the last entry walked (the new cursor).
    event TaskRewardsClaimed(
        address indexed account, address indexed operator, uint256 amount, uint256 fromEntry, uint256 toEntry
    );

    /// @notice Emitted when emission is pulled and starts streaming.
    /// @param amount FLOCK pulled.
    /// @param rate FLOCK per second (rounded down) of the new stream, unstreamed leftover included.
    /// @param periodFinish When the stream ends.
    event EmissionStreamed(uint256 amount, uint256 rate, uint256 periodFinish);

    /// @notice Emitted when a pool is slashed.
    /// @param operator The pool's operator.
    /// @param by The slasher.
    /// @param amount gmFLOCK slashed.
    /// @param recipient Who received it (zero: burned).
    event PoolSlashed(address indexed operator, address indexed by, uint256 amount, address recipient);

    /// @notice Emitted when a delegator claims rewards.
    /// @param account The delegator.
    /// @param operator The pool's operator.
    /// @param amount FLOCK paid.
    event RewardsClaimed(address indexed account, address indexed operator, uint256 amount);

    /// @notice Emitted when an operator claims its commission.
    /// @param operator The operator.
    /// @param amount FLOCK paid.
    event CommissionClaimed(address indexed operator, uint256 amount);

    /// @notice Opens the caller's pool with operator share `sigma`.
    /// @dev Emits {PoolCreated}. Requirements: the caller has no pool; sigma within the governed bounds.
    /// @param sigma The operator share of the pool's rewards (WAD).
    function createPool(uint256 sigma) external;

    /// @notice Changes the caller's sigma; rewards earned so far are split at the old one.
    /// @dev Emits {SigmaChanged}. Requirements: the caller has a pool; sigma within the governed
    /// bounds; the pool is not frozen; the sigma cooldown has passed since the last change.
    /// @param sigma The new operator share (WAD).
    function setSigma(uint256 sigma) external;

    /// @notice Delegates `amount` gmFLOCK to `operator`'s pool.
    /// @dev Emits {Delegated}. Requirements: amount > 0 and worth at least one share; the pool
    /// exists and is solvent; the caller approved this contract for `amount` gmFLOCK.
    /// @param operator The pool's operator.
    /// @param amount gmFLOCK to delegate.
    /// @return shares Shares minted.
    function delegate(address operator, uint256 amount) external returns (uint256 shares);

    /// @notice Starts undelegating `shares` from `operator`'s pool; they stop earning and become
    /// withdrawable after the cooldown (adding to a pending request restarts its cooldown), and
    /// not before the pool's freeze ends: stake that backs a running task stays slashable until
    /// the task is over. Task rewards of tasks the shares backed stay claimable.
    /// @dev Emits {UndelegationRequested}. Requirements: shares > 0 and at most the caller's; the
    /// pool exists.
    /// @param operator The pool's operator.
    /// @param shares Active shares to undelegate.
    /// @return amount gmFLOCK the shares are worth now (slashing before withdrawal lowers it).
    function undelegate(address operator, uint256 shares) external returns (uint256 amount);

    /// @notice Withdraws the caller's unbonded gmFLOCK from `operator`'s pool after the cooldown.
    /// @dev Emits {Withdrawn}. Requirements: the pool exists; the caller has a pending request
    /// not emptied by slashing; its cooldown has passed.
    /// @param operator The pool's operator.
    /// @return amount gmFLOCK returned.
    function withdraw(address operator) external returns (uint256 amount);

    /// @notice Claims the caller's FLOCK rewards from `operator`'s pool: the emission and
    /// {notifyReward} rewards (task rewards are claimed with {claimTaskRewards}).
    /// @dev Emits {RewardsClaimed} when something is paid. Requirements: the pool exists.
    /// @param operator The pool's operator.
    /// @return amount FLOCK paid.
    function claim(address operator) external returns (uint256 amount);

    /// @notice Claims the caller's part of the task rewards paid into `operator`'s pool, walking at
    /// most `maxEntries` entries of the pool's task-reward list from the caller's cursor (call
    /// again while {pendingTaskRewards} or the cursor shows more). Each entry pays
    /// net * the caller's shares at its `since` / the pool's shares then, rounded down.
    /// @dev Emits {TaskRewardsClaimed} when the cursor moves. Requirements: maxEntries > 0; the
    /// pool exists.
    /// @param operator The pool's operator.
    /// @param maxEntries The most entries to walk (bounds the gas).
    /// @return amount FLOCK paid.
    function claimTaskRewards(address operator, uint256 maxEntries) external returns (uint256 amount);

    /// @notice Claims the caller's operator commission.
    /// @dev Emits {CommissionClaimed} when something is paid. Requirements: the caller has a pool.
    /// @return amount FLOCK paid.
    function claimCommission() external returns (uint256 amount);

    /// @notice Pays `amount` FLOCK (pulled from the caller) into `operator`'s pool as rewards: the
    /// operator keeps its current sigma of it, the active shares share the rest at once (a task's
    /// reward goes through {notifyTaskReward} instead).
    /// @dev Emits {RewardNotified}. Requirements: amount > 0; the pool exists; the caller approved
    /// this contract for `amount` FLOCK.
    /// @param operator The pool's operator.
    /// @param amount FLOCK to pay in.
    function notifyReward(address operator, uint256 amount) external;

    /// @notice Pays `amount` FLOCK (pulled from the caller) into `operator`'s pool as a task's
    /// reward: the operator keeps `sigma` of it (capped at 1e18), the rest goes to the shares the
    /// pool had at `since` (when the task fixed its stake), claimed with {claimTaskRewards}. When
    /// the pool had no shares then, all of it goes to the operator. Shares are read where they
    /// are final: a `since` within the current stretch of share changes (after the last freeze,
    /// see {sharesAt}) or not yet over reads the time just before it.
    /// @dev Emits {TaskRewardNotified}. Requirements: caller has SLASHER_ROLE (a protocol
    /// contract, trusted for `since` and `sigma`); amount > 0; the pool exists; the caller
    /// approved this contract for `amount` FLOCK.
    /// @param operator The pool's operator.
    /// @param amount FLOCK to pay in.
    /// @param since When the task fixed the pool's stake (unix seconds).
    /// @param sigma The operator share the task recorded then (WAD).
    function notifyTaskReward(address operator, uint256 amount, uint256 since, uint256 sigma) external;

    /// @notice Pulls the emission accrued to this gauge and starts streaming it. Anyone may call;
    /// every state-changing function also does it.
    /// @dev Emits {EmissionStreamed} when the emission paid something.
    function sync() external;

    /// @notice Slashes `amount` gmFLOCK from `operator`'s pool, pro rata across active and unbonding
    /// stake; sends it to `recipient`, or burns it when `recipient` is zero.
    /// @dev Emits {PoolSlashed}. Requirements: caller has SLASHER_ROLE; amount > 0; the pool exists;
    /// amount <= its active plus unbonding stake.
    /// @param operator The pool's operator.
    /// @param amount gmFLOCK to slash.
    /// @param recipient Who receives it; zero burns it.
    function slash(address operator, uint256 amount, address recipient) external;

    /// @notice Freezes `operator`'s sigma, and the withdrawal of stake undelegated meanwhile, until
    /// `until` (never shortens a freeze); the caller calls it whenever it counts the pool's stake
    /// (a registration), which also fixes the shares that task rewards with that `since` pay.
    /// @dev Emits {PoolFrozen} when the freeze is extended. Requirements: caller has SLASHER_ROLE;
    /// the pool exists.
    /// @param operator The pool's operator.
    /// @param until The end of the freeze (unix seconds).
    function freeze(address operator, uint256 until) external;

    /// @notice The pool of `operator`.
    /// @param operator The operator.
    /// @return The pool (all zero when it does not exist).
    function pool(address operator) external view returns (PoolInfo memory);

    /// @notice The active stake of `operator`'s pool, which adds to its effective stake in tasks.
    /// @param operator The operator.
    /// @return gmFLOCK actively delegated (zero without a pool).
    function poolStake(address operator) external view returns (uint256);

    /// @notice `delegator`'s shares and their worth in `operator`'s pool.
    /// @param operator The pool's operator.
    /// @param delegator The delegator.
    /// @return shares Its active shares.
    /// @return stake Their worth in gmFLOCK now (rounded down).
    function delegation(address operator, address delegator) external view returns (uint256 shares, uint256 stake);

    /// @notice `delegator`'s pending undelegation from `operator`'s pool ((0, 0, 0) when none, or
    /// when slashing emptied it).
    /// @param operator The pool's operator.
    /// @param delegator The delegator.
    /// @return shares Its unbonding shares.
    /// @return amount Their worth in gmFLOCK now (rounded down).
    /// @return readyAt When it becomes withdrawable (unix seconds).
    function unbonding(address operator, address delegator)
        external
        view
        returns (uint256 shares, uint256 amount, uint256 readyAt);

    /// @notice FLOCK `delegator` could claim now from `operator`'s pool with {claim} (task rewards:
    /// {pendingTaskRewards}).
    /// @param operator The pool's operator.
    /// @param delegator The delegator.
    /// @return What {claim} would pay now (emission not yet pulled is not counted).
    function pendingRewards(address operator, address delegator) external view returns (uint256);

    /// @notice FLOCK `delegator` could claim with {claimTaskRewards}(`operator`, `maxEntries`) now.
    /// @param operator The pool's operator.
    /// @param delegator The delegator.
    /// @param maxEntries The most entries to walk from the delegator's cursor.
    /// @return amount What that claim would pay.
    function pendingTaskRewards(address operator, address delegator, uint256 maxEntries)
        external
        view
        returns (uint256 amount);

    /// @notice How many task rewards were paid into `operator`'s pool for its delegators.
    /// @param operator The pool's operator.
    /// @return The length of the pool's task-reward list.
    function taskRewardCount(address operator) external view returns (uint256);

    /// @notice One entry of `operator`'s task-reward list.
    /// @param operator The pool's operator.
    /// @param index The entry (below {taskRewardCount}).
    /// @return since When the task fixed the pool's stake (unix seconds).
    /// @return totalShares The pool's shares at `since`.
    /// @return amount FLOCK for the delegators (after the operator's cut).
    function taskReward(address operator, uint256 index)
        external
        view
        returns (uint256 since, uint256 totalShares, uint256 amount);

    /// @notice The first entry of `operator`'s task-reward list that `delegator` has not claimed.
    /// @param operator The pool's operator.
    /// @param delegator The delegator.
    /// @return The cursor (the list's length when all are claimed).
    function taskRewardCursor(address operator, address delegator) external view returns (uint256);

    /// @notice `delegator`'s active shares in `operator`'s pool at `timepoint`: exact at the times
    /// the pool was frozen (when a protocol contract counted its stake) and wherever nothing
    /// changed since the previous freeze; between two freezes, the shares at the end of that
    /// stretch of changes (or now, for the current one).
    /// @param operator The pool's operator.
    /// @param delegator The delegator.
    /// @param timepoint A time (unix seconds).
    /// @return The shares.
    function sharesAt(address operator, address delegator, uint256 timepoint) external view returns (uint256);

    /// @notice `operator`'s pool's active shares at `timepoint`, read as {sharesAt} reads a
    /// delegator's (so the delegators' shares at any time add up to these).
    /// @param operator The pool's operator.
    /// @param timepoint A time (unix seconds).
    /// @return The shares.
    function totalSharesAt(address operator, uint256 timepoint) external view returns (uint256);

    /// @notice FLOCK `operator` could claim now as commission.
    /// @param operator The operator.
    /// @return What {claimCommission} would pay now (emission not yet pulled is not counted).
    function pendingCommission(address operator) external view returns (uint256);

    /// @notice All active pooled gmFLOCK (the gauge weight).
    /// @return The total (wei).
    function totalPooledStake() external view returns (uint256);

    /// @notice The emission stream shared by all pools.
    /// @return rewardRate FLOCK wei per second, scaled by {PRECISION}.
    /// @return periodFinish When the stream ends (unix seconds).
    /// @return lastUpdateTime When the global accumulator was last brought up to date.
    /// @return rewardPerStake The global FLOCK per pooled stake as of now, scaled by {PRECISION}.
    function stream()
        external
        view
        returns (uint256 rewardRate, uint256 periodFinish, uint256 lastUpdateTime, uint256 rewardPerStake);

    /// @notice FLOCK pulled from the emission so far.
    /// @return The total (wei).
    function totalStreamed() external view returns (uint256);

    /// @notice Scale of the reward accumulators.
    /// @return 1e36.
    function PRECISION() external view returns (uint256);

    /// @notice How long pulled emission streams (Synthetix StakingRewards' rewardsDuration).
    /// @return The duration (seconds).
    function REWARD_DURATION() external view returns (uint256);

    /// @notice The FLOCK token rewards are paid in.
    /// @return The token.
    function flock() external view returns (IERC20);

    /// @notice gmFLOCK, the stake delegated.
    /// @return The gmFLOCK contract.
    function gm() external view returns (IGmFlock);

    /// @notice The protocol config (sigma bounds, cooldowns, SLASHER_ROLE).
    /// @return The config.
    function config() external view returns (IProtocolConfig);

    /// @notice The emission this contract is a gauge of.
    /// @return The emission.
    function emission() external view returns (IEmission);
}
