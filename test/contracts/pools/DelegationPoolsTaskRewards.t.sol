// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IDelegationPools} from "../../../contracts/interfaces/IDelegationPools.sol";
import {EconomyFixture} from "../utils/EconomyFixture.sol";

/// @notice The pools' task-reward ledger ({IDelegationPools-notifyTaskReward},
/// {IDelegationPools-claimTaskRewards}), the share checkpoints under it, and the withdrawal lock of
/// stake undelegated from a frozen pool (issue #8, findings 1 and 3).
contract DelegationPoolsTaskRewardsTest is EconomyFixture {
    using Math for uint256;

    address internal op = makeAddr("operator");
    address internal op2 = makeAddr("operator2");

    function setUp() public override {
        super.setUp();
        _createPool(op, SIGMA);
        _fund(slasher, 1_000_000e18);
        vm.prank(slasher);
        flock.approve(address(pools), type(uint256).max);
    }

    /// @dev As the slasher (standing in for the Arena): pays a task reward fixed at `since`.
    function _notifyTask(address operator, uint256 amount, uint256 since, uint256 sigma) internal {
        vm.prank(slasher);
        pools.notifyTaskReward(operator, amount, since, sigma);
    }

    function _claimTask(address who, address operator, uint256 maxEntries) internal returns (uint256) {
        vm.prank(who);
        return pools.claimTaskRewards(operator, maxEntries);
    }

    // ---------------------------------------------------------------- checkpoints

    function _freezeNow() internal {
        vm.prank(slasher);
        pools.freeze(op, block.timestamp + 1 days);
    }

    /// @dev What a protocol contract does when it counts the pool's stake: freezes it. Returns the
    /// time, the `since` of that task's reward.
    function _registerNow() internal returns (uint256) {
        _freezeNow();
        return block.timestamp;
    }

    /// @dev With a freeze (a registration) between each change, every change is its own checkpoint.
    function test_sharesAt_exactAtEveryFreeze() public {
        vm.warp(start + 10);
        _delegate(alice, op, 100e18);
        vm.warp(start + 15);
        _freezeNow();
        vm.warp(start + 20);
        _delegate(bob, op, 50e18);
        vm.warp(start + 25);
        _freezeNow();
        vm.warp(start + 30);
        vm.prank(alice);
        pools.undelegate(op, 40e18);
        assertEq(pools.sharesAt(op, alice, start + 9), 0);
        assertEq(pools.sharesAt(op, alice, start + 10), 100e18);
        assertEq(pools.sharesAt(op, alice, start + 29), 100e18);
        assertEq(pools.sharesAt(op, alice, start + 30), 60e18);
        assertEq(pools.sharesAt(op, bob, start + 20), 50e18);
        assertEq(pools.totalSharesAt(op, start + 9), 0);
        assertEq(pools.totalSharesAt(op, start + 15), 100e18);
        assertEq(pools.totalSharesAt(op, start + 25), 150e18);
        assertEq(pools.totalSharesAt(op, start + 30), 110e18);
    }

    /// @dev Without a freeze between them, changes share the first one's checkpoint (rewritten in
    /// place): a time within the stretch reads its end, the same way for the pool and each
    /// delegator; a freeze closes the stretch, and the time of the freeze reads exact shares.
    function test_sharesAt_stretchBetweenFreezesReadsItsEnd() public {
        vm.warp(start + 10);
        _delegate(alice, op, 100e18);
        vm.warp(start + 20);
        _delegate(bob, op, 50e18);
        vm.warp(start + 30);
        vm.prank(alice);
        pools.undelegate(op, 40e18);
        assertEq(pools.sharesAt(op, alice, start + 10), 60e18);
        assertEq(pools.sharesAt(op, bob, start + 10), 50e18);
        assertEq(pools.totalSharesAt(op, start + 10), 110e18);
        assertEq(pools.totalSharesAt(op, start + 9), 0);

        vm.warp(start + 40);
        _freezeNow(); // a registration counts 110
        vm.warp(start + 50);
        _delegate(carol, op, 1_000e18);
        assertEq(pools.totalSharesAt(op, start + 40), 110e18, "exact at the freeze");
        assertEq(pools.sharesAt(op, carol, start + 40), 0);
        assertEq(pools.totalSharesAt(op, start + 50), 1_110e18);
    }

    /// @dev A task reward whose since falls in the open stretch reads the shares before it, which
    /// cannot change any more.
    function test_notifyTaskReward_sinceInOpenStretchReadsBeforeIt() public {
        vm.warp(start + 10);
        _delegate(alice, op, 100e18);
        vm.warp(start + 20);
        _freezeNow();
        vm.warp(start + 30);
        _delegate(bob, op, 100e18); // opens a stretch at 30
        vm.warp(start + 40);
        _notifyTask(op, 1000e18, start + 35, 0);
        (uint256 since, uint256 shares,) = pools.taskReward(op, 0);
        assertEq(since, start + 29);
        assertEq(shares, 100e18);
        vm.warp(start + 50);
        _delegate(carol, op, 100e18); // same stretch: rewrites the checkpoint at 30
        assertEq(_claimTask(carol, op, 10), 0);
        assertEq(_claimTask(bob, op, 10), 0);
        assertEq(_claimTask(alice, op, 10), 1000e18);
    }

    // ---------------------------------------------------------------- notifyTaskReward

    function test_notifyTaskReward_splitsRecordedSigmaAndAppendsEntry() public {
        _delegate(alice, op, 100e18);
        uint256 since = _registerNow();
        vm.warp(start + 3 days);
        vm.expectEmit(address(pools));
        emit IDelegationPools.TaskRewardNotified(op, slasher, 1000e18, 20e18, since, 100e18);
        _notifyTask(op, 1000e18, since, 0.02e18); // the pool's sigma now is 10%: the recorded 2% counts
        assertEq(pools.pendingCommission(op), 20e18);
        assertEq(pools.taskRewardCount(op), 1);
        (uint256 s, uint256 shares, uint256 amount) = pools.taskReward(op, 0);
        assertEq(s, since);
        assertEq(shares, 100e18);
        assertEq(amount, 980e18);
        assertEq(pools.pendingRewards(op, alice), 0, "not in the stream");
        assertEq(pools.pendingTaskRewards(op, alice, 1), 980e18);
        assertEq(flock.balanceOf(address(pools)), 1000e18);
    }

    function test_notifyTaskReward_capsSigmaAtOne() public {
        _delegate(alice, op, 100e18);
        _registerNow();
        vm.warp(start + 1);
        _notifyTask(op, 1000e18, start, 2e18);
        assertEq(pools.pendingCommission(op), 1000e18);
        assertEq(pools.taskRewardCount(op), 0, "nothing left for delegators");
    }

    function test_notifyTaskReward_noSharesAtSincePaysOperator() public {
        uint256 since = block.timestamp;
        vm.warp(start + 1 hours);
        _delegate(alice, op, 100e18); // after the task fixed the pool's stake
        _notifyTask(op, 1000e18, since, SIGMA);
        assertEq(pools.pendingCommission(op), 1000e18);
        assertEq(pools.taskRewardCount(op), 0);
        assertEq(pools.pendingTaskRewards(op, alice, 10), 0);
    }

    /// @dev Found by the invariant campaign: shares of the current second may still change (a
    /// delegation later in the same second), so they are read for the second before.
    function test_notifyTaskReward_sinceNotOverReadsTheSecondBefore() public {
        vm.warp(start + 10);
        _delegate(alice, op, 100e18);
        vm.warp(start + 15);
        _freezeNow();
        vm.warp(start + 20);
        _delegate(bob, op, 100e18);
        vm.expectEmit(address(pools));
        emit IDelegationPools.TaskRewardNotified(op, slasher, 1000e18, 0, start + 19, 100e18);
        _notifyTask(op, 1000e18, start + 25, 0); // a time to come: the second before now
        _delegate(carol, op, 100e18); // later in the same second
        assertEq(_claimTask(carol, op, 10), 0);
        assertEq(_claimTask(bob, op, 10), 0);
        assertEq(_claimTask(alice, op, 10), 1000e18);
    }

    function test_RevertWhen_notifyTaskRewardNotSlasher() public {
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnauthorized.selector, alice));
        vm.prank(alice);
        pools.notifyTaskReward(op, 1, block.timestamp, SIGMA);
    }

    function test_RevertWhen_notifyTaskRewardZero() public {
        vm.expectRevert(IDelegationPools.PoolsZeroAmount.selector);
        _notifyTask(op, 0, block.timestamp, SIGMA);
    }

    function test_RevertWhen_notifyTaskRewardUnknownPool() public {
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnknownPool.selector, op2));
        _notifyTask(op2, 1, block.timestamp, SIGMA);
    }

    // ---------------------------------------------------------------- claimTaskRewards

    function test_claimTaskRewards_paysSharesAtSinceWhoeverHoldsWhatNow() public {
        vm.warp(start + 10);
        _delegate(alice, op, 300e18);
        _delegate(bob, op, 100e18);
        uint256 since = _registerNow();
        vm.warp(start + 1 days);
        vm.prank(alice);
        pools.undelegate(op, 300e18); // left after the task counted it: still paid for it
        _delegate(carol, op, 1_000e18); // joined after: paid nothing
        _notifyTask(op, 1000e18, since, SIGMA);

        vm.expectEmit(address(pools));
        emit IDelegationPools.TaskRewardsClaimed(alice, op, 675e18, 0, 1);
        assertEq(_claimTask(alice, op, 10), 675e18);
        assertEq(_claimTask(bob, op, 10), 225e18);
        assertEq(_claimTask(carol, op, 10), 0);
        assertEq(flock.balanceOf(alice), 675e18);
        assertEq(flock.balanceOf(bob), 225e18);
        assertEq(pools.taskRewardCursor(op, alice), 1);
        // Claimed once only.
        assertEq(_claimTask(alice, op, 10), 0);
        assertEq(pools.pendingTaskRewards(op, alice, 10), 0);
    }

    function test_claimTaskRewards_walksBoundedBatches() public {
        _delegate(alice, op, 100e18);
        _delegate(bob, op, 100e18);
        uint256 since = _registerNow();
        vm.warp(start + 1 days);
        for (uint256 i; i < 5; ++i) {
            _notifyTask(op, 100e18, since, 0);
        }
        assertEq(pools.pendingTaskRewards(op, alice, 2), 100e18);
        assertEq(pools.pendingTaskRewards(op, alice, type(uint256).max), 250e18);
        assertEq(_claimTask(alice, op, 2), 100e18);
        assertEq(pools.taskRewardCursor(op, alice), 2);
        assertEq(_claimTask(alice, op, 2), 100e18);
        assertEq(_claimTask(alice, op, type(uint256).max), 50e18);
        assertEq(pools.taskRewardCursor(op, alice), 5);
        assertEq(_claimTask(bob, op, 100), 250e18);
    }

    function test_claimTaskRewards_newDelegatorStartsAtTheEnd() public {
        _delegate(alice, op, 100e18);
        _registerNow();
        vm.warp(start + 1);
        _notifyTask(op, 100e18, start, SIGMA);
        _notifyTask(op, 100e18, start, SIGMA);
        vm.warp(start + 1 hours);
        _delegate(bob, op, 100e18);
        assertEq(pools.taskRewardCursor(op, bob), 2);
        assertEq(pools.taskRewardCursor(op, alice), 0);
        // An account that never delegated walks nothing and is owed nothing.
        assertEq(pools.pendingTaskRewards(op, carol, 10), 0);
        assertEq(_claimTask(carol, op, 10), 0);
        assertEq(pools.taskRewardCursor(op, carol), 2);
    }

    function test_claimTaskRewards_roundsDownDustStays() public {
        _delegate(alice, op, 1e18);
        _delegate(bob, op, 2e18);
        _registerNow();
        vm.warp(start + 1);
        _notifyTask(op, 100, start, 0);
        assertEq(_claimTask(alice, op, 1), 33);
        assertEq(_claimTask(bob, op, 1), 66);
        assertEq(flock.balanceOf(address(pools)), 1, "the dust stays");
    }

    function test_RevertWhen_claimTaskRewardsZeroEntries() public {
        vm.expectRevert(IDelegationPools.PoolsZeroAmount.selector);
        _claimTask(alice, op, 0);
    }

    function test_RevertWhen_claimTaskRewardsUnknownPool() public {
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnknownPool.selector, op2));
        _claimTask(alice, op2, 1);
    }

    /// @dev The ledger pays delegators exactly their part of each entry, whatever the sequence of
    /// share changes between the task's `since` and the notification.
    function testFuzz_claimTaskRewards_neverMoreThanNotified(uint256 a, uint256 b, uint256 x, uint256 reward)
        public
    {
        a = bound(a, 1, 2e26);
        b = bound(b, 1, 2e26);
        x = bound(x, 0, a);
        reward = bound(reward, 1, 1_000_000e18);
        _delegate(alice, op, a);
        _delegate(bob, op, b);
        uint256 since = _registerNow();
        vm.warp(start + 1 hours);
        if (x > 0) {
            vm.prank(alice);
            pools.undelegate(op, x);
        }
        _delegate(carol, op, b);
        _notifyTask(op, reward, since, SIGMA);
        uint256 cut = reward.mulDiv(SIGMA, 1e18);
        uint256 paid = _claimTask(alice, op, 1) + _claimTask(bob, op, 1) + _claimTask(carol, op, 1);
        assertLe(paid, reward - cut);
        assertLe(reward - cut - paid, 2, "at most one wei of dust per delegator");
        assertEq(flock.balanceOf(address(pools)), reward - paid);
    }

    // ---------------------------------------------------------------- withdrawal lock

    function test_undelegate_whileFrozenLocksUntilFreezeEnds() public {
        _delegate(alice, op, 100e18);
        vm.prank(slasher);
        pools.freeze(op, start + 30 days);
        vm.warp(start + 1 days);
        vm.expectEmit(address(pools));
        emit IDelegationPools.UndelegationRequested(alice, op, 40e18, 40e18, start + 30 days);
        vm.prank(alice);
        pools.undelegate(op, 40e18);
        vm.warp(start + 29 days);
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnbonding.selector, start + 30 days));
        vm.prank(alice);
        pools.withdraw(op);
        // Slashable meanwhile, pro rata.
        vm.prank(slasher);
        pools.slash(op, 10e18, address(0));
        vm.warp(start + 30 days);
        vm.prank(alice);
        assertEq(pools.withdraw(op), 4e18 * 9);
    }

    function test_undelegate_afterFreezeEndsPlainCooldown() public {
        _delegate(alice, op, 100e18);
        vm.prank(slasher);
        pools.freeze(op, start + 2 days);
        vm.warp(start + 2 days);
        vm.prank(alice);
        pools.undelegate(op, 40e18);
        (,, uint256 readyAt) = pools.unbonding(op, alice);
        assertEq(readyAt, start + 9 days);
    }

    function test_undelegate_freezeShorterThanCooldownKeepsCooldown() public {
        _delegate(alice, op, 100e18);
        vm.prank(slasher);
        pools.freeze(op, start + 3 days);
        vm.prank(alice);
        pools.undelegate(op, 40e18);
        (,, uint256 readyAt) = pools.unbonding(op, alice);
        assertEq(readyAt, start + 7 days);
    }
}
