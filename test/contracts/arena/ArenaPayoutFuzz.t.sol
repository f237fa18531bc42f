// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {ArenaFixture} from "./ArenaFixture.sol";

/// @notice Fuzz tests of a whole task with random stakes, scores (near consensus, far off, or
/// invalid), bounty and emission: payouts never exceed the task's budget, each side's payouts
/// never exceed that side's reward, and node payouts are monotonic in rank.
contract ArenaPayoutFuzzTest is ArenaFixture {
    struct Run {
        uint256 taskId;
        uint256 n;
        uint256 m;
        uint256 bounty;
    }

    function _rand(uint256 seed, uint256 salt) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, salt)));
    }

    /// @dev Runs a task to the start of Finalizing: n nodes, m validators, random stakes; the
    /// emission of day 0 streams into it. Validator j scores submission i near a base score, or
    /// far off, or invalid, as the seed says.
    function _run(uint256 seed, uint256 n, uint256 m, bool equalStakes) internal returns (Run memory r) {
        r.n = n;
        r.m = m;
        r.bounty = _rand(seed, 1) % 100e18;
        IArena.TaskParams memory p = _params();
        p.bounty = r.bounty;
        p.creatorStake = CREATOR_STAKE + _rand(seed, 2) % 1_000e18;
        r.taskId = _createTask(p);
        for (uint256 i; i < n; ++i) {
            uint256 stake = equalStakes ? 10e18 : MIN_STAKE + _rand(seed, 10 + i) % 500e18;
            _registerNode(r.taskId, _node(i), stake);
            _commitModel(r.taskId, _node(i), _modelCID(i));
        }
        for (uint256 j; j < m; ++j) {
            _registerValidator(r.taskId, _validator(j), MIN_STAKE + _rand(seed, 100 + j) % 500e18);
        }
        vm.warp(start + 1 days + 1 hours);
        arena.sync(); // day 0's emission streams into the task
        for (uint256 i; i < n; ++i) {
            _revealModel(r.taskId, _node(i), _modelCID(i));
        }
        _revealValidation(r.taskId);
        _toScoreCommit(r.taskId);
        for (uint256 j; j < m; ++j) {
            for (uint256 i; i < n; ++i) {
                (int256 s, bool invalid) = _score(seed, i, j);
                _commitScore(r.taskId, j, i, s, invalid);
            }
        }
        _toScoreReveal(r.taskId);
        for (uint256 j; j < m; ++j) {
            for (uint256 i; i < n; ++i) {
                (int256 s, bool invalid) = _score(seed, i, j);
                _revealScore(r.taskId, j, i, s, invalid);
            }
        }
        _toFinalizing(r.taskId);
    }

    function _score(uint256 seed, uint256 i, uint256 j) internal pure returns (int256 s, bool invalid) {
        uint256 x = _rand(seed, 1000 + i * 64 + j);
        int256 base = int256(0.3e18 + _rand(seed, 500 + i) % 0.7e18); // some below the 0.5 baseline
        uint256 kind = x % 10;
        if (kind == 0) return (0, true); // invalid mark
        if (kind == 1) return (base / 2, false); // far off
        return (base + int256(x % 0.01e18) - 0.005e18, false); // within 1% of the base
    }

    function _finalizeInBatches(uint256 taskId, uint256 batch) internal {
        bool done;
        while (!done) {
            (, done) = arena.finalize(taskId, batch);
            if (arena.phase(taskId) == IArenaTypes.Phase.Finalized) return;
        }
        uint256[] memory hint = _rankingHint(taskId);
        // Rank in two calls when there are enough.
        uint256 half = hint.length / 2;
        if (half > 0) {
            uint256[] memory a = new uint256[](half);
            uint256[] memory b = new uint256[](hint.length - half);
            for (uint256 i; i < hint.length; ++i) {
                if (i < half) a[i] = hint[i];
                else b[i - half] = hint[i];
            }
            arena.rank(taskId, a);
            arena.rank(taskId, b);
        } else {
            arena.rank(taskId, hint);
        }
    }

    function testFuzz_payouts_neverExceedBudget(uint256 seed, uint8 nSeed, uint8 mSeed, uint8 batchSeed) public {
        uint256 n = bound(nSeed, 0, 8);
        uint256 m = bound(mSeed, 1, 5);
        Run memory r = _run(seed, n, m, false);
        uint256 flockBefore = flock.balanceOf(address(arena));
        uint256 treasuryBefore = flock.balanceOf(treasury);
        _finalizeInBatches(r.taskId, bound(batchSeed, 1, 9));
        assertEq(uint8(arena.phase(r.taskId)), uint8(IArenaTypes.Phase.Finalized));

        IArena.SettlementInfo memory st = arena.settlement(r.taskId);
        uint256 budget = st.emission + n * FEE + r.bounty;
        assertEq(st.nodeReward + st.validatorReward + st.creatorReward, budget);

        uint256 nodePaid;
        uint256 validatorPaid;
        for (uint256 i; i < n; ++i) {
            (, uint256 reward,) = arena.claimable(r.taskId, _node(i));
            nodePaid += reward;
            _claim(r.taskId, _node(i));
        }
        for (uint256 j; j < m; ++j) {
            (, uint256 reward,) = arena.claimable(r.taskId, _validator(j));
            validatorPaid += reward;
            _claim(r.taskId, _validator(j));
        }
        _claim(r.taskId, creator);
        assertLe(nodePaid, st.nodeReward);
        assertLe(validatorPaid, st.validatorReward);
        uint256 toTreasury = flock.balanceOf(treasury) - treasuryBefore;
        assertEq(toTreasury, st.unallocated);
        assertLe(nodePaid + validatorPaid + st.creatorReward + toTreasury, budget);
        // Everything but rounding dust (at most a wei per payee) left the Arena; stakes all settled.
        assertLe(flock.balanceOf(address(arena)) - (flockBefore - budget), n + m + 1);
        assertEq(gm.balanceOf(address(arena)), 0);
    }

    function testFuzz_payouts_monotonicInRank(uint256 seed, uint8 nSeed, bool equalStakes) public {
        uint256 n = bound(nSeed, 2, 8);
        Run memory r = _run(seed, n, 3, equalStakes);
        _finalizeInBatches(r.taskId, 3);
        uint256[] memory order = _rankedOrder(r.taskId, n);
        for (uint256 k = 1; k < order.length; ++k) {
            IArena.SubmissionInfo memory better = arena.submission(r.taskId, order[k - 1]);
            IArena.SubmissionInfo memory worse = arena.submission(r.taskId, order[k]);
            assertLe(better.rank, worse.rank);
            assertGe(better.rankFactor, worse.rankFactor);
            (, uint256 rb,) = arena.claimable(r.taskId, better.account);
            (, uint256 rw,) = arena.claimable(r.taskId, worse.account);
            uint256 sb = better.ownStake + better.poolStake;
            uint256 sw = worse.ownStake + worse.poolStake;
            if (equalStakes) assertGe(rb, rw);
            // Per unit of stake, a better rank never pays less (cross-multiplied; rounding: 1 wei).
            assertGe((rb + 1) * sw, rw * sb);
        }
        // Nodes that were not ranked get nothing.
        for (uint256 i; i < n; ++i) {
            IArena.SubmissionInfo memory s = arena.submission(r.taskId, i);
            if (s.status != IArenaTypes.SubmissionStatus.Ranked) {
                (, uint256 reward,) = arena.claimable(r.taskId, s.account);
                assertEq(reward, 0);
            }
        }
    }

    /// @dev Ranked submissions sorted by rank.
    function _rankedOrder(uint256 taskId, uint256 n) internal view returns (uint256[] memory order) {
        uint256[] memory tmp = new uint256[](n);
        uint256[] memory ranks = new uint256[](n);
        uint256 count;
        for (uint256 i; i < n; ++i) {
            IArena.SubmissionInfo memory s = arena.submission(taskId, i);
            if (s.status != IArenaTypes.SubmissionStatus.Ranked) continue;
            uint256 j = count;
            while (j > 0 && ranks[j - 1] > s.rank) {
                tmp[j] = tmp[j - 1];
                ranks[j] = ranks[j - 1];
                --j;
            }
            tmp[j] = i;
            ranks[j] = s.rank;
            ++count;
        }
        order = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            order[i] = tmp[i];
        }
    }
}
