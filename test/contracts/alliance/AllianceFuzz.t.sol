// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {AllianceRoles} from "../../../contracts/alliance/AllianceRoles.sol";
import {IAllianceTypes} from "../../../contracts/interfaces/IAllianceTypes.sol";
import {AllianceTaskFixture} from "../utils/AllianceTaskFixture.sol";

/// @notice Fuzz tests of the Alliance: the roles a round draws are exactly {AllianceRoles}' for its
/// word and stakes; and whatever the stakes, the behaviours (silent, withholding, revealing,
/// blaming, disagreeing on the aggregate or the verdict) and the settlement batches, rewards stay
/// within funded + emitted, claims pay exactly what was credited, and every token is accounted for.
contract AllianceFuzzTest is AllianceTaskFixture {
    using Math for uint256;

    uint256 private _nonce;
    uint256 private _seed;

    function _rand(uint256 mod) private returns (uint256) {
        return uint256(keccak256(abi.encode(_seed, _nonce++))) % mod;
    }

    function _task(uint256 n, uint16 rounds, uint16 k, uint256 pool) private returns (uint256 taskId) {
        IAllianceTypes.TaskParams memory p = _allianceParams(rounds, pool);
        p.proposersPerRound = k;
        p.minParticipants = k + 1;
        p.maxParticipants = uint16(Math.max(n, k + 1));
        taskId = _createAllianceTask(p);
        for (uint256 i; i < n; ++i) {
            _joinAs(taskId, _member(i), 10e18 + _rand(1_000e18));
        }
    }

    /// @notice The proposer mask, the proposer and voter stakes and every roleOf are those of
    /// AllianceRoles.draw(word, the round's stakes in list order, k).
    function testFuzz_roles_matchAllianceRoles(uint256 word, uint256 seed, uint8 nSeed, uint8 kSeed) public {
        _seed = seed;
        uint256 n = bound(nSeed, 2, 24);
        uint16 k = uint16(bound(kSeed, 1, Math.min(n - 1, 8)));
        uint256 taskId = _task(n, 1, k, 0);
        _start(taskId);
        _fulfil(taskId, word);
        (, uint256[] memory stakes) = alliance.participants(taskId);
        alliance.drawRoles(taskId);
        (uint256[] memory drawn, uint256 mask) = AllianceRoles.draw(word, stakes, k);
        IAllianceTypes.RoundInfo memory r = alliance.round(taskId, 1);
        assertEq(r.proposerMask, mask);
        uint256 proposerStake;
        uint256 total;
        for (uint256 j; j < drawn.length; ++j) {
            proposerStake += stakes[drawn[j]];
        }
        for (uint256 i; i < n; ++i) {
            total += stakes[i];
            (IAllianceTypes.Role role, uint256 index) = alliance.roleOf(taskId, 1, _member(i));
            assertEq(index, i);
            bool proposes = AllianceRoles.isProposer(mask, i);
            assertEq(uint8(role), uint8(proposes ? IAllianceTypes.Role.Proposer : IAllianceTypes.Role.Voter));
        }
        assertEq(r.proposerStake, proposerStake);
        assertEq(r.voterStake, total - proposerStake);
        IAllianceTypes.Update[] memory ups = alliance.updates(taskId, 1);
        assertEq(ups.length, k);
        for (uint256 j; j < ups.length; ++j) {
            assertEq(ups[j].proposer, _member(ups[j].index));
        }
    }

    /// @dev One round with random behaviours, left Settling: proposers silent, withholding or
    /// revealing; voters silent, withholding, or revealing the aggregate (or another), improved
    /// or not, blaming any proposers.
    function _randomRound(uint256 taskId) private {
        uint256 r = _roundNow(taskId);
        (address[] memory ps, address[] memory vs) = _roles(taskId);
        uint256[] memory pb = new uint256[](ps.length);
        uint64[] memory examples = new uint64[](ps.length);
        for (uint256 i; i < ps.length; ++i) {
            pb[i] = _rand(4); // 0 silent, 1 withholds, 2-3 reveals
            examples[i] = uint64(1 + _rand(1000));
            if (pb[i] > 0) _commitUpdateAs(taskId, ps[i], _updateCID(ps[i], r), examples[i]);
        }
        _toProposeReveal(taskId);
        for (uint256 i; i < ps.length; ++i) {
            if (pb[i] >= 2) _revealUpdateAs(taskId, ps[i], _updateCID(ps[i], r), examples[i]);
        }
        _toVoteCommit(taskId);
        uint256 proposerMask = alliance.round(taskId, r).proposerMask;
        IAllianceTypes.Vote[] memory votes = new IAllianceTypes.Vote[](vs.length);
        uint256[] memory vb = new uint256[](vs.length);
        for (uint256 i; i < vs.length; ++i) {
            vb[i] = _rand(6); // 0 silent, 1 withholds, 2-5 reveal
            string memory cid = _rand(4) == 0 ? "other" : _aggregateCID(r);
            int256 next = _rand(3) == 0 ? int256(0.7e18) : int256(0.9e18);
            votes[i] = _vote(cid, 0.8e18, next, proposerMask & _rand(type(uint256).max));
            if (vb[i] > 0) _commitVoteAs(taskId, vs[i], votes[i]);
        }
        _toVoteReveal(taskId);
        for (uint256 i; i < vs.length; ++i) {
            if (vb[i] >= 2) _revealVoteAs(taskId, vs[i], votes[i]);
        }
        _toSettling(taskId);
    }

    /// @notice Paid never exceeds funded + emitted: per round its payments stay within its
    /// reward, per task the credits equal `allocated` <= funded + emission earned; claims pay
    /// exactly what was credited and the stakes less what was burned; afterwards the Alliance
    /// holds only the emission never credited to a task.
    function testFuzz_settlement_withinBudgetAndConserved(uint256 seed, uint8 nSeed, uint8 roundsSeed, uint256 pool)
        public
    {
        _seed = seed;
        uint256 n = bound(nSeed, 4, 12);
        uint16 rounds = uint16(bound(roundsSeed, 1, 3));
        pool = bound(pool, 0, 1_000_000e18);
        uint256 taskId = _task(n, rounds, 2, pool);
        uint256 staked = gm.balanceOf(address(alliance));
        vm.warp(start + 1 days + 1);
        alliance.sync();

        for (uint256 round_ = 1; round_ <= rounds; ++round_) {
            if (alliance.task(taskId).status != IAllianceTypes.TaskStatus.Running && round_ > 1) break;
            _start(taskId);
            if (alliance.task(taskId).status != IAllianceTypes.TaskStatus.Running) break;
            _fulfil(taskId, uint256(keccak256(abi.encode(seed, round_))));
            alliance.drawRoles(taskId);
            _randomRound(taskId);
            bool done;
            uint256 allocatedBefore = alliance.task(taskId).allocated;
            while (!done) {
                (, done) = alliance.settleRound(taskId, 1 + _rand(5));
            }
            IAllianceTypes.RoundInfo memory ri = alliance.round(taskId, round_);
            IAllianceTypes.TaskInfo memory t = alliance.task(taskId);
            assertLe(t.allocated - allocatedBefore, ri.reward, "a round paid more than its reward");
            assertLe(t.allocated, t.funded + t.emissionEarned, "paid more than funded + emitted");
            vm.warp(block.timestamp + _rand(2 days));
        }
        IAllianceTypes.TaskInfo memory end = alliance.task(taskId);
        assertEq(uint8(end.status), uint8(IAllianceTypes.TaskStatus.Finished));

        uint256 credited;
        uint256 returned;
        uint256 claimedFlock;
        for (uint256 i; i < n; ++i) {
            IAllianceTypes.MemberInfo memory m = alliance.member(taskId, _member(i));
            credited += m.rewardEarned;
            (uint256 s, uint256 rew,,) = alliance.claimable(taskId, _member(i));
            if (s + rew == 0) continue;
            uint256 f = flock.balanceOf(_member(i));
            uint256 g = gm.balanceOf(_member(i));
            _claimAlliance(taskId, _member(i));
            assertEq(flock.balanceOf(_member(i)) - f, rew);
            assertEq(gm.balanceOf(_member(i)) - g, s);
            claimedFlock += rew;
            returned += s;
        }
        assertEq(credited, end.allocated);
        assertEq(claimedFlock, credited);
        (uint256 cs,,, uint256 refund) = alliance.claimable(taskId, allianceCreator);
        if (cs + refund > 0) _claimAlliance(taskId, allianceCreator);
        returned += cs;
        (uint256 pulled, uint256 taskEmission,,,,, uint256 burned) = alliance.totals();
        assertEq(returned + burned, staked, "gmFLOCK: stakes returned + burned != staked");
        assertEq(gm.balanceOf(address(alliance)), 0);
        assertEq(flock.balanceOf(address(alliance)), pulled - taskEmission, "FLOCK left != emission never credited");
        assertLe(taskEmission, pulled);
    }
}
