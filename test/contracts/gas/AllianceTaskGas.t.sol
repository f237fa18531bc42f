// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AllianceRoles} from "../../../contracts/alliance/AllianceRoles.sol";
import {IAllianceTypes} from "../../../contracts/interfaces/IAllianceTypes.sol";
import {AllianceTaskFixture} from "../utils/AllianceTaskFixture.sol";

/// @notice Named gas snapshots (group "alliance", written to snapshots/alliance.json) of every
/// Alliance task operation, each on its own call with cold storage (`vm.cool`, as in the
/// transaction that makes it), in a live economy (the emission running, another task before).
/// The role draw and whole-round settlement are measured at 6, 20/64 and 256 participants (the
/// bound); settlement also per participant (a paid voter; a proposer with a delegation pool,
/// slashed) and for its first call, which fixes the round's result.
contract AllianceTaskGasTest is AllianceTaskFixture {
    uint256 internal taskId;

    function setUp() public override {
        super.setUp();
        // A first task, run through one round, so the measured operations are not the first writes.
        uint256 warm = _taskWithMembers(1, 100e18, 4);
        vm.warp(start + 1 days + 1);
        alliance.sync();
        _honestRound(warm, 1);
    }

    function _coolAll() internal {
        vm.cool(address(alliance));
        vm.cool(address(allianceSettlement));
        vm.cool(address(allianceLens));
        vm.cool(address(randomness));
        vm.cool(address(coordinator));
        vm.cool(address(pools));
        vm.cool(address(emission));
        vm.cool(address(gm));
        vm.cool(address(flock));
        vm.cool(address(config));
    }

    /// @dev A task of `n` members (stakes 10, 20, ...), k proposers, started (word pending).
    function _startedTask(uint256 n, uint16 k) internal returns (uint256 id) {
        IAllianceTypes.TaskParams memory p = _allianceParams(2, 1_000e18);
        p.proposersPerRound = k;
        p.minParticipants = k + 1;
        p.maxParticipants = uint16(n);
        id = _createAllianceTask(p);
        for (uint256 i; i < n; ++i) {
            _joinAs(id, _member(i), (i + 1) * 10e18);
        }
        _start(id);
        _fulfil(id, uint256(keccak256(abi.encode("gas word", n, k))));
    }

    function _measureDraw(uint256 n, uint16 k, string memory name) internal {
        uint256 id = _startedTask(n, k);
        _coolAll();
        alliance.drawRoles(id);
        vm.snapshotGasLastCall("alliance", name);
    }

    function test_gas_createTaskJoinStart() public {
        IAllianceTypes.TaskParams memory p = _allianceParams(3, 300e18);
        _fundCreator(allianceCreator, p);
        _coolAll();
        vm.prank(allianceCreator);
        uint256 id = alliance.createTask(p);
        vm.snapshotGasLastCall("alliance", "task_createTask");

        _gmFor(_member(0), 10e18);
        vm.prank(_member(0));
        gm.approve(address(alliance), 10e18);
        _coolAll();
        vm.prank(_member(0));
        alliance.join(id, 10e18);
        vm.snapshotGasLastCall("alliance", "task_join");

        address op = _member(1);
        _createPool(op, SIGMA);
        _delegate(alice, op, POOL);
        _gmFor(op, 10e18);
        vm.prank(op);
        gm.approve(address(alliance), 10e18);
        _coolAll();
        vm.prank(op);
        alliance.join(id, 10e18);
        vm.snapshotGasLastCall("alliance", "task_join_withPool");

        for (uint256 i = 2; i < 6; ++i) {
            _joinAs(id, _member(i), 10e18);
        }
        vm.warp(alliance.task(id).joinEnd);
        _coolAll();
        alliance.startRound(id);
        vm.snapshotGasLastCall("alliance", "task_startRound");
    }

    function test_gas_drawRoles() public {
        uint256 snap = vm.snapshotState();
        _measureDraw(6, 2, "task_drawRoles_6participants_k2");
        vm.revertToState(snap);
        _measureDraw(20, 5, "task_drawRoles_20participants_k5");
        vm.revertToState(snap);
        _measureDraw(256, 10, "task_drawRoles_256participants_k10");
        vm.revertToState(snap);
        _measureDraw(256, 64, "task_drawRoles_256participants_k64");
    }

    /// @dev Commit-reveal of an update and of a vote (blaming one proposer), each after another
    /// participant did the same (steady state); and the first reveal of an aggregate.
    function test_gas_commitReveal() public {
        taskId = _startedTask(8, 2);
        alliance.drawRoles(taskId);
        (address[] memory ps, address[] memory vs) = _roles(taskId);
        _commitUpdateAs(taskId, ps[0], _updateCID(ps[0], 1), 100);
        uint256 r = 1;
        bytes32 c = keccak256(abi.encode(taskId, r, _updateCID(ps[1], 1), uint64(100), ps[1], _updateSalt(ps[1], 1)));
        _coolAll();
        vm.prank(ps[1]);
        alliance.commitUpdate(taskId, c);
        vm.snapshotGasLastCall("alliance", "task_commitUpdate");
        _toProposeReveal(taskId);
        _revealUpdateAs(taskId, ps[0], _updateCID(ps[0], 1), 100);
        _coolAll();
        _revealUpdateAs(taskId, ps[1], _updateCID(ps[1], 1), 100);
        vm.snapshotGasLastCall("alliance", "task_revealUpdate");

        _toVoteCommit(taskId);
        IAllianceTypes.Vote memory v = _vote(_aggregateCID(1), 0.8e18, 0.85e18, 1 << _indexOf(taskId, ps[0]));
        for (uint256 i = 1; i < vs.length; ++i) {
            _commitVoteAs(taskId, vs[i], v);
        }
        c = keccak256(abi.encode(taskId, r, v, vs[0], _voteSalt(vs[0], 1)));
        _coolAll();
        vm.prank(vs[0]);
        alliance.commitVote(taskId, c);
        vm.snapshotGasLastCall("alliance", "task_commitVote");
        _toVoteReveal(taskId);
        _coolAll();
        _revealVoteAs(taskId, vs[0], v);
        vm.snapshotGasLastCall("alliance", "task_revealVote_firstOfItsAggregate");
        _coolAll();
        _revealVoteAs(taskId, vs[1], v);
        vm.snapshotGasLastCall("alliance", "task_revealVote");
    }

    /// @dev The first settlement call (fixes the result and reward) with one participant, then
    /// one paid voter alone, then a proposer with a delegation pool that withheld (slashed: own
    /// stake burned, pool slashed); and the claims after the task ends.
    function test_gas_settleAndClaim() public {
        address op = _member(0);
        _createPool(op, SIGMA);
        _delegate(alice, op, POOL);
        IAllianceTypes.TaskParams memory p = _allianceParams(1, 1_000e18);
        p.maxParticipants = 8;
        taskId = _createAllianceTask(p);
        for (uint256 i; i < 8; ++i) {
            _joinAs(taskId, _member(i), (i + 1) * 10e18);
        }
        _start(taskId);
        // A word on which the operator proposes.
        _fulfil(taskId, _wordWithProposer(taskId, 0));
        alliance.drawRoles(taskId);
        (address[] memory ps, address[] memory vs) = _roles(taskId);
        for (uint256 i; i < ps.length; ++i) {
            _commitUpdateAs(taskId, ps[i], _updateCID(ps[i], 1), 100);
        }
        _toProposeReveal(taskId);
        for (uint256 i; i < ps.length; ++i) {
            if (ps[i] != op) _revealUpdateAs(taskId, ps[i], _updateCID(ps[i], 1), 100);
        }
        _toVoteCommit(taskId);
        IAllianceTypes.Vote memory v = _vote(_aggregateCID(1), 0.8e18, 0.85e18, 0);
        for (uint256 i; i < vs.length; ++i) {
            _commitVoteAs(taskId, vs[i], v);
        }
        _toVoteReveal(taskId);
        for (uint256 i; i < vs.length; ++i) {
            _revealVoteAs(taskId, vs[i], v);
        }
        _toSettling(taskId);
        // Participant 0 is the operator (a slashed proposer); 1.. are settled one per call.
        _coolAll();
        alliance.settleRound(taskId, 1);
        vm.snapshotGasLastCall("alliance", "task_settleRound_first_1participant_slashedWithPool");
        uint256 voterIdx = _indexOf(taskId, vs[0]);
        while (alliance.round(taskId, 1).settledCount < voterIdx) {
            alliance.settleRound(taskId, 1);
        }
        _coolAll();
        alliance.settleRound(taskId, 1);
        vm.snapshotGasLastCall("alliance", "task_settleRound_1participant_paidVoter");
        alliance.settleRound(taskId, type(uint256).max);

        _coolAll();
        vm.prank(vs[0]);
        alliance.claim(taskId);
        vm.snapshotGasLastCall("alliance", "task_claim_rewardAndStake");
        _coolAll();
        vm.prank(op);
        alliance.claim(taskId);
        vm.snapshotGasLastCall("alliance", "task_claim_stakeAfterSlash");
        _coolAll();
        vm.prank(allianceCreator);
        alliance.claim(taskId);
        vm.snapshotGasLastCall("alliance", "task_claim_creator");
    }

    function test_gas_claimPoolReward() public {
        address op = _member(0);
        _createPool(op, SIGMA);
        _delegate(alice, op, POOL);
        taskId = _createAllianceTask(_allianceParams(1, 1_000e18));
        for (uint256 i; i < 5; ++i) {
            _joinAs(taskId, _member(i), (i + 1) * 10e18);
        }
        _start(taskId);
        _fulfil(taskId, _wordWithVoter(taskId, 0));
        alliance.drawRoles(taskId);
        _playRound(taskId, 0.8e18, 0.85e18, 0);
        _settleAll(taskId);
        _coolAll();
        vm.prank(op);
        alliance.claim(taskId);
        vm.snapshotGasLastCall("alliance", "task_claim_withPoolReward");
    }

    /// @dev A whole round settled in one call: 6, 64 and 256 participants, all committed and
    /// revealed (k = 2; 5; 10), everyone paid.
    function test_gas_settleWholeRound() public {
        uint256 snap = vm.snapshotState();
        _measureWholeRound(6, 2, "task_settleRound_6participants");
        vm.revertToState(snap);
        _measureWholeRound(64, 5, "task_settleRound_64participants");
        vm.revertToState(snap);
        _measureWholeRound(256, 10, "task_settleRound_256participants");
    }

    function _measureWholeRound(uint256 n, uint16 k, string memory name) internal {
        uint256 id = _startedTask(n, k);
        alliance.drawRoles(id);
        _playRound(id, 0.8e18, 0.85e18, 0);
        _coolAll();
        alliance.settleRound(id, type(uint256).max);
        vm.snapshotGasLastCall("alliance", name);
    }

    function test_gas_leaveAndExpire() public {
        taskId = _startedTask(6, 2);
        _coolAll();
        vm.prank(_member(2));
        alliance.leave(taskId);
        vm.snapshotGasLastCall("alliance", "task_leave_duringRound");
        vm.warp(block.timestamp + 1 days);
        uint256 other = _taskWithMembers(1, 0, 5);
        vm.prank(_member(1));
        alliance.leave(other);
        _coolAll();
        vm.prank(_member(3));
        alliance.leave(other);
        vm.snapshotGasLastCall("alliance", "task_leave_atOnce");
        uint256 third = _taskWithMembers(1, 100e18, 4);
        _start(third);
        vm.warp(block.timestamp + 1 days);
        _coolAll();
        alliance.expireRound(third);
        vm.snapshotGasLastCall("alliance", "task_expireRound");
    }

    function _wordWithProposer(uint256 id, uint256 index) internal view returns (uint256) {
        return _wordWhere(id, index, true);
    }

    function _wordWithVoter(uint256 id, uint256 index) internal view returns (uint256) {
        return _wordWhere(id, index, false);
    }

    function _wordWhere(uint256 id, uint256 index, bool propose) internal view returns (uint256 w) {
        (, uint256[] memory stakes) = alliance.participants(id);
        uint256 k = alliance.params(id).proposersPerRound;
        for (w = 1;; ++w) {
            (, uint256 mask) = AllianceRoles.draw(w, stakes, k);
            if (((mask >> index) & 1 == 1) == propose) return w;
        }
    }
}
