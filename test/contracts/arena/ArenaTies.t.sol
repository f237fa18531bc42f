// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {ArenaFixture} from "./ArenaFixture.sol";

/// @notice Issue 8, finding 2: at an exact 50/50 split of validator weight nobody can tell the
/// honest side, so a tie slashes no one and moves no score. Before, the lower weighted median let
/// "invalid" (or any deflated score) win every tie: the node and the honest validator were slashed.
contract ArenaTiesTest is ArenaFixture {
    /// @dev One submission scored by validators of the given stakes; validator j reveals scores[j]
    /// (or invalid); leaves the consensus pass done.
    function _settled(uint256[] memory stakes, int256[] memory scores, bool[] memory invalid)
        internal
        returns (uint256 taskId)
    {
        taskId = _createDefaultTask();
        _registerNode(taskId, _node(0), 10e18);
        _commitModel(taskId, _node(0), _modelCID(0));
        for (uint256 j; j < stakes.length; ++j) {
            _registerValidator(taskId, _validator(j), stakes[j]);
        }
        _toReveal(taskId);
        _revealModel(taskId, _node(0), _modelCID(0));
        _revealValidation(taskId);
        _toScoreCommit(taskId);
        for (uint256 j; j < stakes.length; ++j) {
            _commitScore(taskId, j, 0, scores[j], invalid[j]);
        }
        _toScoreReveal(taskId);
        for (uint256 j; j < stakes.length; ++j) {
            _revealScore(taskId, j, 0, scores[j], invalid[j]);
        }
        _toFinalizing(taskId);
        arena.finalize(taskId, 1);
    }

    function _two(uint256 a, uint256 b) internal pure returns (uint256[] memory r) {
        r = new uint256[](2);
        (r[0], r[1]) = (a, b);
    }

    function _twoScores(int256 a, int256 b) internal pure returns (int256[] memory r) {
        r = new int256[](2);
        (r[0], r[1]) = (a, b);
    }

    function _twoMarks(bool a, bool b) internal pure returns (bool[] memory r) {
        r = new bool[](2);
        (r[0], r[1]) = (a, b);
    }

    function _assertNobodySlashed(uint256 taskId, uint256 validators) internal view {
        assertFalse(arena.submission(taskId, 0).slashed, "node slashed");
        for (uint256 j; j < validators; ++j) {
            assertFalse(arena.validator(taskId, j).slashed, "validator slashed");
        }
        (,,,, uint256 burned) = arena.totals();
        assertEq(burned, 0);
    }

    function _assertNoConsensus(uint256 taskId) internal view {
        IArena.SubmissionInfo memory s = arena.submission(taskId, 0);
        assertEq(uint8(s.status), uint8(IArenaTypes.SubmissionStatus.Unscored));
        assertEq(s.consensus, 0);
    }

    /// @notice The reported case: equal stakes, one honest (0.9), one marking invalid.
    function test_tie_scoreAgainstInvalidSlashesNoOne() public {
        uint256 taskId = _settled(_two(10e18, 10e18), _twoScores(0.9e18, 0), _twoMarks(false, true));
        _assertNoConsensus(taskId);
        _assertNobodySlashed(taskId, 2);
        assertEq(arena.validator(taskId, 0).points, 0);
        assertEq(arena.validator(taskId, 1).points, 0);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalized)); // nothing eligible
        (uint256 stake,,) = arena.claimable(taskId, _node(0));
        assertEq(stake, 10e18);
        (stake,,) = arena.claimable(taskId, _validator(0));
        assertEq(stake, 10e18);
    }

    /// @notice Exactly half of the weight cannot deflate the best model to any value.
    function test_tie_deflatingHalfMovesNoScore() public {
        uint256 taskId = _settled(_two(10e18, 10e18), _twoScores(0.9e18, 0.1e18), _twoMarks(false, false));
        _assertNoConsensus(taskId);
        _assertNobodySlashed(taskId, 2);
    }

    /// @notice The split is by weight, not by count: 20 against 10 + 10.
    function test_tie_byWeight() public {
        uint256[] memory stakes = new uint256[](3);
        (stakes[0], stakes[1], stakes[2]) = (20e18, 10e18, 10e18);
        int256[] memory scores = new int256[](3);
        (scores[0], scores[1], scores[2]) = (int256(0.9e18), 0.2e18, 0.1e18);
        uint256 taskId = _settled(stakes, scores, new bool[](3));
        _assertNoConsensus(taskId);
        _assertNobodySlashed(taskId, 3);
    }

    /// @notice Two halves that agree within the tolerance settle at their midpoint: honest noise
    /// between two validators of equal stake is no tie.
    function test_tie_agreeingHalvesSettleAtTheMidpoint() public {
        uint256 taskId = _settled(_two(10e18, 10e18), _twoScores(0.9e18, 0.902e18), _twoMarks(false, false));
        IArena.SubmissionInfo memory s = arena.submission(taskId, 0);
        assertEq(uint8(s.status), uint8(IArenaTypes.SubmissionStatus.Eligible));
        assertEq(s.consensus, 0.901e18);
        _assertNobodySlashed(taskId, 2);
        assertGt(arena.validator(taskId, 0).points, 0);
        assertEq(arena.validator(taskId, 0).points, arena.validator(taskId, 1).points);
    }

    /// @notice Both halves marking invalid is no tie: the node is slashed as before.
    function test_tie_unanimousInvalidStillSlashesTheNode() public {
        uint256 taskId = _settled(_two(10e18, 10e18), _twoScores(0, 0), _twoMarks(true, true));
        assertEq(uint8(arena.submission(taskId, 0).status), uint8(IArenaTypes.SubmissionStatus.Invalid));
        assertTrue(arena.submission(taskId, 0).slashed);
    }

    /// @notice A strict majority still decides, and the minority is still slashed.
    function test_tie_majorityStillDecides() public {
        uint256[] memory stakes = new uint256[](3);
        (stakes[0], stakes[1], stakes[2]) = (10e18, 10e18, 10e18);
        int256[] memory scores = new int256[](3);
        (scores[0], scores[1]) = (int256(0.9e18), 0.9e18);
        bool[] memory marks = new bool[](3);
        marks[2] = true;
        uint256 taskId = _settled(stakes, scores, marks);
        assertEq(arena.submission(taskId, 0).consensus, 0.9e18);
        assertTrue(arena.validator(taskId, 2).slashed);
        assertFalse(arena.validator(taskId, 0).slashed);
    }

    /// @notice Fuzz: validators split into two groups of exactly equal total weight, one honest and
    /// one far below (or marking invalid): nobody is slashed and the submission has no consensus.
    function testFuzz_tie_exactSplitSlashesNoOne(uint256 seed, uint8 mSeed, bool invalidSide) public {
        uint256 m = 1 + uint256(mSeed) % 3; // validators per side (2m <= k = 7: no sampling)
        uint256[] memory stakes = new uint256[](2 * m);
        int256[] memory scores = new int256[](2 * m);
        bool[] memory marks = new bool[](2 * m);
        uint256 total;
        for (uint256 j; j < m; ++j) {
            stakes[j] = MIN_STAKE + uint256(keccak256(abi.encode(seed, j))) % 100e18;
            total += stakes[j];
            scores[j] = 0.9e18;
        }
        // The other side: same total weight, split differently.
        uint256 left = total;
        for (uint256 j; j < m; ++j) {
            uint256 share = j + 1 == m ? left : left / (m - j);
            stakes[m + j] = share;
            left -= share;
            scores[m + j] = int256(0.1e18 + j * 0.01e18);
            marks[m + j] = invalidSide;
        }
        uint256 taskId = _settled(stakes, scores, marks);
        _assertNoConsensus(taskId);
        _assertNobodySlashed(taskId, 2 * m);
    }
}
