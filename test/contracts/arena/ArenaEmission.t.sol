// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {ArenaFixture} from "./ArenaFixture.sol";

/// @notice The Arena as an emission gauge: what it pulls streams to earning tasks by stake^beta,
/// each task stops earning at its scoreRevealEnd with no transaction, the stream pauses when no
/// task earns, and the bookkeeping catches up in bounded steps.
contract ArenaEmissionTest is ArenaFixture {
    function _task(uint256 creatorStake, uint256 phase) internal returns (uint256) {
        IArena.TaskParams memory p = _params();
        p.creatorStake = creatorStake;
        p.submitDuration = phase;
        p.revealDuration = phase;
        p.scoreCommitDuration = phase;
        p.scoreRevealDuration = phase;
        return _createTask(p);
    }

    /// @dev Finalizes a task without nodes (its validation set revealed beforehand).
    function _finalizeEmpty(uint256 taskId) internal {
        _toFinalizing(taskId);
        arena.finalize(taskId, 1);
    }

    function test_emissionWeight_isOwnStakeOfEarningTasks() public {
        assertEq(arena.emissionWeight(), 0);
        uint256 taskId = _createDefaultTask();
        assertEq(arena.emissionWeight(), CREATOR_STAKE);
        _registerNode(taskId, _node(0), 10e18);
        assertEq(arena.emissionWeight(), CREATOR_STAKE + 10e18);
        // At scoreRevealEnd the task stops earning, without any transaction.
        vm.warp(arena.task(taskId).scoreRevealEnd - 1);
        assertEq(arena.emissionWeight(), CREATOR_STAKE + 10e18);
        vm.warp(arena.task(taskId).scoreRevealEnd);
        assertEq(arena.emissionWeight(), 0);
    }

    function test_task_earnsTheStreamedEmission() public {
        uint256 taskId = _createDefaultTask();
        vm.warp(start + 1 days + 1 hours);
        _revealValidation(taskId);
        assertTrue(arena.sync()); // pulls day 0: the Arena is the only gauge with weight
        (uint256 pulled,,,,) = arena.totals();
        assertEq(pulled, INITIAL_DAILY);
        (uint256 rate, uint256 finish,, uint256 w,) = arena.stream();
        assertEq(finish, block.timestamp + 1 days);
        assertEq(rate, INITIAL_DAILY * 1e36 / 1 days);
        assertEq(w, arena.task(taskId).weight);

        vm.warp(start + 2 days + 2 hours); // day 0's stream ran inside the task's window
        arena.sync(); // and day 1 starts streaming, also inside it
        assertApproxEqRel(arena.task(taskId).accruedEmission, INITIAL_DAILY, 1e6);

        uint256 treasuryBefore = flock.balanceOf(treasury);
        _finalizeEmpty(taskId);
        IArena.SettlementInfo memory s = arena.settlement(taskId);
        // Days 2 and 3 are released after the task stopped earning: not to it.
        assertApproxEqRel(s.emission, 2 * INITIAL_DAILY, 1e6);
        assertLe(s.emission, 2 * INITIAL_DAILY);
        assertEq(s.creatorReward, s.emission * 0.05e18 / 1e18);
        // No node, no validator: everything but the creator's share goes to the treasury.
        assertEq(flock.balanceOf(treasury) - treasuryBefore, s.emission - s.creatorReward);
        _claim(taskId, creator);
        assertEq(flock.balanceOf(creator), s.creatorReward);
        (, uint256 taskEmission,,,) = arena.totals();
        assertEq(taskEmission, s.emission);
    }

    function test_tasks_shareByStakePowBeta() public {
        uint256 a = _task(100e18, 1 days);
        uint256 b = _task(400e18, 1 days);
        // beta = 0.5: weights 10 and 20.
        assertApproxEqRel(arena.task(b).weight, 2 * arena.task(a).weight, 1e3);
        vm.warp(start + 1 days + 1 hours);
        arena.sync();
        vm.warp(start + 2 days);
        arena.sync();
        uint256 ea = arena.task(a).accruedEmission;
        uint256 eb = arena.task(b).accruedEmission;
        assertGt(ea, 0);
        assertApproxEqRel(eb, 2 * ea, 1e6);
    }

    function test_tasks_shareLinearlyWhenBetaIsOne() public {
        config.set(Params.ARENA_BETA, 1e18);
        uint256 a = _task(100e18, 1 days);
        uint256 b = _task(400e18, 1 days);
        assertEq(arena.task(a).weight, 100e18);
        vm.warp(start + 1 days + 1 hours);
        arena.sync();
        vm.warp(start + 2 days);
        arena.sync();
        assertApproxEqRel(arena.task(b).accruedEmission, 4 * arena.task(a).accruedEmission, 1e6);
    }

    function test_task_stopsEarningAtScoreRevealEnd() public {
        uint256 a = _task(100e18, 1 days); // ends after day 4
        uint256 b = _task(100e18, 2 days); // ends after day 8
        uint256 aEnd = arena.task(a).scoreRevealEnd;
        for (uint256 d = 1; d <= 7; ++d) {
            vm.warp(start + d * 1 days + 1 hours);
            if (d == 1) _revealValidation(a);
            if (d == 2) _revealValidation(b);
            arena.sync();
        }
        uint256 ea = arena.task(a).accruedEmission;
        uint256 eb = arena.task(b).accruedEmission;
        assertGt(eb, ea);
        vm.warp(start + 8 days + 30 minutes);
        arena.sync();
        assertEq(arena.task(a).accruedEmission, ea); // fixed since aEnd
        assertGt(arena.task(b).accruedEmission, eb);
        assertLt(aEnd, block.timestamp);
        // Whatever streamed is owed to exactly these two tasks (rounding down).
        _finalizeEmpty(a);
        _finalizeEmpty(b);
        (uint256 pulled, uint256 taskEmission,,,) = arena.totals();
        (uint256 rate, uint256 finish, uint256 last,,) = arena.stream();
        uint256 unstreamed = finish > last ? (finish - last) * rate / 1e36 : 0;
        assertLe(taskEmission + unstreamed, pulled);
        assertApproxEqAbs(taskEmission + unstreamed, pulled, 1e6);
    }

    function test_stream_pausesWhileNoTaskEarns() public {
        IArena.TaskParams memory p = _params();
        p.revealDuration = 1 hours;
        p.scoreCommitDuration = 1 hours;
        p.scoreRevealDuration = 1 hours;
        uint256 a = _createTask(p); // earns until 28h
        uint256 aEnd = arena.task(a).scoreRevealEnd;
        vm.warp(start + 1 days + 30 minutes);
        _revealValidation(a);
        vm.warp(start + 1 days + 1 hours);
        arena.sync();
        uint256 streamStart = block.timestamp;
        vm.warp(start + 3 days);
        uint256 b = _createDefaultTask(); // the paused stream resumes for b
        _finalizeEmpty(a);
        _toReveal(b);
        _revealValidation(b);
        uint256 ea = arena.settlement(a).emission;
        assertApproxEqRel(ea, INITIAL_DAILY * (aEnd - streamStart) / 1 days, 1e6);
        _finalizeEmpty(b);
        uint256 eb = arena.settlement(b).emission;
        assertApproxEqRel(eb, INITIAL_DAILY * (1 days - (aEnd - streamStart)) / 1 days, 1e6);
        assertLe(ea + eb, INITIAL_DAILY);
    }

    function test_sync_catchesUpInBoundedSteps() public {
        config.set(Params.ARENA_MIN_CREATOR_STAKE, 0);
        IArena.TaskParams memory p = _params();
        p.creatorStake = 1e18;
        p.submitDuration = 1 hours;
        p.revealDuration = 1 hours;
        p.scoreCommitDuration = 1 hours;
        // 40 tasks ending at 40 different hours.
        for (uint256 i; i < 40; ++i) {
            p.scoreRevealDuration = (i + 1) * 1 hours;
            _createTask(p);
        }
        assertEq(arena.emissionWeight(), 40e18);
        vm.warp(block.timestamp + 3 days);
        assertEq(arena.emissionWeight(), 8e18); // the view walks at most 32 steps
        // 40 drops > 32 steps: one sync is not enough, and weight changes wait for it.
        _gmFor(creator, 1e18);
        vm.startPrank(creator);
        gm.approve(address(arena), 1e18);
        vm.expectRevert(IArenaTypes.ArenaSyncBacklog.selector);
        arena.createTask(p);
        vm.stopPrank();
        assertFalse(arena.sync());
        assertTrue(arena.sync());
        assertEq(arena.emissionWeight(), 0);
        (,,, uint256 w,) = arena.stream();
        assertEq(w, 0);
        vm.prank(creator);
        arena.createTask(p);
    }

    function test_sync_withoutTasksPullsNothing() public {
        vm.warp(start + 2 days);
        assertTrue(arena.sync());
        (uint256 pulled,,,,) = arena.totals();
        assertEq(pulled, 0);
    }

    function test_emissionSharedWithDelegationPools() public {
        _createDefaultTask(); // 100 gmFLOCK in the Arena
        address op = makeAddr("op");
        _createPool(op, SIGMA);
        _delegate(alice, op, 300e18); // 300 gmFLOCK in the pools
        vm.warp(start + 1 days + 1 hours);
        arena.sync();
        (uint256 pulled,,,,) = arena.totals();
        assertEq(pulled, INITIAL_DAILY / 4);
    }
}
