// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {ArenaFixture} from "./ArenaFixture.sol";

/// @notice Unit tests of score commit-reveal (one root per validator, positional openings), the
/// sampling seed (drawn after the commits close) and the stake-weighted sample.
contract ArenaScoringTest is ArenaFixture {
    uint256 internal taskId;

    function setUp() public override {
        super.setUp();
        taskId = _taskReadyToScore(3, 10e18, 3, 10e18);
    }

    function _opening(uint256 t, uint256 vi, uint256 id, int256 s, bool invalid)
        internal
        view
        returns (IArenaTypes.ScoreOpening[] memory o)
    {
        address v = arena.validator(t, vi).account;
        o = new IArenaTypes.ScoreOpening[](1);
        o[0] = IArenaTypes.ScoreOpening(id, s, invalid, _scoreSalt(v, id), _scoreProof(t, vi, id));
    }

    // ================================================================ commitScores

    function test_commitScores_joinsTheLineOnce() public {
        _commitScore(taskId, 0, 0, 0.9e18, false);
        _commitScore(taskId, 0, 1, 0.8e18, false); // a re-commit replaces the root
        _commitScore(taskId, 1, 0, 0.9e18, false);
        IArena.ValidatorInfo memory a = arena.validator(taskId, 0);
        IArena.ValidatorInfo memory b = arena.validator(taskId, 1);
        assertEq(a.scoreRoot, _scoreRoot(taskId, 0));
        assertEq(a.sampleLo, 0);
        assertEq(a.sampleWeight, 10e18); // linear in effective stake
        assertEq(b.sampleLo, 10e18);
        IArena.TaskInfo memory t = arena.task(taskId);
        assertEq(t.committerCount, 2);
        assertEq(t.committedWeight, 20e18);
    }

    function test_commitScores_emits() public {
        vm.expectEmit(address(arena));
        emit IArenaTypes.ScoresCommitted(taskId, _validator(0), bytes32(uint256(7)));
        vm.prank(_validator(0));
        arena.commitScores(taskId, bytes32(uint256(7)));
    }

    function test_RevertWhen_commitScoresNotValidator() public {
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNotValidator.selector, taskId, _node(0)));
        vm.prank(_node(0));
        arena.commitScores(taskId, bytes32(uint256(1)));
    }

    function test_RevertWhen_commitScoresZero() public {
        vm.expectRevert(IArenaTypes.ArenaZeroCommitment.selector);
        vm.prank(_validator(0));
        arena.commitScores(taskId, 0);
    }

    function test_RevertWhen_commitScoresWithoutValidationSet() public {
        uint256 t2 = _createDefaultTask();
        _registerValidator(t2, _validator(7), 10e18);
        _toScoreCommit(t2);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaValidationSetNotRevealed.selector, t2));
        vm.prank(_validator(7));
        arena.commitScores(t2, bytes32(uint256(1)));
    }

    function test_RevertWhen_commitScoresAfterPhase() public {
        _toScoreReveal(taskId);
        vm.expectRevert(
            abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.ScoreReveal)
        );
        vm.prank(_validator(0));
        arena.commitScores(taskId, bytes32(uint256(1)));
    }

    // ================================================================ revealScores

    function test_revealScores_storesScore() public {
        _commitScore(taskId, 0, 1, 0.9e18, false);
        _toScoreReveal(taskId);
        vm.expectEmit(address(arena));
        emit IArenaTypes.ScoreRevealed(taskId, 1, _validator(0), 0.9e18, false);
        _revealScore(taskId, 0, 1, 0.9e18, false);
        IArena.ScoreInfo memory s = arena.score(taskId, 1, 0);
        assertTrue(s.revealed);
        assertEq(s.score, 0.9e18);
        assertEq(arena.scorers(taskId, 1).length, 1);
        assertTrue(arena.task(taskId).seed != 0); // the first reveal drew it
    }

    function test_revealScores_invalidMarkStoresZero() public {
        _commitScore(taskId, 0, 0, 0.7e18, true);
        _toScoreReveal(taskId);
        _revealScore(taskId, 0, 0, 0.7e18, true);
        IArena.ScoreInfo memory s = arena.score(taskId, 0, 0);
        assertTrue(s.invalid);
        assertEq(s.score, 0);
    }

    function test_revealScores_batchOfSeveral() public {
        _commitScore(taskId, 0, 0, 0.6e18, false);
        _commitScore(taskId, 0, 2, 0.7e18, false);
        _toScoreReveal(taskId);
        address v = _validator(0);
        IArenaTypes.ScoreOpening[] memory o = new IArenaTypes.ScoreOpening[](2);
        o[0] = IArenaTypes.ScoreOpening(0, 0.6e18, false, _scoreSalt(v, 0), _scoreProof(taskId, 0, 0));
        o[1] = IArenaTypes.ScoreOpening(2, 0.7e18, false, _scoreSalt(v, 2), _scoreProof(taskId, 0, 2));
        vm.prank(v);
        arena.revealScores(taskId, o);
        assertEq(arena.score(taskId, 2, 0).score, 0.7e18);
    }

    /// @dev A root cannot hide two candidate scores of one submission: a leaf opens only at the
    /// index of its own submission.
    function test_RevertWhen_revealScoresLeafAtAnotherIndex() public {
        _commitScore(taskId, 0, 0, 0.6e18, false);
        _commitScore(taskId, 0, 1, 0.9e18, false);
        _toScoreReveal(taskId);
        address v = _validator(0);
        IArenaTypes.ScoreOpening[] memory o = new IArenaTypes.ScoreOpening[](1);
        // Leaf 1's content and proof, claimed for submission 0.
        o[0] = IArenaTypes.ScoreOpening(0, 0.9e18, false, _scoreSalt(v, 1), _scoreProof(taskId, 0, 1));
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaCommitmentMismatch.selector, taskId, v));
        vm.prank(v);
        arena.revealScores(taskId, o);
    }

    function test_RevertWhen_revealScoresWrongScore() public {
        _commitScore(taskId, 0, 0, 0.6e18, false);
        _toScoreReveal(taskId);
        IArenaTypes.ScoreOpening[] memory o = _opening(taskId, 0, 0, 0.61e18, false);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaCommitmentMismatch.selector, taskId, _validator(0)));
        vm.prank(_validator(0));
        arena.revealScores(taskId, o);
    }

    function test_RevertWhen_revealScoresShortProof() public {
        _commitScore(taskId, 0, 0, 0.6e18, false);
        _toScoreReveal(taskId);
        IArenaTypes.ScoreOpening[] memory o = _opening(taskId, 0, 0, 0.6e18, false);
        o[0].proof = new bytes32[](1); // depth is 2 for 3 nodes
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaCommitmentMismatch.selector, taskId, _validator(0)));
        vm.prank(_validator(0));
        arena.revealScores(taskId, o);
    }

    function test_RevertWhen_revealScoresNothingCommitted() public {
        _toScoreReveal(taskId);
        IArenaTypes.ScoreOpening[] memory o = _opening(taskId, 0, 0, 0.6e18, false);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNothingCommitted.selector, taskId, _validator(0)));
        vm.prank(_validator(0));
        arena.revealScores(taskId, o);
    }

    function test_RevertWhen_revealScoresTwice() public {
        _commitScore(taskId, 0, 0, 0.6e18, false);
        _toScoreReveal(taskId);
        _revealScore(taskId, 0, 0, 0.6e18, false);
        IArenaTypes.ScoreOpening[] memory o = _opening(taskId, 0, 0, 0.6e18, false);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaAlreadyRevealed.selector, taskId, _validator(0)));
        vm.prank(_validator(0));
        arena.revealScores(taskId, o);
    }

    function test_RevertWhen_revealScoresOutOfRange() public {
        int256 big = 1e36 + 1;
        _commitScore(taskId, 0, 0, big, false);
        _toScoreReveal(taskId);
        IArenaTypes.ScoreOpening[] memory o = _opening(taskId, 0, 0, big, false);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaScoreOutOfRange.selector, big));
        vm.prank(_validator(0));
        arena.revealScores(taskId, o);
    }

    function test_RevertWhen_revealScoresDuringCommit() public {
        _commitScore(taskId, 0, 0, 0.6e18, false);
        IArenaTypes.ScoreOpening[] memory o = _opening(taskId, 0, 0, 0.6e18, false);
        vm.expectRevert(
            abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.ScoreCommit)
        );
        vm.prank(_validator(0));
        arena.revealScores(taskId, o);
    }

    function test_RevertWhen_revealScoresEmpty() public {
        _commitScore(taskId, 0, 0, 0.6e18, false);
        _toScoreReveal(taskId);
        vm.expectRevert(IArenaTypes.ArenaBadBatch.selector);
        vm.prank(_validator(0));
        arena.revealScores(taskId, new IArenaTypes.ScoreOpening[](0));
    }

    // ================================================================ the seed

    function test_drawSeed_isIdempotent() public {
        _toScoreReveal(taskId);
        bytes32 a = arena.drawSeed(taskId);
        vm.prevrandao(bytes32(uint256(42)));
        assertEq(arena.drawSeed(taskId), a);
    }

    /// @dev The seed is drawn only after the commits close: nobody knows, committing, which of its
    /// scores will count.
    function test_RevertWhen_drawSeedDuringScoreCommit() public {
        vm.expectRevert(
            abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.ScoreCommit)
        );
        arena.drawSeed(taskId);
    }

    function test_finalize_drawsTheSeedIfNobodyDid() public {
        _commitScore(taskId, 0, 0, 0.6e18, false);
        _toFinalizing(taskId);
        assertEq(arena.task(taskId).seed, 0);
        arena.finalize(taskId, 1);
        assertTrue(arena.task(taskId).seed != 0);
    }

    // ================================================================ validation set rejected

    function _reject(uint256 t, uint256 vi) internal {
        address v = arena.validator(t, vi).account;
        vm.prank(v);
        arena.commitScores(t, keccak256(abi.encode(t, v, bytes32("no"))));
    }

    function test_rejectValidationSet_majorityCancelsAndSlashesCreator() public {
        _reject(taskId, 0);
        _reject(taskId, 1);
        _commitScore(taskId, 2, 0, 0.9e18, false);
        _toScoreReveal(taskId);
        for (uint256 vi; vi < 2; ++vi) {
            vm.expectEmit(address(arena));
            emit IArenaTypes.ValidationSetRejected(taskId, _validator(vi), 10e18);
            vm.prank(_validator(vi));
            arena.rejectValidationSet(taskId, bytes32("no"));
        }
        assertEq(arena.task(taskId).unusableWeight, 20e18);
        _toFinalizing(taskId);
        uint256 slash = CREATOR_STAKE / 2;
        vm.expectEmit(address(arena));
        emit IArenaTypes.Slashed(taskId, creator, IArenaTypes.SlashReason.CreatorUnusableData, slash, 0);
        arena.finalize(taskId, 10);
        assertEq(uint256(arena.phase(taskId)), uint256(IArenaTypes.Phase.Cancelled));
        // Nodes get stake and fee back, unslashed; the creator its stake less the slash, no share.
        (uint256 stake,, uint256 refund) = arena.claimable(taskId, _node(0));
        assertEq(stake, 10e18);
        assertEq(refund, FEE);
        (uint256 cStake, uint256 cReward,) = arena.claimable(taskId, creator);
        assertEq(cStake, CREATOR_STAKE - slash);
        assertEq(cReward, 0);
    }

    function test_rejectValidationSet_minorityCostsTheRejecter() public {
        _reject(taskId, 0);
        for (uint256 id; id < 3; ++id) {
            _commitScore(taskId, 1, id, 0.9e18, false);
            _commitScore(taskId, 2, id, 0.9e18, false);
        }
        _toScoreReveal(taskId);
        vm.prank(_validator(0));
        arena.rejectValidationSet(taskId, bytes32("no"));
        for (uint256 id; id < 3; ++id) {
            _revealScore(taskId, 1, id, 0.9e18, false);
            _revealScore(taskId, 2, id, 0.9e18, false);
        }
        _toFinalizing(taskId);
        arena.finalize(taskId, 10);
        assertEq(uint256(arena.submission(taskId, 0).status), uint256(IArenaTypes.SubmissionStatus.Eligible));
        // The rejecter counted for all 3 revealed submissions and opened none: 3 x slash / 3.
        assertEq(arena.validator(taskId, 0).slashedFraction, 3 * (0.2e18 / uint256(3)));
        assertFalse(arena.validator(taskId, 1).slashed);
    }

    function test_RevertWhen_rejectValidationSetWrongSalt() public {
        _reject(taskId, 0);
        _toScoreReveal(taskId);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaCommitmentMismatch.selector, taskId, _validator(0)));
        vm.prank(_validator(0));
        arena.rejectValidationSet(taskId, bytes32("yes"));
    }

    // ================================================================ sampling

    /// @dev A task with 6 validators (stakes 10..60) and k = 2, every validator committed.
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
        for (uint256 j; j < 6; ++j) {
            for (uint256 i; i < 4; ++i) {
                _commitScore(t2, j, i, 0.8e18, false);
            }
        }
    }

    function test_sampling_onlyDrawnValidatorsOpen() public {
        uint256 t2 = _sampledTask();
        // Before the seed nobody knows who counts.
        (bool counted,) = arena.assignment(t2, 0, 0);
        assertFalse(counted);
        _toScoreReveal(t2);
        arena.drawSeed(t2);
        for (uint256 id; id < 4; ++id) {
            uint256 drawn;
            for (uint256 v; v < 6; ++v) {
                (bool ok, uint256 draws) = arena.assignment(t2, id, v);
                if (ok) {
                    ++drawn;
                    assertGt(draws, 0);
                    assertLt(draws, 4);
                    _revealScore(t2, v, id, 0.8e18, false);
                } else {
                    IArenaTypes.ScoreOpening[] memory o = _opening(t2, v, id, 0.8e18, false);
                    vm.expectRevert(
                        abi.encodeWithSelector(IArenaTypes.ArenaNotSampled.selector, t2, id, _validator(10 + v))
                    );
                    vm.prank(_validator(10 + v));
                    arena.revealScores(t2, o);
                }
            }
            assertGe(drawn, 1);
            assertLe(drawn, 2);
            assertEq(arena.scorers(t2, id).length, drawn);
        }
    }

    /// @dev A drawn validator that does not open its score pays its part: slash / E per score.
    function test_sampling_unopenedDrawIsPenalized() public {
        uint256 t2 = _sampledTask();
        _toScoreReveal(t2);
        arena.drawSeed(t2);
        // Everyone opens everything it counts for, except validator 5 on submission 0 (if drawn).
        uint256 skipped = type(uint256).max;
        for (uint256 id; id < 4; ++id) {
            for (uint256 v; v < 6; ++v) {
                (bool ok,) = arena.assignment(t2, id, v);
                if (!ok) continue;
                if (id == 0 && skipped == type(uint256).max) {
                    skipped = v;
                    continue;
                }
                _revealScore(t2, v, id, 0.8e18, false);
            }
        }
        _toFinalizing(t2);
        arena.finalize(t2, 10);
        IArena.ValidatorInfo memory s = arena.validator(t2, skipped);
        assertTrue(s.slashed);
        // E = 4 revealed submissions * min(1, 2 * w / W), W = 210e18.
        uint256 w = (skipped + 1) * 10e18;
        uint256 e = (4 * (2 * w > 210e18 ? 210e18 : 2 * w)) / 210e18;
        if (e == 0) e = 1;
        assertEq(s.slashedFraction, arena.taskRules(t2).validatorSlash / e);
        for (uint256 v; v < 6; ++v) {
            if (v != skipped) assertFalse(arena.validator(t2, v).slashed);
        }
    }

    /// @dev Linear in stake: the line's intervals are the effective stakes.
    function test_sampling_weightIsLinearInStake() public {
        uint256 t2 = _sampledTask();
        uint256 lo;
        for (uint256 v; v < 6; ++v) {
            IArena.ValidatorInfo memory info = arena.validator(t2, v);
            assertEq(info.sampleLo, lo);
            assertEq(info.sampleWeight, (v + 1) * 10e18);
            lo += info.sampleWeight;
        }
        assertEq(arena.task(t2).committedWeight, lo);
    }

    function test_scoreTreeDepth() public view {
        assertEq(arena.scoreTreeDepth(taskId), 2); // 3 nodes
    }
}
