// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {ArenaFixture} from "./ArenaFixture.sol";

/// @notice Issue 8, finding 3: time going backwards (a devnet restart from a state dump, a chain
/// whose clock was reset) must not brick a task. Before, the Arena's emission walk moved its
/// epoch cursor back and processed a task's end a second time (Panic 0x11 in finalize), and the
/// delegation pools' stream subtracted a later recorded time from an earlier now (Panic 0x11 in
/// every slash and pool reward). Every time difference now saturates: the Arena and the pools
/// never take "now" earlier than the latest time they recorded.
contract ArenaClockTest is ArenaFixture {
    /// @notice The reported case: the emission walk passes the task's end, the clock goes back
    /// before it (and someone syncs), then forward again: finalize must work.
    function test_clock_backwardsAcrossTaskEndDoesNotBrickFinalize() public {
        uint256 taskId = _scoredTask(_node(0), false);
        uint256 end = arena.task(taskId).scoreRevealEnd;
        vm.warp(end + 1 hours);
        arena.sync(); // processes the task's end
        vm.warp(end - 2 hours); // the devnet restarts from an earlier clock
        arena.sync();
        vm.warp(end + 2 hours);
        _finalizeAll(taskId);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalized));
        _claim(taskId, _node(0));
        _claim(taskId, _validator(0));
        _claim(taskId, creator);
        assertEq(arena.emissionWeight(), 0);
    }

    /// @notice While the clock is behind the latest time the Arena recorded, the Arena keeps its
    /// own time: a finalizing task stays finalizing and settles (it does not fall back into its
    /// ScoreReveal phase and reopen reveals), and no weight is counted twice.
    function test_clock_phasesNeverGoBack() public {
        uint256 taskId = _scoredTask(_node(0), false);
        uint256 end = arena.task(taskId).scoreRevealEnd;
        vm.warp(end + 1 hours);
        arena.sync();
        vm.warp(end - 1 days);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalizing));
        _finalizeAll(taskId);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalized));
        // A task created now starts at the Arena's time, not the earlier block time.
        uint256 next = _createDefaultTask();
        assertEq(arena.task(next).createdAt, end + 1 hours);
        assertEq(uint8(arena.phase(next)), uint8(IArenaTypes.Phase.Submit));
    }

    /// @notice A finalize that slashes a delegation pool runs while the clock is behind the
    /// pools' last update (Panic 0x11 in the pools' stream before).
    function test_clock_backwardsDoesNotBrickPoolSlashOrReward() public {
        address n = _node(0);
        _createPool(n, SIGMA);
        _delegate(alice, n, 30e18);
        uint256 taskId = _scoredTask(n, true); // the node's model is invalid: its pool is slashed
        uint256 end = arena.task(taskId).scoreRevealEnd;
        vm.warp(end + 1 hours);
        pools.sync();
        arena.sync();
        vm.warp(end + 10 minutes); // back, still after the task's end
        _finalizeAll(taskId);
        assertTrue(arena.submission(taskId, 0).slashed);
        assertEq(pools.pool(n).totalStake, 27e18);
        _claim(taskId, n);
        _claim(taskId, _validator(0));
    }

    /// @notice A reward paid into a pool (a claim) while the clock is behind the pools' last update.
    function test_clock_backwardsDoesNotBrickPoolRewardClaim() public {
        address n = _node(0);
        _createPool(n, SIGMA);
        _delegate(alice, n, 30e18);
        uint256 taskId = _scoredTask(n, false);
        _finalizeAll(taskId);
        vm.warp(block.timestamp + 1 hours);
        pools.sync();
        vm.warp(block.timestamp - 30 minutes);
        (, uint256 reward,) = arena.claimable(taskId, n);
        assertGt(reward, 0);
        _claim(taskId, n);
        pools.pendingRewards(n, alice); // the view saturates too
    }

    /// @notice Fuzz: random backward jumps of the clock (some undone) between the steps of a
    /// lifecycle, with syncs: the task finalizes, every claim succeeds, and the Arena never pays out
    /// more FLOCK than came in (its balance covers what it owes).
    function testFuzz_clock_randomJumpsNeverBrickOrOverpay(uint256 seed) public {
        address n = _node(0);
        _createPool(n, SIGMA);
        _delegate(alice, n, 30e18);
        uint256 taskId = _createDefaultTask();
        _registerNode(taskId, n, 10e18);
        _commitModel(taskId, n, _modelCID(0));
        _registerValidator(taskId, _validator(0), 10e18);
        _registerValidator(taskId, _validator(1), 10e18);
        _jump(seed, 0);
        _toReveal(taskId);
        _revealModel(taskId, n, _modelCID(0));
        _revealValidation(taskId);
        _jump(seed, 1);
        _toScoreCommit(taskId);
        _commitScore(taskId, 0, 0, 0.9e18, false);
        _commitScore(taskId, 1, 0, 0.5e18, false); // deviates: slashed, with its pool part
        _jump(seed, 2);
        _toScoreReveal(taskId);
        _revealScore(taskId, 0, 0, 0.9e18, false);
        _revealScore(taskId, 1, 0, 0.5e18, false);
        _jump(seed, 3);
        _toFinalizing(taskId);
        _jump(seed, 4);
        _finalizeAll(taskId);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalized));
        _jump(seed, 5);
        uint256 owed;
        address[4] memory who = [n, _validator(0), _validator(1), creator];
        for (uint256 i; i < 4; ++i) {
            (, uint256 reward, uint256 refund) = arena.claimable(taskId, who[i]);
            owed += reward + refund;
        }
        assertGe(flock.balanceOf(address(arena)), owed);
        for (uint256 i; i < 4; ++i) {
            _claim(taskId, who[i]);
            _jump(seed, 6 + i);
        }
        (uint256 pulled,, uint256 paid, uint256 toTreasury,) = arena.totals();
        assertLe(paid + toTreasury, pulled + FEE);
    }

    /// @dev Syncs (the Arena and the pools record the time), then moves the clock back by up to
    /// two days (never before the fixture's start) and syncs there; half of the time the clock
    /// then comes back to where it was. The next step runs at whatever time that leaves.
    function _jump(uint256 seed, uint256 step) internal {
        uint256 r = uint256(keccak256(abi.encode(seed, step)));
        uint256 was = block.timestamp;
        arena.sync();
        pools.sync();
        uint256 dt = r % 2 days;
        vm.warp(was > start + dt ? was - dt : start);
        arena.sync();
        pools.sync();
        if ((r >> 128) % 2 == 0) vm.warp(was);
    }
}
