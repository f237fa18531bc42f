// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {ArenaFixture} from "./ArenaFixture.sol";

/// @notice Unit tests of finalization (consensus, slashing, validator quality), ranking and claims.
contract ArenaSettlementTest is ArenaFixture {
    using Math for uint256;

    function _row(int256 a, int256 b, int256 c) internal pure returns (int256[] memory r) {
        r = new int256[](3);
        r[0] = a;
        r[1] = b;
        r[2] = c;
    }

    function _status(uint256 taskId, uint256 id) internal view returns (IArenaTypes.SubmissionStatus) {
        return arena.submission(taskId, id).status;
    }

    // ================================================================ the whole lifecycle

    function test_lifecycle_paysNodesByRankAndValidatorsByQuality() public {
        uint256 taskId = _taskReadyToScore(3, 10e18, 3, 10e18);
        int256[][] memory s = new int256[][](3);
        for (uint256 j; j < 3; ++j) {
            s[j] = _row(0.9e18, 0.8e18, 0.7e18);
        }
        _scoreAll(taskId, s);
        (uint256 settled, bool done) = arena.finalize(taskId, 10);
        assertEq(settled, 3);
        assertTrue(done);

        IArena.SettlementInfo memory st = arena.settlement(taskId);
        assertTrue(st.started);
        assertTrue(st.consensusDone);
        assertEq(st.eligibleCount, 3);
        // No emission was pulled while the task ran: the pot is the three fees.
        assertEq(st.emission, 0);
        // T = V = 30: R_nodes = R * (0.2 + 0.6 * 0.5) = R / 2.
        assertEq(st.nodeReward, 1.5e18);
        assertEq(st.validatorReward, 1.5e18);
        assertEq(st.totalPoints, 90e18); // 3 validators * 3 submissions * stake 10 * quality 1

        uint256[] memory hint = new uint256[](3);
        hint[0] = 0;
        hint[1] = 1;
        hint[2] = 2;
        arena.rank(taskId, hint);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalized));
        IArena.SubmissionInfo memory s1 = arena.submission(taskId, 1);
        assertEq(s1.rank, 1);
        assertEq(s1.rankFactor, 0.8e18);
        assertEq(arena.submission(taskId, 2).rankFactor, 0.64e18);
        st = arena.settlement(taskId);
        assertEq(st.nodeDenominator, 24.4e18);

        uint256[3] memory expected = [
            uint256(1.5e18).mulDiv(10e18, 24.4e18),
            uint256(1.5e18).mulDiv(8e18, 24.4e18),
            uint256(1.5e18).mulDiv(6.4e18, 24.4e18)
        ];
        for (uint256 i; i < 3; ++i) {
            (uint256 stake, uint256 reward, uint256 refund) = arena.claimable(taskId, _node(i));
            assertEq(stake, 10e18);
            assertEq(reward, expected[i]);
            assertEq(refund, 0);
            _claim(taskId, _node(i));
            assertEq(gm.balanceOf(_node(i)), 10e18);
            assertEq(flock.balanceOf(_node(i)), expected[i]);
        }
        assertGt(expected[0], expected[1]);
        assertGt(expected[1], expected[2]);
        for (uint256 j; j < 3; ++j) {
            _claim(taskId, _validator(j));
            assertEq(gm.balanceOf(_validator(j)), 10e18);
            assertEq(flock.balanceOf(_validator(j)), 0.5e18);
        }
        _claim(taskId, creator);
        assertEq(gm.balanceOf(creator), CREATOR_STAKE);
        assertEq(gm.balanceOf(address(arena)), 0);
        // Dust only.
        assertLt(flock.balanceOf(address(arena)), 10);
    }

    function test_finalize_consensusIsStakeWeightedMedian() public {
        uint256 taskId = _createDefaultTask();
        _registerNode(taskId, _node(0), 10e18);
        _commitModel(taskId, _node(0), "m");
        _registerValidator(taskId, _validator(0), 10e18);
        _registerValidator(taskId, _validator(1), 20e18);
        _registerValidator(taskId, _validator(2), 40e18);
        _toReveal(taskId);
        _revealModel(taskId, _node(0), "m");
        _revealValidation(taskId);
        _toScoreCommit(taskId);
        int256[][] memory s = new int256[][](3);
        s[0] = new int256[](1);
        s[1] = new int256[](1);
        s[2] = new int256[](1);
        s[0][0] = 0.8e18;
        s[1][0] = 0.82e18;
        s[2][0] = 0.81e18;
        _scoreAll(taskId, s);
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTypes.SubmissionSettled(taskId, 0, IArenaTypes.SubmissionStatus.Eligible, 0.81e18);
        arena.finalize(taskId, 1);
        assertEq(arena.submission(taskId, 0).consensus, 0.81e18);
        // Quality falls linearly with the distance, in the metric's units: 0.01 of a 0.05 tolerance.
        uint256 q = 1e18 - uint256(0.01e18).mulDiv(1e18, 0.05e18);
        assertEq(arena.validator(taskId, 0).points, uint256(10e18).mulDiv(q, 1e18));
        assertEq(arena.validator(taskId, 1).points, uint256(20e18).mulDiv(q, 1e18));
        assertEq(arena.validator(taskId, 2).points, 40e18);
    }

    function test_finalize_slashesDeviantValidator() public {
        uint256 taskId = _taskReadyToScore(1, 10e18, 3, 10e18);
        int256[][] memory s = _matrix(3, 1, 0.8e18);
        s[2][0] = 0.5e18; // 0.3 away, beyond the 0.05 tolerance
        _scoreAll(taskId, s);
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTypes.Slashed(taskId, _validator(2), IArenaTypes.SlashReason.ValidatorDeviation, 2e18, 0); // 20% of 10: its one score
        arena.finalize(taskId, 1);
        assertTrue(arena.validator(taskId, 2).slashed);
        assertEq(arena.validator(taskId, 2).points, 0);
        _finalizeAll(taskId);
        (uint256 stake, uint256 reward,) = arena.claimable(taskId, _validator(2));
        assertEq(stake, 8e18);
        assertEq(reward, 0);
        _claim(taskId, _validator(2));
        assertEq(gm.balanceOf(_validator(2)), 8e18);
        (,,,, uint256 burned) = arena.totals();
        assertEq(burned, 2e18);
    }

    /// @notice A deviation costs in proportion to the submissions it touched: one far-off score
    /// of two costs half the slash, and the points of the good one stay.
    function test_finalize_deviationCostsOnlyItsPart() public {
        uint256 taskId = _taskReadyToScore(2, 10e18, 3, 10e18);
        int256[][] memory s = _matrix(3, 2, 0.8e18);
        s[2][1] = 0.2e18; // good on submission 0, far off on submission 1
        _scoreAll(taskId, s);
        arena.finalize(taskId, 1);
        assertEq(arena.validator(taskId, 2).points, 10e18);
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTypes.Slashed(taskId, _validator(2), IArenaTypes.SlashReason.ValidatorDeviation, 1e18, 0);
        arena.finalize(taskId, 1);
        assertEq(arena.validator(taskId, 2).points, 10e18);
        assertEq(arena.validator(taskId, 2).slashedFraction, 0.1e18); // half of the 20% slash
        assertEq(arena.settlement(taskId).totalPoints, 50e18);
        _finalizeAll(taskId);
        (uint256 stake,,) = arena.claimable(taskId, _validator(2));
        assertEq(stake, 9e18);
    }

    function test_finalize_slashesValidatorThatDidNotReveal() public {
        uint256 taskId = _taskReadyToScore(1, 10e18, 2, 10e18);
        _commitScore(taskId, 0, 0, 0.8e18, false);
        _commitScore(taskId, 1, 0, 0.8e18, false);
        _toScoreReveal(taskId);
        _revealScore(taskId, 0, 0, 0.8e18, false);
        _toFinalizing(taskId);
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTypes.Slashed(taskId, _validator(1), IArenaTypes.SlashReason.ValidatorNoReveal, 2e18, 0);
        arena.finalize(taskId, 1);
        assertTrue(arena.validator(taskId, 1).slashed);
        assertEq(arena.submission(taskId, 0).consensus, 0.8e18);
    }

    function test_finalize_invalidConsensusSlashesNode() public {
        uint256 taskId = _taskReadyToScore(2, 10e18, 3, 10e18);
        for (uint256 j; j < 3; ++j) {
            _commitScore(taskId, j, 0, 0.8e18, false);
            // Two of three mark submission 1 invalid; the third scores it.
            _commitScore(taskId, j, 1, 0.9e18, j < 2);
        }
        _toScoreReveal(taskId);
        for (uint256 j; j < 3; ++j) {
            _revealScore(taskId, j, 0, 0.8e18, false);
            _revealScore(taskId, j, 1, 0.9e18, j < 2);
        }
        _toFinalizing(taskId);
        arena.finalize(taskId, 10);
        IArena.SubmissionInfo memory sub = arena.submission(taskId, 1);
        assertEq(uint8(sub.status), uint8(IArenaTypes.SubmissionStatus.Invalid));
        assertTrue(sub.slashed);
        assertEq(sub.consensus, type(int128).min);
        // The validator who scored an invalid model deviated.
        assertTrue(arena.validator(taskId, 2).slashed);
        assertFalse(arena.validator(taskId, 0).slashed);
        assertEq(arena.validator(taskId, 0).points, 20e18); // quality 1 on both
        _finalizeAll(taskId);
        (uint256 stake, uint256 reward,) = arena.claimable(taskId, _node(1));
        assertEq(stake, 9e18);
        assertEq(reward, 0);
    }

    function test_finalize_belowBaselineIsNotPaidNorSlashed() public {
        uint256 taskId = _taskReadyToScore(2, 10e18, 1, 10e18);
        int256[][] memory s = new int256[][](1);
        s[0] = new int256[](2);
        s[0][0] = 0.9e18;
        s[0][1] = 0.5e18; // equal to the baseline: not above it
        _scoreAll(taskId, s);
        arena.finalize(taskId, 10);
        assertEq(uint8(_status(taskId, 1)), uint8(IArenaTypes.SubmissionStatus.BelowBaseline));
        assertEq(arena.settlement(taskId).eligibleCount, 1);
        _finalizeAll(taskId);
        (uint256 stake, uint256 reward,) = arena.claimable(taskId, _node(1));
        assertEq(stake, 10e18);
        assertEq(reward, 0);
        (, uint256 best,) = arena.claimable(taskId, _node(0));
        assertEq(best, arena.settlement(taskId).nodeReward);
    }

    function test_finalize_unscoredSubmission() public {
        uint256 taskId = _taskReadyToScore(2, 10e18, 1, 10e18);
        _commitScore(taskId, 0, 0, 0.8e18, false);
        _toScoreReveal(taskId);
        _revealScore(taskId, 0, 0, 0.8e18, false);
        _toFinalizing(taskId);
        arena.finalize(taskId, 10);
        assertEq(uint8(_status(taskId, 1)), uint8(IArenaTypes.SubmissionStatus.Unscored));
    }

    function test_finalize_lowerIsBetterMetricRanksLowestFirst() public {
        IArena.TaskParams memory p = _params();
        p.metric = IArenaTypes.Metric.MSE;
        p.baselineScore = 0.5e18;
        p.scoreTolerance = 0.05e18;
        uint256 taskId = _createTask(p);
        for (uint256 i; i < 3; ++i) {
            _registerNode(taskId, _node(i), 10e18);
            _commitModel(taskId, _node(i), _modelCID(i));
        }
        _registerValidator(taskId, _validator(0), 10e18);
        _toReveal(taskId);
        for (uint256 i; i < 3; ++i) {
            _revealModel(taskId, _node(i), _modelCID(i));
        }
        _revealValidation(taskId);
        _toScoreCommit(taskId);
        int256[][] memory s = new int256[][](1);
        s[0] = _row(0.2e18, 0.1e18, 0.6e18); // MSE
        _scoreAll(taskId, s);
        arena.finalize(taskId, 10);
        assertEq(arena.submission(taskId, 1).consensus, -0.1e18);
        assertEq(uint8(_status(taskId, 2)), uint8(IArenaTypes.SubmissionStatus.BelowBaseline));
        uint256[] memory hint = _rankingHint(taskId);
        assertEq(hint.length, 2);
        assertEq(hint[0], 1);
        assertEq(hint[1], 0);
        arena.rank(taskId, hint);
        assertEq(arena.submission(taskId, 1).rank, 0);
        assertEq(arena.submission(taskId, 0).rank, 1);
    }

    function test_finalize_inBatches() public {
        uint256 taskId = _taskReadyToScore(5, 10e18, 1, 10e18);
        _scoreAll(taskId, _matrix(1, 5, 0.8e18));
        (uint256 settled, bool done) = arena.finalize(taskId, 2);
        assertEq(settled, 2);
        assertFalse(done);
        assertEq(arena.settlement(taskId).cursor, 2);
        (settled, done) = arena.finalize(taskId, 2);
        assertEq(settled, 2);
        assertFalse(done);
        (settled, done) = arena.finalize(taskId, 2);
        assertEq(settled, 1);
        assertTrue(done);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaConsensusState.selector, taskId, true));
        arena.finalize(taskId, 2);
    }

    function test_finalize_withoutEligibleSubmissionsSendsRewardsToTreasury() public {
        IArena.TaskParams memory p = _params();
        p.bounty = 10e18;
        uint256 taskId = _createTask(p);
        _registerValidator(taskId, _validator(0), 10e18);
        _toReveal(taskId);
        _revealValidation(taskId);
        _toFinalizing(taskId);
        uint256 before = flock.balanceOf(treasury);
        arena.finalize(taskId, 1);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalized));
        assertEq(arena.settlement(taskId).unallocated, 10e18);
        assertEq(flock.balanceOf(treasury) - before, 10e18);
        (uint256 stake, uint256 reward,) = arena.claimable(taskId, _validator(0));
        assertEq(stake, 10e18);
        assertEq(reward, 0);
    }

    function test_RevertWhen_finalizeBeforeScoreRevealEnd() public {
        uint256 taskId = _taskReadyToScore(1, 10e18, 1, 10e18);
        _toScoreReveal(taskId);
        vm.expectRevert(
            abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.ScoreReveal)
        );
        arena.finalize(taskId, 1);
    }

    function test_RevertWhen_finalizeZeroBatch() public {
        uint256 taskId = _taskReadyToScore(1, 10e18, 1, 10e18);
        _toFinalizing(taskId);
        vm.expectRevert(IArenaTypes.ArenaBadBatch.selector);
        arena.finalize(taskId, 0);
    }

    // ================================================================ rank

    function _eligibleTask(int256 a, int256 b, int256 c) internal returns (uint256 taskId) {
        taskId = _taskReadyToScore(3, 10e18, 1, 10e18);
        int256[][] memory s = new int256[][](1);
        s[0] = _row(a, b, c);
        _scoreAll(taskId, s);
        arena.finalize(taskId, 10);
    }

    function _ids(uint256 a, uint256 b, uint256 c) internal pure returns (uint256[] memory r) {
        r = new uint256[](3);
        r[0] = a;
        r[1] = b;
        r[2] = c;
    }

    function test_rank_tiesShareRankAndFactor() public {
        uint256 taskId = _eligibleTask(0.8e18, 0.9e18, 0.8e18);
        arena.rank(taskId, _ids(1, 2, 0));
        assertEq(arena.submission(taskId, 1).rank, 0);
        assertEq(arena.submission(taskId, 2).rank, 1);
        assertEq(arena.submission(taskId, 0).rank, 1);
        assertEq(arena.submission(taskId, 0).rankFactor, 0.8e18);
        assertEq(arena.submission(taskId, 2).rankFactor, 0.8e18);
        (, uint256 r0,) = arena.claimable(taskId, _node(0));
        (, uint256 r2,) = arena.claimable(taskId, _node(2));
        assertEq(r0, r2);
    }

    function test_rank_inSeveralCalls() public {
        uint256 taskId = _eligibleTask(0.7e18, 0.9e18, 0.8e18);
        uint256[] memory first = new uint256[](1);
        first[0] = 1;
        arena.rank(taskId, first);
        assertEq(arena.settlement(taskId).rankedCount, 1);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalizing));
        uint256[] memory rest = new uint256[](2);
        rest[0] = 2;
        rest[1] = 0;
        vm.expectEmit(true, false, false, true, address(arena));
        emit IArenaTypes.TaskFinalized(taskId, 0);
        arena.rank(taskId, rest);
        assertEq(arena.submission(taskId, 0).rank, 2);
    }

    function test_rank_outOfOrderCorrectsItself() public {
        uint256 taskId = _eligibleTask(0.7e18, 0.9e18, 0.8e18);
        // 0 (0.7) is placed, 2 (0.8) cuts it off, 1 (0.9) cuts 2 off: only the best stays.
        arena.rank(taskId, _ids(0, 2, 1));
        assertEq(arena.settlement(taskId).rankedCount, 1);
        assertEq(uint8(arena.submission(taskId, 1).status), uint8(IArenaTypes.SubmissionStatus.Ranked));
        assertEq(uint8(arena.submission(taskId, 0).status), uint8(IArenaTypes.SubmissionStatus.Eligible));
        arena.rank(taskId, _ids(1, 2, 0));
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalized));
        assertEq(arena.submission(taskId, 0).rank, 2);
    }

    function test_rank_repeatedSubmissionIsSkipped() public {
        uint256 taskId = _eligibleTask(0.7e18, 0.9e18, 0.8e18);
        arena.rank(taskId, _ids(1, 1, 2));
        assertEq(arena.settlement(taskId).rankedCount, 2);
        assertEq(arena.submission(taskId, 2).rank, 1);
    }

    function test_RevertWhen_rankIneligibleOrUnknown() public {
        uint256 taskId = _eligibleTask(0.4e18, 0.9e18, 0.8e18); // 0 is below the baseline
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaBadRanking.selector, taskId, 0));
        arena.rank(taskId, _ids(1, 2, 0));
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaBadRanking.selector, taskId, 9));
        arena.rank(taskId, _ids(1, 2, 9));
    }

    function test_RevertWhen_rankBeforeConsensus() public {
        uint256 taskId = _taskReadyToScore(2, 10e18, 1, 10e18);
        _scoreAll(taskId, _matrix(1, 2, 0.8e18));
        arena.finalize(taskId, 1);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaConsensusState.selector, taskId, false));
        arena.rank(taskId, new uint256[](1));
    }

    function test_RevertWhen_rankEmpty() public {
        uint256 taskId = _eligibleTask(0.7e18, 0.9e18, 0.8e18);
        vm.expectRevert(IArenaTypes.ArenaBadBatch.selector);
        arena.rank(taskId, new uint256[](0));
    }

    function test_RevertWhen_rankFinalizedTask() public {
        uint256 taskId = _eligibleTask(0.7e18, 0.9e18, 0.8e18);
        arena.rank(taskId, _ids(1, 2, 0));
        vm.expectRevert(
            abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.Finalized)
        );
        arena.rank(taskId, _ids(1, 2, 0));
    }

    // ================================================================ claims and pools

    function test_claim_paysPoolPartIntoDelegationPool() public {
        uint256 taskId = _createDefaultTask();
        address n = _node(0);
        _createPool(n, SIGMA);
        _delegate(alice, n, 30e18);
        _runNodeTask(taskId);

        (, uint256 reward,) = arena.claimable(taskId, n);
        uint256 poolPart = reward.mulDiv(30e18, 40e18);
        assertGt(poolPart, 0);
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTypes.Claimed(taskId, n, 10e18, reward, poolPart, 0);
        _claim(taskId, n);
        assertEq(flock.balanceOf(n), reward - poolPart);
        // The pool got it: sigma to the operator, the rest to the delegator as a task reward (for
        // the shares it held when the node registered).
        assertApproxEqAbs(pools.pendingCommission(n), poolPart.mulDiv(SIGMA, 1e18), 1);
        assertEq(pools.pendingTaskRewards(n, alice, 1), poolPart - poolPart.mulDiv(SIGMA, 1e18));
        (,, uint256 rewardsPaid,,) = arena.totals();
        assertEq(rewardsPaid, reward);
    }

    function test_finalize_slashesDelegationPoolProRata() public {
        uint256 taskId = _createDefaultTask();
        address n = _node(0);
        _createPool(n, SIGMA);
        _delegate(alice, n, 30e18);
        _registerNode(taskId, n, 10e18);
        _commitModel(taskId, n, "m");
        _registerValidator(taskId, _validator(0), 10e18);
        _toReveal(taskId);
        _revealModel(taskId, n, "m");
        _revealValidation(taskId);
        _toScoreCommit(taskId);
        _commitScore(taskId, 0, 0, 0, true);
        _toScoreReveal(taskId);
        _revealScore(taskId, 0, 0, 0, true);
        _toFinalizing(taskId);
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTypes.Slashed(taskId, n, IArenaTypes.SlashReason.InvalidModel, 1e18, 3e18);
        arena.finalize(taskId, 1);
        assertEq(pools.pool(n).totalStake, 27e18);
    }

    function test_finalize_poolSlashCappedByWhatThePoolHolds() public {
        config.set(Params.ARENA_NODE_SLASH, 1e18);
        uint256 taskId = _createDefaultTask();
        address n = _node(0);
        _createPool(n, SIGMA);
        _delegate(alice, n, 30e18);
        _registerNode(taskId, n, 10e18);
        _commitModel(taskId, n, "m");
        _registerValidator(taskId, _validator(0), 10e18);
        // Someone else slashes the pool down to 5 first.
        vm.prank(slasher);
        pools.slash(n, 25e18, address(0));
        _toReveal(taskId);
        _revealModel(taskId, n, "m");
        _revealValidation(taskId);
        _toScoreCommit(taskId);
        _commitScore(taskId, 0, 0, 0, true);
        _toScoreReveal(taskId);
        _revealScore(taskId, 0, 0, 0, true);
        _toFinalizing(taskId);
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTypes.Slashed(taskId, n, IArenaTypes.SlashReason.InvalidModel, 10e18, 5e18);
        arena.finalize(taskId, 1);
        assertEq(pools.pool(n).totalStake, 0);
    }

    function test_claim_creatorGetsStakeAndShare() public {
        uint256 taskId = _taskReadyToScore(1, 10e18, 1, 10e18);
        _scoreAll(taskId, _matrix(1, 1, 0.9e18));
        _finalizeAll(taskId);
        (uint256 stake, uint256 reward, uint256 refund) = arena.claimable(taskId, creator);
        assertEq(stake, CREATOR_STAKE);
        assertEq(reward, arena.settlement(taskId).creatorReward);
        assertEq(refund, 0);
        _claim(taskId, creator);
        assertEq(gm.balanceOf(creator), CREATOR_STAKE);
        (stake,,) = arena.claimable(taskId, creator);
        assertEq(stake, 0);
    }

    function test_RevertWhen_claimBeforeFinalized() public {
        uint256 taskId = _taskReadyToScore(1, 10e18, 1, 10e18);
        vm.expectRevert(
            abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.ScoreCommit)
        );
        _claim(taskId, _node(0));
        (uint256 stake,,) = arena.claimable(taskId, _node(0));
        assertEq(stake, 0);
    }

    function test_RevertWhen_claimTwice() public {
        uint256 taskId = _taskReadyToScore(1, 10e18, 1, 10e18);
        _scoreAll(taskId, _matrix(1, 1, 0.9e18));
        _finalizeAll(taskId);
        _claim(taskId, _node(0));
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNothingToClaim.selector, taskId, _node(0)));
        _claim(taskId, _node(0));
        _claim(taskId, _validator(0));
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNothingToClaim.selector, taskId, _validator(0)));
        _claim(taskId, _validator(0));
        _claim(taskId, creator);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNothingToClaim.selector, taskId, creator));
        _claim(taskId, creator);
    }

    function test_RevertWhen_claimByStranger() public {
        uint256 taskId = _taskReadyToScore(1, 10e18, 1, 10e18);
        _scoreAll(taskId, _matrix(1, 1, 0.9e18));
        _finalizeAll(taskId);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNothingToClaim.selector, taskId, bob));
        _claim(taskId, bob);
    }

    // ================================================================ sampled end to end

    function test_sampledTask_settlesWithAtMostKScorers() public {
        config.set(Params.ARENA_SAMPLE_SIZE, 3);
        uint256 taskId = _createDefaultTask();
        for (uint256 i; i < 6; ++i) {
            _registerNode(taskId, _node(i), 10e18);
            _commitModel(taskId, _node(i), _modelCID(i));
        }
        for (uint256 j; j < 8; ++j) {
            _registerValidator(taskId, _validator(j), (j + 1) * 10e18);
        }
        _toReveal(taskId);
        for (uint256 i; i < 6; ++i) {
            _revealModel(taskId, _node(i), _modelCID(i));
        }
        _revealValidation(taskId);
        _toScoreCommit(taskId);
        for (uint256 i; i < 6; ++i) {
            for (uint256 j; j < 8; ++j) {
                _commitScore(taskId, j, i, int256(0.6e18 + i * 0.05e18), false);
            }
        }
        _toScoreReveal(taskId);
        arena.drawSeed(taskId);
        for (uint256 i; i < 6; ++i) {
            for (uint256 j; j < 8; ++j) {
                (bool ok,) = arena.assignment(taskId, i, j);
                if (ok) _revealScore(taskId, j, i, int256(0.6e18 + i * 0.05e18), false);
            }
            assertLe(arena.scorers(taskId, i).length, 3);
        }
        _toFinalizing(taskId);
        _finalizeAll(taskId);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalized));
        assertEq(arena.submission(taskId, 5).rank, 0);
    }
}
