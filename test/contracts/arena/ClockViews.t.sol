// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {ArenaFixture} from "./ArenaFixture.sol";

/// @notice Issue 10, finding 2: after a devnet restart whose clock went back (block 50 older than
/// block 48), `flock status` and `flock rewards` failed with Panic(0x11) in
/// DelegationPools.pendingCommission. Every view those commands read (pools, emission, Arena lens,
/// gmFLOCK) must answer, never panic, while the block's time is before the times the contracts
/// recorded: an elapsed time that would be negative counts as zero. Each test records times
/// (syncs, claims), moves the clock back with vm.warp, and reads the views.
contract ClockViewsTest is ArenaFixture {
    address internal op;

    function setUp() public override {
        super.setUp();
        op = _node(0);
        _createPool(op, SIGMA);
        _delegate(alice, op, 30e18);
    }

    /// @dev Records the current time everywhere (the pools' and the Arena's streams, the emission).
    function _recordNow() internal {
        emission.advance();
        arena.sync();
        pools.sync();
    }

    /// @dev The pool views `flock status` and `flock rewards` read.
    function _poolViews() internal view {
        pools.pendingCommission(op);
        pools.pendingCommission(alice); // no pool
        pools.pendingRewards(op, alice);
        pools.pendingTaskRewards(op, alice, 100);
        pools.delegation(op, alice);
        pools.unbonding(op, alice);
        pools.pool(op);
        pools.stream();
    }

    function _otherViews(uint256 taskId) internal view {
        emission.currentDay();
        emission.reserve();
        gm.getVotes(alice);
        gm.lockedOf(alice);
        arena.stream();
        arena.totals();
        arena.task(taskId);
        arena.phase(taskId);
        arena.settlement(taskId);
        arena.claimable(taskId, op);
        arena.claimable(taskId, _validator(0));
        arena.claimable(taskId, creator);
    }

    /// @notice The reported case: the operator's pool earned emission (pending commission), the
    /// pools recorded a later time, and the clock went back by two days.
    function test_clockViews_poolViewsBehindLastUpdate() public {
        vm.warp(start + 3 days);
        _recordNow();
        vm.warp(start + 4 days);
        _recordNow(); // a stream with a rate, updated at start + 4 days
        assertGt(pools.pendingCommission(op), 0);
        vm.warp(start + 2 days);
        _poolViews();
        assertGt(pools.pendingCommission(op), 0);
        assertGt(pools.pendingRewards(op, alice), 0);
    }

    /// @notice A task still earning, read while the clock is behind the Arena's and the pools' time.
    function test_clockViews_earningTaskBehindArenaClock() public {
        uint256 taskId = _scoredTask(op, false);
        vm.warp(block.timestamp + 2 hours);
        _recordNow();
        vm.warp(block.timestamp - 1 days);
        _poolViews();
        _otherViews(taskId);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalizing));
    }

    /// @notice A finalized task with a pool reward (a task-reward entry in the pool), read after
    /// the clock went back.
    function test_clockViews_finalizedTaskBehind() public {
        uint256 taskId = _scoredTask(op, false);
        _finalizeAll(taskId);
        _claim(taskId, op);
        vm.warp(block.timestamp + 3 days);
        _recordNow();
        vm.warp(block.timestamp - 2 days);
        _poolViews();
        _otherViews(taskId);
    }

    /// @notice The clock before the emission's start and before every recorded time.
    function test_clockViews_beforeEverything() public {
        uint256 taskId = _scoredTask(op, false);
        vm.warp(block.timestamp + 1 days);
        _recordNow();
        vm.warp(start > 1 hours ? start - 1 hours : 0);
        _poolViews();
        _otherViews(taskId);
        assertEq(emission.currentDay(), 0);
    }
}
