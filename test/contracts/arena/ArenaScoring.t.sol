// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {ArenaFixture} from "./ArenaFixture.sol";

/// @notice Unit tests of score commit-reveal, the sampling seed and the stake-weighted sample.
contract ArenaScoringTest is ArenaFixture {
    uint256 internal taskId;

    function setUp() public override {
        super.setUp();
        taskId = _taskReadyToScore(3, 10e18, 3, 10e18);
    }

    function _commitment(address v, uint256 id, int256 s, bool invalid) internal view returns (bytes32) {
        return keccak256(abi.encode(taskId, id, v, s, invalid, _scoreSalt(v, id)));
    }

    // ================================================================ commitScore

    function test_commitScore_allValidatorsWhenAtMostK() public {
        // 3 validators <= k = 7: everyone may score every submission, whatever the draw.
        (bool assigned, uint256 draw) = arena.assignment(taskId, 2, 1);
        assertTrue(assigned);
        assertEq(draw, 0);
        bytes32 c = _commitment(_validator(1), 2, 0.9e18, false);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTypes.ScoreCommitted(taskId, 2, _validator(1), c);
        vm.prank(_validator(1));
        arena.commitScore(taskId, 2, 99, c);
        IArena.ScoreInfo memory s = arena.score(taskId, 2, 1);
        assertEq(s.commitment, c);
        assertFalse(s.revealed);
        uint256[] memory list = arena.scorers(taskId, 2);
        assertEq(list.length, 1);
        assertEq(list[0], 1);
        assertEq(arena.submission(taskId, 2).scorerCount, 1);
    }

    function test_commitScore_recommitDoesNotAddScorer() public {
        _commitScore(taskId, 0, 0, 0.5e18, false);
        _commitScore(taskId, 0, 0, 0.9e18, false);
        assertEq(arena.scorers(taskId, 0).length, 1);
        assertEq(arena.score(taskId, 0, 0).commitment, _commitment(_validator(0), 0, 0.9e18, false));
        assertEq(
            arena.scoreCommitment(taskId, 0, _validator(0), 0.9e18, false, _scoreSalt(_validator(0), 0)),
            _commitment(_validator(0), 0, 0.9e18, false)
        );
    }

    function test_RevertWhen_commitScoreNotValidator() public {
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNotValidator.selector, taskId, _node(0)));
        vm.prank(_node(0));
        arena.commitScore(taskId, 0, 0, bytes32(uint256(1)));
    }

    function test_RevertWhen_commitScoreZero() public {
        vm.expectRevert(IArenaTypes.ArenaZeroCommitment.selector);
        vm.prank(_validator(0));
        arena.commitScore(taskId, 0, 0, 0);
    }

    function test_RevertWhen_commitScoreUnknownSubmission() public {
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaSubmissionNotRevealed.selector, taskId, 3));
        vm.prank(_validator(0));
        arena.commitScore(taskId, 3, 0, bytes32(uint256(1)));
    }

    function test_RevertWhen_commitScoreUnrevealedSubmission() public {
        // A fresh task where node 1 commits but never reveals.
        uint256 t2 = _createDefaultTask();
        _registerNode(t2, _node(0), 10e18);
        _registerNode(t2, _node(1), 10e18);
        _commitModel(t2, _node(0), "a");
        _commitModel(t2, _node(1), "b");
        _registerValidator(t2, _validator(0), 10e18);
        _toReveal(t2);
        _revealModel(t2, _node(0), "a");
        _revealValidation(t2);
        _toScoreCommit(t2);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaSubmissionNotRevealed.selector, t2, 1));
        vm.prank(_validator(0));
        arena.commitScore(t2, 1, 0, bytes32(uint256(1)));
    }

    function test_RevertWhen_commitScoreWithoutValidationSet() public {
        uint256 t2 = _createDefaultTask();
        _registerValidator(t2, _validator(0), 10e18);
        _toScoreCommit(t2);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaValidationSetNotRevealed.selector, t2));
        vm.prank(_validator(0));
        arena.commitScore(t2, 0, 0, bytes32(uint256(1)));
    }

    function test_RevertWhen_commitScoreAfterPhase() public {
        _toScoreReveal(taskId);
        vm.expectRevert(
            abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.ScoreReveal)
        );
        vm.prank(_validator(0));
        arena.commitScore(taskId, 0, 0, bytes32(uint256(1)));
    }

    function test_commitScores_batch() public {
        uint256[] memory ids = new uint256[](3);
        uint256[] memory draws = new uint256[](3);
        bytes32[] memory cs = new bytes32[](3);
        for (uint256 i; i < 3; ++i) {
            ids[i] = i;
            cs[i] = _commitment(_validator(0), i, int256(0.6e18 + i * 1e17), false);
        }
        vm.prank(_validator(0));
        arena.commitScores(taskId, ids, draws, cs);
        for (uint256 i; i < 3; ++i) {
            assertEq(arena.score(taskId, i, 0).commitment, cs[i]);
        }
    }

    function test_RevertWhen_commitScoresLengthMismatch() public {
        vm.expectRevert(IArenaTypes.ArenaBadBatch.selector);
        vm.prank(_validator(0));
        arena.commitScores(taskId, new uint256[](2), new uint256[](1), new bytes32[](2));
        vm.expectRevert(IArenaTypes.ArenaBadBatch.selector);
        vm.prank(_validator(0));
        arena.commitScores(taskId, new uint256[](0), new uint256[](0), new bytes32[](0));
    }

    // ================================================================ revealScore

    function test_revealScore_storesScore() public {
        _commitScore(taskId, 1, 0, 0.75e18, false);
        _toScoreReveal(taskId);
        vm.expectEmit(true, true, true, true, address(arena));
        emit IArenaTypes.ScoreRevealed(taskId, 0, _validator(1), 0.75e18, false);
        vm.prank(_validator(1));
        arena.revealScore(taskId, 0, 0.75e18, false, _scoreSalt(_validator(1), 0));
        IArena.ScoreInfo memory s = arena.score(taskId, 0, 1);
        assertTrue(s.revealed);
        assertFalse(s.invalid);
        assertEq(s.score, 0.75e18);
    }

    function test_revealScore_invalidMarkStoresZero() public {
        _commitScore(taskId, 0, 1, 123, true);
        _toScoreReveal(taskId);
        _revealScore(taskId, 0, 1, 123, true);
        IArena.ScoreInfo memory s = arena.score(taskId, 1, 0);
        assertTrue(s.invalid);
        assertEq(s.score, 0);
    }

    function test_RevertWhen_revealScoreMismatch() public {
        _commitScore(taskId, 0, 0, 0.75e18, false);
        _toScoreReveal(taskId);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaCommitmentMismatch.selector, taskId, _validator(0)));
        vm.prank(_validator(0));
        arena.revealScore(taskId, 0, 0.76e18, false, _scoreSalt(_validator(0), 0));
        // Flipping the invalid mark does not match either.
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaCommitmentMismatch.selector, taskId, _validator(0)));
        vm.prank(_validator(0));
        arena.revealScore(taskId, 0, 0.75e18, true, _scoreSalt(_validator(0), 0));
    }

    function test_RevertWhen_revealScoreNothingCommitted() public {
        _toScoreReveal(taskId);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNothingCommitted.selector, taskId, _validator(0)));
        vm.prank(_validator(0));
        arena.revealScore(taskId, 0, 0.75e18, false, _scoreSalt(_validator(0), 0));
    }

    function test_RevertWhen_revealScoreTwice() public {
        _commitScore(taskId, 0, 0, 0.75e18, false);
        _toScoreReveal(taskId);
        _revealScore(taskId, 0, 0, 0.75e18, false);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaAlreadyRevealed.selector, taskId, _validator(0)));
        vm.prank(_validator(0));
        arena.revealScore(taskId, 0, 0.75e18, false, _scoreSalt(_validator(0), 0));
    }

    function test_RevertWhen_revealScoreOutOfRange() public {
        int256 big = 1e36 + 1;
        _commitScore(taskId, 0, 0, big, false);
        _toScoreReveal(taskId);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaScoreOutOfRange.selector, big));
        vm.prank(_validator(0));
        arena.revealScore(taskId, 0, big, false, _scoreSalt(_validator(0), 0));
    }

    function test_RevertWhen_revealScoreDuringCommit() public {
        _commitScore(taskId, 0, 0, 0.75e18, false);
        vm.expectRevert(
            abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.ScoreCommit)
        );
        vm.prank(_validator(0));
        arena.revealScore(taskId, 0, 0.75e18, false, _scoreSalt(_validator(0), 0));
    }

    function test_revealScores_batch() public {
        uint256[] memory ids = new uint256[](2);
        int256[] memory scores = new int256[](2);
        bool[] memory invalids = new bool[](2);
        bytes32[] memory salts = new bytes32[](2);
        for (uint256 i; i < 2; ++i) {
            ids[i] = i;
            scores[i] = int256(0.6e18 + i * 1e17);
            salts[i] = _scoreSalt(_validator(2), i);
            _commitScore(taskId, 2, i, scores[i], false);
        }
        _toScoreReveal(taskId);
        vm.prank(_validator(2));
        arena.revealScores(taskId, ids, scores, invalids, salts);
        assertEq(arena.score(taskId, 1, 2).score, 0.7e18);
    }

    function test_RevertWhen_revealScoresLengthMismatch() public {
        _toScoreReveal(taskId);
        vm.expectRevert(IArenaTypes.ArenaBadBatch.selector);
        vm.prank(_validator(0));
        arena.revealScores(taskId, new uint256[](1), new int256[](1), new bool[](2), new bytes32[](1));
    }

    // ================================================================ seed and sampling

    function test_drawSeed_isIdempotent() public {
        vm.prevrandao(bytes32(uint256(42)));
        bytes32 seed = arena.drawSeed(taskId);
        assertTrue(seed != 0);
        assertEq(arena.task(taskId).seed, seed);
        vm.prevrandao(bytes32(uint256(43)));
        assertEq(arena.drawSeed(taskId), seed);
    }

    function test_RevertWhen_drawSeedOutsideScoreCommit() public {
        _toScoreReveal(taskId);
        vm.expectRevert(
            abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.ScoreReveal)
        );
        arena.drawSeed(taskId);
    }

    function test_RevertWhen_drawSeedWithoutValidationSet() public {
        uint256 t2 = _createDefaultTask();
        _toScoreCommit(t2);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaValidationSetNotRevealed.selector, t2));
        arena.drawSeed(t2);
    }

    /// @dev A task with 6 validators (stakes 10..60) and k = 2: each submission gets at most 2 scorers.
    function _sampledTask() internal returns (uint256 t2) {
        config.set(Params.ARENA_SAMPLE_SIZE, 2);
        t2 = _createDefaultTask();
        for (uint256 i; i < 4; ++i) {
            _registerNode(t2, _node(10 + i), 10e18);
            _commitModel(t2, _node(10 + i), _modelCID(i));
        }
        for (uint256 j; j < 6; ++j) {
            _registerValidator(t2, _validator(10 + j), (j + 1) * 10e18);
        }
        _toReveal(t2);
        for (uint256 i; i < 4; ++i) {
            _revealModel(t2, _node(10 + i), _modelCID(i));
        }
        _revealValidation(t2);
        _toScoreCommit(t2);
    }

    function test_sampling_onlyDrawnValidatorsScore() public {
        uint256 t2 = _sampledTask();
        // Before the seed nobody is assigned.
        (bool assigned,) = arena.assignment(t2, 0, 0);
        assertFalse(assigned);
        arena.drawSeed(t2);
        for (uint256 id; id < 4; ++id) {
            uint256 drawn;
            for (uint256 v; v < 6; ++v) {
                (bool ok, uint256 draw) = arena.assignment(t2, id, v);
                address va = _validator(10 + v);
                bytes32 c = keccak256(abi.encode(t2, id, va, int256(0.8e18), false, bytes32(0)));
                if (ok) {
                    ++drawn;
                    assertLt(draw, 2);
                    vm.prank(va);
                    arena.commitScore(t2, id, draw, c);
                } else {
                    for (uint256 j; j < 2; ++j) {
                        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNotSampled.selector, t2, id, va, j));
                        vm.prank(va);
                        arena.commitScore(t2, id, j, c);
                    }
                }
            }
            assertGe(drawn, 1);
            assertLe(drawn, 2);
            assertEq(arena.scorers(t2, id).length, drawn);
        }
    }

    function test_RevertWhen_sampledDrawOutOfRange() public {
        uint256 t2 = _sampledTask();
        arena.drawSeed(t2);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNotSampled.selector, t2, 0, _validator(10), 2));
        vm.prank(_validator(10));
        arena.commitScore(t2, 0, 2, bytes32(uint256(1)));
    }

    function test_sampling_firstCommitDrawsTheSeed() public {
        uint256 t2 = _sampledTask();
        assertEq(arena.task(t2).seed, 0);
        // Find someone assigned under the seed this block would draw: simulate it.
        uint256 snap = vm.snapshotState();
        arena.drawSeed(t2);
        (bool ok, uint256 draw) = arena.assignment(t2, 0, 5);
        uint256 v = 5;
        if (!ok) {
            for (v = 0; v < 6; ++v) {
                (ok, draw) = arena.assignment(t2, 0, v);
                if (ok) break;
            }
        }
        vm.revertToState(snap);
        vm.prank(_validator(10 + v));
        arena.commitScore(t2, 0, draw, bytes32(uint256(1)));
        assertTrue(arena.task(t2).seed != 0);
    }

    /// @dev Stake-weighted with diminishing returns: over many submissions a validator with 4x the
    /// stake is drawn about 2x as often (sqrt), not 4x.
    function test_sampling_weightIsSqrtOfStake() public view {
        // Pure check of the line: interval lengths are sqrt(stake).
        IArena.ValidatorInfo memory a = arena.validator(taskId, 0);
        assertEq(a.sampleWeight, 3162277660); // sqrt(10e18)
    }
}
