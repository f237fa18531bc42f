// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IDelegationPools} from "../interfaces/IDelegationPools.sol";
import {IEmission} from "../interfaces/IEmission.sol";
import {IEmissionGauge} from "../interfaces/IEmissionGauge.sol";
import {IGmFlock} from "../interfaces/IGmFlock.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {Params} from "../libraries/Params.sol";
import {RewardStream} from "../libraries/RewardStream.sol";

/// @title DelegationPools
/// @notice One delegation pool per operator; delegators put gmFLOCK in, earn FLOCK rewards (the
/// emission and what the operator earns in tasks), and bear slashing pro rata.
/// @dev Emission: three levels of accumulators, each settled lazily and always before the balance
/// it weighs changes (Synthetix StakingRewards, applied twice):
/// 1. global: emission pulled from {IEmission} streams over {REWARD_DURATION} ({RewardStream});
///    its accumulator (reward per pooled stake) grows by rate * dt / totalPooledStake;
/// 2. pool: a pool earns totalStake * (rewardPerStake - its snapshot); the operator keeps sigma
///    of it as commission, the rest raises the pool's `accRewardPerShare` (rewards of
///    {notifyReward} enter here directly);
/// 3. delegator: earns shares * (accRewardPerShare - its snapshot).
/// Every function that changes a pool's stake or shares, or a delegator's shares, settles
/// global -> pool -> delegator first. Nothing loops over pools or delegators. The emission is
/// fair by time: whoever is pooled while it streams earns it.
///
/// Task rewards ({notifyTaskReward}) are not: a task fixed the pool's stake when the operator
/// registered (`since`), so its reward belongs to the shares that existed then, whoever holds
/// what now. Every change of a delegator's shares and of the pool's total shares is checkpointed
/// (OpenZeppelin's Checkpoints.Trace208, keyed by timestamp). Shares only need to be exact at the
/// times a protocol contract counts the pool's stake, and each such time it calls {freeze}; so
/// the changes between two freezes share one checkpoint (the key of the first, rewritten in
/// place), which spares a new storage slot per change, and shares read at a time within such a
/// stretch read as at its end (consistently for the pool and every delegator). A task reward, less the operator's
/// cut at the sigma the task recorded, is appended to the pool's list with the total shares at
/// `since`, and each delegator pulls its part, net * its shares at since / total shares at since
/// (rounded down; the dust stays here), walking the list from its own cursor in bounded batches
/// ({claimTaskRewards}). A delegator's cursor starts at the list's length at its first
/// delegation, so it never walks entries that predate it. Both traces of one change share one
/// key (the pool trace's clock, which never goes back), so the delegators' shares at any time add
/// up to the pool's. Known limit: the key is a timestamp, so a delegation in the same second as
/// (and after) a registration counts as if made before it; such stake is at risk for the whole
/// task all the same (it cannot leave before the freeze ends, see below).
///
/// Withdrawal lock: the Arena freezes a pool until after the end of every task that counts its
/// stake. An undelegation requested while the pool is frozen cannot be withdrawn before the
/// freeze ends (readyAt = max(now + cooldown, frozenUntil)): the stake that backed a registration
/// stays slashable until the task is over and cannot back a second registration in it. A pool
/// backing several concurrent tasks of its operator is exposed in each (restaking), every slash
/// capped by what the pool still holds.
///
/// Precision: both accumulators are scaled by {PRECISION} = 1e36 rather than Synthetix' 1e18.
/// Stake and shares can reach ~3e27 wei (the whole supply locked at the top multiplier) while a
/// reward can be a few wei; with 1e36 an increment of reward * 1e36 / 3e27 still keeps 9 digits,
/// so truncation costs delegators under 1e-9 wei per share per update. The largest increment,
/// 1e27 wei of reward on 1 wei of stake, is 1e63, so the sums fit uint256 for ~1e14 such
/// updates, and every product goes through Math.mulDiv (512-bit intermediate).
///
/// Rounding always favours the pool: shares minted and stake paid out round down, commission
/// and per-share increments round down; the dust stays in the contract (never paid twice).
///
/// Zero pooled stake: while no stake is pooled the emission stream is paused, not lost: the
/// unstreamed rest keeps its rate and resumes (shifted in time) when stake returns, and the next
/// {sync} folds it into the new stream as leftover.
///
/// Unbonding: undelegated stake moves to the pool's unbonding bucket, which has its own shares,
/// earns nothing and is slashed pro rata with the active stake. Should a slash empty the bucket
/// while shares remain, the bucket starts a new generation (its old shares become worthless), so
/// later undelegations are never diluted and never blocked. The active side instead reports
/// {PoolsInsolvent} in that case, as the interface specifies; it recovers once the worthless
/// shares are undelegated.
contract DelegationPools is IDelegationPools, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    uint256 private constant WAD = 1e18;

    /// @inheritdoc IDelegationPools
    /// @dev See the contract notes.
    uint256 public constant PRECISION = RewardStream.PRECISION;

    /// @inheritdoc IDelegationPools
    uint256 public constant REWARD_DURATION = 1 days;

    /// @dev A pool; the first slot matches {PoolInfo}'s packed head.
    struct Pool {
        bool exists;
        uint64 sigma;
        uint64 sigmaChangedAt;
        uint64 frozenUntil;
        /// @dev The last time a protocol contract froze the pool (counted its stake): share
        /// checkpoints after it open a new stretch (see {_shareKey}).
        uint48 lastFrozenAt;
        uint256 totalStake;
        uint256 totalShares;
        uint256 unbondingStake;
        uint256 unbondingShares;
        /// @dev FLOCK per share for delegators, scaled by PRECISION.
        uint256 accRewardPerShare;
        /// @dev The global rewardPerStake this pool was last settled at.
        uint256 rewardPerStakePaid;
        /// @dev Bumped when a slash empties the unbonding bucket while shares remain.
        uint256 unbondingGeneration;
    }

    /// @dev A delegator's active position in one pool.
    struct Delegation {
        uint256 shares;
        uint256 rewardPerSharePaid;
        uint256 rewards;
        /// @dev The first entry of the pool's task-reward list not yet claimed.
        uint256 taskRewardCursor;
    }

    /// @dev A task's reward to a pool's delegators: `amount` FLOCK shared by the shares at `since`
    /// (`totalShares` of them).
    struct TaskReward {
        uint48 since;
        uint208 totalShares;
        uint256 amount;
    }

    /// @dev A delegator's pending undelegation from one pool.
    struct Unbonding {
        uint256 shares;
        uint64 readyAt;
        uint64 generation;
    }

    IERC20 private immutable _flock;
    IGmFlock private immutable _gm;
    IProtocolConfig private immutable _config;
    IEmission private immutable _emission;

    mapping(address operator => Pool) private _pools;
    mapping(address operator => mapping(address delegator => Delegation)) private _delegations;
    mapping(address operator => mapping(address delegator => Unbonding)) private _unbondings;
    mapping(address operator => uint256) private _commission;

    uint256 private _totalPooledStake;

    /// @dev The emission stream (StakingRewards); its accumulator is FLOCK per pooled stake.
    RewardStream.Stream private _stream;
    uint256 private _totalStreamed;

    // Task rewards.
    mapping(address operator => TaskReward[]) private _taskRewards;
    mapping(address operator => Checkpoints.Trace208) private _totalSharesHistory;
    mapping(address operator => mapping(address delegator => Checkpoints.Trace208)) private _sharesHistory;

    /// @param flock_ The FLOCK token rewards are paid in.
    /// @param gm_ gmFLOCK, the stake delegated.
    /// @param config_ The protocol config (sigma bounds, cooldowns, SLASHER_ROLE).
    /// @param emission_ The emission this contract is a gauge of.
    constructor(IERC20 flock_, IGmFlock gm_, IProtocolConfig config_, IEmission emission_) {
        _flock = flock_;
        _gm = gm_;
        _config = config_;
        _emission = emission_;
    }

    // ---------------------------------------------------------------- operator

    /// @inheritdoc IDelegationPools
    /// @dev Creation counts as a sigma change for the cooldown. Emits {PoolCreated}.
    /// Requirements: the caller has no pool; sigma within [pool.sigmaMin, pool.sigmaMax].
    function createPool(uint256 sigma) external nonReentrant {
        Pool storage p = _pools[msg.sender];
        if (p.exists) revert PoolsAlreadyExists(msg.sender);
        _checkSigma(sigma);
        _sync();
        p.exists = true;
        p.sigma = uint64(sigma); // sigma <= 1e18 < 2^64 (checked above)
        p.sigmaChangedAt = SafeCast.toUint64(block.timestamp);
        p.rewardPerStakePaid = _stream.acc;
        emit PoolCreated(msg.sender, sigma);
    }

    /// @inheritdoc IDelegationPools
    /// @dev Rewards earned so far are split at the old sigma. Emits {SigmaChanged}.
    /// Requirements: the caller has a pool; sigma in bounds; not frozen; pool.sigmaCooldown passed
    /// since the last change (or creation).
    function setSigma(uint256 sigma) external nonReentrant {
        Pool storage p = _existingPool(msg.sender);
        _checkSigma(sigma);
        if (block.timestamp < p.frozenUntil) revert PoolsFrozen(p.frozenUntil);
        uint256 readyAt = uint256(p.sigmaChangedAt) + _config.get(Params.POOL_SIGMA_COOLDOWN);
        if (block.timestamp < readyAt) revert PoolsSigmaCooldown(readyAt);
        _sync();
        _settlePool(msg.sender, p);
        uint256 oldSigma = p.sigma;
        p.sigma = uint64(sigma); // sigma <= 1e18 < 2^64 (checked above)
        p.sigmaChangedAt = SafeCast.toUint64(block.timestamp);
        emit SigmaChanged(msg.sender, oldSigma, sigma);
    }

    /// @inheritdoc IDelegationPools
    /// @dev Emits {CommissionClaimed} when something is paid. Requirements: the caller has a pool.
    function claimCommission() external nonReentrant returns (uint256 amount) {
        Pool storage p = _existingPool(msg.sender);
        _sync();
        _settlePool(msg.sender, p);
        amount = _commission[msg.sender];
        if (amount == 0) return 0;
        _commission[msg.sender] = 0;
        emit CommissionClaimed(msg.sender, amount);
        _flock.safeTransfer(msg.sender, amount);
    }

    // ---------------------------------------------------------------- delegator

    /// @inheritdoc IDelegationPools
    /// @dev The first delegation into an empty pool mints shares 1:1; later ones
    /// amount * totalShares / totalStake, rounded down. Emits {Delegated}.
    /// Requirements: amount > 0 and worth at least one share; the pool exists and is solvent;
    /// the caller approved this contract for `amount` gmFLOCK.
    function delegate(address operator, uint256 amount) external nonReentrant returns (uint256 shares) {
        if (amount == 0) revert PoolsZeroAmount();
        Pool storage p = _existingPool(operator);
        if (p.totalStake == 0 && p.totalShares > 0) revert PoolsInsolvent(operator);
        Delegation storage d = _delegations[operator][msg.sender];
        _sync();
        _settlePool(operator, p);
        _settleDelegator(p, d);

        shares = p.totalShares == 0 ? amount : Math.mulDiv(amount, p.totalShares, p.totalStake);
        if (shares == 0) revert PoolsZeroAmount();
        p.totalStake += amount;
        p.totalShares += shares;
        d.shares += shares;
        _totalPooledStake += amount;
        _recordShares(operator, p, d);
        emit Delegated(msg.sender, operator, amount, shares);

        IERC20(address(_gm)).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IDelegationPools
    /// @dev The stake leaves the pool's active stake at once (rounded down) and joins its
    /// unbonding bucket; it is withdrawable after the cooldown, and not before the pool's freeze
    /// ends (see the contract notes). Emits {UndelegationRequested}.
    /// Requirements: shares > 0 and at most the caller's; the pool exists.
    function undelegate(address operator, uint256 shares) external nonReentrant returns (uint256 amount) {
        if (shares == 0) revert PoolsZeroAmount();
        Pool storage p = _existingPool(operator);
        Delegation storage d = _delegations[operator][msg.sender];
        if (shares > d.shares) revert PoolsInsufficientShares(shares, d.shares);
        _sync();
        _settlePool(operator, p);
        _settleDelegator(p, d);

        amount = Math.mulDiv(shares, p.totalStake, p.totalShares);
        p.totalStake -= amount;
        p.totalShares -= shares;
        d.shares -= shares;
        _totalPooledStake -= amount;
        _recordShares(operator, p, d);

        Unbonding storage u = _unbondings[operator][msg.sender];
        if (u.generation != p.unbondingGeneration) {
            // The bucket this request sat in was slashed to nothing: its shares are worthless.
            u.shares = 0;
            u.generation = uint64(p.unbondingGeneration); // one bump per emptying slash: never near 2^64
        }
        uint256 ubShares = (p.unbondingShares == 0 || p.unbondingStake == 0)
            ? amount
            : Math.mulDiv(amount, p.unbondingShares, p.unbondingStake);
        p.unbondingStake += amount;
        p.unbondingShares += ubShares;
        u.shares += ubShares;
        // Stake that backs a running task stays until the task's freeze ends.
        uint256 readyAt = Math.max(block.timestamp + _config.get(Params.POOL_UNDELEGATE_COOLDOWN), p.frozenUntil);
        u.readyAt = SafeCast.toUint64(readyAt);
        emit UndelegationRequested(msg.sender, operator, shares, amount, readyAt);
    }

    /// @inheritdoc IDelegationPools
    /// @dev Pays the caller's unbonding shares at the bucket's current worth (rounded down; the
    /// last one out takes the dust). Emits {Withdrawn}.
    /// Requirements: the pool exists; the caller has unbonding shares of the current generation;
    /// the cooldown has passed.
    function withdraw(address operator) external nonReentrant returns (uint256 amount) {
        Pool storage p = _existingPool(operator);
        Unbonding storage u = _unbondings[operator][msg.sender];
        if (u.shares == 0 || u.generation != p.unbondingGeneration) revert PoolsNothingToWithdraw();
        if (block.timestamp < u.readyAt) revert PoolsUnbonding(u.readyAt);
        _sync();

        uint256 shares = u.shares;
        amount = Math.mulDiv(shares, p.unbondingStake, p.unbondingShares);
        p.unbondingStake -= amount;
        p.unbondingShares -= shares;
        delete _unbondings[operator][msg.sender];
        emit Withdrawn(msg.sender, operator, amount);

        if (amount > 0) IERC20(address(_gm)).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IDelegationPools
    /// @dev Emits {RewardsClaimed} when something is paid. Requirements: the pool exists.
    function claim(address operator) external nonReentrant returns (uint256 amount) {
        Pool storage p = _existingPool(operator);
        Delegation storage d = _delegations[operator][msg.sender];
        _sync();
        _settlePool(operator, p);
        // Settle and pay in one go: the credit never touches storage.
        uint256 acc = p.accRewardPerShare;
        amount = d.rewards + Math.mulDiv(d.shares, acc - d.rewardPerSharePaid, PRECISION);
        if (d.rewardPerSharePaid != acc) d.rewardPerSharePaid = acc;
        if (amount == 0) return 0;
        if (d.rewards != 0) d.rewards = 0;
        emit RewardsClaimed(msg.sender, operator, amount);
        _flock.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IDelegationPools
    /// @dev Walks the caller's entries from its cursor (at most `maxEntries`), paying each
    /// net * shares at since / total shares at since, rounded down. Emits {TaskRewardsClaimed}
    /// when the cursor moves. Requirements: maxEntries > 0; the pool exists.
    function claimTaskRewards(address operator, uint256 maxEntries) external nonReentrant returns (uint256 amount) {
        if (maxEntries == 0) revert PoolsZeroAmount();
        _existingPool(operator);
        Delegation storage d = _delegations[operator][msg.sender];
        uint256 from = d.taskRewardCursor;
        uint256 to;
        (amount, to) = _pendingTaskRewards(operator, msg.sender, from, maxEntries);
        if (to == from) return 0;
        d.taskRewardCursor = to;
        emit TaskRewardsClaimed(msg.sender, operator, amount, from, to);
        if (amount > 0) _flock.safeTransfer(msg.sender, amount);
    }

    // ---------------------------------------------------------------- rewards

    /// @inheritdoc IDelegationPools
    /// @dev The operator's cut is sigma of `amount` (rounded down); the rest is shared by the
    /// pool's active shares at once. A pool without active shares gives it all to the operator.
    /// Emits {RewardNotified}. Requirements: amount > 0; the pool exists; the caller approved
    /// this contract for `amount` FLOCK.
    function notifyReward(address operator, uint256 amount) external nonReentrant {
        if (amount == 0) revert PoolsZeroAmount();
        Pool storage p = _existingPool(operator);
        _sync();
        _flock.safeTransferFrom(msg.sender, address(this), amount);
        uint256 cut = _distribute(operator, p, amount);
        emit RewardNotified(operator, msg.sender, amount, cut);
    }

    /// @inheritdoc IDelegationPools
    /// @dev Touches neither the stream nor any stake, so it does not {sync}. `since` and `sigma`
    /// are trusted (the caller is a protocol contract; the Arena passes the time it froze the pool
    /// at registration). Shares are final only before the key the next change would use
    /// ({_shareKey}: the open stretch's, or now): a later `since` is taken as the time just before
    /// that key, so the entry and every delegator's part read the same, final shares, and the
    /// parts never add up to more than the entry. Emits {TaskRewardNotified} with the `since`
    /// used. Requirements: caller has SLASHER_ROLE; amount > 0; the pool exists; the caller
    /// approved this contract for `amount` FLOCK.
    function notifyTaskReward(address operator, uint256 amount, uint256 since, uint256 sigma)
        external
        nonReentrant
    {
        _checkSlasher();
        if (amount == 0) revert PoolsZeroAmount();
        Pool storage p = _existingPool(operator);
        Checkpoints.Trace208 storage history = _totalSharesHistory[operator];
        // Shares at and after the next change's key may still change: read the last final ones.
        uint256 next = _shareKey(p, history);
        if (since >= next) since = next - 1;
        uint48 key = SafeCast.toUint48(since);
        uint256 shares = history.upperLookupRecent(key);
        uint256 cut = amount;
        if (shares > 0) {
            cut = Math.mulDiv(amount, sigma < WAD ? sigma : WAD, WAD);
            // shares <= 2^208: they come from a Trace208.
            if (amount > cut) _taskRewards[operator].push(TaskReward(key, uint208(shares), amount - cut));
        }
        if (cut > 0) _commission[operator] += cut;
        emit TaskRewardNotified(operator, msg.sender, amount, cut, since, shares);
        _flock.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IDelegationPools
    /// @dev Emits {EmissionStreamed} when the emission paid something.
    function sync() external nonReentrant {
        _sync();
    }

    // ---------------------------------------------------------------- slasher

    /// @inheritdoc IDelegationPools
    /// @dev The unbonding part is amount * unbonding / (active + unbonding), rounded down; the
    /// active stake bears the rest. Delegators' shares are untouched: each loses the same fraction.
    /// Emits {PoolSlashed}. Requirements: caller has SLASHER_ROLE; amount > 0; the pool exists;
    /// amount <= active + unbonding stake.
    function slash(address operator, uint256 amount, address recipient) external nonReentrant {
        _checkSlasher();
        if (amount == 0) revert PoolsZeroAmount();
        Pool storage p = _existingPool(operator);
        uint256 available = p.totalStake + p.unbondingStake;
        if (amount > available) revert PoolsSlashTooLarge(amount, available);
        _sync();
        _settlePool(operator, p);

        uint256 fromUnbonding = Math.mulDiv(amount, p.unbondingStake, available);
        uint256 fromActive = amount - fromUnbonding;
        p.totalStake -= fromActive;
        _totalPooledStake -= fromActive;
        p.unbondingStake -= fromUnbonding;
        if (p.unbondingStake == 0 && p.unbondingShares > 0) {
            p.unbondingShares = 0;
            ++p.unbondingGeneration;
        }
        emit PoolSlashed(operator, msg.sender, amount, recipient);

        if (recipient == address(0)) {
            _gm.burn(amount);
        } else {
            IERC20(address(_gm)).safeTransfer(recipient, amount);
        }
    }

    /// @inheritdoc IDelegationPools
    /// @dev Touches no stake or reward, so unlike the other mutators it does not {sync}. Every
    /// call also marks now as a time the pool's shares are read at (a registration): the share
    /// checkpoints keep the shares of this moment (internal bookkeeping, no event). Emits
    /// {PoolFrozen} when the freeze is extended. Requirements: caller has SLASHER_ROLE; the pool
    /// exists.
    function freeze(address operator, uint256 until) external nonReentrant {
        _checkSlasher();
        Pool storage p = _existingPool(operator);
        p.lastFrozenAt = SafeCast.toUint48(block.timestamp);
        if (until > p.frozenUntil) {
            p.frozenUntil = SafeCast.toUint64(until);
            emit PoolFrozen(operator, until);
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IEmissionGauge
    function emissionWeight() external view returns (uint256) {
        return _totalPooledStake;
    }

    /// @inheritdoc IDelegationPools
    function totalPooledStake() external view returns (uint256) {
        return _totalPooledStake;
    }

    /// @inheritdoc IDelegationPools
    function pool(address operator) external view returns (PoolInfo memory) {
        Pool storage p = _pools[operator];
        return PoolInfo({
            exists: p.exists,
            sigma: p.sigma,
            sigmaChangedAt: p.sigmaChangedAt,
            frozenUntil: p.frozenUntil,
            totalStake: p.totalStake,
            totalShares: p.totalShares,
            unbondingStake: p.unbondingStake,
            unbondingShares: p.unbondingShares
        });
    }

    /// @inheritdoc IDelegationPools
    function poolStake(address operator) external view returns (uint256) {
        return _pools[operator].totalStake;
    }

    /// @inheritdoc IDelegationPools
    function delegation(address operator, address delegator) external view returns (uint256 shares, uint256 stake) {
        Pool storage p = _pools[operator];
        shares = _delegations[operator][delegator].shares;
        stake = shares == 0 ? 0 : Math.mulDiv(shares, p.totalStake, p.totalShares);
    }

    /// @inheritdoc IDelegationPools
    /// @dev A request whose bucket was slashed to nothing reads as (0, 0, 0).
    function unbonding(address operator, address delegator)
        external
        view
        returns (uint256 shares, uint256 amount, uint256 readyAt)
    {
        Pool storage p = _pools[operator];
        Unbonding storage u = _unbondings[operator][delegator];
        if (u.shares == 0 || u.generation != p.unbondingGeneration) return (0, 0, 0);
        return (u.shares, Math.mulDiv(u.shares, p.unbondingStake, p.unbondingShares), u.readyAt);
    }

    /// @inheritdoc IDelegationPools
    /// @dev Exactly what {claim} pays now (emission not yet pulled starts streaming only then).
    function pendingRewards(address operator, address delegator) external view returns (uint256) {
        Pool storage p = _pools[operator];
        Delegation storage d = _delegations[operator][delegator];
        (uint256 acc,) = _pendingPool(p, _currentRewardPerStake());
        return d.rewards + Math.mulDiv(d.shares, acc - d.rewardPerSharePaid, PRECISION);
    }

    /// @inheritdoc IDelegationPools
    function pendingTaskRewards(address operator, address delegator, uint256 maxEntries)
        external
        view
        returns (uint256 amount)
    {
        (amount,) = _pendingTaskRewards(operator, delegator, _delegations[operator][delegator].taskRewardCursor, maxEntries);
    }

    /// @inheritdoc IDelegationPools
    function taskRewardCount(address operator) external view returns (uint256) {
        return _taskRewards[operator].length;
    }

    /// @inheritdoc IDelegationPools
    function taskReward(address operator, uint256 index)
        external
        view
        returns (uint256 since, uint256 totalShares, uint256 amount)
    {
        TaskReward storage e = _taskRewards[operator][index];
        return (e.since, e.totalShares, e.amount);
    }

    /// @inheritdoc IDelegationPools
    /// @dev An account that never delegated to the pool reads the stored 0, though it has nothing to walk.
    function taskRewardCursor(address operator, address delegator) external view returns (uint256) {
        return _delegations[operator][delegator].taskRewardCursor;
    }

    /// @inheritdoc IDelegationPools
    function sharesAt(address operator, address delegator, uint256 timepoint) external view returns (uint256) {
        return _sharesHistory[operator][delegator].upperLookupRecent(SafeCast.toUint48(timepoint));
    }

    /// @inheritdoc IDelegationPools
    function totalSharesAt(address operator, uint256 timepoint) external view returns (uint256) {
        return _totalSharesHistory[operator].upperLookupRecent(SafeCast.toUint48(timepoint));
    }

    /// @inheritdoc IDelegationPools
    function pendingCommission(address operator) external view returns (uint256) {
        (, uint256 cut) = _pendingPool(_pools[operator], _currentRewardPerStake());
        return _commission[operator] + cut;
    }

    /// @inheritdoc IDelegationPools
    function stream()
        external
        view
        returns (uint256 rewardRate, uint256 periodFinish, uint256 lastUpdateTime, uint256 rewardPerStake)
    {
        RewardStream.Stream storage st = _stream;
        return (st.rate, st.periodFinish, st.lastUpdate, _currentRewardPerStake());
    }

    /// @inheritdoc IDelegationPools
    function totalStreamed() external view returns (uint256) {
        return _totalStreamed;
    }

    /// @inheritdoc IDelegationPools
    function flock() external view returns (IERC20) {
        return _flock;
    }

    /// @inheritdoc IDelegationPools
    function gm() external view returns (IGmFlock) {
        return _gm;
    }

    /// @inheritdoc IDelegationPools
    function config() external view returns (IProtocolConfig) {
        return _config;
    }

    /// @inheritdoc IDelegationPools
    function emission() external view returns (IEmission) {
        return _emission;
    }

    // ---------------------------------------------------------------- internals

    /// @dev Brings the stream up to now, then pulls new emission and restarts the stream with it
    /// plus the unstreamed leftover over the next REWARD_DURATION.
    function _sync() private {
        RewardStream.Stream storage st = _stream;
        // The stream's clock never goes back: should the chain's clock be earlier than the last
        // update (a devnet restarted from a state dump), nothing streams until it catches up.
        RewardStream.accrue(st, block.timestamp, _totalPooledStake);
        uint256 pulled = _emission.pull();
        if (pulled == 0) return;
        (uint256 rate, uint256 finish) = RewardStream.notify(st, pulled, st.lastUpdate, REWARD_DURATION);
        _totalStreamed += pulled;
        emit EmissionStreamed(pulled, rate, finish);
    }

    /// @dev The global accumulator as {_sync} would leave it now.
    function _currentRewardPerStake() private view returns (uint256) {
        return RewardStream.accAt(_stream, block.timestamp, _totalPooledStake);
    }

    /// @dev Credits a pool with its emission earned since its last settlement. Needs `_sync` first.
    function _settlePool(address operator, Pool storage p) private {
        uint256 global = _stream.acc;
        uint256 paid = p.rewardPerStakePaid;
        if (global == paid) return;
        p.rewardPerStakePaid = global;
        uint256 earned = Math.mulDiv(p.totalStake, global - paid, PRECISION);
        if (earned > 0) _distribute(operator, p, earned);
    }

    /// @dev Splits `amount` of pool rewards: sigma to the operator, the rest per share.
    function _distribute(address operator, Pool storage p, uint256 amount) private returns (uint256 cut) {
        uint256 increment;
        (cut, increment) = _split(p, amount);
        _commission[operator] += cut;
        if (increment > 0) p.accRewardPerShare += increment;
    }

    /// @dev (operator cut, per-share increment) for `amount` of rewards; all to the operator when
    /// the pool has no active shares.
    function _split(Pool storage p, uint256 amount) private view returns (uint256 cut, uint256 increment) {
        uint256 shares = p.totalShares;
        if (shares == 0) return (amount, 0);
        cut = Math.mulDiv(amount, p.sigma, WAD);
        increment = Math.mulDiv(amount - cut, PRECISION, shares);
    }

    /// @dev (accRewardPerShare, commission not yet credited) as `_settlePool` would leave them.
    function _pendingPool(Pool storage p, uint256 global) private view returns (uint256 acc, uint256 cut) {
        acc = p.accRewardPerShare;
        uint256 paid = p.rewardPerStakePaid;
        if (!p.exists || global == paid) return (acc, 0);
        uint256 earned = Math.mulDiv(p.totalStake, global - paid, PRECISION);
        if (earned == 0) return (acc, 0);
        uint256 increment;
        (cut, increment) = _split(p, earned);
        acc += increment;
    }

    /// @dev Credits a delegator with its rewards since its last settlement. Needs `_settlePool` first.
    function _settleDelegator(Pool storage p, Delegation storage d) private {
        uint256 acc = p.accRewardPerShare;
        uint256 paid = d.rewardPerSharePaid;
        if (acc == paid) return;
        if (d.shares > 0) d.rewards += Math.mulDiv(d.shares, acc - paid, PRECISION);
        d.rewardPerSharePaid = acc;
    }

    /// @dev The key of a share change now: the pool trace's latest key while the stretch it opened
    /// is still open (no freeze since), else now (or that latest key, should the chain's clock
    /// have gone back). Keys never decrease, and every key is at or after every earlier one.
    function _shareKey(Pool storage p, Checkpoints.Trace208 storage total) private view returns (uint48) {
        (, uint48 latest,) = total.latestCheckpoint();
        if (latest > p.lastFrozenAt) return latest;
        uint48 now_ = SafeCast.toUint48(block.timestamp);
        return latest > now_ ? latest : now_;
    }

    /// @dev Checkpoints the caller's shares and the pool's total shares after a change, both at
    /// one key ({_shareKey}), so the delegators' shares at any time add up to the pool's. Changes
    /// between two freezes share the key of the first one (rewritten in place, which saves a new
    /// storage slot per change): the shares read at a freeze time are exact, within a stretch of
    /// changes they read as at its end. A first delegation starts the caller's task-reward cursor
    /// at the end of the pool's list.
    function _recordShares(address operator, Pool storage p, Delegation storage d) private {
        Checkpoints.Trace208 storage total = _totalSharesHistory[operator];
        Checkpoints.Trace208 storage mine = _sharesHistory[operator][msg.sender];
        uint48 key = _shareKey(p, total);
        if (mine.length() == 0) {
            uint256 len = _taskRewards[operator].length;
            if (len > 0) d.taskRewardCursor = len;
        }
        // Shares never exceed the gmFLOCK supply times the first delegation's ratio; SafeCast guards.
        mine.push(key, SafeCast.toUint208(d.shares));
        total.push(key, SafeCast.toUint208(p.totalShares));
    }

    /// @dev What `delegator` is owed by the pool's task-reward entries [from, to), to = min(length,
    /// from + maxEntries). An account that never delegated is owed nothing and skips to the end.
    function _pendingTaskRewards(address operator, address delegator, uint256 from, uint256 maxEntries)
        private
        view
        returns (uint256 amount, uint256 to)
    {
        TaskReward[] storage list = _taskRewards[operator];
        uint256 len = list.length;
        if (from >= len) return (0, from);
        Checkpoints.Trace208 storage mine = _sharesHistory[operator][delegator];
        if (mine.length() == 0) return (0, len);
        to = len - from > maxEntries ? from + maxEntries : len;
        for (uint256 i = from; i < to; ++i) {
            TaskReward storage e = list[i];
            uint256 shares = mine.upperLookupRecent(e.since);
            if (shares > 0) amount += Math.mulDiv(e.amount, shares, e.totalShares);
        }
    }

    function _existingPool(address operator) private view returns (Pool storage p) {
        p = _pools[operator];
        if (!p.exists) revert PoolsUnknownPool(operator);
    }

    function _checkSigma(uint256 sigma) private view {
        uint256 min = _config.get(Params.POOL_SIGMA_MIN);
        uint256 max = _config.get(Params.POOL_SIGMA_MAX);
        // The operator can never keep more than everything, whatever the governed bound says.
        if (max > WAD) max = WAD;
        if (sigma < min || sigma > max) revert PoolsSigmaOutOfBounds(sigma, min, max);
    }

    function _checkSlasher() private view {
        if (!_config.hasRole(_config.SLASHER_ROLE(), msg.sender)) revert PoolsUnauthorized(msg.sender);
    }
}
