// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {ArenaFixture} from "./ArenaFixture.sol";

/// @notice Issue 8, finding 4: withholding a model is never cheaper than revealing it. Before, a
/// node that committed and never revealed got its whole stake back, so a node that saw (from the
/// creator's revealed validation set) that its model would be marked invalid could withhold it for
/// free, and its reveal or silence changed the sampling seed (a veto).
contract ArenaWithholdingTest is ArenaFixture {
    /// @dev Two nodes commit; node 0 reveals (and is scored 0.9 by the one validator) and node 1
    /// reveals only when `reveal1`, scored invalid if it does. Leaves the task at Finalizing.
    function _task(bool reveal1) internal returns (uint256 taskId) {
        taskId = _createDefaultTask();
        for (uint256 i; i < 2; ++i) {
            _registerNode(taskId, _node(i), 10e18);
            _commitModel(taskId, _node(i), _modelCID(i));
        }
        _registerValidator(taskId, _validator(0), 10e18);
        _toReveal(taskId);
        _revealModel(taskId, _node(0), _modelCID(0));
        if (reveal1) _revealModel(taskId, _node(1), _modelCID(1));
        _revealValidation(taskId);
        _toScoreCommit(taskId);
        _commitScore(taskId, 0, 0, 0.9e18, false);
        if (reveal1) _commitScore(taskId, 0, 1, 0, true);
        _toScoreReveal(taskId);
        _revealScore(taskId, 0, 0, 0.9e18, false);
        if (reveal1) _revealScore(taskId, 0, 1, 0, true);
        _toFinalizing(taskId);
    }

    /// @notice The reported case: a node that commits and never reveals is slashed like a node
    /// whose revealed model is invalid (arena.nodeSlash of its stake).
    function test_withhold_committedNodeThatNeverRevealsIsSlashed() public {
        uint256 taskId = _task(false);
        _finalizeAll(taskId);
        assertTrue(arena.submission(taskId, 1).slashed);
        (uint256 stake, uint256 reward,) = arena.claimable(taskId, _node(1));
        assertEq(stake, 9e18); // 10% of 10
        assertEq(reward, 0);
        (,,,, uint256 burned) = arena.totals();
        assertEq(burned, 1e18);
    }

    /// @notice Withholding costs exactly what revealing an invalid model costs, never less.
    function test_withhold_neverCheaperThanRevealingAnInvalidModel() public {
        uint256 snap = vm.snapshotState();
        uint256 taskId = _task(true);
        _finalizeAll(taskId);
        assertEq(uint8(arena.submission(taskId, 1).status), uint8(IArenaTypes.SubmissionStatus.Invalid));
        (uint256 revealedStake, uint256 revealedReward,) = arena.claimable(taskId, _node(1));
        vm.revertToState(snap);
        taskId = _task(false);
        _finalizeAll(taskId);
        (uint256 withheldStake, uint256 withheldReward,) = arena.claimable(taskId, _node(1));
        assertLe(withheldStake + withheldReward, revealedStake + revealedReward);
        assertEq(withheldStake, revealedStake);
    }

    /// @notice A node that registered and never committed had nothing to withhold: it gets its
    /// stake back and forfeits its registration fee (which stays in the task's reward pot).
    function test_withhold_registeredButNeverCommittedForfeitsTheFee() public {
        uint256 taskId = _createDefaultTask();
        _registerNode(taskId, _node(0), 10e18);
        _commitModel(taskId, _node(0), _modelCID(0));
        _registerNode(taskId, _node(1), 10e18); // never commits
        _registerValidator(taskId, _validator(0), 10e18);
        _toReveal(taskId);
        _revealModel(taskId, _node(0), _modelCID(0));
        _revealValidation(taskId);
        _toScoreCommit(taskId);
        _scoreAll(taskId, _matrix(1, 1, 0.9e18));
        _finalizeAll(taskId);
        assertFalse(arena.submission(taskId, 1).slashed);
        (uint256 stake, uint256 reward, uint256 refund) = arena.claimable(taskId, _node(1));
        assertEq(stake, 10e18);
        assertEq(reward + refund, 0);
        // Both fees are in the pot the revealed node and the validator share.
        IArena.SettlementInfo memory st = arena.settlement(taskId);
        assertEq(st.nodeReward + st.validatorReward + st.creatorReward, 2 * FEE);
    }

    /// @notice Withholding cannot choose the sampling seed: with the same block, the seed is the
    /// same whether the last node reveals or not (only the creator's salt, revealed with the
    /// validation set, and the drawing block's prevrandao feed it).
    function test_withhold_cannotChooseTheSeed() public {
        config.set(Params.ARENA_SAMPLE_SIZE, 1);
        bytes32[2] memory seeds;
        for (uint256 run; run < 2; ++run) {
            uint256 snap = vm.snapshotState();
            uint256 taskId = _createDefaultTask();
            for (uint256 i; i < 2; ++i) {
                _registerNode(taskId, _node(i), 10e18);
                _commitModel(taskId, _node(i), _modelCID(i));
            }
            _registerValidator(taskId, _validator(0), 10e18);
            _registerValidator(taskId, _validator(1), 20e18);
            _toReveal(taskId);
            _revealModel(taskId, _node(0), _modelCID(0));
            if (run == 0) _revealModel(taskId, _node(1), _modelCID(1));
            _revealValidation(taskId);
            _toScoreReveal(taskId);
            vm.prevrandao(bytes32(uint256(42)));
            seeds[run] = arena.drawSeed(taskId);
            vm.revertToState(snap);
        }
        assertEq(seeds[0], seeds[1]);
    }

    /// @notice The slash reaches the node's delegation pool pro rata, through the same path as
    /// every other slash (reason NodeNoReveal).
    function test_withhold_slashReachesThePoolProRata() public {
        address n = _node(1);
        _createPool(n, SIGMA);
        _delegate(alice, n, 30e18);
        uint256 taskId = _task(false);
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTypes.Slashed(taskId, n, IArenaTypes.SlashReason.NodeNoReveal, 1e18, 3e18);
        arena.finalize(taskId, 10);
        assertEq(pools.pool(n).totalStake, 27e18);
    }

    /// @notice A cancelled task (its creator withheld the validation set) slashes no node: every
    /// node gets its stake and fee back, revealed or not.
    function test_withhold_cancelledTaskRefundsNodesThatDidNotReveal() public {
        uint256 taskId = _createDefaultTask();
        _registerNode(taskId, _node(0), 10e18);
        _commitModel(taskId, _node(0), _modelCID(0));
        _toScoreCommit(taskId);
        arena.cancel(taskId);
        (uint256 stake,, uint256 refund) = arena.claimable(taskId, _node(0));
        assertEq(stake, 10e18);
        assertEq(refund, FEE);
    }
}
