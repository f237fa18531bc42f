// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";

import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {ArenaFixture} from "../arena/ArenaFixture.sol";
import {ArenaHandler, ArenaStepper} from "./handlers/ArenaHandler.sol";
import {ArenaFinisher, ArenaGriefer} from "./handlers/ArenaAdversary.sol";

/// @notice Invariants of the Arena under random sequences of valid calls (and counted attacks) by
/// creators, training nodes (some with delegation pools), validators and anyone.
/// @dev A task's lifecycle takes a few dozen calls, so runs are deeper than the default (fewer of
/// them locally; CI keeps its 256 runs).
/// forge-config: default.invariant.runs = 32
/// forge-config: default.invariant.depth = 128
/// forge-config: ci.invariant.runs = 256
/// forge-config: ci.invariant.depth = 128
contract ArenaInvariantTest is ArenaFixture {
    ArenaHandler internal handler;
    ArenaStepper internal stepper;
    ArenaGriefer internal griefer;
    ArenaFinisher internal finisher;

    function setUp() public override {
        super.setUp();
        address[] memory cs = new address[](2);
        cs[0] = makeAddr("creatorA");
        cs[1] = makeAddr("creatorB");
        address[] memory ns = new address[](6);
        address[] memory vs = new address[](4);
        for (uint256 i; i < 6; ++i) {
            ns[i] = _node(i);
        }
        for (uint256 i; i < 4; ++i) {
            vs[i] = _validator(i);
        }
        // Two nodes and one validator run delegation pools with delegators in them.
        _createPool(ns[0], SIGMA);
        _delegate(alice, ns[0], 50e18);
        _createPool(ns[1], 0.3e18);
        _delegate(bob, ns[1], 120e18);
        _createPool(vs[0], SIGMA);
        _delegate(carol, vs[0], 80e18);

        handler = new ArenaHandler(arena, flock, gm, config, pools, cs, ns, vs);
        flock.transfer(address(handler), 100_000_000e18);
        config.grantRole(bytes32(0), address(handler)); // sets arena.sampleSize per task

        // Weighted so that a task usually runs its whole lifecycle within one run's depth.
        // Every run starts with one task.
        handler.createTask(0, 300e18, 10e18, 6 hours, 1);

        bytes4[29] memory weighted = [
            ArenaHandler.createTask.selector,
            ArenaHandler.registerNode.selector,
            ArenaHandler.registerNode.selector,
            ArenaHandler.registerNode.selector,
            ArenaHandler.registerValidator.selector,
            ArenaHandler.registerValidator.selector,
            ArenaHandler.commitModel.selector,
            ArenaHandler.revealModel.selector,
            ArenaHandler.revealModel.selector,
            ArenaHandler.revealValidation.selector,
            ArenaHandler.revealValidation.selector,
            ArenaHandler.commitScore.selector,
            ArenaHandler.commitScore.selector,
            ArenaHandler.commitScore.selector,
            ArenaHandler.revealScore.selector,
            ArenaHandler.revealScore.selector,
            ArenaHandler.revealScore.selector,
            ArenaHandler.finalize.selector,
            ArenaHandler.finalize.selector,
            ArenaHandler.rank.selector,
            ArenaHandler.cancel.selector,
            ArenaHandler.claim.selector,
            ArenaHandler.claim.selector,
            ArenaHandler.claim.selector,
            ArenaHandler.sync.selector,
            ArenaHandler.warp.selector,
            ArenaHandler.warpToNextPhase.selector,
            ArenaHandler.warpToNextPhase.selector,
            ArenaHandler.warpToNextPhase.selector
        ];
        bytes4[] memory selectors = new bytes4[](weighted.length);
        for (uint256 i; i < weighted.length; ++i) {
            selectors[i] = weighted[i];
        }
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
        // The stepper drives lifecycles: about one call in five (8 of 37 weighted selectors).
        stepper = new ArenaStepper(handler);
        bytes4[] memory steps = new bytes4[](8);
        for (uint256 i; i < steps.length; ++i) {
            steps[i] = ArenaStepper.step.selector;
        }
        targetSelector(FuzzSelector({addr: address(stepper), selectors: steps}));
        targetContract(address(stepper));
        // A stranger sends settlement calls with arbitrary arguments, and now and then the chain's
        // clock goes back for a moment (about one call in six).
        griefer = new ArenaGriefer(handler);
        bytes4[] memory grief = new bytes4[](7);
        grief[0] = ArenaGriefer.rankAnything.selector;
        grief[1] = ArenaGriefer.rankAnything.selector;
        grief[2] = ArenaGriefer.rankBackwards.selector;
        grief[3] = ArenaGriefer.rankBackwards.selector;
        grief[4] = ArenaGriefer.finalizeAnything.selector;
        grief[5] = ArenaGriefer.meddle.selector;
        grief[6] = ArenaGriefer.clockBack.selector;
        targetSelector(FuzzSelector({addr: address(griefer), selectors: grief}));
        targetContract(address(griefer));
        finisher = new ArenaFinisher(handler);
        excludeContract(address(finisher));
    }

    /// @notice Nothing is paid twice: a second claim of the same account in the same task never succeeds.
    function invariant_nothingPaidTwice() public view {
        assertEq(handler.ghostDoubleClaims(), 0);
    }

    /// @notice Slashed stake is accounted for: the gmFLOCK the Arena holds is exactly what was
    /// staked, less what claims returned, less what slashing burned.
    function invariant_gmFlockAccounted() public view {
        (,,,, uint256 burned) = arena.totals();
        assertEq(gm.balanceOf(address(arena)), handler.ghostGmIn() - handler.ghostGmOut() - burned);
    }

    /// @notice FLOCK is accounted for to the wei: pulled emission plus fees and bounties, less
    /// rewards (pool parts included), refunds and what went to the treasury.
    function invariant_flockAccounted() public view {
        (uint256 pulled,, uint256 rewardsPaid, uint256 toTreasury,) = arena.totals();
        assertEq(rewardsPaid, handler.ghostRewards());
        assertEq(
            flock.balanceOf(address(arena)),
            pulled + handler.ghostFlockIn() - handler.ghostRewards() - handler.ghostRefunds() - toTreasury
        );
    }

    /// @notice The sum of claims never exceeds what came in (emitted + fees + bounties), tasks
    /// were never credited more emission than was pulled, and the Arena never pulled more than
    /// the emission released.
    function invariant_claimsWithinEmitted() public view {
        (uint256 pulled, uint256 taskEmission, uint256 rewardsPaid, uint256 toTreasury,) = arena.totals();
        assertLe(rewardsPaid + toTreasury, pulled + handler.ghostFlockIn());
        assertLe(taskEmission, pulled);
        assertLe(pulled, emission.totalPulled());
    }

    /// @notice Per task: the reward split adds up to its budget and its claims stay within it.
    function invariant_taskPayoutsWithinBudget() public view {
        uint256 n = handler.taskCount();
        for (uint256 k; k < n; ++k) {
            uint256 id = handler.taskIds(k);
            IArena.SettlementInfo memory s = arena.settlement(id);
            if (!s.started) continue;
            IArena.TaskInfo memory t = arena.task(id);
            uint256 budget = s.emission + t.registrationFee * t.nodeCount + t.bounty;
            assertEq(s.nodeReward + s.validatorReward + s.creatorReward, budget);
            assertLe(handler.rewardsOfTask(id) + s.unallocated, budget);
        }
    }

    /// @notice Nobody reveals what they did not commit: every revealed score is the one committed,
    /// and no forged model or score reveal ever succeeded.
    function invariant_revealsMatchCommitments() public view {
        assertEq(handler.ghostForgedReveals(), 0);
        uint256 n = handler.revealedCount();
        for (uint256 i; i < n; ++i) {
            ArenaHandler.Revealed memory r = handler.revealedAt(i);
            ArenaHandler.Commit memory c = handler.committed(r.taskId, r.sub, r.v);
            IArena.ScoreInfo memory s = arena.score(r.taskId, r.sub, r.v);
            assertTrue(s.revealed);
            assertEq(s.invalid, c.invalid);
            assertEq(s.score, c.invalid ? int256(0) : c.score);
        }
    }

    /// @notice No score changes after its reveal: stored scores equal what was revealed, and a
    /// second reveal never succeeded.
    function invariant_scoresImmutableAfterReveal() public view {
        assertEq(handler.ghostSecondReveals(), 0);
        uint256 n = handler.revealedCount();
        for (uint256 i; i < n; ++i) {
            ArenaHandler.Revealed memory r = handler.revealedAt(i);
            IArena.ScoreInfo memory s = arena.score(r.taskId, r.sub, r.v);
            assertEq(s.score, r.score);
            assertEq(s.invalid, r.invalid);
        }
    }

    /// @notice The gauge weight is the gmFLOCK staked in tasks still earning (active and before
    /// their scoreRevealEnd).
    function invariant_emissionWeightIsEarningStake() public view {
        uint256 n = handler.taskCount();
        uint256 sum;
        for (uint256 k; k < n; ++k) {
            IArena.TaskInfo memory t = arena.task(handler.taskIds(k));
            if (t.phase == IArenaTypes.Phase.Cancelled || block.timestamp >= t.scoreRevealEnd) continue;
            sum += t.ownStake;
        }
        assertEq(arena.emissionWeight(), sum);
    }

    /// @notice Liveness: whatever the actors sent (the stranger's rank and finalize calls with
    /// arbitrary arguments included, and the clock going back), every task reaches a claimable end (Finalized or Cancelled)
    /// in a bounded number of permissionless calls, and then every role's claim succeeds, paying
    /// what claimable() said: all gmFLOCK leaves the Arena and the FLOCK left is the emission
    /// never credited to a task plus rounding dust. Checked by doing it (warp to the last task's
    /// end, sync, cancel or finalize in batches of 4, rank the whole order in slices of 4, claim
    /// everything) inside a state snapshot that is reverted afterwards.
    function invariant_everyTaskReachesAClaimableEnd() public {
        assertEq(griefer.calls("stranger claim ok"), 0);
        assertEq(griefer.calls("sync in the past reverted"), 0);
        uint256 time = block.timestamp;
        uint256 snap = vm.snapshotState();
        ArenaFinisher.Outcome memory o = finisher.finishAll();
        vm.revertToState(snap);
        vm.warp(time);
        assertEq(o.unfinished, 0, "a task did not end");
        assertLe(o.calls, o.bound, "more calls than the bound");
        assertEq(o.gmLeft, 0, "stake left behind");
        assertGe(o.flockLeft, o.unstreamed, "FLOCK owed was paid out");
        assertLe(o.flockLeft, o.unstreamed + o.dustBound, "FLOCK left behind");
    }

    /// @notice Conservation: the Arena's gmFLOCK is exactly the stake it owes (every task's
    /// stakes less what slashing burned; finished tasks: what their roles can still claim), and
    /// its FLOCK covers every reward, fee refund and pot it owes, the excess being only emission
    /// not yet credited to any task plus rounding dust.
    function invariant_tokensCoverWhatIsOwed() public view {
        uint256 n = handler.taskCount();
        uint256 gmOwed;
        uint256 flockOwed;
        uint256 creditedOpen;
        uint256 dust;
        for (uint256 k; k < n; ++k) {
            (uint256 g, uint256 f, uint256 c, uint256 d) = finisher.owed(handler.taskIds(k));
            gmOwed += g;
            flockOwed += f;
            creditedOpen += c;
            dust += d;
        }
        (uint256 pulled, uint256 taskEmission,,,) = arena.totals();
        assertEq(gm.balanceOf(address(arena)), gmOwed, "gmFLOCK != stake owed");
        uint256 balance = flock.balanceOf(address(arena));
        assertGe(balance, flockOwed, "FLOCK does not cover what is owed");
        assertLe(balance - flockOwed, pulled - taskEmission - creditedOpen + dust, "FLOCK unaccounted for");
    }

    function afterInvariant() external view {
        console.log("tasks", handler.taskCount(), "score reveals", handler.revealedCount());
        console.log("finalize", handler.calls("finalize"), "rank", handler.calls("rank"));
        console.log("claim", handler.calls("claim"), "cancel", handler.calls("cancel"));
        console.log("registerNode", handler.calls("registerNode"), "revealModel", handler.calls("revealModel"));
        console.log("stranger rank ok", griefer.calls("rank ok"), "reverted", griefer.calls("rank reverted"));
        console.log("stranger rankBackwards ok", griefer.calls("rankBackwards ok"));
        console.log("stranger finalize ok", griefer.calls("finalize ok"), "cancel ok", griefer.calls("cancel ok"));
    }
}
