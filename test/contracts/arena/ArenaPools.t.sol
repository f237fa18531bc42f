// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IDelegationPools} from "../../../contracts/interfaces/IDelegationPools.sol";
import {ArenaFixture} from "./ArenaFixture.sol";

/// @notice The Arena and the delegation pools together (issue #8, findings 1-3): stake that backs
/// a registration counts once and stays slashable until the task ends, commission follows the
/// sigma in force when the task fixed the pool's stake, and a task's reward goes to the stake
/// that was at risk in it.
contract ArenaPoolsTest is ArenaFixture {
    using Math for uint256;

    /// @dev A 10-day task: an 8-day Submit phase, longer than the undelegation cooldown.
    function _longTask() internal returns (uint256) {
        IArena.TaskParams memory p = _params();
        p.submitDuration = 8 days;
        p.revealDuration = 1 days;
        p.scoreCommitDuration = 12 hours;
        p.scoreRevealDuration = 12 hours;
        return _createTask(p);
    }

    // ================================================================ finding 1

    /// @dev Issue #8, finding 1 ("Pool stake counted twice"): a validator registers with 1,000
    /// delegated gmFLOCK; the delegator undelegates at once and, after the 7-day cooldown, withdraws
    /// and re-delegates to a second validator in the same task. Fixed: an undelegation requested
    /// while the pool is frozen cannot be withdrawn before the freeze ends, and stays slashable.
    function test_poolStakeCountedTwice() public {
        uint256 taskId = _longTask();
        address v0 = _validator(0);
        address v1 = _validator(1);
        address n = _node(0);
        _createPool(v0, SIGMA);
        _createPool(v1, SIGMA);
        _delegate(alice, v0, 1000e18);
        _registerValidator(taskId, v0, 10e18);
        assertEq(arena.validator(taskId, 0).poolStake, 1000e18);

        vm.prank(alice);
        pools.undelegate(v0, 1000e18);
        uint256 frozenUntil = uint256(arena.task(taskId).scoreRevealEnd) + 7 days;
        (,, uint256 readyAt) = pools.unbonding(v0, alice);
        assertEq(readyAt, frozenUntil, "locked until the freeze ends");

        vm.warp(block.timestamp + 7 days); // the plain cooldown is over, the task is not
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnbonding.selector, frozenUntil));
        vm.prank(alice);
        pools.withdraw(v0);

        // So the same gmFLOCK cannot back v1 in this task: v1 counts only its own stake.
        _registerValidator(taskId, v1, 10e18);
        assertEq(arena.validator(taskId, 1).poolStake, 0);
        assertEq(arena.task(taskId).validatorStake, 1020e18, "1,000 pooled stake counted once");

        // And it stays slashable: v0 commits a score and withholds it.
        _registerNode(taskId, n, 10e18);
        _commitModel(taskId, n, "m");
        _toReveal(taskId);
        _revealModel(taskId, n, "m");
        _revealValidation(taskId);
        _toScoreCommit(taskId);
        _commitScore(taskId, 0, 0, 0.9e18, false);
        _commitScore(taskId, 1, 0, 0.9e18, false);
        _toScoreReveal(taskId);
        _revealScore(taskId, 1, 0, 0.9e18, false);
        _toFinalizing(taskId);
        arena.finalize(taskId, 10);
        // Its one counted score withheld: the whole validator slash, pro rata into the pool.
        uint256 left = 1000e18 - (1000e18 * uint256(arena.taskRules(taskId).validatorSlash)) / 1e18;
        assertEq(pools.pool(v0).unbondingStake, left, "the slash reached the undelegated stake");

        _warpTo(frozenUntil);
        vm.prank(alice);
        assertEq(pools.withdraw(v0), left);
    }

    // ================================================================ finding 2

    /// @dev Issue #8, finding 2: the operator keeps sigma = 2% while its task runs and raises it to
    /// 50% after the freeze ends, before claiming. Fixed: the pool part is split at the sigma
    /// recorded at registration.
    function test_sigmaRaisedBeforeClaim() public {
        uint256 taskId = _createDefaultTask();
        address n = _node(0);
        _createPool(n, 0.02e18);
        _delegate(alice, n, 30e18);
        _runNodeTask(taskId);

        _warpTo(pools.pool(n).frozenUntil);
        vm.prank(n);
        pools.setSigma(0.5e18);

        (, uint256 reward,) = arena.claimable(taskId, n);
        uint256 poolPart = reward.mulDiv(30e18, 40e18);
        uint256 before = pools.pendingCommission(n);
        _claim(taskId, n);
        assertEq(pools.pendingCommission(n) - before, poolPart.mulDiv(0.02e18, 1e18), "commission at 2%");
    }

    // ================================================================ finding 3

    /// @dev Issue #8, finding 3 ("Just-in-time delegation"): 10,000 delegated right before the
    /// operator's claim took most of the task's reward from the delegator whose stake earned it.
    /// Fixed: the task's reward goes to the shares the pool had when the task counted its stake.
    function test_justInTimeDelegation() public {
        uint256 taskId = _createDefaultTask();
        address n = _node(0);
        _createPool(n, SIGMA);
        _delegate(alice, n, 30e18);
        _runNodeTask(taskId);

        _delegate(bob, n, 10_000e18); // just in time
        (, uint256 reward,) = arena.claimable(taskId, n);
        uint256 poolPart = reward.mulDiv(30e18, 40e18);
        uint256 cut = poolPart.mulDiv(SIGMA, 1e18);
        _claim(taskId, n);

        assertEq(pools.pendingRewards(n, bob), 0, "no stream reward from the task");
        assertEq(pools.pendingRewards(n, alice), 0, "the task's reward is not in the stream");
        assertEq(pools.pendingTaskRewards(n, bob, 10), 0, "bob's stake was not at risk");
        assertEq(pools.pendingTaskRewards(n, alice, 10), poolPart - cut, "alice's stake earned it");
        vm.prank(bob);
        assertEq(pools.claimTaskRewards(n, 10), 0);
        vm.prank(alice);
        assertEq(pools.claimTaskRewards(n, 10), poolPart - cut);
        assertEq(flock.balanceOf(alice), poolPart - cut);
    }
}
