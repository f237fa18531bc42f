// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";

import {IAllianceTypes} from "../../../contracts/interfaces/IAllianceTypes.sol";
import {AllianceTaskFixture} from "../utils/AllianceTaskFixture.sol";
import {AllianceFinisher, AllianceHandler, AllianceStepper} from "./handlers/AllianceHandler.sol";

/// @notice Invariants of the FL Alliance under random sequences of valid calls (and counted
/// attacks) by creators, participants (two with delegation pools), the VRF coordinator mock and
/// anyone; see docs/INVARIANTS.md.
/// @dev A round takes about eight steps, so the default profile runs deeper than its usual 32
/// (fewer runs); CI keeps its profile (256 runs of depth 50).
/// forge-config: default.invariant.runs = 32
/// forge-config: default.invariant.depth = 64
/// forge-config: ci.invariant.runs = 256
/// forge-config: ci.invariant.depth = 50
contract AllianceInvariantTest is AllianceTaskFixture {
    AllianceHandler internal handler;
    AllianceStepper internal stepper;
    AllianceFinisher internal finisher;

    function setUp() public override {
        super.setUp();
        address[] memory cs = new address[](2);
        cs[0] = makeAddr("allianceCreatorA");
        cs[1] = makeAddr("allianceCreatorB");
        address[] memory as_ = new address[](8);
        for (uint256 i; i < 8; ++i) {
            as_[i] = _member(i);
        }
        // Two participants run delegation pools with delegators in them.
        _createPool(as_[0], SIGMA);
        _delegate(alice, as_[0], 300e18);
        _createPool(as_[1], 0.3e18);
        _delegate(bob, as_[1], 80e18);

        handler = new AllianceHandler(alliance, flock, gm, coordinator, randomness, cs, as_);
        flock.transfer(address(handler), 100_000_000e18);
        // Every run starts with one task.
        handler.createTask(0, 2, 2, 500e18 + 1, false);

        bytes4[18] memory weighted = [
            AllianceHandler.createTask.selector,
            AllianceHandler.join.selector,
            AllianceHandler.join.selector,
            AllianceHandler.leave.selector,
            AllianceHandler.startRound.selector,
            AllianceHandler.fulfil.selector,
            AllianceHandler.drawRoles.selector,
            AllianceHandler.expireRound.selector,
            AllianceHandler.commitUpdates.selector,
            AllianceHandler.revealUpdates.selector,
            AllianceHandler.commitVotes.selector,
            AllianceHandler.revealVotes.selector,
            AllianceHandler.settle.selector,
            AllianceHandler.claim.selector,
            AllianceHandler.sync.selector,
            AllianceHandler.warp.selector,
            AllianceHandler.warpToNextPhase.selector,
            AllianceHandler.warpToNextPhase.selector
        ];
        bytes4[] memory selectors = new bytes4[](weighted.length);
        for (uint256 i; i < weighted.length; ++i) {
            selectors[i] = weighted[i];
        }
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
        // The stepper drives lifecycles: about one call in two.
        stepper = new AllianceStepper(handler);
        bytes4[] memory steps = new bytes4[](18);
        for (uint256 i; i < steps.length; ++i) {
            steps[i] = AllianceStepper.step.selector;
        }
        targetSelector(FuzzSelector({addr: address(stepper), selectors: steps}));
        targetContract(address(stepper));
        finisher = new AllianceFinisher(handler);
        excludeContract(address(finisher));
    }

    /// @notice FLOCK is conserved to the wei: the Alliance holds what creators funded plus the
    /// emission it pulled, less rewards paid (pool parts included), refunds and treasury payouts.
    function invariant_flockConserved() public view {
        (uint256 pulled,, uint256 funded, uint256 rewardsPaid, uint256 refunded, uint256 toTreasury,) =
            alliance.totals();
        assertEq(funded, handler.ghostFlockIn());
        assertEq(rewardsPaid, handler.ghostRewards());
        assertEq(refunded, handler.ghostRefunds());
        assertEq(flock.balanceOf(address(alliance)), funded + pulled - rewardsPaid - refunded - toTreasury);
    }

    /// @notice gmFLOCK is conserved: the Alliance holds what was staked, less stakes returned by
    /// claims, less own stake burned by slashing.
    function invariant_gmConserved() public view {
        (,,,,,, uint256 burned) = alliance.totals();
        assertEq(gm.balanceOf(address(alliance)), handler.ghostGmIn() - handler.ghostGmOut() - burned);
    }

    /// @notice Paid never exceeds funded + emitted: per task the credits equal `allocated`, which
    /// stays within funded + emission earned; tasks were never credited more emission than was
    /// pulled, nor was more pulled than the emission released; and the FLOCK held is exactly what
    /// is owed (unclaimed rewards, refunds, the unspent budgets of running tasks) plus the pulled
    /// emission not credited to any task.
    function invariant_paidWithinFundedAndEmitted() public view {
        (uint256 pulled,,,,,,) = alliance.totals();
        uint256 n = handler.taskCount();
        uint256 earnedAll;
        uint256 owed;
        for (uint256 k; k < n; ++k) {
            uint256 id = handler.taskIds(k);
            IAllianceTypes.TaskInfo memory t = alliance.task(id);
            assertLe(t.allocated, t.funded + t.emissionEarned, "allocated > funded + emission");
            uint256 credited;
            for (uint256 a; a < handler.actorCount(); ++a) {
                IAllianceTypes.MemberInfo memory m = alliance.member(id, handler.actors(a));
                credited += m.rewardEarned;
                owed += m.rewardOwed;
            }
            assertEq(credited, t.allocated, "credits != allocated");
            earnedAll += t.emissionEarned;
            if (t.status == IAllianceTypes.TaskStatus.Joining || t.status == IAllianceTypes.TaskStatus.Running) {
                owed += t.funded + t.emissionEarned - t.allocated;
            } else {
                (,,, uint256 refund) = alliance.claimable(id, t.creator);
                owed += refund;
            }
        }
        assertLe(earnedAll, pulled, "tasks earned more emission than was pulled");
        assertLe(pulled, emission.totalPulled());
        assertEq(flock.balanceOf(address(alliance)) + earnedAll, owed + pulled, "FLOCK != owed + uncredited emission");
    }

    /// @notice Nobody is proposer and voter in one round: no account sits twice in a task's list,
    /// each entry's member record points back at it, and the draw saw no duplicate.
    function invariant_nobodyProposesAndVotes() public view {
        assertEq(handler.ghostDualRoles(), 0);
        uint256 n = handler.taskCount();
        for (uint256 k; k < n; ++k) {
            uint256 id = handler.taskIds(k);
            (address[] memory accounts,) = alliance.participants(id);
            for (uint256 i; i < accounts.length; ++i) {
                IAllianceTypes.MemberInfo memory m = alliance.member(id, accounts[i]);
                assertTrue(m.active);
                assertEq(m.index, i);
                for (uint256 j; j < i; ++j) {
                    assertTrue(accounts[j] != accounts[i]);
                }
            }
        }
    }

    /// @notice Every draw's roles are AllianceRoles.draw of the round's word and stakes (the
    /// off-chain derivation), read back the same through roleOf.
    function invariant_rolesMatchAllianceRoles() public view {
        assertEq(handler.ghostRoleMismatches(), 0);
    }

    /// @notice Nobody reveals what they did not commit: forged reveals always failed, and every
    /// stored update and vote is the one its author committed.
    function invariant_revealsMatchCommitments() public view {
        assertEq(handler.ghostForgedReveals(), 0);
        uint256 n = handler.revealCount();
        for (uint256 i; i < n; ++i) {
            AllianceHandler.Reveal memory r = handler.revealAt(i);
            if (r.vote) {
                IAllianceTypes.Vote memory want = handler.committedVote(r.taskId, r.round, r.account);
                (, bool revealed, IAllianceTypes.Vote memory got) = alliance.voteOf(r.taskId, r.round, r.account);
                assertTrue(revealed);
                assertEq(keccak256(abi.encode(got)), keccak256(abi.encode(want)));
            } else {
                (string memory cid, uint64 examples) = handler.committedUpdate(r.taskId, r.round, r.account);
                IAllianceTypes.Update[] memory ups = alliance.updates(r.taskId, r.round);
                bool seen;
                for (uint256 j; j < ups.length; ++j) {
                    if (ups[j].proposer != r.account) continue;
                    seen = true;
                    assertTrue(ups[j].revealed);
                    assertEq(ups[j].updateCID, cid);
                    assertEq(ups[j].examples, examples);
                }
                assertTrue(seen);
            }
        }
    }

    /// @notice Claims pay what claimable() said, and a second claim never pays.
    function invariant_claimsPayWhatIsOwedOnce() public view {
        assertEq(handler.ghostClaimMismatches(), 0);
        assertEq(handler.ghostDoubleClaims(), 0);
    }

    /// @notice The gauge weight is the gmFLOCK held for earning tasks: their creators' stakes and
    /// their listed participants' own stakes.
    function invariant_emissionWeightIsEarningStake() public view {
        uint256 n = handler.taskCount();
        uint256 sum;
        for (uint256 k; k < n; ++k) {
            uint256 id = handler.taskIds(k);
            IAllianceTypes.TaskStatus s = alliance.task(id).status;
            if (s != IAllianceTypes.TaskStatus.Joining && s != IAllianceTypes.TaskStatus.Running) continue;
            sum += alliance.params(id).creatorStake;
            (address[] memory accounts,) = alliance.participants(id);
            for (uint256 i; i < accounts.length; ++i) {
                sum += alliance.member(id, accounts[i]).ownStake;
            }
        }
        assertEq(alliance.emissionWeight(), sum);
    }

    /// @notice Liveness and the end of every task: whatever the actors did, every task reaches a
    /// claimable end (Finished or Cancelled) with permissionless calls only, within 1 + 3 per
    /// round; then every claim pays what claimable() said, all gmFLOCK leaves the Alliance, and
    /// the FLOCK left is exactly the pulled emission never credited to a task. Done for real at
    /// the end of each run (the run's state is discarded afterwards).
    function afterInvariant() external {
        console.log("tasks", handler.taskCount(), "rounds started", handler.calls("startRound"));
        console.log("drawRoles", handler.calls("drawRoles"), "settle", handler.calls("settle"));
        console.log("revealUpdate", handler.calls("revealUpdate"), "revealVote", handler.calls("revealVote"));
        console.log("leave", handler.calls("leave"), "claim", handler.calls("claim"));
        AllianceFinisher.Outcome memory o = finisher.finishAll();
        assertEq(o.unfinished, 0, "a task did not end");
        assertLe(o.calls, o.bound, "more calls than the bound");
        assertEq(o.claimMismatches, 0, "a claim paid something else than claimable()");
        assertEq(o.gmLeft, 0, "stake left behind");
        assertEq(o.flockLeft, o.unstreamed, "FLOCK left != emission never credited");
        invariant_flockConserved();
        invariant_gmConserved();
    }
}
