// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {console} from "forge-std/console.sol";

import {IDelegationPools} from "../../../contracts/interfaces/IDelegationPools.sol";
import {EconomyFixture} from "../utils/EconomyFixture.sol";
import {EconomyHandler} from "./handlers/EconomyHandler.sol";

/// @notice Invariants of the staking economy (emission + delegation pools + gmFLOCK) under random
/// sequences of valid calls by several delegators, operators and the protocol.
contract EconomyInvariantTest is EconomyFixture {
    EconomyHandler internal handler;
    address[] internal delegatorList;
    address[] internal operatorList;

    function setUp() public override {
        super.setUp();
        delegatorList.push(alice);
        delegatorList.push(bob);
        delegatorList.push(carol);
        delegatorList.push(dave);
        operatorList.push(makeAddr("op1"));
        operatorList.push(makeAddr("op2"));
        operatorList.push(makeAddr("op3"));
        _createPool(operatorList[0], 0.1e18);
        _createPool(operatorList[1], 0.5e18);

        handler = new EconomyHandler(flock, config, gm, emission, pools, slasher, delegatorList, operatorList);
        flock.transfer(address(handler), 500_000_000e18);
        config.grantRole(bytes32(0), address(handler)); // moves the daily cap

        bytes4[] memory selectors = new bytes4[](17);
        selectors[0] = EconomyHandler.delegate.selector;
        selectors[1] = EconomyHandler.delegate.selector; // twice: stake is what everything else needs
        selectors[2] = EconomyHandler.undelegate.selector;
        selectors[3] = EconomyHandler.withdraw.selector;
        selectors[4] = EconomyHandler.claim.selector;
        selectors[5] = EconomyHandler.createPool.selector;
        selectors[6] = EconomyHandler.setSigma.selector;
        selectors[7] = EconomyHandler.claimCommission.selector;
        selectors[8] = EconomyHandler.notifyReward.selector;
        selectors[9] = EconomyHandler.slash.selector;
        selectors[10] = EconomyHandler.freeze.selector;
        selectors[11] = EconomyHandler.sync.selector;
        selectors[12] = EconomyHandler.advance.selector;
        selectors[13] = EconomyHandler.setDailyCap.selector;
        selectors[14] = EconomyHandler.warp.selector;
        selectors[15] = EconomyHandler.notifyTaskReward.selector;
        selectors[16] = EconomyHandler.claimTaskRewards.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    /// @notice FLOCK is never minted nor lost: the emission reserve, the pools, gmFLOCK's locked
    /// FLOCK and every holder add up to the fixed supply.
    function invariant_flockConserved() public view {
        uint256 sum = flock.balanceOf(address(emission)) + flock.balanceOf(address(pools))
            + flock.balanceOf(address(gm)) + flock.balanceOf(address(handler)) + flock.balanceOf(address(this))
            + flock.balanceOf(treasury) + flock.balanceOf(slasher);
        for (uint256 i; i < delegatorList.length; ++i) {
            sum += flock.balanceOf(delegatorList[i]);
        }
        for (uint256 i; i < operatorList.length; ++i) {
            sum += flock.balanceOf(operatorList[i]);
        }
        assertEq(sum, flock.totalSupply());
        assertEq(flock.totalSupply(), SUPPLY);
    }

    /// @notice In every pool the delegators' shares add up to the pool's shares, active and unbonding,
    /// and what they are worth never exceeds the pool's stake (rounding favours the pool).
    function invariant_sharesAddUp() public view {
        for (uint256 j; j < operatorList.length; ++j) {
            address op = operatorList[j];
            IDelegationPools.PoolInfo memory p = pools.pool(op);
            uint256 shares;
            uint256 stake;
            uint256 ubShares;
            uint256 ubAmount;
            for (uint256 i; i < delegatorList.length; ++i) {
                (uint256 s, uint256 v) = pools.delegation(op, delegatorList[i]);
                shares += s;
                stake += v;
                (uint256 us, uint256 ua,) = pools.unbonding(op, delegatorList[i]);
                ubShares += us;
                ubAmount += ua;
            }
            assertEq(shares, p.totalShares, "active shares");
            assertEq(ubShares, p.unbondingShares, "unbonding shares");
            assertLe(stake, p.totalStake, "active stake");
            assertLe(ubAmount, p.unbondingStake, "unbonding stake");
            if (p.totalShares == 0) assertEq(p.totalStake, 0, "no orphan active stake");
            if (p.unbondingShares == 0) assertEq(p.unbondingStake, 0, "no orphan unbonding stake");
        }
    }

    /// @notice Nobody is paid more than came in: claims and commission never exceed the emission
    /// pulled plus the rewards notified (task rewards included); the pools' FLOCK is exactly in
    /// minus out, and covers everything still claimable, task rewards included (so a claim can
    /// never fail).
    function invariant_rewardsNeverExceedIncome() public view {
        uint256 paid = handler.ghostClaimed() + handler.ghostCommission() + handler.ghostTaskClaimed();
        uint256 notified = handler.ghostNotified() + handler.ghostTaskNotified();
        uint256 income = pools.totalStreamed() + notified;
        assertLe(paid, emission.totalPulled() + notified, "paid <= pulled + notified");
        assertEq(pools.totalStreamed(), emission.totalPulled(), "the pools are the only gauge");
        assertEq(flock.balanceOf(address(pools)), income - paid, "pools' FLOCK = in - out");

        uint256 owed;
        for (uint256 j; j < operatorList.length; ++j) {
            address op = operatorList[j];
            owed += pools.pendingCommission(op);
            for (uint256 i; i < delegatorList.length; ++i) {
                owed += pools.pendingRewards(op, delegatorList[i]);
                owed += pools.pendingTaskRewards(op, delegatorList[i], type(uint256).max);
            }
        }
        assertLe(owed, flock.balanceOf(address(pools)), "solvent");
    }

    /// @notice Every task reward is shared by exactly the shares of its time: the delegators'
    /// checkpointed shares at an entry's `since` add up to the pool's then, which the entry
    /// recorded; so the parts paid never add up to more than the entry.
    function invariant_taskRewardsBySharesAtSince() public view {
        for (uint256 j; j < operatorList.length; ++j) {
            address op = operatorList[j];
            uint256 n = pools.taskRewardCount(op);
            for (uint256 k; k < n; ++k) {
                (uint256 since, uint256 totalShares,) = pools.taskReward(op, k);
                assertEq(totalShares, pools.totalSharesAt(op, since), "entry = pool shares at since");
                uint256 sum;
                for (uint256 i; i < delegatorList.length; ++i) {
                    sum += pools.sharesAt(op, delegatorList[i], since);
                }
                assertEq(sum, totalShares, "delegators' shares at since add up");
            }
        }
    }

    /// @notice The emission never runs ahead of its schedule, gauges never pull more than was
    /// released, and the reserve is the balance less what gauges may still pull.
    function invariant_emissionWithinSchedule() public view {
        uint256 nextDay = emission.nextDay();
        assertLe(emission.totalReleased(), emission.scheduledThrough(nextDay), "released <= schedule");
        assertLe(emission.totalPulled(), emission.totalReleased(), "pulled <= released");
        assertLe(nextDay, emission.currentDay(), "no future day processed");
        assertEq(flock.balanceOf(address(emission)) + emission.totalPulled(), RESERVE, "only pulls leave");
        assertEq(
            emission.reserve(),
            flock.balanceOf(address(emission)) - (emission.totalReleased() - emission.totalPulled()),
            "reserve = balance - owed"
        );
    }

    /// @notice The pools hold exactly the gmFLOCK of all active and unbonding stake, and the gauge
    /// weight is the active stake.
    function invariant_gmBacksStake() public view {
        uint256 active;
        uint256 unbonding;
        for (uint256 j; j < operatorList.length; ++j) {
            IDelegationPools.PoolInfo memory p = pools.pool(operatorList[j]);
            active += p.totalStake;
            unbonding += p.unbondingStake;
        }
        assertEq(gm.balanceOf(address(pools)), active + unbonding, "gm = active + unbonding");
        assertEq(pools.totalPooledStake(), active, "pooled = sum of active");
        assertEq(pools.emissionWeight(), active, "weight = pooled");
        assertEq(
            handler.ghostDelegated(),
            active + unbonding + handler.ghostSlashed() + handler.ghostWithdrawn(),
            "gm in = out"
        );
    }

    function afterInvariant() public view {
        string[17] memory names = [
            "delegate",
            "undelegate",
            "withdraw",
            "claim",
            "createPool",
            "setSigma",
            "claimCommission",
            "notifyReward",
            "slash",
            "freeze",
            "sync",
            "advance",
            "setDailyCap",
            "warp",
            "notifyTaskReward",
            "claimTaskRewards",
            ""
        ];
        for (uint256 i; i < 16; ++i) {
            console.log(names[i], handler.calls(bytes32(bytes(names[i]))));
        }
        console.log("task-reward claims that paid", handler.taskClaimsPaid());
    }
}
