// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {Alliance} from "../../../contracts/alliance/Alliance.sol";
import {AllianceLens} from "../../../contracts/alliance/AllianceLens.sol";
import {AllianceRoles} from "../../../contracts/alliance/AllianceRoles.sol";
import {AllianceSettlement} from "../../../contracts/alliance/AllianceSettlement.sol";
import {AllianceStorage} from "../../../contracts/alliance/AllianceStorage.sol";
import {IAlliance} from "../../../contracts/interfaces/IAlliance.sol";
import {IAllianceActions} from "../../../contracts/interfaces/IAllianceActions.sol";
import {IAllianceRandomness} from "../../../contracts/interfaces/IAllianceRandomness.sol";
import {IAllianceTypes} from "../../../contracts/interfaces/IAllianceTypes.sol";
import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {IDelegationPools} from "../../../contracts/interfaces/IDelegationPools.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {AllianceTaskFixture} from "../utils/AllianceTaskFixture.sol";

/// @notice Unit tests of every Alliance action, each of its custom errors, every outcome and the
/// events, and whole tasks: a 3-round task with a poisoner blamed, a lazy voter and a withholding
/// proposer, claims that pay exactly what was credited, the creator's refund; a cancelled task;
/// an expired round; leaving between and during rounds; a task started from an Arena winner.
contract AllianceLifecycleTest is AllianceTaskFixture {
    using Math for uint256;

    int256 internal constant PREV = 0.80e18;
    int256 internal constant BETTER = 0.85e18;
    int256 internal constant WORSE = 0.75e18;

    // ================================================================ helpers

    /// @dev The round's stakes in list order (its first n entries), as the draw read them.
    function _roundStakes(uint256 taskId) internal view returns (uint256[] memory stakes) {
        uint256 n = alliance.round(taskId, _roundNow(taskId)).participants;
        (, uint256[] memory all) = alliance.participants(taskId);
        stakes = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            stakes[i] = all[i];
        }
    }

    /// @dev The first word from `seed` on whose draw `who` proposes (or votes).
    function _wordFor(uint256 taskId, address who, bool propose, uint256 seed) internal view returns (uint256 w) {
        uint256[] memory stakes = _roundStakes(taskId);
        uint256 idx = _indexOf(taskId, who);
        uint256 k = alliance.params(taskId).proposersPerRound;
        for (w = seed;; ++w) {
            (, uint256 mask) = AllianceRoles.draw(w, stakes, k);
            if (AllianceRoles.isProposer(mask, idx) == propose) return w;
        }
    }

    /// @dev Starts the next round and draws it with a word on which `who` proposes (or votes).
    function _startWith(uint256 taskId, address who, bool propose) internal {
        _start(taskId);
        _fulfil(taskId, _wordFor(taskId, who, propose, 1));
        alliance.drawRoles(taskId);
    }

    function _defaultTask(uint256 n) internal returns (uint256) {
        return _taskWithMembers(3, 300e18, n);
    }

    function _expectRevertCreate(IAllianceTypes.TaskParams memory p, bytes memory err) internal {
        _fundCreator(allianceCreator, p);
        vm.prank(allianceCreator);
        vm.expectRevert(err);
        alliance.createTask(p);
    }

    function _badParams(string memory reason) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAllianceTypes.AllianceBadParams.selector, reason);
    }

    function _outcomeOf(Vm.Log[] memory logs, address who) internal pure returns (bool found, IAllianceTypes.Outcome o, uint256 reward) {
        bytes32 sig = IAllianceTypes.ParticipantSettled.selector;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics.length == 4 && logs[i].topics[0] == sig && address(uint160(uint256(logs[i].topics[3]))) == who) {
                (, IAllianceTypes.Outcome out, uint256 rew,,) =
                    abi.decode(logs[i].data, (IAllianceTypes.Role, IAllianceTypes.Outcome, uint256, uint256, uint256));
                return (true, out, rew);
            }
        }
    }

    // ================================================================ deployment

    function test_constructor_wiresModulesAndApprovesPools() public view {
        (address s, address l) = alliance.modules();
        assertEq(s, address(allianceSettlement));
        assertEq(l, address(allianceLens));
        assertEq(flock.allowance(address(alliance), address(pools)), type(uint256).max);
        (IERC20 f,,,, IDelegationPools p, IAllianceRandomness r, IArena a) = alliance.contracts();
        assertEq(address(f), address(flock));
        assertEq(address(p), address(pools));
        assertEq(address(r), address(randomness));
        assertEq(address(a), address(arena));
        assertEq(address(alliance.randomness()), address(randomness));
        assertEq(alliance.MAX_ROUNDS(), 1000);
        assertEq(alliance.MAX_CID_LENGTH(), 128);
        assertEq(alliance.MAX_SCORE(), 1e36);
        assertEq(alliance.MAX_PARTICIPANTS(), 256);
        assertEq(alliance.MAX_PROPOSERS(), 64);
        assertEq(alliance.taskCount(), 0);
    }

    function test_RevertWhen_constructorModuleMismatch() public {
        AllianceLens other = new AllianceLens(
            IERC20(address(flock)), gm, config, emission, pools, randomness, IArena(address(1))
        );
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceModuleMismatch.selector, address(other)));
        new Alliance(
            IERC20(address(flock)),
            gm,
            config,
            emission,
            pools,
            randomness,
            arena,
            AllianceStorage(allianceSettlement),
            AllianceStorage(other)
        );
    }

    function test_RevertWhen_settlementModuleCalledDirectly() public {
        vm.expectRevert(AllianceSettlement.AllianceSettlementDirectCall.selector);
        allianceSettlement.startRound(1);
    }

    function test_RevertWhen_unknownSelector() public {
        (bool ok,) = address(alliance).call(abi.encodeWithSignature("nope()"));
        assertFalse(ok);
    }

    // ================================================================ createTask

    function test_createTask_storesTaskAndEmits() public {
        IAllianceTypes.TaskParams memory p = _allianceParams(3, 300e18);
        _fundCreator(allianceCreator, p);
        vm.expectEmit(true, true, false, true, address(alliance));
        emit IAllianceTypes.TaskCreated(1, allianceCreator, p.initialModelCID, p.specCID, 3, A_CREATOR_STAKE, 300e18);
        vm.prank(allianceCreator);
        uint256 taskId = alliance.createTask(p);
        assertEq(taskId, 1);
        assertEq(alliance.taskCount(), 1);

        IAllianceTypes.TaskInfo memory t = alliance.task(taskId);
        assertEq(t.creator, allianceCreator);
        assertEq(uint8(t.status), uint8(IAllianceTypes.TaskStatus.Joining));
        assertEq(t.round, 0);
        assertEq(t.globalModelCID, p.initialModelCID);
        assertEq(t.createdAt, block.timestamp);
        assertEq(t.joinEnd, block.timestamp + JOIN);
        assertEq(t.totalStake, A_CREATOR_STAKE);
        assertEq(t.funded, 300e18);
        assertEq(t.allocated, 0);

        IAllianceTypes.TaskParams memory q = alliance.params(taskId);
        assertEq(q.specCID, p.specCID);
        assertEq(q.rounds, 3);
        assertEq(q.minStake, A_MIN_STAKE);
        assertEq(gm.balanceOf(address(alliance)), A_CREATOR_STAKE);
        assertEq(flock.balanceOf(address(alliance)), 300e18);
        assertEq(alliance.emissionWeight(), A_CREATOR_STAKE);
        (,,, uint256 totalWeight,) = alliance.stream();
        assertEq(totalWeight, A_CREATOR_STAKE);
        (,, uint256 funded,,,,) = alliance.totals();
        assertEq(funded, 300e18);
    }

    function test_RevertWhen_createTaskBadParams() public {
        IAllianceTypes.TaskParams memory p;

        p = _allianceParams(0, 0);
        _expectRevertCreate(p, _badParams("rounds"));
        p = _allianceParams(1001, 0);
        _expectRevertCreate(p, _badParams("rounds"));

        p = _allianceParams(3, 0);
        p.proposersPerRound = 0;
        _expectRevertCreate(p, _badParams("proposersPerRound"));
        p.proposersPerRound = 65;
        _expectRevertCreate(p, _badParams("proposersPerRound"));

        p = _allianceParams(3, 0);
        p.minParticipants = 2; // = k: nobody would vote
        _expectRevertCreate(p, _badParams("participants"));
        p = _allianceParams(3, 0);
        p.minParticipants = 21;
        _expectRevertCreate(p, _badParams("participants"));
        p = _allianceParams(3, 0);
        p.maxParticipants = 257;
        _expectRevertCreate(p, _badParams("participants"));

        p = _allianceParams(3, 0);
        p.joinDuration = 4 minutes; // below alliance.minPhase (5 minutes)
        _expectRevertCreate(p, _badParams("duration"));
        p = _allianceParams(3, 0);
        p.voteRevealDuration = 0;
        _expectRevertCreate(p, _badParams("duration"));
        p = _allianceParams(3, 0);
        p.proposeRevealDuration = 366 days;
        _expectRevertCreate(p, _badParams("duration"));

        p = _allianceParams(3, 0);
        p.minStake = 0.5e18;
        _expectRevertCreate(p, abi.encodeWithSelector(IAllianceTypes.AllianceStakeTooLow.selector, 0.5e18, 1e18));
        p = _allianceParams(3, 0);
        p.creatorStake = 99e18;
        _expectRevertCreate(p, abi.encodeWithSelector(IAllianceTypes.AllianceStakeTooLow.selector, 99e18, 100e18));

        p = _allianceParams(3, 0);
        p.specCID = "";
        _expectRevertCreate(p, abi.encodeWithSelector(IAllianceTypes.AllianceInvalidCID.selector));
        p = _allianceParams(3, 0);
        p.initialModelCID = "";
        _expectRevertCreate(p, abi.encodeWithSelector(IAllianceTypes.AllianceInvalidCID.selector));
        p.initialModelCID = string(new bytes(129));
        _expectRevertCreate(p, abi.encodeWithSelector(IAllianceTypes.AllianceInvalidCID.selector));

        p = _allianceParams(3, 0);
        p.privacy = IAllianceTypes.Privacy({clipNorm: 0, noiseMultiplier: 1e18});
        _expectRevertCreate(p, _badParams("privacy"));
    }

    function test_createTask_aggregationMustFitK() public {
        IAllianceTypes.TaskParams memory p = _allianceParams(3, 0);
        p.proposersPerRound = 7;
        p.minParticipants = 8;
        // Bulyan: k >= 4f + 3.
        p.aggregation = IAllianceTypes.Aggregation(IAllianceTypes.Rule.Bulyan, 2, 0, 0);
        _expectRevertCreate(p, _badParams("aggregation"));
        p.aggregation.f = 1;
        _createAllianceTask(p);
        // Krum: k > 2f + 2.
        p.aggregation = IAllianceTypes.Aggregation(IAllianceTypes.Rule.Krum, 3, 0, 0);
        _expectRevertCreate(p, _badParams("aggregation"));
        p.aggregation.f = 2;
        _createAllianceTask(p);
        // MultiKrum: also 1 <= m <= k.
        p.aggregation = IAllianceTypes.Aggregation(IAllianceTypes.Rule.MultiKrum, 2, 0, 0);
        _expectRevertCreate(p, _badParams("aggregation"));
        p.aggregation.m = 8;
        _expectRevertCreate(p, _badParams("aggregation"));
        p.aggregation.m = 7;
        _createAllianceTask(p);
        // Trimmed mean: beta < 0.5 and it keeps some updates.
        p.aggregation = IAllianceTypes.Aggregation(IAllianceTypes.Rule.FedTrimmedAvg, 0, 0, 0.5e18);
        _expectRevertCreate(p, _badParams("aggregation"));
        p.aggregation.beta = 0.3e18;
        _createAllianceTask(p);
        p.aggregation = IAllianceTypes.Aggregation(IAllianceTypes.Rule.FedMedian, 0, 0, 0);
        _createAllianceTask(p);
        assertEq(alliance.taskCount(), 5);
    }

    // ================================================================ fromArena

    /// @dev A finalized Arena task of two nodes: node 0 scores 0.9 (ranked first), node 1 0.7.
    function _finishedArenaTask() internal returns (uint256 arenaTaskId) {
        arenaTaskId = _createDefaultTask();
        for (uint256 i; i < 2; ++i) {
            _registerNode(arenaTaskId, _node(i), 10e18);
            _commitModel(arenaTaskId, _node(i), _modelCID(i));
        }
        _registerValidator(arenaTaskId, _validator(0), 10e18);
        _toReveal(arenaTaskId);
        for (uint256 i; i < 2; ++i) {
            _revealModel(arenaTaskId, _node(i), _modelCID(i));
        }
        _revealValidation(arenaTaskId);
        _toScoreCommit(arenaTaskId);
        int256[][] memory scores = _matrix(1, 2, 0.9e18);
        scores[0][1] = 0.7e18;
        _scoreAll(arenaTaskId, scores);
        _finalizeAll(arenaTaskId);
        assertEq(uint8(arena.phase(arenaTaskId)), uint8(IArenaTypes.Phase.Finalized));
    }

    function test_createTask_fromArenaWinner() public {
        uint256 arenaTaskId = _finishedArenaTask();
        IAllianceTypes.TaskParams memory p = _allianceParams(2, 0);
        p.fromArena = true;
        p.arenaTaskId = arenaTaskId;
        p.arenaSubmissionId = 0;
        p.initialModelCID = ""; // ignored
        uint256 taskId = _createAllianceTask(p);
        assertEq(alliance.task(taskId).globalModelCID, _modelCID(0));
        assertEq(alliance.params(taskId).initialModelCID, _modelCID(0));
        assertTrue(alliance.params(taskId).fromArena);
    }

    function test_RevertWhen_fromArenaNotWinner() public {
        uint256 arenaTaskId = _finishedArenaTask();
        IAllianceTypes.TaskParams memory p = _allianceParams(2, 0);
        p.fromArena = true;
        p.arenaTaskId = arenaTaskId;
        p.arenaSubmissionId = 1; // ranked second
        _expectRevertCreate(
            p, abi.encodeWithSelector(IAllianceTypes.AllianceNotArenaWinner.selector, arenaTaskId, 1)
        );
        p.arenaSubmissionId = 7; // no such submission
        _expectRevertCreate(
            p, abi.encodeWithSelector(IAllianceTypes.AllianceNotArenaWinner.selector, arenaTaskId, 7)
        );
        // An Arena task still running.
        uint256 running = _createDefaultTask();
        p.arenaTaskId = running;
        p.arenaSubmissionId = 0;
        _expectRevertCreate(p, abi.encodeWithSelector(IAllianceTypes.AllianceNotArenaWinner.selector, running, 0));
        // No such Arena task.
        p.arenaTaskId = 99;
        _expectRevertCreate(p, abi.encodeWithSelector(IAllianceTypes.AllianceNotArenaWinner.selector, 99, 0));
    }

    // ================================================================ join

    function test_join_recordsMemberAndEmits() public {
        uint256 taskId = _createAllianceTask(_allianceParams(3, 0));
        address who = _member(0);
        _gmFor(who, 15e18);
        vm.startPrank(who);
        gm.approve(address(alliance), 15e18);
        vm.expectEmit(true, true, false, true, address(alliance));
        emit IAllianceTypes.Joined(taskId, who, 15e18, 0);
        alliance.join(taskId, 15e18);
        vm.stopPrank();

        IAllianceTypes.MemberInfo memory m = alliance.member(taskId, who);
        assertEq(m.index, 0);
        assertTrue(m.active);
        assertFalse(m.leaving);
        assertEq(m.ownStake, 15e18);
        assertEq(m.poolStake, 0);
        assertEq(m.joinedAt, block.timestamp);
        (address[] memory accounts, uint256[] memory stakes) = alliance.participants(taskId);
        assertEq(accounts.length, 1);
        assertEq(accounts[0], who);
        assertEq(stakes[0], 15e18);
        assertEq(alliance.task(taskId).participantCount, 1);
        assertEq(alliance.task(taskId).totalStake, A_CREATOR_STAKE + 15e18);
        assertEq(alliance.emissionWeight(), A_CREATOR_STAKE + 15e18);
        assertEq(gm.balanceOf(address(alliance)), A_CREATOR_STAKE + 15e18);
    }

    function test_join_countsAndFreezesThePool() public {
        uint256 taskId = _createAllianceTask(_allianceParams(3, 0));
        address op = _member(0);
        _createPool(op, SIGMA);
        _delegate(alice, op, POOL);
        _joinAs(taskId, op, 10e18);
        IAllianceTypes.MemberInfo memory m = alliance.member(taskId, op);
        assertEq(m.poolStake, POOL);
        assertEq(m.poolSigma, SIGMA);
        (, uint256[] memory stakes) = alliance.participants(taskId);
        assertEq(stakes[0], 10e18 + POOL);
        // Own stake only in the gauge weight; own + pool in the task's weight.
        assertEq(alliance.emissionWeight(), A_CREATOR_STAKE + 10e18);
        assertEq(alliance.task(taskId).totalStake, A_CREATOR_STAKE + 10e18 + POOL);
        uint256 until = alliance.task(taskId).joinEnd + 1 days + 4 * ROUND_PHASE + 7 days;
        assertEq(pools.pool(op).frozenUntil, until);
    }

    function test_RevertWhen_joinTwiceOrAsCreator() public {
        uint256 taskId = _createAllianceTask(_allianceParams(3, 0));
        _joinAs(taskId, _member(0), 10e18);
        _gmFor(_member(0), 10e18);
        vm.startPrank(_member(0));
        gm.approve(address(alliance), 10e18);
        vm.expectRevert(
            abi.encodeWithSelector(IAllianceTypes.AllianceAlreadyParticipating.selector, taskId, _member(0))
        );
        alliance.join(taskId, 10e18);
        vm.stopPrank();
        vm.prank(allianceCreator);
        vm.expectRevert(
            abi.encodeWithSelector(IAllianceTypes.AllianceAlreadyParticipating.selector, taskId, allianceCreator)
        );
        alliance.join(taskId, 10e18);
    }

    function test_RevertWhen_joinAfterLeaving() public {
        uint256 taskId = _createAllianceTask(_allianceParams(3, 0));
        _joinAs(taskId, _member(0), 10e18);
        vm.prank(_member(0));
        alliance.leave(taskId);
        vm.prank(_member(0));
        vm.expectRevert(
            abi.encodeWithSelector(IAllianceTypes.AllianceAlreadyParticipating.selector, taskId, _member(0))
        );
        alliance.join(taskId, 10e18);
    }

    function test_RevertWhen_joinFullLowOrUnknown() public {
        IAllianceTypes.TaskParams memory p = _allianceParams(3, 0);
        p.maxParticipants = 4;
        uint256 taskId = _createAllianceTask(p);
        for (uint256 i; i < 4; ++i) {
            _joinAs(taskId, _member(i), 10e18);
        }
        vm.prank(_member(4));
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceFull.selector, taskId, 4));
        alliance.join(taskId, 10e18);

        uint256 other = _createAllianceTask(_allianceParams(3, 0));
        vm.prank(_member(4));
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceStakeTooLow.selector, 9e18, A_MIN_STAKE));
        alliance.join(other, 9e18);

        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceUnknownTask.selector, 9));
        alliance.join(9, 10e18);
    }

    function test_RevertWhen_joinDuringLastRound() public {
        uint256 taskId = _taskWithMembers(1, 0, 4);
        _startAndDraw(taskId, 1);
        vm.prank(_member(9));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAllianceTypes.AllianceNotInStatus.selector, taskId, IAllianceTypes.TaskStatus.Running
            )
        );
        alliance.join(taskId, 10e18);
    }

    function test_join_duringARound_takesPartFromTheNext() public {
        uint256 taskId = _defaultTask(4);
        _startAndDraw(taskId, 1);
        address late = _member(9);
        _joinAs(taskId, late, 50e18);
        assertEq(_indexOf(taskId, late), 4);
        (IAllianceTypes.Role role,) = alliance.roleOf(taskId, 1, late);
        assertEq(uint8(role), uint8(IAllianceTypes.Role.None));
        vm.prank(late);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAllianceTypes.AllianceWrongRole.selector, taskId, late, IAllianceTypes.Role.Proposer
            )
        );
        alliance.commitUpdate(taskId, keccak256("x"));
        _playRound(taskId, PREV, BETTER, 0);
        _settleAll(taskId);
        _startAndDraw(taskId, 2);
        assertEq(alliance.round(taskId, 2).participants, 5);
        (role,) = alliance.roleOf(taskId, 2, late);
        assertTrue(role != IAllianceTypes.Role.None);
    }

    // ================================================================ leave

    function test_leave_whileJoining_atOnce() public {
        uint256 taskId = _defaultTask(4);
        address leaver = _member(1);
        vm.expectEmit(true, true, false, false, address(alliance));
        emit IAllianceTypes.Left(taskId, leaver);
        vm.prank(leaver);
        alliance.leave(taskId);
        // The last participant took its place.
        (address[] memory accounts,) = alliance.participants(taskId);
        assertEq(accounts.length, 3);
        assertEq(accounts[1], _member(3));
        assertEq(_indexOf(taskId, _member(3)), 1);
        assertFalse(alliance.member(taskId, leaver).active);
        assertEq(alliance.task(taskId).totalStake, A_CREATOR_STAKE + 10e18 + 30e18 + 40e18);
        (uint256 stake,,,) = alliance.claimable(taskId, leaver);
        assertEq(stake, 20e18);
        _claimAlliance(taskId, leaver);
        assertEq(gm.balanceOf(leaver), 20e18);
        assertTrue(alliance.member(taskId, leaver).stakeClaimed);
        vm.prank(leaver);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceNothingToClaim.selector, taskId, leaver));
        alliance.claim(taskId);
    }

    function test_RevertWhen_leaveNotParticipantOrTwice() public {
        uint256 taskId = _defaultTask(4);
        vm.prank(_member(7));
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceNotParticipant.selector, taskId, _member(7)));
        alliance.leave(taskId);
        _startAndDraw(taskId, 1);
        vm.prank(_member(0));
        alliance.leave(taskId);
        vm.prank(_member(0));
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceNotParticipant.selector, taskId, _member(0)));
        alliance.leave(taskId);
    }

    function test_leave_duringARound_heldUntilTheNextStart() public {
        uint256 taskId = _defaultTask(5);
        _startAndDraw(taskId, 3);
        address leaver = _member(2);
        vm.expectEmit(true, true, false, false, address(alliance));
        emit IAllianceTypes.LeaveRequested(taskId, leaver);
        vm.prank(leaver);
        alliance.leave(taskId);
        IAllianceTypes.MemberInfo memory m = alliance.member(taskId, leaver);
        assertTrue(m.active);
        assertTrue(m.leaving);
        // Its stake stays frozen while the round can still slash it.
        (uint256 stake,,,) = alliance.claimable(taskId, leaver);
        assertEq(stake, 0);
        vm.prank(leaver);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceNothingToClaim.selector, taskId, leaver));
        alliance.claim(taskId);

        // It still plays (and is settled) in this round.
        _playRound(taskId, PREV, BETTER, 0);
        vm.recordLogs();
        _settleAll(taskId);
        (bool found,,) = _outcomeOf(vm.getRecordedLogs(), leaver);
        assertTrue(found);
        assertGt(alliance.member(taskId, leaver).rewardOwed, 0);

        vm.expectEmit(true, true, false, false, address(alliance));
        emit IAllianceTypes.Left(taskId, leaver);
        _start(taskId);
        assertFalse(alliance.member(taskId, leaver).active);
        assertEq(alliance.round(taskId, 2).participants, 4);
        (stake,,,) = alliance.claimable(taskId, leaver);
        assertEq(stake, 30e18);
        // Past rounds still read right: it was in round 1, not in round 2.
        (IAllianceTypes.Role role,) = alliance.roleOf(taskId, 1, leaver);
        assertTrue(role != IAllianceTypes.Role.None);
        (role,) = alliance.roleOf(taskId, 2, leaver);
        assertEq(uint8(role), uint8(IAllianceTypes.Role.None));
    }

    function test_leave_betweenRounds_atOnce_andMoverKeepsItsPastIndex() public {
        uint256 taskId = _defaultTask(5);
        _honestRound(taskId, 5);
        (IAllianceTypes.Role moverRole, uint256 moverIndex) = alliance.roleOf(taskId, 1, _member(4));
        assertEq(moverIndex, 4);
        vm.prank(_member(0));
        alliance.leave(taskId);
        assertFalse(alliance.member(taskId, _member(0)).active);
        assertEq(_indexOf(taskId, _member(4)), 0);
        // Round 1 still reads the mover at its index of round 1.
        (IAllianceTypes.Role role, uint256 index) = alliance.roleOf(taskId, 1, _member(4));
        assertEq(index, 4);
        assertEq(uint8(role), uint8(moverRole));
        _startAndDraw(taskId, 6);
        (, index) = alliance.roleOf(taskId, 2, _member(4));
        assertEq(index, 0);
    }

    function test_leave_byALaterJoinerDuringARound_atOnce() public {
        uint256 taskId = _defaultTask(4);
        _startAndDraw(taskId, 1);
        _joinAs(taskId, _member(8), 10e18);
        _joinAs(taskId, _member(9), 10e18);
        vm.prank(_member(8));
        alliance.leave(taskId);
        assertFalse(alliance.member(taskId, _member(8)).active);
        assertEq(_indexOf(taskId, _member(9)), 4);
        (uint256 stake,,,) = alliance.claimable(taskId, _member(8));
        assertEq(stake, 10e18);
    }

    function test_RevertWhen_leaveAfterTheEnd() public {
        uint256 taskId = _defaultTask(3); // too few: cancelled
        _start(taskId);
        vm.prank(_member(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAllianceTypes.AllianceNotInStatus.selector, taskId, IAllianceTypes.TaskStatus.Cancelled
            )
        );
        alliance.leave(taskId);
    }

    // ================================================================ startRound, cancel, finish early

    function test_RevertWhen_startRoundTooEarly() public {
        uint256 taskId = _defaultTask(4);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAllianceTypes.AllianceNotInStatus.selector, taskId, IAllianceTypes.TaskStatus.Joining
            )
        );
        alliance.startRound(taskId);
        _start(taskId);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAllianceTypes.AllianceNotInPhase.selector, taskId, 1, IAllianceTypes.RoundPhase.Drawing
            )
        );
        alliance.startRound(taskId);
    }

    function test_startRound_requestsTheWordAndEmits() public {
        uint256 taskId = _defaultTask(4);
        _warpTo(alliance.task(taskId).joinEnd);
        bytes32 key = _key(taskId, 1);
        vm.expectEmit(true, true, false, true, address(alliance));
        emit IAllianceTypes.RoundStarted(taskId, 1, key, 4);
        alliance.startRound(taskId);
        IAllianceTypes.TaskInfo memory t = alliance.task(taskId);
        assertEq(uint8(t.status), uint8(IAllianceTypes.TaskStatus.Running));
        assertEq(t.round, 1);
        IAllianceTypes.RoundInfo memory r = alliance.round(taskId, 1);
        assertEq(uint8(r.phase), uint8(IAllianceTypes.RoundPhase.Drawing));
        assertEq(r.key, key);
        assertEq(r.participants, 4);
        assertEq(r.startedAt, block.timestamp);
        (, uint64 requestedAt, uint32 attempts, bool ready) = randomness.requestOf(key);
        assertEq(requestedAt, block.timestamp);
        assertEq(attempts, 1);
        assertFalse(ready);
    }

    function test_startRound_tooFewJoined_cancels() public {
        uint256 taskId = _defaultTask(3);
        vm.warp(block.timestamp + 12 hours); // some emission streams to the task
        alliance.sync();
        vm.warp(block.timestamp + 13 hours);
        uint256 treasuryBefore = flock.balanceOf(treasury);
        vm.expectEmit(true, false, false, false, address(alliance));
        emit IAllianceTypes.TaskCancelled(taskId);
        alliance.startRound(taskId);
        IAllianceTypes.TaskInfo memory t = alliance.task(taskId);
        assertEq(uint8(t.status), uint8(IAllianceTypes.TaskStatus.Cancelled));
        assertEq(alliance.emissionWeight(), 0);
        // The task's emission goes to the treasury; the creator gets stake and pool back.
        assertEq(flock.balanceOf(treasury) - treasuryBefore, t.emissionEarned);
        (uint256 stake, uint256 reward, uint256 poolReward, uint256 refund) =
            alliance.claimable(taskId, allianceCreator);
        assertEq(stake, A_CREATOR_STAKE);
        assertEq(refund, 300e18);
        assertEq(reward + poolReward, 0);
        _claimAlliance(taskId, allianceCreator);
        assertEq(gm.balanceOf(allianceCreator), A_CREATOR_STAKE);
        assertEq(flock.balanceOf(allianceCreator), 300e18);
        for (uint256 i; i < 3; ++i) {
            _claimAlliance(taskId, _member(i));
            assertEq(gm.balanceOf(_member(i)), (i + 1) * 10e18);
        }
        assertEq(gm.balanceOf(address(alliance)), 0);
        vm.prank(allianceCreator);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceNothingToClaim.selector, taskId, allianceCreator));
        alliance.claim(taskId);
    }

    function test_startRound_tooFewAfterLeaves_finishesEarly() public {
        uint256 taskId = _defaultTask(4);
        _honestRound(taskId, 1);
        vm.prank(_member(0));
        alliance.leave(taskId);
        vm.expectEmit(true, false, false, true, address(alliance));
        emit IAllianceTypes.TaskFinished(taskId, 1, _aggregateCID(1), true);
        alliance.startRound(taskId);
        assertEq(uint8(alliance.task(taskId).status), uint8(IAllianceTypes.TaskStatus.Finished));
        (uint256 stake,,,) = alliance.claimable(taskId, _member(1));
        assertEq(stake, 20e18);
    }

    function test_startRound_refusedRequest_thenExpire() public {
        uint256 taskId = _defaultTask(4);
        coordinator.removeConsumer(subId, address(randomness));
        _warpTo(alliance.task(taskId).joinEnd);
        vm.recordLogs();
        alliance.startRound(taskId);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bool failed;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] == IAllianceTypes.RandomnessRequestFailed.selector) failed = true;
        }
        assertTrue(failed);
        assertEq(uint8(alliance.round(taskId, 1).phase), uint8(IAllianceTypes.RoundPhase.Drawing));
        vm.warp(block.timestamp + 1 days);
        alliance.expireRound(taskId);
        assertEq(uint8(alliance.task(taskId).status), uint8(IAllianceTypes.TaskStatus.Finished));
    }

    /// @dev Whatever gas a caller gives startRound, it either reverts (nothing changes) or starts
    /// the round with its request made: starving the request cannot void a round.
    function test_startRound_gasGriefingCannotVoidARound() public {
        uint256 taskId = _defaultTask(4);
        _warpTo(alliance.task(taskId).joinEnd);
        bytes memory data = abi.encodeCall(IAllianceActions.startRound, (taskId));
        uint256 started;
        for (uint256 g = 100_000; g <= 700_000; g += 7_000) {
            uint256 snap = vm.snapshotState();
            (bool ok,) = address(alliance).call{gas: g}(data);
            (,, uint32 attempts,) = randomness.requestOf(_key(taskId, 1));
            if (ok) {
                ++started;
                assertEq(alliance.task(taskId).round, 1);
                assertEq(attempts, 1, "a round started without its request");
            } else {
                assertEq(alliance.task(taskId).round, 0);
            }
            vm.revertToState(snap);
        }
        assertGt(started, 0);
    }

    // ================================================================ drawRoles, expireRound

    function test_RevertWhen_drawBeforeTheWord() public {
        uint256 taskId = _defaultTask(4);
        _start(taskId);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceWordNotReady.selector, taskId, 1));
        alliance.drawRoles(taskId);
    }

    function test_drawRoles_matchesAllianceRolesAndEmits() public {
        uint256 taskId = _defaultTask(6);
        _start(taskId);
        uint256 word = uint256(keccak256("the word"));
        _fulfil(taskId, word);
        uint256[] memory stakes = _roundStakes(taskId);
        (uint256[] memory drawn, uint256 mask) = AllianceRoles.draw(word, stakes, 2);
        uint256 proposerStake = stakes[drawn[0]] + stakes[drawn[1]];
        vm.expectEmit(true, true, false, true, address(alliance));
        emit IAllianceTypes.RolesDrawn(taskId, 1, word, mask, block.timestamp + 4 * ROUND_PHASE);
        alliance.drawRoles(taskId);
        IAllianceTypes.RoundInfo memory r = alliance.round(taskId, 1);
        assertEq(r.word, word);
        assertEq(r.proposerMask, mask);
        assertEq(r.drawnAt, block.timestamp);
        assertEq(r.proposeCommitEnd, block.timestamp + ROUND_PHASE);
        assertEq(r.voteRevealEnd, block.timestamp + 4 * ROUND_PHASE);
        assertEq(r.proposerStake, proposerStake);
        assertEq(r.voterStake, 210e18 - proposerStake);
        assertEq(uint8(r.phase), uint8(IAllianceTypes.RoundPhase.ProposeCommit));
        IAllianceTypes.Update[] memory ups = alliance.updates(taskId, 1);
        assertEq(ups.length, 2);
        for (uint256 j; j < 2; ++j) {
            assertTrue(AllianceRoles.isProposer(mask, ups[j].index));
            assertEq(ups[j].proposer, _member(ups[j].index));
            assertFalse(ups[j].committed);
        }
        for (uint256 i; i < 6; ++i) {
            (IAllianceTypes.Role role, uint256 index) = alliance.roleOf(taskId, 1, _member(i));
            assertEq(index, i);
            assertEq(
                uint8(role),
                uint8(AllianceRoles.isProposer(mask, i) ? IAllianceTypes.Role.Proposer : IAllianceTypes.Role.Voter)
            );
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                IAllianceTypes.AllianceNotInPhase.selector, taskId, 1, IAllianceTypes.RoundPhase.ProposeCommit
            )
        );
        alliance.drawRoles(taskId);
    }

    function test_drawRoles_extendsThePoolFreeze() public {
        uint256 taskId = _createAllianceTask(_allianceParams(3, 0));
        _createPool(_member(0), SIGMA);
        _delegate(alice, _member(0), POOL);
        for (uint256 i; i < 4; ++i) {
            _joinAs(taskId, _member(i), 10e18);
        }
        vm.warp(alliance.task(taskId).joinEnd + 30 hours);
        alliance.startRound(taskId);
        _fulfil(taskId, 1);
        alliance.drawRoles(taskId);
        assertEq(pools.pool(_member(0)).frozenUntil, alliance.round(taskId, 1).voteRevealEnd + 7 days);
    }

    function test_RevertWhen_expireTooEarlyOrWordReady() public {
        uint256 taskId = _defaultTask(4);
        _start(taskId);
        uint256 expiresAt = block.timestamp + 1 days;
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceDrawNotExpired.selector, taskId, expiresAt));
        alliance.expireRound(taskId);
        _fulfil(taskId, 1);
        vm.warp(expiresAt);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceWordReady.selector, taskId, 1));
        alliance.expireRound(taskId);
        alliance.drawRoles(taskId);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAllianceTypes.AllianceNotInPhase.selector, taskId, 1, IAllianceTypes.RoundPhase.ProposeCommit
            )
        );
        alliance.expireRound(taskId);
    }

    function test_expireRound_finishesEarlyAndRefunds() public {
        uint256 taskId = _defaultTask(4);
        _honestRound(taskId, 1);
        _start(taskId);
        // The request times out; a renewal is allowed but nothing answers.
        vm.warp(block.timestamp + REQUEST_TIMEOUT);
        randomness.reRequest(_key(taskId, 2));
        vm.warp(block.timestamp + 1 days);
        vm.expectEmit(true, false, false, true, address(alliance));
        emit IAllianceTypes.TaskFinished(taskId, 1, _aggregateCID(1), true);
        alliance.expireRound(taskId);
        IAllianceTypes.RoundInfo memory r = alliance.round(taskId, 2);
        assertEq(uint8(r.phase), uint8(IAllianceTypes.RoundPhase.Settled));
        IAllianceTypes.TaskInfo memory t = alliance.task(taskId);
        assertEq(uint8(t.status), uint8(IAllianceTypes.TaskStatus.Finished));
        // The creator's refund: the unspent rest in proportion funded : emission.
        uint256 leftover = t.funded + t.emissionEarned - t.allocated;
        (,,, uint256 refund) = alliance.claimable(taskId, allianceCreator);
        assertEq(refund, leftover.mulDiv(t.funded, t.funded + t.emissionEarned));
        // A late word changes nothing.
        _fulfil(taskId, 7);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAllianceTypes.AllianceNotInStatus.selector, taskId, IAllianceTypes.TaskStatus.Finished
            )
        );
        alliance.drawRoles(taskId);
    }

    // ================================================================ commit-reveal: updates

    function test_commitAndRevealUpdate() public {
        uint256 taskId = _defaultTask(4);
        _startAndDraw(taskId, 1);
        (address[] memory ps,) = _roles(taskId);
        address p = ps[0];
        string memory cid = _updateCID(p, 1);
        bytes32 c = alliance.updateCommitment(taskId, 1, cid, 640, p, _updateSalt(p, 1));
        assertEq(c, keccak256(abi.encode(taskId, uint256(1), cid, uint64(640), p, _updateSalt(p, 1))));
        // A first commit, then a replacing one.
        vm.prank(p);
        alliance.commitUpdate(taskId, keccak256("first"));
        vm.expectEmit(true, true, true, true, address(alliance));
        emit IAllianceTypes.UpdateCommitted(taskId, 1, p, c);
        vm.prank(p);
        alliance.commitUpdate(taskId, c);
        _toProposeReveal(taskId);
        vm.expectEmit(true, true, true, true, address(alliance));
        emit IAllianceTypes.UpdateRevealed(taskId, 1, p, cid, 640);
        _revealUpdateAs(taskId, p, cid, 640);
        IAllianceTypes.Update[] memory ups = alliance.updates(taskId, 1);
        uint256 j = ups[0].proposer == p ? 0 : 1;
        assertTrue(ups[j].committed);
        assertTrue(ups[j].revealed);
        assertEq(ups[j].updateCID, cid);
        assertEq(ups[j].examples, 640);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceCannotReveal.selector, taskId, p));
        alliance.revealUpdate(taskId, cid, 640, _updateSalt(p, 1));
    }

    function test_RevertWhen_commitUpdateWrongCallerPhaseOrZero() public {
        uint256 taskId = _defaultTask(4);
        _start(taskId);
        vm.prank(_member(0));
        vm.expectRevert(
            abi.encodeWithSelector(IAllianceTypes.AllianceNotInPhase.selector, taskId, 1, IAllianceTypes.RoundPhase.Drawing)
        );
        alliance.commitUpdate(taskId, keccak256("c"));
        _fulfil(taskId, 1);
        alliance.drawRoles(taskId);
        (address[] memory ps, address[] memory vs) = _roles(taskId);
        vm.prank(vs[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IAllianceTypes.AllianceWrongRole.selector, taskId, vs[0], IAllianceTypes.Role.Proposer)
        );
        alliance.commitUpdate(taskId, keccak256("c"));
        vm.prank(stranger());
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceNotParticipant.selector, taskId, stranger()));
        alliance.commitUpdate(taskId, keccak256("c"));
        vm.prank(ps[0]);
        vm.expectRevert(IAllianceTypes.AllianceZeroCommitment.selector);
        alliance.commitUpdate(taskId, bytes32(0));
        _toProposeReveal(taskId);
        vm.prank(ps[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAllianceTypes.AllianceNotInPhase.selector, taskId, 1, IAllianceTypes.RoundPhase.ProposeReveal
            )
        );
        alliance.commitUpdate(taskId, keccak256("c"));
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceUnknownTask.selector, 42));
        alliance.commitUpdate(42, keccak256("c"));
    }

    function stranger() internal pure returns (address) {
        return address(0xBAD);
    }

    function test_RevertWhen_revealUpdateWrong() public {
        uint256 taskId = _defaultTask(4);
        _startAndDraw(taskId, 1);
        (address[] memory ps,) = _roles(taskId);
        _commitUpdateAs(taskId, ps[0], "cid", 10);
        _commitUpdateAs(taskId, ps[1], "", 10);
        _toProposeReveal(taskId);
        // Another CID, examples or salt than committed.
        vm.prank(ps[0]);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceCommitmentMismatch.selector, taskId, ps[0]));
        alliance.revealUpdate(taskId, "cid2", 10, _updateSalt(ps[0], 1));
        vm.prank(ps[0]);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceCommitmentMismatch.selector, taskId, ps[0]));
        alliance.revealUpdate(taskId, "cid", 11, _updateSalt(ps[0], 1));
        // Committed to an empty CID: cannot be revealed.
        vm.prank(ps[1]);
        vm.expectRevert(IAllianceTypes.AllianceInvalidCID.selector);
        alliance.revealUpdate(taskId, "", 10, _updateSalt(ps[1], 1));
        // Zero examples.
        string memory cid = "zero";
        uint256 taskB = _taskWithMembers(3, 0, 4);
        _startAndDraw(taskB, 1);
        (address[] memory qs,) = _roles(taskB);
        _commitUpdateAs(taskB, qs[0], cid, 0);
        _toProposeReveal(taskB);
        vm.prank(qs[0]);
        vm.expectRevert(IAllianceTypes.AllianceZeroExamples.selector);
        alliance.revealUpdate(taskB, cid, 0, _updateSalt(qs[0], 1));
        // Nothing committed.
        vm.prank(qs[1]);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceCannotReveal.selector, taskB, qs[1]));
        alliance.revealUpdate(taskB, cid, 1, _updateSalt(qs[1], 1));
    }

    // ================================================================ commit-reveal: votes

    function test_commitAndRevealVote() public {
        uint256 taskId = _defaultTask(4);
        _startAndDraw(taskId, 1);
        (address[] memory ps, address[] memory vs) = _roles(taskId);
        uint256 blame = 1 << _indexOf(taskId, ps[1]);
        _toVoteCommit(taskId);
        address v = vs[0];
        IAllianceTypes.Vote memory vote = _vote("agg", PREV, BETTER, blame);
        {
            bytes32 c = alliance.voteCommitment(taskId, 1, vote, v, _voteSalt(v, 1));
            assertEq(c, keccak256(abi.encode(taskId, uint256(1), vote, v, _voteSalt(v, 1))));
            vm.expectEmit(true, true, true, true, address(alliance));
            emit IAllianceTypes.VoteCommitted(taskId, 1, v, c);
            vm.prank(v);
            alliance.commitVote(taskId, c);
            (bool committed, bool revealed,) = alliance.voteOf(taskId, 1, v);
            assertTrue(committed);
            assertFalse(revealed);
        }
        _toVoteReveal(taskId);
        vm.expectEmit(true, true, true, true, address(alliance));
        emit IAllianceTypes.VoteRevealed(taskId, 1, v, "agg", PREV, BETTER, true, blame);
        _revealVoteAs(taskId, v, vote);
        {
            (, bool revealed, IAllianceTypes.Vote memory got) = alliance.voteOf(taskId, 1, v);
            assertTrue(revealed);
            assertEq(got.aggregateCID, "agg");
            assertEq(got.previousScore, PREV);
            assertEq(got.newScore, BETTER);
            assertEq(got.blame, blame);
        }
        uint256 stake = alliance.member(taskId, v).ownStake;
        {
            IAllianceTypes.RoundInfo memory r = alliance.round(taskId, 1);
            assertEq(r.aggregateCID, "agg");
            assertEq(r.winningStake, stake);
            assertEq(r.improvedStake, stake);
        }
        {
            IAllianceTypes.Update[] memory ups = alliance.updates(taskId, 1);
            uint256 j = ups[0].proposer == ps[1] ? 0 : 1;
            assertEq(ups[j].blameStake, stake);
            assertEq(ups[1 - j].blameStake, 0);
        }
        vm.prank(v);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceCannotReveal.selector, taskId, v));
        alliance.revealVote(taskId, vote, _voteSalt(v, 1));
    }

    function test_RevertWhen_voteWrong() public {
        uint256 taskId = _defaultTask(5);
        _startAndDraw(taskId, 1);
        (address[] memory ps, address[] memory vs) = _roles(taskId);
        _toVoteCommit(taskId);
        vm.prank(ps[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IAllianceTypes.AllianceWrongRole.selector, taskId, ps[0], IAllianceTypes.Role.Voter)
        );
        alliance.commitVote(taskId, keccak256("c"));
        vm.prank(vs[0]);
        vm.expectRevert(IAllianceTypes.AllianceZeroCommitment.selector);
        alliance.commitVote(taskId, bytes32(0));

        IAllianceTypes.Vote memory tooHigh = _vote("agg", PREV, 1e36 + 1, 0);
        IAllianceTypes.Vote memory tooLow = _vote("agg", -1e36 - 1, PREV, 0);
        uint256 voterMask = (1 << _indexOf(taskId, vs[0]));
        IAllianceTypes.Vote memory badBlame = _vote("agg", PREV, BETTER, voterMask);
        IAllianceTypes.Vote memory emptyCID = _vote("", PREV, BETTER, 0);
        _commitVoteAs(taskId, vs[0], tooHigh);
        _commitVoteAs(taskId, vs[1], tooLow);
        _commitVoteAs(taskId, vs[2], badBlame);
        _toVoteReveal(taskId);
        vm.prank(vs[0]);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceScoreOutOfRange.selector, int256(1e36 + 1)));
        alliance.revealVote(taskId, tooHigh, _voteSalt(vs[0], 1));
        vm.prank(vs[1]);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceScoreOutOfRange.selector, int256(-1e36 - 1)));
        alliance.revealVote(taskId, tooLow, _voteSalt(vs[1], 1));
        vm.prank(vs[2]);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceBadBlame.selector, voterMask));
        alliance.revealVote(taskId, badBlame, _voteSalt(vs[2], 1));
        // Another vote than committed.
        vm.prank(vs[0]);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceCommitmentMismatch.selector, taskId, vs[0]));
        alliance.revealVote(taskId, _vote("agg", PREV, BETTER, 0), _voteSalt(vs[0], 1));
        // Nothing committed.
        vm.prank(ps[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IAllianceTypes.AllianceWrongRole.selector, taskId, ps[0], IAllianceTypes.Role.Voter)
        );
        alliance.revealVote(taskId, emptyCID, _voteSalt(ps[0], 1));
        uint256 taskB = _taskWithMembers(3, 0, 4);
        _startAndDraw(taskB, 1);
        (, address[] memory ws) = _roles(taskB);
        _toVoteCommit(taskB);
        _commitVoteAs(taskB, ws[0], emptyCID);
        _toVoteReveal(taskB);
        vm.prank(ws[0]);
        vm.expectRevert(IAllianceTypes.AllianceInvalidCID.selector);
        alliance.revealVote(taskB, emptyCID, _voteSalt(ws[0], 1));
        vm.prank(ws[1]);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceCannotReveal.selector, taskB, ws[1]));
        alliance.revealVote(taskB, emptyCID, _voteSalt(ws[1], 1));
    }

    function test_revealVote_lowerIsBetterMetric() public {
        IAllianceTypes.TaskParams memory p = _allianceParams(1, 100e18);
        p.metric = IArenaTypes.Metric.MSE;
        uint256 taskId = _createAllianceTask(p);
        for (uint256 i; i < 4; ++i) {
            _joinAs(taskId, _member(i), 10e18);
        }
        _startAndDraw(taskId, 1);
        _playRound(taskId, 0.5e18, 0.4e18, 0); // the loss went down: improved
        _settleAll(taskId);
        assertTrue(alliance.round(taskId, 1).accepted);
    }

    /// @dev A tie is not a failure: on a voter's small test split a saturated metric (F1 1.0)
    /// cannot rise, and a strict "better" froze the e2e task after its first round.
    function test_revealVote_aTieCountsAsNotWorse() public {
        uint256 taskId = _defaultTask(5);
        _startAndDraw(taskId, 2);
        _playRound(taskId, 1e18, 1e18, 0);
        _settleAll(taskId);
        assertTrue(alliance.round(taskId, 1).accepted);
    }

    function test_revealVote_aTieCountsAsNotWorse_lowerIsBetter() public {
        IAllianceTypes.TaskParams memory p = _allianceParams(1, 100e18);
        p.metric = IArenaTypes.Metric.MSE;
        uint256 taskId = _createAllianceTask(p);
        for (uint256 i; i < 4; ++i) {
            _joinAs(taskId, _member(i), 10e18);
        }
        _startAndDraw(taskId, 1);
        _playRound(taskId, 0.5e18, 0.5e18, 0);
        _settleAll(taskId);
        assertTrue(alliance.round(taskId, 1).accepted);
    }

    // ================================================================ settleRound

    function test_RevertWhen_settleEarlyOrZeroBatch() public {
        uint256 taskId = _defaultTask(4);
        _startAndDraw(taskId, 1);
        _toVoteReveal(taskId);
        vm.expectRevert(
            abi.encodeWithSelector(IAllianceTypes.AllianceNotInPhase.selector, taskId, 1, IAllianceTypes.RoundPhase.VoteReveal)
        );
        alliance.settleRound(taskId, 10);
        _toSettling(taskId);
        vm.expectRevert(IAllianceTypes.AllianceBadBatch.selector);
        alliance.settleRound(taskId, 0);
    }

    function test_settleRound_inBatches() public {
        uint256 taskId = _defaultTask(6);
        _startAndDraw(taskId, 1);
        _playRound(taskId, PREV, BETTER, 0);
        IAllianceTypes.TaskInfo memory t = alliance.task(taskId);
        uint256 expectedReward = (300e18 + alliance.task(taskId).emissionEarned) / 3;
        vm.expectEmit(true, true, false, false, address(alliance));
        emit IAllianceTypes.RoundResult(taskId, 1, true, _aggregateCID(1), expectedReward);
        (uint256 settled, bool done) = alliance.settleRound(taskId, 4);
        assertEq(settled, 4);
        assertFalse(done);
        IAllianceTypes.RoundInfo memory r = alliance.round(taskId, 1);
        assertEq(uint8(r.phase), uint8(IAllianceTypes.RoundPhase.Settling));
        assertEq(r.settledCount, 4);
        assertTrue(r.accepted);
        assertEq(r.reward, expectedReward);
        (settled, done) = alliance.settleRound(taskId, 4);
        assertEq(settled, 2);
        assertTrue(done);
        r = alliance.round(taskId, 1);
        assertEq(uint8(r.phase), uint8(IAllianceTypes.RoundPhase.Settled));
        // Everyone was paid: R * stake / total, the rest stays with the task.
        uint256 total = uint256(r.proposerStake) + r.voterStake;
        uint256 paid;
        for (uint256 i; i < 6; ++i) {
            uint256 owed = alliance.member(taskId, _member(i)).rewardOwed;
            assertEq(owed, r.reward.mulDiv((i + 1) * 10e18, total));
            paid += owed;
        }
        t = alliance.task(taskId);
        assertEq(t.allocated, paid);
        assertEq(t.globalModelCID, _aggregateCID(1));
        assertEq(t.roundsAccepted, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IAllianceTypes.AllianceNotInPhase.selector, taskId, 1, IAllianceTypes.RoundPhase.Settled)
        );
        alliance.settleRound(taskId, 1);
    }

    function test_settleRound_failedRound_paysTheVotersThatSaidSo() public {
        uint256 taskId = _defaultTask(5);
        _startAndDraw(taskId, 2);
        _playRound(taskId, PREV, WORSE, 0); // everyone: the aggregate is worse
        vm.recordLogs();
        _settleAll(taskId);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        IAllianceTypes.RoundInfo memory r = alliance.round(taskId, 1);
        assertFalse(r.accepted);
        assertEq(alliance.task(taskId).globalModelCID, "bafy-initial-model");
        (address[] memory ps, address[] memory vs) = _roles(taskId);
        for (uint256 i; i < ps.length; ++i) {
            (, IAllianceTypes.Outcome o, uint256 reward) = _outcomeOf(logs, ps[i]);
            assertEq(uint8(o), uint8(IAllianceTypes.Outcome.Unpaid));
            assertEq(reward, 0);
        }
        for (uint256 i; i < vs.length; ++i) {
            (, IAllianceTypes.Outcome o, uint256 reward) = _outcomeOf(logs, vs[i]);
            assertEq(uint8(o), uint8(IAllianceTypes.Outcome.Paid));
            assertGt(reward, 0);
        }
    }

    /// @dev Proposers reveal; voters vs[0..2] vote `good`, vs[3] `doubt`, vs[4] `lazy`, vs[5]
    /// commits `good` and withholds.
    function _splitVotes(uint256 taskId, address[] memory ps, address[] memory vs) internal {
        for (uint256 i; i < ps.length; ++i) {
            _commitUpdateAs(taskId, ps[i], _updateCID(ps[i], 1), 10);
        }
        _toProposeReveal(taskId);
        for (uint256 i; i < ps.length; ++i) {
            _revealUpdateAs(taskId, ps[i], _updateCID(ps[i], 1), 10);
        }
        _toVoteCommit(taskId);
        IAllianceTypes.Vote memory good = _vote("agg", PREV, BETTER, 0);
        IAllianceTypes.Vote memory doubt = _vote("agg", PREV, WORSE, 0);
        IAllianceTypes.Vote memory lazy = _vote("lazy", PREV, BETTER, 0);
        for (uint256 i; i < 3; ++i) {
            _commitVoteAs(taskId, vs[i], good);
        }
        _commitVoteAs(taskId, vs[3], doubt);
        _commitVoteAs(taskId, vs[4], lazy);
        _commitVoteAs(taskId, vs[5], good);
        _toVoteReveal(taskId);
        for (uint256 i; i < 3; ++i) {
            _revealVoteAs(taskId, vs[i], good);
        }
        _revealVoteAs(taskId, vs[3], doubt);
        _revealVoteAs(taskId, vs[4], lazy);
        _toSettling(taskId);
    }

    /// @dev Voters split: the majority aggregate wins; a verdict other than the result is Unpaid;
    /// a wrong aggregate is slashed (when the winner has a majority); a withholding voter is slashed.
    function test_settleRound_voterOutcomes() public {
        uint256 taskId = _defaultTask(8);
        _startAndDraw(taskId, 11);
        (address[] memory ps, address[] memory vs) = _roles(taskId);
        assertEq(vs.length, 6);
        _splitVotes(taskId, ps, vs);
        uint256 goodStake;
        for (uint256 i; i < 3; ++i) {
            goodStake += alliance.member(taskId, vs[i]).ownStake;
        }
        uint256 winStake = goodStake + alliance.member(taskId, vs[3]).ownStake;
        vm.recordLogs();
        _settleAll(taskId);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        IAllianceTypes.RoundInfo memory r = alliance.round(taskId, 1);
        assertEq(r.winningStake, winStake);
        assertEq(r.improvedStake, goodStake);
        assertEq(r.accepted, goodStake * 2 > r.voterStake);
        for (uint256 i; i < 6; ++i) {
            (, IAllianceTypes.Outcome o,) = _outcomeOf(logs, vs[i]);
            IAllianceTypes.Outcome want;
            if (i < 3) want = r.accepted ? IAllianceTypes.Outcome.Paid : IAllianceTypes.Outcome.Unpaid;
            else if (i == 3) want = r.accepted ? IAllianceTypes.Outcome.Unpaid : IAllianceTypes.Outcome.Paid;
            else if (i == 4) {
                want = winStake * 2 > r.voterStake
                    ? IAllianceTypes.Outcome.VoterWrongAggregate
                    : IAllianceTypes.Outcome.Unpaid;
            } else {
                want = IAllianceTypes.Outcome.VoterNoReveal;
            }
            assertEq(uint8(o), uint8(want));
        }
        // voterSlash (5%) of its stake, burned.
        uint256 s5 = (_indexOf(taskId, vs[5]) + 1) * 10e18;
        assertEq(alliance.member(taskId, vs[5]).slashed, s5 / 20);
        assertEq(alliance.member(taskId, vs[5]).ownStake, s5 - s5 / 20);
    }

    function test_settleRound_tie_firstToReachWins() public {
        // Two voters of equal stake reveal different aggregates: the first revealed wins, and
        // with no majority nobody is slashed for the aggregate.
        IAllianceTypes.TaskParams memory p = _allianceParams(1, 100e18);
        p.proposersPerRound = 1;
        p.minParticipants = 3;
        uint256 taskId = _createAllianceTask(p);
        for (uint256 i; i < 3; ++i) {
            _joinAs(taskId, _member(i), 10e18);
        }
        _startAndDraw(taskId, 1);
        (address[] memory ps, address[] memory vs) = _roles(taskId);
        _commitUpdateAs(taskId, ps[0], "u", 1);
        _toProposeReveal(taskId);
        _revealUpdateAs(taskId, ps[0], "u", 1);
        _toVoteCommit(taskId);
        _commitVoteAs(taskId, vs[0], _vote("b", PREV, BETTER, 0));
        _commitVoteAs(taskId, vs[1], _vote("a", PREV, BETTER, 0));
        _toVoteReveal(taskId);
        _revealVoteAs(taskId, vs[1], _vote("a", PREV, BETTER, 0));
        _revealVoteAs(taskId, vs[0], _vote("b", PREV, BETTER, 0));
        _toSettling(taskId);
        vm.recordLogs();
        _settleAll(taskId);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        IAllianceTypes.RoundInfo memory r = alliance.round(taskId, 1);
        assertEq(r.aggregateCID, "a");
        assertFalse(r.accepted); // half, not more than half
        (, IAllianceTypes.Outcome o0,) = _outcomeOf(logs, vs[0]);
        assertEq(uint8(o0), uint8(IAllianceTypes.Outcome.Unpaid));
        (, IAllianceTypes.Outcome o1,) = _outcomeOf(logs, vs[1]);
        assertEq(uint8(o1), uint8(IAllianceTypes.Outcome.Unpaid)); // "improved" but the round failed
        assertEq(uint8(alliance.task(taskId).status), uint8(IAllianceTypes.TaskStatus.Finished));
    }

    function test_settleRound_proposerOutcomes() public {
        uint256 taskId = _defaultTask(6);
        _startAndDraw(taskId, 4);
        (address[] memory ps, address[] memory vs) = _roles(taskId);
        // ps[0] reveals and is blamed by every voter; ps[1] commits and withholds.
        _commitUpdateAs(taskId, ps[0], "poison", 10);
        _commitUpdateAs(taskId, ps[1], "honest", 10);
        _toProposeReveal(taskId);
        _revealUpdateAs(taskId, ps[0], "poison", 10);
        _toVoteCommit(taskId);
        IAllianceTypes.Vote memory v = _vote("agg", PREV, BETTER, 1 << _indexOf(taskId, ps[0]));
        for (uint256 i; i < vs.length; ++i) {
            _commitVoteAs(taskId, vs[i], v);
        }
        _toVoteReveal(taskId);
        for (uint256 i; i < vs.length; ++i) {
            _revealVoteAs(taskId, vs[i], v);
        }
        _toSettling(taskId);
        uint256 s0 = alliance.member(taskId, ps[0]).ownStake;
        uint256 burnedBefore = _burned();
        vm.recordLogs();
        _settleAll(taskId);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        (, IAllianceTypes.Outcome o0,) = _outcomeOf(logs, ps[0]);
        assertEq(uint8(o0), uint8(IAllianceTypes.Outcome.ProposerBlamed));
        (, IAllianceTypes.Outcome o1,) = _outcomeOf(logs, ps[1]);
        assertEq(uint8(o1), uint8(IAllianceTypes.Outcome.ProposerNoReveal));
        assertEq(alliance.member(taskId, ps[0]).ownStake, s0 - s0 / 10);
        assertEq(alliance.member(taskId, ps[0]).slashed, s0 / 10);
        uint256 s1 = (_indexOf(taskId, ps[1]) + 1) * 10e18;
        assertEq(_burned() - burnedBefore, s0 / 10 + s1 / 10);
        // The slashed stake left the task's weight.
        assertEq(
            alliance.task(taskId).totalStake, A_CREATOR_STAKE + 210e18 - s0 / 10 - s1 / 10
        );
    }

    function _burned() internal view returns (uint256 b) {
        (,,,,,, b) = alliance.totals();
    }

    function test_settleRound_fullySlashed_removedAtTheNextStart() public {
        config.set(Params.ALLIANCE_PROPOSER_SLASH, 1e18);
        uint256 taskId = _defaultTask(6);
        _startAndDraw(taskId, 4);
        (address[] memory ps,) = _roles(taskId);
        _commitUpdateAs(taskId, ps[0], "withheld", 10);
        _toSettling(taskId);
        _settleAll(taskId);
        assertEq(alliance.member(taskId, ps[0]).ownStake, 0);
        assertTrue(alliance.member(taskId, ps[0]).active);
        vm.expectEmit(true, true, false, false, address(alliance));
        emit IAllianceTypes.Left(taskId, ps[0]);
        _start(taskId);
        assertFalse(alliance.member(taskId, ps[0]).active);
        assertEq(alliance.round(taskId, 2).participants, 5);
        vm.prank(ps[0]);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceNothingToClaim.selector, taskId, ps[0]));
        alliance.claim(taskId);
    }

    // ================================================================ pools

    function test_pool_rewardIntoPoolAndSlashReachesIt() public {
        address op = _member(0);
        _createPool(op, SIGMA);
        _delegate(alice, op, POOL);
        uint256 taskId = _createAllianceTask(_allianceParams(2, 300e18));
        for (uint256 i; i < 4; ++i) {
            _joinAs(taskId, _member(i), 10e18);
        }
        // Round 1: the operator votes honestly and is paid, its pool's part into the pool.
        _start(taskId);
        _fulfil(taskId, _wordFor(taskId, op, false, 1));
        alliance.drawRoles(taskId);
        _playRound(taskId, PREV, BETTER, 0);
        _settleAll(taskId);
        IAllianceTypes.MemberInfo memory m = alliance.member(taskId, op);
        assertGt(m.rewardOwed, 0);
        assertEq(m.poolRewardOwed, m.rewardOwed.mulDiv(POOL, POOL + 10e18));
        uint256 poolFlockBefore = flock.balanceOf(address(pools));
        uint256 opBefore = flock.balanceOf(op);
        (, uint256 reward, uint256 poolReward,) = alliance.claimable(taskId, op);
        _claimAlliance(taskId, op);
        assertEq(flock.balanceOf(address(pools)) - poolFlockBefore, poolReward);
        assertEq(flock.balanceOf(op) - opBefore, reward - poolReward);
        assertEq(alliance.member(taskId, op).rewardOwed, 0);
        assertEq(alliance.member(taskId, op).rewardEarned, reward);

        // Round 2: it proposes and withholds: slashed 10% of own and pool stake.
        _start(taskId);
        _fulfil(taskId, _wordFor(taskId, op, true, 1));
        alliance.drawRoles(taskId);
        _commitUpdateAs(taskId, op, "withheld", 1);
        _toSettling(taskId);
        uint256 poolStakeBefore = pools.pool(op).totalStake;
        _settleAll(taskId);
        assertEq(poolStakeBefore - pools.pool(op).totalStake, POOL / 10);
        m = alliance.member(taskId, op);
        assertEq(m.ownStake, 9e18);
        assertEq(m.poolStake, POOL - POOL / 10);
        assertEq(m.slashed, 1e18 + POOL / 10);
        assertEq(uint8(alliance.task(taskId).status), uint8(IAllianceTypes.TaskStatus.Finished));
        (uint256 stake,,,) = alliance.claimable(taskId, op);
        assertEq(stake, 9e18);
    }

    // ================================================================ emission

    function test_sync_streamsEmissionToTasksByStake() public {
        uint256 a = _taskWithMembers(3, 0, 4); // 100 + 100
        uint256 b = _createAllianceTask(_allianceParams(3, 0)); // 100
        vm.warp(start + 1 days + 1);
        vm.expectEmit(false, false, false, false, address(alliance));
        emit IAllianceTypes.EmissionStreamed(0, 0, 0);
        alliance.sync();
        (uint256 pulled,,,,,,) = alliance.totals();
        assertGt(pulled, 0);
        vm.warp(block.timestamp + 2 days);
        uint256 ea = alliance.task(a).emissionEarned;
        uint256 eb = alliance.task(b).emissionEarned;
        assertApproxEqRel(ea, 2 * eb, 1e12);
        assertLe(ea + eb, pulled);
        assertApproxEqRel(ea + eb, pulled, 1e12);
    }

    function test_emission_fundsTheRewardsAndTheTreasuryGetsItsPart() public {
        uint256 taskId = _taskWithMembers(1, 100e18, 4);
        vm.warp(start + 1 days + 1);
        alliance.sync();
        vm.warp(block.timestamp + 1 days);
        _startAndDraw(taskId, 9);
        _playRound(taskId, PREV, WORSE, 0); // failed: voters paid, proposers not
        uint256 treasuryBefore = flock.balanceOf(treasury);
        _settleAll(taskId);
        IAllianceTypes.TaskInfo memory t = alliance.task(taskId);
        assertGt(t.emissionEarned, 0);
        assertEq(alliance.round(taskId, 1).reward, 100e18 + t.emissionEarned);
        uint256 leftover = 100e18 + t.emissionEarned - t.allocated;
        uint256 refund = leftover.mulDiv(100e18, 100e18 + t.emissionEarned);
        (,,, uint256 owed) = alliance.claimable(taskId, allianceCreator);
        assertEq(owed, refund);
        assertEq(flock.balanceOf(treasury) - treasuryBefore, leftover - refund);
    }

    // ================================================================ claims

    function test_RevertWhen_claimNothing() public {
        uint256 taskId = _defaultTask(4);
        vm.prank(_member(0));
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceNothingToClaim.selector, taskId, _member(0)));
        alliance.claim(taskId);
        vm.prank(allianceCreator);
        vm.expectRevert(
            abi.encodeWithSelector(IAllianceTypes.AllianceNothingToClaim.selector, taskId, allianceCreator)
        );
        alliance.claim(taskId);
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceUnknownTask.selector, 77));
        alliance.claim(77);
    }

    function test_claim_rewardsDuringTheTask() public {
        uint256 taskId = _defaultTask(4);
        _honestRound(taskId, 1);
        uint256 owed = alliance.member(taskId, _member(2)).rewardOwed;
        assertGt(owed, 0);
        vm.expectEmit(true, true, false, true, address(alliance));
        emit IAllianceTypes.Claimed(taskId, _member(2), 0, owed, 0, 0);
        _claimAlliance(taskId, _member(2));
        assertEq(flock.balanceOf(_member(2)), owed);
        // The stake stays until it leaves or the task ends.
        vm.prank(_member(2));
        vm.expectRevert(abi.encodeWithSelector(IAllianceTypes.AllianceNothingToClaim.selector, taskId, _member(2)));
        alliance.claim(taskId);
    }

    // ================================================================ whole tasks

    /// @dev Three rounds: round 1 a poisoner proposes and is blamed and slashed; round 2 a lazy
    /// voter reveals another aggregate and is slashed; round 3 a proposer withholds and is
    /// slashed. Then every claim pays exactly what was credited, and the creator gets its stake
    /// and its share of the rest.
    function test_fullTask_threeRounds() public {
        uint256 taskId = _defaultTask(6);
        address poisoner = _member(5);
        address lazy = _member(1);
        address withholder = _member(3);
        vm.warp(start + 1 days + 1);
        alliance.sync();

        // Round 1: the poisoner proposes; every voter blames it; the aggregate still improves.
        _startWith(taskId, poisoner, true);
        {
            (address[] memory ps, address[] memory vs) = _roles(taskId);
            for (uint256 i; i < ps.length; ++i) {
                _commitUpdateAs(taskId, ps[i], _updateCID(ps[i], 1), 50);
            }
            _toProposeReveal(taskId);
            for (uint256 i; i < ps.length; ++i) {
                _revealUpdateAs(taskId, ps[i], _updateCID(ps[i], 1), 50);
            }
            _toVoteCommit(taskId);
            IAllianceTypes.Vote memory v = _vote(_aggregateCID(1), PREV, BETTER, 1 << _indexOf(taskId, poisoner));
            for (uint256 i; i < vs.length; ++i) {
                _commitVoteAs(taskId, vs[i], v);
            }
            _toVoteReveal(taskId);
            for (uint256 i; i < vs.length; ++i) {
                _revealVoteAs(taskId, vs[i], v);
            }
            _toSettling(taskId);
        }
        vm.recordLogs();
        _settleAll(taskId);
        {
            (, IAllianceTypes.Outcome o,) = _outcomeOf(vm.getRecordedLogs(), poisoner);
            assertEq(uint8(o), uint8(IAllianceTypes.Outcome.ProposerBlamed));
            assertEq(alliance.member(taskId, poisoner).slashed, 6e18); // 10% of 60
        }

        // Round 2: the lazy voter reveals a stale aggregate.
        _startWith(taskId, lazy, false);
        {
            (address[] memory ps, address[] memory vs) = _roles(taskId);
            for (uint256 i; i < ps.length; ++i) {
                _commitUpdateAs(taskId, ps[i], _updateCID(ps[i], 2), 50);
            }
            _toProposeReveal(taskId);
            for (uint256 i; i < ps.length; ++i) {
                _revealUpdateAs(taskId, ps[i], _updateCID(ps[i], 2), 50);
            }
            _toVoteCommit(taskId);
            IAllianceTypes.Vote memory v = _vote(_aggregateCID(2), BETTER, 0.9e18, 0);
            IAllianceTypes.Vote memory stale = _vote(_aggregateCID(1), BETTER, 0.9e18, 0);
            for (uint256 i; i < vs.length; ++i) {
                _commitVoteAs(taskId, vs[i], vs[i] == lazy ? stale : v);
            }
            _toVoteReveal(taskId);
            for (uint256 i; i < vs.length; ++i) {
                _revealVoteAs(taskId, vs[i], vs[i] == lazy ? stale : v);
            }
            _toSettling(taskId);
        }
        vm.recordLogs();
        _settleAll(taskId);
        {
            (, IAllianceTypes.Outcome o,) = _outcomeOf(vm.getRecordedLogs(), lazy);
            assertEq(uint8(o), uint8(IAllianceTypes.Outcome.VoterWrongAggregate));
            assertEq(alliance.member(taskId, lazy).slashed, 1e18); // 5% of 20
        }

        // Round 3: the withholder proposes, commits and never reveals.
        _startWith(taskId, withholder, true);
        {
            (address[] memory ps, address[] memory vs) = _roles(taskId);
            for (uint256 i; i < ps.length; ++i) {
                _commitUpdateAs(taskId, ps[i], _updateCID(ps[i], 3), 50);
            }
            _toProposeReveal(taskId);
            for (uint256 i; i < ps.length; ++i) {
                if (ps[i] != withholder) _revealUpdateAs(taskId, ps[i], _updateCID(ps[i], 3), 50);
            }
            _toVoteCommit(taskId);
            IAllianceTypes.Vote memory v = _vote(_aggregateCID(3), 0.9e18, 0.92e18, 0);
            for (uint256 i; i < vs.length; ++i) {
                _commitVoteAs(taskId, vs[i], v);
            }
            _toVoteReveal(taskId);
            for (uint256 i; i < vs.length; ++i) {
                _revealVoteAs(taskId, vs[i], v);
            }
            _toSettling(taskId);
        }
        vm.recordLogs();
        uint256 treasuryBefore = flock.balanceOf(treasury);
        _settleAll(taskId);
        {
            (, IAllianceTypes.Outcome o,) = _outcomeOf(vm.getRecordedLogs(), withholder);
            assertEq(uint8(o), uint8(IAllianceTypes.Outcome.ProposerNoReveal));
            assertEq(alliance.member(taskId, withholder).slashed, 4e18); // 10% of 40
        }

        IAllianceTypes.TaskInfo memory t = alliance.task(taskId);
        assertEq(uint8(t.status), uint8(IAllianceTypes.TaskStatus.Finished));
        assertEq(t.roundsAccepted, 3);
        assertEq(t.globalModelCID, _aggregateCID(3));
        assertEq(alliance.emissionWeight(), 0);

        // Claims pay exactly what was credited.
        uint256 credited;
        uint256 claimed;
        for (uint256 i; i < 6; ++i) {
            address who = _member(i);
            IAllianceTypes.MemberInfo memory m = alliance.member(taskId, who);
            credited += m.rewardEarned;
            uint256 flockBefore = flock.balanceOf(who);
            uint256 gmBefore = gm.balanceOf(who);
            _claimAlliance(taskId, who);
            claimed += flock.balanceOf(who) - flockBefore;
            assertEq(gm.balanceOf(who) - gmBefore, (i + 1) * 10e18 - m.slashed);
        }
        assertEq(credited, t.allocated);
        assertEq(claimed, credited);
        // The creator: its stake and the rest in proportion funded : emission; the treasury the other part.
        uint256 leftover = t.funded + t.emissionEarned - t.allocated;
        uint256 refund = leftover.mulDiv(t.funded, t.funded + t.emissionEarned);
        assertEq(flock.balanceOf(treasury) - treasuryBefore, leftover - refund);
        _claimAlliance(taskId, allianceCreator);
        assertEq(flock.balanceOf(allianceCreator), refund);
        assertEq(gm.balanceOf(allianceCreator), A_CREATOR_STAKE);
        assertEq(gm.balanceOf(address(alliance)), 0);
        // What is left is the emission never credited to a task (the stream's unstreamed rest).
        (uint256 pulled, uint256 taskEmission,,,,,) = alliance.totals();
        assertEq(flock.balanceOf(address(alliance)), pulled - taskEmission);
    }
}
