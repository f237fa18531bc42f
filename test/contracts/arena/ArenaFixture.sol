// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {Arena} from "../../../contracts/arena/Arena.sol";
import {ArenaLens} from "../../../contracts/arena/ArenaLens.sol";
import {ArenaRanking} from "../../../contracts/arena/ArenaRanking.sol";
import {ArenaSettlement} from "../../../contracts/arena/ArenaSettlement.sol";
import {ArenaStorage} from "../../../contracts/arena/ArenaStorage.sol";
import {EconomyFixture} from "../utils/EconomyFixture.sol";
import {ScoreTrees} from "../utils/ScoreTrees.sol";

/// @notice The staking economy of {EconomyFixture} plus the Arena (its three modules, its roles, and
/// registered as a gauge of the emission), with helpers that walk a task through its lifecycle.
/// @dev Extend it and call `super.setUp()` first. `arena` is the Arena at its address typed as
/// {IArena} (actions implemented by the Arena, views served by its lens through the fallback).
abstract contract ArenaFixture is EconomyFixture {
    uint256 internal constant PHASE = 1 days;
    uint256 internal constant CREATOR_STAKE = 100e18;
    uint256 internal constant MIN_STAKE = 10e18;
    uint256 internal constant FEE = 1e18;

    IArena internal arena;
    ArenaSettlement internal settlementModule;
    ArenaRanking internal rankingModule;
    ArenaLens internal lensModule;
    /// @dev Each validator's score leaves, as its node keeps them: task => validator index => id => leaf.
    mapping(uint256 => mapping(uint256 => mapping(uint256 => bytes32))) internal _leaves;
    address internal creator = makeAddr("creator");

    bytes32 internal constant VALIDATION_SALT = keccak256("validation-salt");
    string internal constant VALIDATION_CID = "bafy-validation-set";
    string internal constant DATA_CID = "bafy-training-data";

    function setUp() public virtual override {
        super.setUp();
        IERC20 token = IERC20(address(flock));
        settlementModule = new ArenaSettlement(token, gm, config, emission, pools);
        rankingModule = new ArenaRanking(token, gm, config, emission, pools);
        lensModule = new ArenaLens(token, gm, config, emission, pools);
        Arena impl = new Arena(
            token,
            gm,
            config,
            emission,
            pools,
            ArenaStorage(settlementModule),
            ArenaStorage(rankingModule),
            ArenaStorage(lensModule)
        );
        arena = IArena(address(impl));
        config.grantRole(config.GM_HOLDER_ROLE(), address(arena));
        config.grantRole(config.SLASHER_ROLE(), address(arena));
        emission.addGauge(address(arena));
        vm.label(address(arena), "Arena");
        vm.label(address(settlementModule), "ArenaSettlement");
        vm.label(address(rankingModule), "ArenaRanking");
        vm.label(address(lensModule), "ArenaLens");
    }

    // ---------------------------------------------------------------- actors

    function _node(uint256 i) internal pure returns (address) {
        return address(uint160(0x10000 + i));
    }

    function _validator(uint256 i) internal pure returns (address) {
        return address(uint160(0x20000 + i));
    }

    function _modelCID(uint256 i) internal pure returns (string memory) {
        return string.concat("bafy-model-", _itoa(i));
    }

    function _salt(address who) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", who));
    }

    // ---------------------------------------------------------------- tasks

    function _params() internal pure returns (IArena.TaskParams memory p) {
        uint32[] memory inShape = new uint32[](2);
        inShape[0] = 0;
        inShape[1] = 16;
        uint32[] memory outShape = new uint32[](2);
        outShape[0] = 0;
        outShape[1] = 3;
        p.dataCID = DATA_CID;
        p.validationCommitment = keccak256(abi.encode(VALIDATION_CID, VALIDATION_SALT));
        p.metric = IArenaTypes.Metric.Accuracy;
        p.model = IArenaTypes.ModelSpec({
            inputShape: inShape, outputShape: outShape, maxParameters: 1_000_000, maxFileSize: 10_000_000
        });
        p.baselineScore = 0.5e18;
        p.submitDuration = PHASE;
        p.revealDuration = PHASE;
        p.scoreCommitDuration = PHASE;
        p.scoreRevealDuration = PHASE;
        p.creatorStake = CREATOR_STAKE;
        p.minNodeStake = MIN_STAKE;
        p.minValidatorStake = MIN_STAKE;
        p.registrationFee = FEE;
        p.bounty = 0;
    }

    /// @dev As `creator`: funds, approves and creates a task with `p`.
    function _createTask(IArena.TaskParams memory p) internal returns (uint256 taskId) {
        _createTaskAs(creator, p);
        taskId = arena.taskCount();
    }

    function _createTaskAs(address who, IArena.TaskParams memory p) internal returns (uint256 taskId) {
        if (p.creatorStake > 0) _gmFor(who, p.creatorStake);
        if (p.bounty > 0) _fund(who, p.bounty);
        vm.startPrank(who);
        gm.approve(address(arena), p.creatorStake);
        flock.approve(address(arena), p.bounty);
        taskId = arena.createTask(p);
        vm.stopPrank();
    }

    /// @dev As `creator`: funds and approves for `p`, then expects `err` from createTask.
    function _expectCreateRevert(IArena.TaskParams memory p, bytes memory err) internal {
        if (p.creatorStake > 0) _gmFor(creator, p.creatorStake);
        if (p.bounty > 0) _fund(creator, p.bounty);
        vm.startPrank(creator);
        gm.approve(address(arena), p.creatorStake);
        flock.approve(address(arena), p.bounty);
        vm.expectRevert(err);
        arena.createTask(p);
        vm.stopPrank();
    }

    /// @dev Funds and approves `who` for registering in `taskId` with `stake` (node: fee too).
    function _prepare(uint256 taskId, address who, uint256 stake) internal {
        _gmFor(who, stake);
        uint256 fee = arena.task(taskId).registrationFee;
        if (fee > 0) _fund(who, fee);
        vm.startPrank(who);
        gm.approve(address(arena), stake);
        flock.approve(address(arena), fee);
        vm.stopPrank();
    }

    function _createDefaultTask() internal returns (uint256) {
        return _createTask(_params());
    }

    // ---------------------------------------------------------------- nodes and validators

    function _registerNode(uint256 taskId, address who, uint256 stake) internal returns (uint256 id) {
        _gmFor(who, stake);
        uint256 fee = arena.task(taskId).registrationFee;
        if (fee > 0) _fund(who, fee);
        vm.startPrank(who);
        gm.approve(address(arena), stake);
        flock.approve(address(arena), fee);
        id = arena.registerNode(taskId, stake);
        vm.stopPrank();
    }

    function _registerValidator(uint256 taskId, address who, uint256 stake) internal returns (uint256 index) {
        _gmFor(who, stake);
        vm.startPrank(who);
        gm.approve(address(arena), stake);
        index = arena.registerValidator(taskId, stake);
        vm.stopPrank();
    }

    function _commitModel(uint256 taskId, address who, string memory cid) internal {
        vm.prank(who);
        arena.commitModel(taskId, keccak256(abi.encode(cid, who, _salt(who))));
    }

    function _revealModel(uint256 taskId, address who, string memory cid) internal {
        vm.prank(who);
        arena.revealModel(taskId, cid, _salt(who));
    }

    function _revealValidation(uint256 taskId) internal {
        vm.prank(creator);
        arena.revealValidationSet(taskId, VALIDATION_CID, VALIDATION_SALT);
    }

    function _scoreSalt(address v, uint256 id) internal pure returns (bytes32) {
        return keccak256(abi.encode("score", v, id));
    }

    /// @dev As validator index `vi`: sets its leaf for submission `id` to `score_` (or invalid)
    /// and commits the root of all its leaves so far (a later commit replaces an earlier one).
    function _commitScore(uint256 taskId, uint256 vi, uint256 id, int256 score_, bool invalid) internal {
        address v = arena.validator(taskId, vi).account;
        _leaves[taskId][vi][id] = keccak256(abi.encode(taskId, id, v, score_, invalid, _scoreSalt(v, id)));
        bytes32 root = _scoreRoot(taskId, vi);
        vm.prank(v);
        arena.commitScores(taskId, root);
    }

    /// @dev As validator index `vi`: opens its leaf for submission `id` (which must count it).
    function _revealScore(uint256 taskId, uint256 vi, uint256 id, int256 score_, bool invalid) internal {
        address v = arena.validator(taskId, vi).account;
        IArenaTypes.ScoreOpening[] memory o = new IArenaTypes.ScoreOpening[](1);
        o[0] = IArenaTypes.ScoreOpening(id, score_, invalid, _scoreSalt(v, id), _scoreProof(taskId, vi, id));
        vm.prank(v); // after every call that builds the opening: a prank is for the next call
        arena.revealScores(taskId, o);
    }

    /// @dev Whether validator `vi`'s score of `id` counts (drawing the seed first if the phase allows).
    function _counts(uint256 taskId, uint256 vi, uint256 id) internal returns (bool counted) {
        if (arena.task(taskId).seed == 0 && arena.phase(taskId) == IArenaTypes.Phase.ScoreReveal) {
            arena.drawSeed(taskId);
        }
        (counted,) = arena.assignment(taskId, id, vi);
    }

    function _scoreLeaves(uint256 taskId, uint256 vi) internal view returns (bytes32[] memory leaves) {
        uint256 n = arena.task(taskId).nodeCount;
        leaves = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            leaves[i] = _leaves[taskId][vi][i];
        }
    }

    function _scoreRoot(uint256 taskId, uint256 vi) internal view returns (bytes32) {
        return ScoreTrees.root(_scoreLeaves(taskId, vi));
    }

    function _scoreProof(uint256 taskId, uint256 vi, uint256 id) internal view returns (bytes32[] memory) {
        return ScoreTrees.proof(_scoreLeaves(taskId, vi), id);
    }

    // ---------------------------------------------------------------- time

    function _warpTo(uint256 t) internal {
        if (block.timestamp < t) vm.warp(t);
    }

    function _toReveal(uint256 taskId) internal {
        _warpTo(arena.task(taskId).submitEnd);
    }

    function _toScoreCommit(uint256 taskId) internal {
        _warpTo(arena.task(taskId).revealEnd);
    }

    function _toScoreReveal(uint256 taskId) internal {
        _warpTo(arena.task(taskId).scoreCommitEnd);
    }

    function _toFinalizing(uint256 taskId) internal {
        _warpTo(arena.task(taskId).scoreRevealEnd);
    }

    // ---------------------------------------------------------------- whole runs

    /// @dev Creates the default task, registers `nNodes` nodes with stakes `nodeStake` and
    /// `nValidators` validators with `validatorStake`, commits and reveals every model and the
    /// validation set, and leaves the task at the start of ScoreCommit.
    function _taskReadyToScore(uint256 nNodes, uint256 nodeStake, uint256 nValidators, uint256 validatorStake)
        internal
        returns (uint256 taskId)
    {
        taskId = _createDefaultTask();
        for (uint256 i; i < nNodes; ++i) {
            _registerNode(taskId, _node(i), nodeStake);
            _commitModel(taskId, _node(i), _modelCID(i));
        }
        for (uint256 j; j < nValidators; ++j) {
            _registerValidator(taskId, _validator(j), validatorStake);
        }
        _toReveal(taskId);
        for (uint256 i; i < nNodes; ++i) {
            _revealModel(taskId, _node(i), _modelCID(i));
        }
        _revealValidation(taskId);
        _toScoreCommit(taskId);
    }

    /// @dev A default task of `node` scored by validator 0 at 0.9 (or as invalid), left at the
    /// start of its Finalizing phase; at the start of day 1 the Arena and the pools sync, so day
    /// 0's emission streams into the task and into the pools. Used by the clock tests.
    function _scoredTask(address node, bool invalid) internal returns (uint256 taskId) {
        taskId = _createDefaultTask();
        _registerNode(taskId, node, 10e18);
        _commitModel(taskId, node, _modelCID(0));
        _registerValidator(taskId, _validator(0), 10e18);
        vm.warp(start + 1 days + 1 hours);
        arena.sync();
        pools.sync();
        _revealModel(taskId, node, _modelCID(0));
        _revealValidation(taskId);
        _toScoreCommit(taskId);
        _commitScore(taskId, 0, 0, 0.9e18, invalid);
        _toScoreReveal(taskId);
        _revealScore(taskId, 0, 0, 0.9e18, invalid);
        _toFinalizing(taskId);
    }

    /// @dev Node 0 (with whatever its pool holds) and validator 0 run task `taskId` to the end: the
    /// node's model scores 0.9, so it is paid.
    function _runNodeTask(uint256 taskId) internal {
        address n = _node(0);
        _registerNode(taskId, n, 10e18);
        _commitModel(taskId, n, "m");
        _registerValidator(taskId, _validator(0), 10e18);
        _toReveal(taskId);
        _revealModel(taskId, n, "m");
        _revealValidation(taskId);
        _toScoreCommit(taskId);
        _scoreAll(taskId, _matrix(1, 1, 0.9e18));
        _finalizeAll(taskId);
    }

    /// @dev Every validator `j` scores every submission `i` with `scores[j][i]` (one commit of
    /// all its leaves), then opens those that count; leaves the task at the start of Finalizing.
    function _scoreAll(uint256 taskId, int256[][] memory scores) internal {
        for (uint256 j; j < scores.length; ++j) {
            address v = arena.validator(taskId, j).account;
            for (uint256 i; i < scores[j].length; ++i) {
                _leaves[taskId][j][i] = keccak256(abi.encode(taskId, i, v, scores[j][i], false, _scoreSalt(v, i)));
            }
            bytes32 root = _scoreRoot(taskId, j);
            vm.prank(v);
            arena.commitScores(taskId, root);
        }
        _toScoreReveal(taskId);
        for (uint256 j; j < scores.length; ++j) {
            for (uint256 i; i < scores[j].length; ++i) {
                if (_counts(taskId, j, i)) _revealScore(taskId, j, i, scores[j][i], false);
            }
        }
        _toFinalizing(taskId);
    }

    /// @dev Finalizes everything: the consensus pass in one batch, then the ranking in order.
    function _finalizeAll(uint256 taskId) internal {
        if (!arena.settlement(taskId).consensusDone) arena.finalize(taskId, type(uint256).max);
        if (arena.phase(taskId) == IArenaTypes.Phase.Finalized) return;
        arena.rank(taskId, _rankingHint(taskId));
    }

    /// @dev The eligible submissions sorted by consensus, best first (what a finalizer computes off chain).
    function _rankingHint(uint256 taskId) internal view returns (uint256[] memory ids) {
        return _sortedByConsensus(taskId, false);
    }

    /// @dev Every submission above the baseline (eligible or already ranked, by whoever), sorted by
    /// consensus, best first: the whole ranking, which {IArenaActions-rank} completes whatever was
    /// ranked before.
    function _fullRanking(uint256 taskId) internal view returns (uint256[] memory ids) {
        return _sortedByConsensus(taskId, true);
    }

    function _sortedByConsensus(uint256 taskId, bool withRanked) internal view returns (uint256[] memory ids) {
        uint256 n = arena.task(taskId).nodeCount;
        uint256[] memory tmp = new uint256[](n);
        int256[] memory c = new int256[](n);
        uint256 m;
        for (uint256 i; i < n; ++i) {
            IArena.SubmissionInfo memory s = arena.submission(taskId, i);
            bool ranked = withRanked && s.status == IArenaTypes.SubmissionStatus.Ranked;
            if (s.status != IArenaTypes.SubmissionStatus.Eligible && !ranked) continue;
            uint256 j = m;
            while (j > 0 && c[j - 1] < s.consensus) {
                tmp[j] = tmp[j - 1];
                c[j] = c[j - 1];
                --j;
            }
            tmp[j] = i;
            c[j] = s.consensus;
            ++m;
        }
        ids = new uint256[](m);
        for (uint256 i; i < m; ++i) {
            ids[i] = tmp[i];
        }
    }

    function _claim(uint256 taskId, address who) internal {
        vm.prank(who);
        arena.claim(taskId);
    }

    function _matrix(uint256 rows, uint256 cols, int256 value) internal pure returns (int256[][] memory m) {
        m = new int256[][](rows);
        for (uint256 r; r < rows; ++r) {
            m[r] = new int256[](cols);
            for (uint256 c; c < cols; ++c) {
                m[r][c] = value;
            }
        }
    }

    function _itoa(uint256 v) internal pure returns (string memory) {
        if (v == 0) return "0";
        bytes memory b;
        while (v > 0) {
            b = abi.encodePacked(bytes1(uint8(48 + (v % 10))), b);
            v /= 10;
        }
        return string(b);
    }
}
