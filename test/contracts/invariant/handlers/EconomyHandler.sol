// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IDelegationPools} from "../../../../contracts/interfaces/IDelegationPools.sol";
import {Params} from "../../../../contracts/libraries/Params.sol";
import {FlockToken} from "../../../../contracts/token/FlockToken.sol";
import {ProtocolConfig} from "../../../../contracts/config/ProtocolConfig.sol";
import {GmFlock} from "../../../../contracts/staking/GmFlock.sol";
import {Emission} from "../../../../contracts/emission/Emission.sol";
import {DelegationPools} from "../../../../contracts/pools/DelegationPools.sol";

/// @notice Drives the staking economy for the invariant campaign: four delegators and three
/// operators delegate, undelegate, withdraw, claim, get rewards notified, are slashed and frozen,
/// change sigma, while time moves and anyone advances the emission. Inputs are bounded and every
/// call is valid (the campaign runs with fail_on_revert), so a revert is a bug.
/// @dev Holds FLOCK to fund actors and notified rewards, and DEFAULT_ADMIN_ROLE to move the daily
/// cap. Ghost variables record what left the pools, so the invariants can check it.
contract EconomyHandler is CommonBase, StdCheats, StdUtils {
    FlockToken public flock;
    ProtocolConfig public config;
    GmFlock public gm;
    Emission public emission;
    DelegationPools public pools;
    address public slasher;
    address public treasury;

    address[] public delegators;
    address[] public operators;

    /// @dev The campaign's clock: every call starts by warping to it.
    uint256 public ghostTime;
    uint256 public ghostClaimed;
    uint256 public ghostCommission;
    uint256 public ghostNotified;
    uint256 public ghostSlashed;
    uint256 public ghostDelegated;
    uint256 public ghostWithdrawn;
    uint256 public ghostTaskNotified;
    uint256 public ghostTaskClaimed;
    /// @dev When the campaign started: task rewards are fixed at a time since then.
    uint256 public startTime;
    /// @dev The last time each pool was frozen (a registration: what a task's `since` is).
    mapping(address operator => uint256) public lastFreezeAt;
    /// @dev Task-reward claims that paid something (coverage).
    uint256 public taskClaimsPaid;

    /// @dev Calls that did something (not the early returns), by handler function.
    mapping(bytes32 => uint256) public calls;

    constructor(
        FlockToken flock_,
        ProtocolConfig config_,
        GmFlock gm_,
        Emission emission_,
        DelegationPools pools_,
        address slasher_,
        address[] memory delegators_,
        address[] memory operators_
    ) {
        flock = flock_;
        config = config_;
        gm = gm_;
        emission = emission_;
        pools = pools_;
        slasher = slasher_;
        treasury = config_.treasury();
        delegators = delegators_;
        operators = operators_;
        ghostTime = block.timestamp;
        startTime = block.timestamp;
    }

    modifier useTime() {
        vm.warp(ghostTime);
        _;
    }

    // ---------------------------------------------------------------- delegators

    function delegate(uint256 actorSeed, uint256 opSeed, uint256 amount, uint256 lockSeed) external useTime {
        address who = _delegator(actorSeed);
        amount = _bound(amount, 1, 1e24);
        // A solvent pool where `amount` is worth at least one share (delegating elsewhere must revert).
        address op;
        for (uint256 k; k < operators.length; ++k) {
            address candidate = operators[(opSeed % operators.length + k) % operators.length];
            IDelegationPools.PoolInfo memory p = pools.pool(candidate);
            if (!p.exists || (p.totalStake == 0 && p.totalShares > 0)) continue;
            if (p.totalShares > 0 && Math.mulDiv(amount, p.totalShares, p.totalStake) == 0) continue;
            op = candidate;
            break;
        }
        if (op == address(0)) return;

        if (gm.balanceOf(who) < amount) {
            // Lock FLOCK for a random duration: gmFLOCK minted is at least the FLOCK locked.
            flock.transfer(who, amount);
            vm.startPrank(who);
            flock.approve(address(gm), amount);
            gm.lock(amount, _bound(lockSeed, 0, 365 days));
            vm.stopPrank();
        }
        vm.startPrank(who);
        gm.approve(address(pools), amount);
        pools.delegate(op, amount);
        vm.stopPrank();
        ghostDelegated += amount;
        ++calls["delegate"];
    }

    function undelegate(uint256 actorSeed, uint256 opSeed, uint256 shares) external useTime {
        (address who, address op) = _find(actorSeed, opSeed, _hasShares);
        if (who == address(0)) return;
        (uint256 held,) = pools.delegation(op, who);
        // Often everything (that is how insolvent pools get cleared), otherwise a part.
        shares = shares % 4 == 0 ? held : _bound(shares, 1, held);
        vm.prank(who);
        pools.undelegate(op, shares);
        ++calls["undelegate"];
    }

    function withdraw(uint256 actorSeed, uint256 opSeed) external useTime {
        (address who, address op) = _find(actorSeed, opSeed, _hasUnbonding);
        if (who == address(0)) return;
        (,, uint256 readyAt) = pools.unbonding(op, who);
        if (ghostTime < readyAt) _warpTo(readyAt);
        vm.prank(who);
        ghostWithdrawn += pools.withdraw(op);
        ++calls["withdraw"];
    }

    function claim(uint256 actorSeed, uint256 opSeed) external useTime {
        (address who, address op) = _find(actorSeed, opSeed, _hasRewards);
        if (who == address(0)) return;
        uint256 pending = pools.pendingRewards(op, who);
        vm.prank(who);
        uint256 paid = pools.claim(op);
        require(paid == pending, "claim != pendingRewards");
        ghostClaimed += paid;
        ++calls["claim"];
    }

    // ---------------------------------------------------------------- operators

    function createPool(uint256 opSeed, uint256 sigma) external useTime {
        address op = operators[opSeed % operators.length];
        if (pools.pool(op).exists) return;
        sigma = _bound(sigma, config.get(Params.POOL_SIGMA_MIN), config.get(Params.POOL_SIGMA_MAX));
        vm.prank(op);
        pools.createPool(sigma);
        ++calls["createPool"];
    }

    function setSigma(uint256 opSeed, uint256 sigma) external useTime {
        address op = _operatorWithPool(opSeed);
        IDelegationPools.PoolInfo memory p = pools.pool(op);
        // Wait out the freeze and the cooldown.
        uint256 readyAt = uint256(p.sigmaChangedAt) + config.get(Params.POOL_SIGMA_COOLDOWN);
        if (readyAt < p.frozenUntil) readyAt = p.frozenUntil;
        if (ghostTime < readyAt) _warpTo(readyAt);
        sigma = _bound(sigma, config.get(Params.POOL_SIGMA_MIN), config.get(Params.POOL_SIGMA_MAX));
        vm.prank(op);
        pools.setSigma(sigma);
        ++calls["setSigma"];
    }

    function claimCommission(uint256 opSeed) external useTime {
        address op = _operatorWithPool(opSeed);
        uint256 pending = pools.pendingCommission(op);
        vm.prank(op);
        uint256 paid = pools.claimCommission();
        require(paid == pending, "claimCommission != pendingCommission");
        ghostCommission += paid;
        if (paid > 0) ++calls["claimCommission"];
    }

    // ---------------------------------------------------------------- protocol

    function notifyReward(uint256 opSeed, uint256 amount) external useTime {
        address op = _operatorWithPool(opSeed);
        amount = _bound(amount, 1, 1e22);
        flock.approve(address(pools), amount);
        pools.notifyReward(op, amount);
        ghostNotified += amount;
        ++calls["notifyReward"];
    }

    /// @dev As the slasher (standing in for the Arena): a task reward for the shares the pool had
    /// at some time in the past, split at some recorded sigma (above 1 too: it is capped).
    function notifyTaskReward(uint256 opSeed, uint256 amount, uint256 back, uint256 sigma) external useTime {
        address op = _operatorWithPool(opSeed);
        amount = _bound(amount, 1, 1e22);
        // As the Arena: the time of a registration (a freeze); now and then any time at all.
        uint256 since = back % 4 != 0 && lastFreezeAt[op] != 0
            ? lastFreezeAt[op]
            : ghostTime - _bound(back, 0, ghostTime - startTime);
        sigma = _bound(sigma, 0, 1.2e18);
        flock.transfer(slasher, amount);
        vm.startPrank(slasher);
        flock.approve(address(pools), amount);
        pools.notifyTaskReward(op, amount, since, sigma);
        vm.stopPrank();
        ghostTaskNotified += amount;
        ++calls["notifyTaskReward"];
    }

    function claimTaskRewards(uint256 actorSeed, uint256 opSeed, uint256 maxEntries) external useTime {
        (address who, address op) = _find(actorSeed, opSeed, _hasTaskEntries);
        if (who == address(0)) return;
        maxEntries = _bound(maxEntries, 1, 8);
        uint256 pending = pools.pendingTaskRewards(op, who, maxEntries);
        vm.prank(who);
        uint256 paid = pools.claimTaskRewards(op, maxEntries);
        require(paid == pending, "claimTaskRewards != pendingTaskRewards");
        ghostTaskClaimed += paid;
        if (paid > 0) ++taskClaimsPaid;
        ++calls["claimTaskRewards"];
    }

    function slash(uint256 opSeed, uint256 amount, bool toTreasury) external useTime {
        address op = _operatorWithPool(opSeed);
        IDelegationPools.PoolInfo memory p = pools.pool(op);
        uint256 available = p.totalStake + p.unbondingStake;
        if (available == 0) return;
        // Mostly partial slashes, now and then the whole pool.
        amount = amount % 32 == 0 ? available : _bound(amount, 1, available);
        vm.prank(slasher);
        pools.slash(op, amount, toTreasury ? treasury : address(0));
        ghostSlashed += amount;
        ++calls["slash"];
    }

    function freeze(uint256 opSeed, uint256 duration) external useTime {
        address op = _operatorWithPool(opSeed);
        vm.prank(slasher);
        pools.freeze(op, ghostTime + _bound(duration, 0, 3 days));
        lastFreezeAt[op] = ghostTime;
        ++calls["freeze"];
    }

    function sync() external useTime {
        pools.sync();
        ++calls["sync"];
    }

    function advance() external useTime {
        if (emission.advance() > 0) ++calls["advance"];
    }

    function setDailyCap(uint256 cap) external useTime {
        config.set(Params.EMISSION_DAILY_CAP, _bound(cap, 0, 2000e18));
        ++calls["setDailyCap"];
    }

    function warp(uint256 dt) external {
        _warpTo(ghostTime + _bound(dt, 1, 3 days));
        ++calls["warp"];
    }

    // ---------------------------------------------------------------- helpers for the invariants

    function delegatorCount() external view returns (uint256) {
        return delegators.length;
    }

    function operatorCount() external view returns (uint256) {
        return operators.length;
    }

    function _warpTo(uint256 t) private {
        ghostTime = t;
        vm.warp(t);
    }

    function _delegator(uint256 seed) private view returns (address) {
        return delegators[seed % delegators.length];
    }

    /// @dev The first (delegator, operator) pair from the seeds on where `ok` holds, or zeros.
    function _find(uint256 actorSeed, uint256 opSeed, function(address, address) view returns (bool) ok)
        private
        view
        returns (address, address)
    {
        uint256 nd = delegators.length;
        uint256 no = operators.length;
        for (uint256 i; i < nd; ++i) {
            address who = delegators[(actorSeed % nd + i) % nd];
            for (uint256 j; j < no; ++j) {
                address op = operators[(opSeed % no + j) % no];
                if (ok(who, op)) return (who, op);
            }
        }
        return (address(0), address(0));
    }

    function _hasShares(address who, address op) private view returns (bool) {
        (uint256 shares,) = pools.delegation(op, who);
        return shares > 0;
    }

    function _hasUnbonding(address who, address op) private view returns (bool) {
        (uint256 shares,,) = pools.unbonding(op, who);
        return shares > 0;
    }

    function _hasTaskEntries(address who, address op) private view returns (bool) {
        return pools.pool(op).exists && pools.taskRewardCursor(op, who) < pools.taskRewardCount(op);
    }

    function _hasRewards(address who, address op) private view returns (bool) {
        return pools.pool(op).exists && pools.pendingRewards(op, who) > 0;
    }

    /// @dev An operator whose pool exists (the first two are opened at set-up).
    function _operatorWithPool(uint256 seed) private view returns (address op) {
        op = operators[seed % operators.length];
        if (!pools.pool(op).exists) op = operators[0];
    }
}
