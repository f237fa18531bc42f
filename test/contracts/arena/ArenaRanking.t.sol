// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {ArenaFixture} from "./ArenaFixture.sol";

/// @notice Issue 8, finding 1: nobody can freeze a task by ranking it wrongly. Whatever anyone
/// ranks, in any order or batch split, the whole ranking (every submission above the baseline,
/// best first) still completes it, with the ranks the consensus says.
contract ArenaRankingTest is ArenaFixture {
    address internal griefer = makeAddr("griefer");

    /// @dev A task whose consensus pass is over: one validator scores submission i with scores[i].
    function _consensusDone(int256[] memory scores) internal returns (uint256 taskId) {
        taskId = _taskReadyToScore(scores.length, 10e18, 1, 10e18);
        int256[][] memory s = new int256[][](1);
        s[0] = scores;
        _scoreAll(taskId, s);
        arena.finalize(taskId, type(uint256).max);
    }

    function _three(int256 a, int256 b, int256 c) internal pure returns (int256[] memory r) {
        r = new int256[](3);
        r[0] = a;
        r[1] = b;
        r[2] = c;
    }

    function _list(uint256 a) internal pure returns (uint256[] memory r) {
        r = new uint256[](1);
        r[0] = a;
    }

    function _list(uint256 a, uint256 b) internal pure returns (uint256[] memory r) {
        r = new uint256[](2);
        r[0] = a;
        r[1] = b;
    }

    function _assertRanks(uint256 taskId, uint256 a, uint256 b, uint256 c) internal view {
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalized));
        assertEq(arena.submission(taskId, 0).rank, a);
        assertEq(arena.submission(taskId, 1).rank, b);
        assertEq(arena.submission(taskId, 2).rank, c);
    }

    /// @notice The reported attack: a third party ranks the worst submission first.
    function test_rank_strangerRankingTheWorstFirstCannotFreezeTheTask() public {
        uint256 taskId = _consensusDone(_three(0.7e18, 0.9e18, 0.8e18));
        vm.prank(griefer);
        arena.rank(taskId, _list(0));
        // The whole ranking, best first, still completes the task.
        arena.rank(taskId, _fullRanking(taskId));
        _assertRanks(taskId, 2, 0, 1);
        _claim(taskId, _node(1));
        _claim(taskId, _validator(0));
    }

    /// @notice Checking only the first element is not enough: skipping the second-best also froze it.
    function test_rank_strangerSkippingASubmissionCannotFreezeTheTask() public {
        uint256 taskId = _consensusDone(_three(0.7e18, 0.9e18, 0.8e18));
        vm.prank(griefer);
        arena.rank(taskId, _list(1, 0)); // 0.9, then 0.7: 0.8 is skipped
        arena.rank(taskId, _fullRanking(taskId));
        _assertRanks(taskId, 2, 0, 1);
    }

    /// @notice An honest finalizer ranking in batches completes the task even when a stranger
    /// front-runs each batch with a wrong one.
    function test_rank_batchesSurviveInterleavedWrongRankings() public {
        int256[] memory scores = new int256[](6);
        for (uint256 i; i < 6; ++i) {
            scores[i] = int256(0.55e18 + i * 0.05e18); // submission 5 best
        }
        uint256 taskId = _consensusDone(scores);
        uint256[] memory full = _fullRanking(taskId);
        for (uint256 b; b < 3; ++b) {
            vm.prank(griefer);
            arena.rank(taskId, _list(0)); // always the worst
            uint256[] memory batch = new uint256[](2);
            batch[0] = full[2 * b];
            batch[1] = full[2 * b + 1];
            arena.rank(taskId, batch);
        }
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalized));
        for (uint256 i; i < 6; ++i) {
            assertEq(arena.submission(taskId, i).rank, 5 - i);
        }
    }

    /// @notice Fuzz: random ranking calls by a stranger (random ids, lengths and order, before and
    /// between an honest finalizer's batches) never block finalization, and the final ranks are
    /// the dense ranks of the consensus.
    function testFuzz_rank_strangersNeverBlockFinalization(uint256 seed, uint8 nSeed, uint8 batchSeed) public {
        uint256 n = 2 + uint256(nSeed) % 7;
        int256[] memory scores = new int256[](n);
        for (uint256 i; i < n; ++i) {
            // Few distinct values, so ties are common; some below the 0.5 baseline.
            scores[i] = int256(0.45e18 + (uint256(keccak256(abi.encode(seed, i))) % 6) * 0.05e18);
        }
        uint256 taskId = _consensusDone(scores);
        if (arena.phase(taskId) == IArenaTypes.Phase.Finalized) return; // nothing eligible
        uint256 batch = 1 + uint256(batchSeed) % n;
        uint256[] memory full = _fullRanking(taskId);
        _strangerRanks(taskId, seed, 0, n);
        for (uint256 from; from < full.length; from += batch) {
            if (arena.phase(taskId) == IArenaTypes.Phase.Finalized) break; // the stranger ranked it right
            uint256 len = full.length - from < batch ? full.length - from : batch;
            uint256[] memory part = new uint256[](len);
            for (uint256 k; k < len; ++k) {
                part[k] = full[from + k];
            }
            arena.rank(taskId, part);
            if (arena.phase(taskId) != IArenaTypes.Phase.Finalized) _strangerRanks(taskId, seed, from + 1, n);
        }
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalized));
        for (uint256 i; i < n; ++i) {
            IArena.SubmissionInfo memory s = arena.submission(taskId, i);
            if (scores[i] <= 0.5e18) {
                assertEq(uint8(s.status), uint8(IArenaTypes.SubmissionStatus.BelowBaseline));
                continue;
            }
            // Dense rank: the number of distinct consensus values above it.
            uint256 better;
            for (uint256 j; j < n; ++j) {
                bool seen;
                for (uint256 l; l < j; ++l) {
                    if (scores[l] == scores[j]) seen = true;
                }
                if (!seen && scores[j] > scores[i]) ++better;
            }
            assertEq(uint8(s.status), uint8(IArenaTypes.SubmissionStatus.Ranked));
            assertEq(s.rank, better, "dense rank");
        }
    }

    /// @dev Up to three ranking calls by a stranger with random ids (some not eligible at all),
    /// random lengths and order; a call that reverts changes nothing.
    function _strangerRanks(uint256 taskId, uint256 seed, uint256 round, uint256 n) internal {
        for (uint256 c; c < 3; ++c) {
            uint256 r = uint256(keccak256(abi.encode(seed, round, c)));
            if (r % 4 == 0) continue;
            uint256 len = 1 + (r >> 8) % n;
            uint256[] memory ids = new uint256[](len);
            for (uint256 k; k < len; ++k) {
                ids[k] = uint256(keccak256(abi.encode(r, k))) % (n + 1);
            }
            vm.prank(griefer);
            try arena.rank(taskId, ids) {} catch {}
            if (arena.phase(taskId) == IArenaTypes.Phase.Finalized) return;
        }
    }

    /// @notice The correction itself: a submission above the last one ranked cuts the ranking back
    /// to the first position below it (binary search), keeps what was right, and the submissions
    /// cut off read as eligible again.
    function test_rank_aHigherSubmissionCutsTheRankingBack() public {
        int256[] memory scores = new int256[](6);
        for (uint256 i; i < 6; ++i) {
            scores[i] = int256(0.55e18 + i * 0.05e18); // 0.55 .. 0.80, submission 5 best
        }
        uint256 taskId = _consensusDone(scores);
        uint256[] memory wrong = new uint256[](4);
        (wrong[0], wrong[1], wrong[2], wrong[3]) = (5, 4, 2, 1); // 3 skipped
        vm.prank(griefer);
        arena.rank(taskId, wrong);
        assertEq(arena.settlement(taskId).rankedCount, 4);
        vm.expectEmit(true, false, false, true, address(arena));
        emit IArenaTypes.RankingRewound(taskId, 4, 2);
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTypes.SubmissionRanked(taskId, 3, 2, 0.64e18);
        arena.rank(taskId, _list(3));
        assertEq(arena.settlement(taskId).rankedCount, 3);
        assertEq(uint8(arena.submission(taskId, 2).status), uint8(IArenaTypes.SubmissionStatus.Eligible));
        assertEq(uint8(arena.submission(taskId, 5).status), uint8(IArenaTypes.SubmissionStatus.Ranked));
        // Already ranked ones are skipped; the rest follows.
        arena.rank(taskId, _fullRanking(taskId));
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalized));
        for (uint256 i; i < 6; ++i) {
            assertEq(arena.submission(taskId, i).rank, 5 - i);
        }
        // The denominator is that of the correct ranking: equal stakes, 1 + 0.8 + ... + 0.8^5.
        uint256 d;
        uint256 f = 1e18;
        for (uint256 i; i < 6; ++i) {
            d += 10e18 * f / 1e18;
            f = f * 0.8e18 / 1e18;
        }
        assertEq(arena.settlement(taskId).nodeDenominator, d);
    }

    /// @notice A rewind restores the denominator from the last checkpoint (one every 16
    /// positions) plus the positions after it: cuts at 6 (no checkpoint yet), 16 (exactly at one)
    /// and 18 (two past one), with unequal stakes.
    function test_rank_rewindRestoresTheDenominator() public {
        _rewindAt(6);
        _rewindAt(16);
        _rewindAt(18);
    }

    function _rewindAt(uint256 cut) internal {
        uint256 snap = vm.snapshotState();
        uint256 n = 22;
        uint256 taskId = _createDefaultTask();
        for (uint256 i; i < n; ++i) {
            _registerNode(taskId, _node(i), 10e18 + i * 1e18);
            _commitModel(taskId, _node(i), _modelCID(i));
        }
        _registerValidator(taskId, _validator(0), 10e18);
        _toReveal(taskId);
        for (uint256 i; i < n; ++i) {
            _revealModel(taskId, _node(i), _modelCID(i));
        }
        _revealValidation(taskId);
        _toScoreCommit(taskId);
        int256[][] memory s = new int256[][](1);
        s[0] = new int256[](n);
        for (uint256 i; i < n; ++i) {
            s[0][i] = int256(0.51e18 + i * 0.01e18); // the last submission best
        }
        _scoreAll(taskId, s);
        arena.finalize(taskId, n);
        // Right up to position `cut`, then skips one submission and ranks the next two.
        uint256[] memory wrong = new uint256[](cut + 2);
        for (uint256 k; k < cut; ++k) {
            wrong[k] = n - 1 - k;
        }
        wrong[cut] = n - 2 - cut;
        wrong[cut + 1] = n - 3 - cut;
        vm.prank(griefer);
        arena.rank(taskId, wrong);
        vm.expectEmit(true, false, false, true, address(arena));
        emit IArenaTypes.RankingRewound(taskId, cut + 2, cut);
        arena.rank(taskId, _list(n - 1 - cut));
        arena.rank(taskId, _fullRanking(taskId));
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalized));
        uint256 d;
        uint256 f = 1e18;
        for (uint256 p; p < n; ++p) {
            uint256 i = n - 1 - p;
            assertEq(arena.submission(taskId, i).rank, p);
            d += (10e18 + i * 1e18) * f / 1e18;
            f = f * 0.8e18 / 1e18;
        }
        assertEq(arena.settlement(taskId).nodeDenominator, d);
        vm.revertToState(snap);
    }

    /// @notice Ties keep their shared rank through a rewind.
    function test_rank_rewindKeepsTies() public {
        int256[] memory scores = new int256[](4);
        (scores[0], scores[1], scores[2], scores[3]) = (int256(0.9e18), 0.8e18, 0.8e18, 0.7e18);
        uint256 taskId = _consensusDone(scores);
        uint256[] memory wrong = new uint256[](3);
        (wrong[0], wrong[1], wrong[2]) = (0, 1, 3); // 2 (tied with 1) skipped
        vm.prank(griefer);
        arena.rank(taskId, wrong);
        arena.rank(taskId, _list(2)); // cuts 3 off, keeps 1: 2 shares its rank
        assertEq(arena.submission(taskId, 2).rank, 1);
        arena.rank(taskId, _list(3));
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalized));
        assertEq(arena.submission(taskId, 1).rank, 1);
        assertEq(arena.submission(taskId, 2).rankFactor, 0.8e18);
        assertEq(arena.submission(taskId, 3).rank, 2); // dense: the next distinct score
        assertEq(arena.submission(taskId, 3).rankFactor, 0.64e18);
    }

    /// @notice Sybil nodes: one model copied across 4 nodes of 10 stake each earns what it earns
    /// once with 40 stake, and the next model keeps rank 1 (under competition ranking the copies
    /// pushed it to rank 4, factor 0.8^4, and took most of its reward).
    function test_rank_sybilCopiesEarnNoMoreAndPushNobodyDown() public {
        int256[] memory split = new int256[](5);
        (split[0], split[1], split[2], split[3], split[4]) = (int256(0.9e18), 0.9e18, 0.9e18, 0.9e18, 0.8e18);
        uint256 a = _consensusDone(split);
        arena.rank(a, _fullRanking(a));
        assertEq(arena.submission(a, 4).rank, 1);
        assertEq(arena.submission(a, 4).rankFactor, 0.8e18);
        uint256 denominator = arena.settlement(a).nodeDenominator;
        // 4 copies of 10 at factor 1, the other at 0.8: 40 + 8 (per 1e18).
        assertEq(denominator, 48e18);
    }
}
