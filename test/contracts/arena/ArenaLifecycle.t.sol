// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {IDelegationPools} from "../../../contracts/interfaces/IDelegationPools.sol";
import {Arena} from "../../../contracts/arena/Arena.sol";
import {ArenaLens} from "../../../contracts/arena/ArenaLens.sol";
import {ArenaSettlement} from "../../../contracts/arena/ArenaSettlement.sol";
import {ArenaStorage} from "../../../contracts/arena/ArenaStorage.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {ArenaFixture} from "./ArenaFixture.sol";

/// @notice Unit tests of task creation, registration, model commit-reveal, the validation-set
/// reveal, cancellation and the modules' wiring.
contract ArenaLifecycleTest is ArenaFixture {
    // ================================================================ deployment

    function test_constructor_wiresModulesAndApprovesPools() public view {
        (address s, address r, address l) = Arena(address(arena)).modules();
        assertEq(s, address(settlementModule));
        assertEq(r, address(rankingModule));
        assertEq(l, address(lensModule));
        assertEq(flock.allowance(address(arena), address(pools)), type(uint256).max);
        (IERC20 f,,,, IDelegationPools p) = Arena(address(arena)).contracts();
        assertEq(address(f), address(flock));
        assertEq(address(p), address(pools));
    }

    function test_RevertWhen_constructorModuleMismatch() public {
        ArenaLens other = new ArenaLens(IERC20(address(flock)), gm, config, emission, IDelegationPools(address(1)));
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaModuleMismatch.selector, address(other)));
        new Arena(
            IERC20(address(flock)),
            gm,
            config,
            emission,
            pools,
            ArenaStorage(settlementModule),
            ArenaStorage(rankingModule),
            ArenaStorage(other)
        );
    }

    function test_RevertWhen_settlementModuleCalledDirectly() public {
        vm.expectRevert(ArenaSettlement.ArenaSettlementDirectCall.selector);
        settlementModule.finalize(1, 1);
    }

    function test_RevertWhen_unknownSelector() public {
        (bool ok,) = address(arena).call(abi.encodeWithSignature("nope()"));
        assertFalse(ok);
    }

    // ================================================================ createTask

    function test_createTask_storesTaskRulesAndSpec() public {
        IArena.TaskParams memory p = _params();
        p.bounty = 5e18;
        uint256 t0 = block.timestamp;
        uint256 taskId = _createTask(p);
        assertEq(taskId, 1);
        assertEq(arena.taskCount(), 1);

        IArena.TaskInfo memory t = arena.task(taskId);
        assertEq(t.creator, creator);
        assertTrue(t.higherIsBetter);
        assertFalse(t.validationRevealed);
        assertEq(uint8(t.phase), uint8(IArenaTypes.Phase.Submit));
        assertEq(t.baselineScore, 0.5e18);
        assertEq(t.createdAt, t0);
        assertEq(t.submitEnd, t0 + PHASE);
        assertEq(t.revealEnd, t0 + 2 * PHASE);
        assertEq(t.scoreCommitEnd, t0 + 3 * PHASE);
        assertEq(t.scoreRevealEnd, Math.ceilDiv(t0 + 4 * PHASE, 1 hours) * 1 hours);
        assertEq(t.creatorStake, CREATOR_STAKE);
        assertEq(t.bounty, 5e18);
        assertEq(t.ownStake, CREATOR_STAKE);
        assertEq(t.validationCommitment, p.validationCommitment);

        IArena.TaskRules memory r = arena.taskRules(taskId);
        assertEq(r.gamma, config.get(Params.ARENA_GAMMA));
        assertEq(r.beta, config.get(Params.ARENA_BETA));
        assertEq(r.creatorShare, config.get(Params.ARENA_CREATOR_SHARE));
        assertEq(r.validatorTolerance, config.get(Params.ARENA_VALIDATOR_TOLERANCE));
        assertEq(r.validatorSlash, config.get(Params.ARENA_VALIDATOR_SLASH));
        assertEq(r.nodeSlash, config.get(Params.ARENA_NODE_SLASH));
        assertEq(r.creatorSlash, config.get(Params.ARENA_CREATOR_SLASH));
        assertEq(r.rankDecay, config.get(Params.ARENA_RANK_DECAY));
        assertEq(r.sampleSize, config.get(Params.ARENA_SAMPLE_SIZE));

        IArena.TaskSpec memory spec = arena.taskSpec(taskId);
        assertEq(spec.dataCID, DATA_CID);
        assertEq(spec.validationCID, "");
        assertEq(spec.model.inputShape.length, 2);
        assertEq(spec.model.inputShape[1], 16);
        assertEq(spec.model.outputShape[1], 3);
        assertEq(spec.model.maxParameters, 1_000_000);
        assertEq(spec.model.maxFileSize, 10_000_000);

        assertEq(gm.balanceOf(address(arena)), CREATOR_STAKE);
        assertEq(flock.balanceOf(address(arena)), 5e18);
    }

    function test_createTask_weightIsStakePowBeta() public {
        uint256 taskId = _createDefaultTask();
        // beta = 0.5: (100 tokens)^0.5 = 10 tokens of weight.
        assertApproxEqRel(arena.task(taskId).weight, 10e18, 1e3);
        (,,, uint256 totalWeight,) = arena.stream();
        assertEq(totalWeight, arena.task(taskId).weight);
        assertEq(arena.emissionWeight(), CREATOR_STAKE);
    }

    function test_createTask_emitsTaskCreated() public {
        IArena.TaskParams memory p = _params();
        _gmFor(creator, p.creatorStake);
        vm.startPrank(creator);
        gm.approve(address(arena), p.creatorStake);
        uint256 t0 = block.timestamp;
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTypes.TaskCreated(
            1,
            creator,
            IArenaTypes.Metric.Accuracy,
            CREATOR_STAKE,
            0,
            t0 + PHASE,
            t0 + 2 * PHASE,
            t0 + 3 * PHASE,
            Math.ceilDiv(t0 + 4 * PHASE, 1 hours) * 1 hours,
            DATA_CID
        );
        arena.createTask(p);
        vm.stopPrank();
    }

    function test_createTask_lowerIsBetterMetric() public {
        IArena.TaskParams memory p = _params();
        p.metric = IArenaTypes.Metric.MSE;
        p.scoreTolerance = 0.002e18;
        uint256 taskId = _createTask(p);
        assertFalse(arena.task(taskId).higherIsBetter);
        assertEq(arena.task(taskId).scoreTolerance, 0.002e18);
        p.metric = IArenaTypes.Metric.F1;
        p.scoreTolerance = 0;
        uint256 f1 = _createTask(p);
        assertTrue(arena.task(f1).higherIsBetter);
        // A bounded metric may take the governed default, in the metric's units.
        assertEq(arena.task(f1).scoreTolerance, arena.taskRules(f1).validatorTolerance);
    }

    /// @notice An unbounded metric has no universal scale: its task must give its tolerance.
    function test_RevertWhen_createTaskUnboundedMetricWithoutTolerance() public {
        IArena.TaskParams memory p = _params();
        p.metric = IArenaTypes.Metric.MSE;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTypes.ArenaBadTolerance.selector, 0));
        p.scoreTolerance = 1e36 + 1;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTypes.ArenaBadTolerance.selector, 1e36 + 1));
    }

    function test_createTask_readsRulesAtCreation() public {
        uint256 first = _createDefaultTask();
        config.set(Params.ARENA_GAMMA, 0.3e18);
        uint256 second = _createDefaultTask();
        assertEq(arena.taskRules(first).gamma, 0.2e18);
        assertEq(arena.taskRules(second).gamma, 0.3e18);
    }

    function test_RevertWhen_createTaskEmptyDataCID() public {
        IArena.TaskParams memory p = _params();
        p.dataCID = "";
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTypes.ArenaInvalidCID.selector));
    }

    function test_RevertWhen_createTaskCIDTooLong() public {
        IArena.TaskParams memory p = _params();
        p.dataCID = string(new bytes(129));
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTypes.ArenaInvalidCID.selector));
    }

    function test_RevertWhen_createTaskZeroCommitment() public {
        IArena.TaskParams memory p = _params();
        p.validationCommitment = 0;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTypes.ArenaZeroCommitment.selector));
    }

    function test_RevertWhen_createTaskEmptyShape() public {
        IArena.TaskParams memory p = _params();
        p.model.inputShape = new uint32[](0);
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTypes.ArenaInvalidTaskParams.selector));
    }

    function test_RevertWhen_createTaskShapeTooDeep() public {
        IArena.TaskParams memory p = _params();
        p.model.outputShape = new uint32[](9);
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTypes.ArenaInvalidTaskParams.selector));
    }

    function test_RevertWhen_createTaskZeroModelLimits() public {
        IArena.TaskParams memory p = _params();
        p.model.maxParameters = 0;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTypes.ArenaInvalidTaskParams.selector));
        p = _params();
        p.model.maxFileSize = 0;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTypes.ArenaInvalidTaskParams.selector));
    }

    function test_RevertWhen_createTaskBaselineOutOfRange() public {
        IArena.TaskParams memory p = _params();
        p.baselineScore = -1e36 - 1;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTypes.ArenaScoreOutOfRange.selector, p.baselineScore));
    }

    function test_RevertWhen_createTaskPhaseTooShort() public {
        IArena.TaskParams memory p = _params();
        p.scoreCommitDuration = 1 hours - 1;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTypes.ArenaPhaseTooShort.selector, 1 hours - 1, 1 hours));
    }

    function test_RevertWhen_createTaskTooLong() public {
        IArena.TaskParams memory p = _params();
        p.submitDuration = 88 days;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTypes.ArenaTaskTooLong.selector, 91 days, 90 days));
    }

    function test_RevertWhen_createTaskCreatorStakeTooLow() public {
        IArena.TaskParams memory p = _params();
        p.creatorStake = 99e18;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTypes.ArenaStakeTooLow.selector, 99e18, 100e18));
    }

    function test_RevertWhen_createTaskParticipantMinimumTooLow() public {
        IArena.TaskParams memory p = _params();
        p.minNodeStake = 0.5e18;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTypes.ArenaStakeTooLow.selector, 0.5e18, 1e18));
        p = _params();
        p.minValidatorStake = 0;
        _expectCreateRevert(p, abi.encodeWithSelector(IArenaTypes.ArenaStakeTooLow.selector, 0, 1e18));
    }

    // ================================================================ registerNode

    function test_registerNode_stakesPaysFeeAndRaisesWeight() public {
        uint256 taskId = _createDefaultTask();
        uint256 weightBefore = arena.task(taskId).weight;
        address n = _node(0);
        _prepare(taskId, n, 20e18);
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTypes.NodeRegistered(taskId, n, 0, 20e18, 0, FEE);
        vm.prank(n);
        uint256 id = arena.registerNode(taskId, 20e18);
        assertEq(id, 0);

        (IArenaTypes.Role role, uint256 index) = arena.participant(taskId, n);
        assertEq(uint8(role), uint8(IArenaTypes.Role.Node));
        assertEq(index, 0);
        IArena.SubmissionInfo memory s = arena.submission(taskId, 0);
        assertEq(s.account, n);
        assertEq(uint8(s.status), uint8(IArenaTypes.SubmissionStatus.Registered));
        assertEq(s.ownStake, 20e18);
        assertEq(s.poolStake, 0);

        IArena.TaskInfo memory t = arena.task(taskId);
        assertEq(t.nodeCount, 1);
        assertEq(t.nodeStake, 20e18);
        assertEq(t.ownStake, CREATOR_STAKE + 20e18);
        assertGt(t.weight, weightBefore);
        assertEq(gm.balanceOf(address(arena)), CREATOR_STAKE + 20e18);
        assertEq(flock.balanceOf(address(arena)), FEE);
        assertEq(arena.emissionWeight(), CREATOR_STAKE + 20e18);
    }

    function test_registerNode_countsPoolStakeAndFreezesPool() public {
        uint256 taskId = _createDefaultTask();
        address n = _node(0);
        _createPool(n, SIGMA);
        _delegate(alice, n, 30e18);
        _registerNode(taskId, n, 10e18);
        IArena.SubmissionInfo memory s = arena.submission(taskId, 0);
        assertEq(s.poolStake, 30e18);
        assertEq(arena.task(taskId).nodeStake, 40e18);
        assertEq(arena.emissionWeight(), CREATOR_STAKE + 10e18); // own gmFLOCK only
        assertEq(pools.pool(n).frozenUntil, arena.task(taskId).scoreRevealEnd + 7 days);
    }

    function test_RevertWhen_registerNodeUnknownTask() public {
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaUnknownTask.selector, 7));
        arena.registerNode(7, 10e18);
    }

    function test_RevertWhen_registerNodeAfterSubmit() public {
        uint256 taskId = _createDefaultTask();
        _toReveal(taskId);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.Reveal));
        vm.prank(_node(0));
        arena.registerNode(taskId, 10e18);
    }

    function test_RevertWhen_registerNodeTwice() public {
        uint256 taskId = _createDefaultTask();
        _registerNode(taskId, _node(0), 10e18);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaAlreadyParticipating.selector, taskId, _node(0)));
        vm.prank(_node(0));
        arena.registerNode(taskId, 10e18);
    }

    function test_RevertWhen_creatorRegisters() public {
        uint256 taskId = _createDefaultTask();
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaAlreadyParticipating.selector, taskId, creator));
        vm.prank(creator);
        arena.registerNode(taskId, 10e18);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaAlreadyParticipating.selector, taskId, creator));
        vm.prank(creator);
        arena.registerValidator(taskId, 10e18);
    }

    function test_RevertWhen_validatorRegistersAsNode() public {
        uint256 taskId = _createDefaultTask();
        _registerValidator(taskId, _validator(0), 10e18);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaAlreadyParticipating.selector, taskId, _validator(0)));
        vm.prank(_validator(0));
        arena.registerNode(taskId, 10e18);
    }

    function test_RevertWhen_registerNodeStakeTooLow() public {
        uint256 taskId = _createDefaultTask();
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaStakeTooLow.selector, 9e18, MIN_STAKE));
        vm.prank(_node(0));
        arena.registerNode(taskId, 9e18);
    }

    // ================================================================ commitModel / revealModel

    function test_commitModel_recommitReplaces() public {
        uint256 taskId = _createDefaultTask();
        address n = _node(0);
        _registerNode(taskId, n, 10e18);
        vm.prank(n);
        arena.commitModel(taskId, bytes32(uint256(1)));
        bytes32 c = keccak256(abi.encode("bafy-real", n, _salt(n)));
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTypes.ModelCommitted(taskId, n, c);
        vm.prank(n);
        arena.commitModel(taskId, c);
        IArena.SubmissionInfo memory s = arena.submission(taskId, 0);
        assertEq(s.commitment, c);
        assertEq(uint8(s.status), uint8(IArenaTypes.SubmissionStatus.Committed));
        assertEq(arena.modelCommitment("bafy-real", n, _salt(n)), c);
    }

    function test_RevertWhen_commitModelNotNode() public {
        uint256 taskId = _createDefaultTask();
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNotNode.selector, taskId, bob));
        vm.prank(bob);
        arena.commitModel(taskId, bytes32(uint256(1)));
    }

    function test_RevertWhen_commitModelZero() public {
        uint256 taskId = _createDefaultTask();
        _registerNode(taskId, _node(0), 10e18);
        vm.expectRevert(IArenaTypes.ArenaZeroCommitment.selector);
        vm.prank(_node(0));
        arena.commitModel(taskId, 0);
    }

    function test_RevertWhen_commitModelAfterSubmit() public {
        uint256 taskId = _createDefaultTask();
        _registerNode(taskId, _node(0), 10e18);
        _toReveal(taskId);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.Reveal));
        vm.prank(_node(0));
        arena.commitModel(taskId, bytes32(uint256(1)));
    }

    function test_revealModel_storesCIDAndCounts() public {
        uint256 taskId = _createDefaultTask();
        address n = _node(0);
        _registerNode(taskId, n, 10e18);
        _commitModel(taskId, n, "bafy-m");
        _toReveal(taskId);
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTypes.ModelRevealed(taskId, n, 0, "bafy-m");
        _revealModel(taskId, n, "bafy-m");
        IArena.SubmissionInfo memory s = arena.submission(taskId, 0);
        assertEq(s.modelCID, "bafy-m");
        assertEq(uint8(s.status), uint8(IArenaTypes.SubmissionStatus.Revealed));
        assertEq(arena.task(taskId).revealedCount, 1);
    }

    function test_RevertWhen_revealModelMismatch() public {
        uint256 taskId = _createDefaultTask();
        address n = _node(0);
        _registerNode(taskId, n, 10e18);
        _commitModel(taskId, n, "bafy-m");
        _toReveal(taskId);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaCommitmentMismatch.selector, taskId, n));
        _revealModel(taskId, n, "bafy-other");
    }

    function test_RevertWhen_revealModelCopiedFromAnotherNode() public {
        uint256 taskId = _createDefaultTask();
        _registerNode(taskId, _node(0), 10e18);
        _registerNode(taskId, _node(1), 10e18);
        bytes32 c0 = keccak256(abi.encode("bafy-m", _node(0), _salt(_node(0))));
        vm.prank(_node(0));
        arena.commitModel(taskId, c0);
        vm.prank(_node(1));
        arena.commitModel(taskId, c0); // copies node 0's commitment
        _toReveal(taskId);
        vm.prank(_node(0));
        arena.revealModel(taskId, "bafy-m", _salt(_node(0)));
        // The commitment binds the node: node 1 cannot reveal it, even with node 0's CID and salt.
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaCommitmentMismatch.selector, taskId, _node(1)));
        vm.prank(_node(1));
        arena.revealModel(taskId, "bafy-m", _salt(_node(0)));
    }

    function test_RevertWhen_revealModelNothingCommitted() public {
        uint256 taskId = _createDefaultTask();
        _registerNode(taskId, _node(0), 10e18);
        _toReveal(taskId);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNothingCommitted.selector, taskId, _node(0)));
        _revealModel(taskId, _node(0), "bafy-m");
    }

    function test_RevertWhen_revealModelTwice() public {
        uint256 taskId = _createDefaultTask();
        _registerNode(taskId, _node(0), 10e18);
        _commitModel(taskId, _node(0), "bafy-m");
        _toReveal(taskId);
        _revealModel(taskId, _node(0), "bafy-m");
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaAlreadyRevealed.selector, taskId, _node(0)));
        _revealModel(taskId, _node(0), "bafy-m");
    }

    function test_RevertWhen_revealModelDuringSubmit() public {
        uint256 taskId = _createDefaultTask();
        _registerNode(taskId, _node(0), 10e18);
        _commitModel(taskId, _node(0), "bafy-m");
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.Submit));
        _revealModel(taskId, _node(0), "bafy-m");
    }

    function test_RevertWhen_revealModelEmptyCID() public {
        uint256 taskId = _createDefaultTask();
        _registerNode(taskId, _node(0), 10e18);
        _commitModel(taskId, _node(0), "");
        _toReveal(taskId);
        vm.expectRevert(IArenaTypes.ArenaInvalidCID.selector);
        _revealModel(taskId, _node(0), "");
    }

    // ================================================================ registerValidator

    function test_registerValidator_records() public {
        uint256 taskId = _createDefaultTask();
        _registerValidator(taskId, _validator(0), 16e18);
        _prepare(taskId, _validator(1), 25e18);
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTypes.ValidatorRegistered(taskId, _validator(1), 1, 25e18, 0);
        vm.prank(_validator(1));
        arena.registerValidator(taskId, 25e18);
        IArena.ValidatorInfo memory v0 = arena.validator(taskId, 0);
        assertEq(v0.account, _validator(0));
        assertEq(v0.sampleWeight, 0); // it joins the sampling line at its first score commit
        IArena.TaskInfo memory t = arena.task(taskId);
        assertEq(t.validatorCount, 2);
        assertEq(t.validatorStake, 41e18);
        (IArenaTypes.Role role, uint256 index) = arena.participant(taskId, _validator(1));
        assertEq(uint8(role), uint8(IArenaTypes.Role.Validator));
        assertEq(index, 1);
    }

    function test_RevertWhen_registerValidatorStakeTooLow() public {
        uint256 taskId = _createDefaultTask();
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaStakeTooLow.selector, 0, MIN_STAKE));
        vm.prank(_validator(0));
        arena.registerValidator(taskId, 0);
    }

    function test_RevertWhen_registerValidatorAfterSubmit() public {
        uint256 taskId = _createDefaultTask();
        _toScoreCommit(taskId);
        vm.expectRevert(
            abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.ScoreCommit)
        );
        vm.prank(_validator(0));
        arena.registerValidator(taskId, 10e18);
    }

    function test_RevertWhen_nodeRegistersAsValidator() public {
        uint256 taskId = _createDefaultTask();
        _registerNode(taskId, _node(0), 10e18);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaAlreadyParticipating.selector, taskId, _node(0)));
        vm.prank(_node(0));
        arena.registerValidator(taskId, 10e18);
    }

    // ================================================================ revealValidationSet

    function test_revealValidationSet_storesCID() public {
        uint256 taskId = _createDefaultTask();
        _toReveal(taskId);
        vm.expectEmit(true, false, false, true, address(arena));
        emit IArenaTypes.ValidationSetRevealed(taskId, VALIDATION_CID);
        _revealValidation(taskId);
        assertTrue(arena.task(taskId).validationRevealed);
        assertEq(arena.taskSpec(taskId).validationCID, VALIDATION_CID);
        assertEq(arena.validationCommitment(VALIDATION_CID, VALIDATION_SALT), arena.task(taskId).validationCommitment);
    }

    function test_RevertWhen_revealValidationSetNotCreator() public {
        uint256 taskId = _createDefaultTask();
        _toReveal(taskId);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNotCreator.selector, taskId, bob));
        vm.prank(bob);
        arena.revealValidationSet(taskId, VALIDATION_CID, VALIDATION_SALT);
    }

    function test_RevertWhen_revealValidationSetMismatch() public {
        uint256 taskId = _createDefaultTask();
        _toReveal(taskId);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaCommitmentMismatch.selector, taskId, creator));
        vm.prank(creator);
        arena.revealValidationSet(taskId, VALIDATION_CID, bytes32(0));
    }

    function test_RevertWhen_revealValidationSetTwice() public {
        uint256 taskId = _createDefaultTask();
        _toReveal(taskId);
        _revealValidation(taskId);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaAlreadyRevealed.selector, taskId, creator));
        _revealValidation(taskId);
    }

    function test_RevertWhen_revealValidationSetDuringSubmit() public {
        uint256 taskId = _createDefaultTask();
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.Submit));
        _revealValidation(taskId);
    }

    // ================================================================ cancel

    function test_cancel_slashesCreatorAndRefundsEveryone() public {
        IArena.TaskParams memory p = _params();
        p.bounty = 7e18;
        uint256 taskId = _createTask(p);
        _registerNode(taskId, _node(0), 10e18);
        _commitModel(taskId, _node(0), "bafy-m");
        _registerValidator(taskId, _validator(0), 12e18);
        _toReveal(taskId);
        _revealModel(taskId, _node(0), "bafy-m");
        _toScoreCommit(taskId); // the creator never revealed

        uint256 slash = CREATOR_STAKE / 2; // arena.creatorSlash = 0.5
        vm.expectEmit(true, true, false, true, address(arena));
        emit IArenaTypes.Slashed(taskId, creator, IArenaTypes.SlashReason.CreatorNoReveal, slash, 0);
        arena.cancel(taskId);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Cancelled));
        assertEq(arena.emissionWeight(), 0);
        (,,,, uint256 burned) = arena.totals();
        assertEq(burned, slash);

        _claim(taskId, creator);
        assertEq(gm.balanceOf(creator), CREATOR_STAKE - slash);
        assertEq(flock.balanceOf(creator), 7e18); // the bounty back
        _claim(taskId, _node(0));
        assertEq(gm.balanceOf(_node(0)), 10e18);
        assertEq(flock.balanceOf(_node(0)), FEE);
        _claim(taskId, _validator(0));
        assertEq(gm.balanceOf(_validator(0)), 12e18);
        assertEq(gm.balanceOf(address(arena)), 0);
    }

    function test_cancel_sendsEarnedEmissionToTreasury() public {
        uint256 taskId = _createDefaultTask();
        vm.warp(block.timestamp + 1 days + 1 hours);
        arena.sync(); // pulls day 0 and starts streaming it
        _toScoreCommit(taskId);
        uint256 before = flock.balanceOf(treasury);
        arena.cancel(taskId);
        uint256 earned = arena.task(taskId).accruedEmission;
        assertGt(earned, 0);
        assertEq(flock.balanceOf(treasury) - before, earned);
        (,,, uint256 toTreasury,) = arena.totals();
        assertEq(toTreasury, earned);
    }

    function test_finalize_cancelsWhenValidationSetNeverRevealed() public {
        uint256 taskId = _createDefaultTask();
        _toFinalizing(taskId);
        vm.expectEmit(true, false, false, false, address(arena));
        emit IArenaTypes.TaskCancelled(taskId, 0);
        (uint256 settled, bool done) = arena.finalize(taskId, 10);
        assertEq(settled, 0);
        assertFalse(done);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Cancelled));
    }

    function test_RevertWhen_cancelBeforeRevealEnd() public {
        uint256 taskId = _createDefaultTask();
        _toReveal(taskId);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.Reveal));
        arena.cancel(taskId);
    }

    function test_RevertWhen_cancelRevealedTask() public {
        uint256 taskId = _createDefaultTask();
        _toReveal(taskId);
        _revealValidation(taskId);
        _toScoreCommit(taskId);
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaValidationSetRevealed.selector, taskId));
        arena.cancel(taskId);
    }

    function test_RevertWhen_cancelTwice() public {
        uint256 taskId = _createDefaultTask();
        _toScoreCommit(taskId);
        arena.cancel(taskId);
        vm.expectRevert(
            abi.encodeWithSelector(IArenaTypes.ArenaNotInPhase.selector, taskId, IArenaTypes.Phase.Cancelled)
        );
        arena.cancel(taskId);
    }

    function test_phase_walksThroughTheLifecycle() public {
        assertEq(uint8(arena.phase(1)), uint8(IArenaTypes.Phase.None));
        uint256 taskId = _createDefaultTask();
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Submit));
        _toReveal(taskId);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Reveal));
        _toScoreCommit(taskId);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.ScoreCommit));
        _toScoreReveal(taskId);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.ScoreReveal));
        _toFinalizing(taskId);
        assertEq(uint8(arena.phase(taskId)), uint8(IArenaTypes.Phase.Finalizing));
    }

    function test_RevertWhen_viewsOfUnknownTask() public {
        vm.expectRevert(abi.encodeWithSelector(IArenaTypes.ArenaUnknownTask.selector, 3));
        arena.task(3);
    }
}
