// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {ArenaFixture} from "../arena/ArenaFixture.sol";

/// @notice Shared helpers of the Arena gas tests: a task of `n` revealed submissions whose last
/// three are scored by three validators, measured with every contract's storage cold (`vm.cool`)
/// as in a fresh transaction.
abstract contract ArenaGasBase is ArenaFixture {
    function _coolAll() internal {
        vm.cool(address(arena));
        vm.cool(address(settlementModule));
        vm.cool(address(rankingModule));
        vm.cool(address(lensModule));
        vm.cool(address(pools));
        vm.cool(address(emission));
        vm.cool(address(gm));
        vm.cool(address(flock));
        vm.cool(address(config));
    }

    /// @dev n revealed submissions, 3 validators that commit scores for the last three.
    function _scaledTask(uint256 n) internal returns (uint256 taskId) {
        taskId = _createDefaultTask();
        for (uint256 i; i < n; ++i) {
            _registerNode(taskId, _node(i), 10e18);
            _commitModel(taskId, _node(i), _modelCID(i));
        }
        for (uint256 j; j < 3; ++j) {
            _registerValidator(taskId, _validator(j), 10e18);
        }
        _toReveal(taskId);
        for (uint256 i; i < n; ++i) {
            _revealModel(taskId, _node(i), _modelCID(i));
        }
        _revealValidation(taskId);
        _toScoreCommit(taskId);
        for (uint256 j; j < 3; ++j) {
            for (uint256 i = n - 3; i < n; ++i) {
                _commitScore(taskId, j, i, int256(0.6e18 + (i % 7) * 0.05e18), false);
            }
        }
        _toScoreReveal(taskId);
        // Every validator reveals one score first: the measured reveal is a steady-state one.
        for (uint256 j; j < 3; ++j) {
            _revealScore(taskId, j, n - 3, int256(0.6e18 + ((n - 3) % 7) * 0.05e18), false);
        }
    }

    function _measureReveal(uint256 taskId, uint256 id, string memory name) internal returns (uint256) {
        address v = _validator(0);
        IArenaTypes.ScoreOpening[] memory o = new IArenaTypes.ScoreOpening[](1);
        o[0] = IArenaTypes.ScoreOpening(
            id, int256(0.6e18 + (id % 7) * 0.05e18), false, _scoreSalt(v, id), _scoreProof(taskId, 0, id)
        );
        _coolAll();
        vm.prank(v);
        arena.revealScores(taskId, o);
        return vm.snapshotGasLastCall("arena", name);
    }

    function _finishScoring(uint256 taskId, uint256 n) internal {
        for (uint256 j; j < 3; ++j) {
            for (uint256 i = n - 2; i < n; ++i) {
                if (!arena.score(taskId, i, j).revealed) {
                    _revealScore(taskId, j, i, int256(0.6e18 + (i % 7) * 0.05e18), false);
                }
            }
        }
        _toFinalizing(taskId);
        _finalizeAll(taskId);
        // Someone else claimed first: the measured claim is a steady-state one.
        _claim(taskId, _node(n - 3));
    }

    function _measureClaim(uint256 taskId, address who, string memory name) internal returns (uint256) {
        _coolAll();
        vm.prank(who);
        arena.claim(taskId);
        return vm.snapshotGasLastCall("arena", name);
    }
}

/// @notice A claim costs the same in a task of 10 and of 1,000 submissions (O(1)); a reveal grows
/// only by its Merkle proof (log2 n siblings: 4 for 10 submissions, 10 for 1,000).
contract ArenaGasScaleTest is ArenaGasBase {
    function test_gas_revealAndClaim_independentOfSubmissionCount() public {
        uint256 snap = vm.snapshotState();
        uint256 small = _scaledTask(10);
        uint256 revealSmall = _measureReveal(small, 9, "revealScore_10submissions");
        _finishScoring(small, 10);
        uint256 claimSmall = _measureClaim(small, _node(9), "claim_node_10submissions");
        vm.revertToState(snap);

        uint256 large = _scaledTask(1000);
        uint256 revealLarge = _measureReveal(large, 999, "revealScore_1000submissions");
        _finishScoring(large, 1000);
        uint256 claimLarge = _measureClaim(large, _node(999), "claim_node_1000submissions");

        assertLt(revealLarge - revealSmall, 6 * 1_000, "six more proof levels, about 1k gas each at most");
        assertApproxEqRel(claimLarge, claimSmall, 0.05e18);
    }
}

/// @notice Named gas snapshots (group "arena", written to snapshots/arena.json) of every Arena
/// operation, each on its own call with cold storage, in a live economy (the emission running).
/// Finalization is measured per submission with k = 1, 3 and 7 scorers and per batch of 10.
contract ArenaGasTest is ArenaGasBase {
    uint256 internal taskId;

    function setUp() public override {
        super.setUp();
        // A first task so that the measured operations are not the Arena's very first writes.
        uint256 warm = _createDefaultTask();
        _registerNode(warm, _node(900), 10e18);
        _registerValidator(warm, _validator(900), 10e18);
        taskId = _createDefaultTask();
        // Holders already hold balances: no zero-to-nonzero balance write is counted.
        _fund(_node(0), 1);
        _fund(_validator(0), 1);
    }

    function _measure(string memory name) internal {
        vm.snapshotGasLastCall("arena", name);
    }

    // ---------------------------------------------------------------- creation and registration

    function test_gas_createTask() public {
        IArena.TaskParams memory p = _params();
        p.bounty = 10e18;
        _gmFor(creator, p.creatorStake);
        _fund(creator, p.bounty);
        vm.startPrank(creator);
        gm.approve(address(arena), p.creatorStake);
        flock.approve(address(arena), p.bounty);
        vm.stopPrank();
        _coolAll();
        vm.prank(creator);
        arena.createTask(p);
        _measure("createTask");
    }

    function test_gas_registerNode() public {
        _registerNode(taskId, _node(1), 10e18);
        _prepare(taskId, _node(0), 10e18);
        _coolAll();
        vm.prank(_node(0));
        arena.registerNode(taskId, 10e18);
        _measure("registerNode");
    }

    function test_gas_registerNode_withPool() public {
        _createPool(_node(0), SIGMA);
        _delegate(alice, _node(0), 50e18);
        _registerNode(taskId, _node(1), 10e18);
        _prepare(taskId, _node(0), 10e18);
        _coolAll();
        vm.prank(_node(0));
        arena.registerNode(taskId, 10e18);
        _measure("registerNode_withPool");
    }

    function test_gas_registerValidator() public {
        _registerValidator(taskId, _validator(1), 10e18);
        _prepare(taskId, _validator(0), 10e18);
        _coolAll();
        vm.prank(_validator(0));
        arena.registerValidator(taskId, 10e18);
        _measure("registerValidator");
    }

    // ---------------------------------------------------------------- models and validation set

    function test_gas_commitModel() public {
        _registerNode(taskId, _node(0), 10e18);
        bytes32 c = keccak256(abi.encode("bafy-model", _node(0), _salt(_node(0))));
        _coolAll();
        vm.prank(_node(0));
        arena.commitModel(taskId, c);
        _measure("commitModel");
    }

    function test_gas_revealModel() public {
        _registerNode(taskId, _node(1), 10e18);
        _commitModel(taskId, _node(1), "bafybeigdyrztkzj7u2qlcdkk4o6x2ukdpfvryrvqpl5tqzd3aw5mhcvh3q");
        _registerNode(taskId, _node(0), 10e18);
        _commitModel(taskId, _node(0), "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
        _toReveal(taskId);
        _revealModel(taskId, _node(1), "bafybeigdyrztkzj7u2qlcdkk4o6x2ukdpfvryrvqpl5tqzd3aw5mhcvh3q");
        bytes32 salt = _salt(_node(0));
        _coolAll();
        vm.prank(_node(0));
        arena.revealModel(taskId, "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", salt);
        _measure("revealModel_cidv1");
    }

    function test_gas_revealValidationSet() public {
        _toReveal(taskId);
        _coolAll();
        vm.prank(creator);
        arena.revealValidationSet(taskId, VALIDATION_CID, VALIDATION_SALT);
        _measure("revealValidationSet");
    }

    function test_gas_cancel() public {
        _registerNode(taskId, _node(0), 10e18);
        _toScoreCommit(taskId);
        _coolAll();
        arena.cancel(taskId);
        _measure("cancel");
    }

    // ---------------------------------------------------------------- scores

    function _readyToScore(uint256 nValidators) internal returns (uint256 id) {
        id = _taskReadyToScore(3, 10e18, nValidators, 10e18);
    }

    function test_gas_drawSeed() public {
        uint256 id = _readyToScore(3);
        _toScoreReveal(id);
        _coolAll();
        arena.drawSeed(id);
        _measure("drawSeed");
    }

    /// @dev A validator's one commit of all its scores (its first: it joins the sampling line).
    function test_gas_commitScores_first() public {
        uint256 id = _readyToScore(3);
        _commitScore(id, 1, 0, 0.8e18, false);
        _coolAll();
        vm.prank(_validator(0));
        arena.commitScores(id, bytes32(uint256(1)));
        _measure("commitScores_first");
    }

    function test_gas_commitScores_again() public {
        uint256 id = _readyToScore(3);
        _commitScore(id, 0, 0, 0.8e18, false);
        _coolAll();
        vm.prank(_validator(0));
        arena.commitScores(id, bytes32(uint256(1)));
        _measure("commitScores_again");
    }

    function _opening(uint256 id, uint256 vi, uint256 sub) internal view returns (IArenaTypes.ScoreOpening[] memory o) {
        address v = _validator(vi);
        o = new IArenaTypes.ScoreOpening[](1);
        o[0] = IArenaTypes.ScoreOpening(sub, 0.8e18, false, _scoreSalt(v, sub), _scoreProof(id, vi, sub));
    }

    function test_gas_revealScores_one_allValidators() public {
        uint256 id = _readyToScore(3);
        _commitScore(id, 0, 0, 0.8e18, false);
        _commitScore(id, 0, 1, 0.8e18, false);
        _toScoreReveal(id);
        _revealScore(id, 0, 0, 0.8e18, false);
        IArenaTypes.ScoreOpening[] memory o = _opening(id, 0, 1);
        _coolAll();
        vm.prank(_validator(0));
        arena.revealScores(id, o);
        _measure("revealScores_1_allValidators");
    }

    function test_gas_revealScores_one_sampled() public {
        config.set(Params.ARENA_SAMPLE_SIZE, 3);
        uint256 id = _readyToScore(10);
        for (uint256 v; v < 10; ++v) {
            for (uint256 sub; sub < 3; ++sub) {
                _commitScore(id, v, sub, 0.8e18, false);
            }
        }
        _toScoreReveal(id);
        arena.drawSeed(id);
        (uint256 v_, uint256 sub_) = _someAssignment(id);
        IArenaTypes.ScoreOpening[] memory o = _opening(id, v_, sub_);
        _coolAll();
        vm.prank(_validator(v_));
        arena.revealScores(id, o);
        _measure("revealScores_1_sampled");
    }

    function _someAssignment(uint256 id) internal view returns (uint256 v, uint256 sub) {
        for (sub = 0; sub < 3; ++sub) {
            for (v = 0; v < 10; ++v) {
                (bool ok,) = arena.assignment(id, sub, v);
                if (ok) return (v, sub);
            }
        }
        revert("no assignment");
    }

    // ---------------------------------------------------------------- finalization

    /// @dev A task of `n` submissions, each scored (and revealed) by `k` validators agreeing.
    function _scored(uint256 n, uint256 k) internal returns (uint256 id) {
        id = _taskReadyToScore(n, 10e18, k, 10e18);
        int256[][] memory s = new int256[][](k);
        for (uint256 j; j < k; ++j) {
            s[j] = new int256[](n);
            for (uint256 i; i < n; ++i) {
                s[j][i] = int256(0.6e18 + i * 0.01e18 + j * 0.001e18);
            }
        }
        _scoreAll(id, s);
    }

    function test_gas_finalize_first_fixesRewards() public {
        uint256 id = _scored(3, 3);
        _coolAll();
        arena.finalize(id, 1);
        _measure("finalize_first_1submission_k3");
    }

    function _finalizeOne(uint256 k, string memory name) internal {
        uint256 id = _scored(3, k);
        arena.finalize(id, 1); // fixes rewards
        _coolAll();
        arena.finalize(id, 1);
        _measure(name);
    }

    function test_gas_finalize_perSubmission_k1() public {
        _finalizeOne(1, "finalize_1submission_k1");
    }

    function test_gas_finalize_perSubmission_k3() public {
        _finalizeOne(3, "finalize_1submission_k3");
    }

    function test_gas_finalize_perSubmission_k7() public {
        _finalizeOne(7, "finalize_1submission_k7");
    }

    function test_gas_finalize_batchOf10_k3() public {
        uint256 id = _scored(11, 3);
        arena.finalize(id, 1);
        _coolAll();
        arena.finalize(id, 10);
        _measure("finalize_10submissions_k3");
    }

    function test_gas_finalize_withSlashes_k3() public {
        uint256 id = _taskReadyToScore(3, 10e18, 3, 10e18);
        int256[][] memory s = _matrix(3, 3, 0.8e18);
        s[2][1] = 0.2e18; // validator 2 deviates on submission 1
        _scoreAll(id, s);
        arena.finalize(id, 1);
        _coolAll();
        arena.finalize(id, 1);
        _measure("finalize_1submission_k3_oneSlash");
    }

    /// @dev The most one submission can cost to settle: k at its upper bound (MAX_SAMPLE_SIZE = 32
    /// validators per submission), 15 of them far from a consensus the other 17 agree on, so 15
    /// slashes. `finalize(taskId, B)` therefore costs at most B times this (plus the first call's
    /// reward fix): a finalizer sizes B to the block gas limit, and no batch is unbounded.
    function test_gas_finalize_perSubmission_worstCase_k32() public {
        config.set(Params.ARENA_SAMPLE_SIZE, 32);
        uint256 id = _taskReadyToScore(2, 10e18, 32, 10e18);
        int256[][] memory s = _matrix(32, 2, 0.8e18);
        for (uint256 j = 17; j < 32; ++j) {
            s[j][1] = 0.1e18; // beyond the tolerance: slashed
        }
        _scoreAll(id, s);
        arena.finalize(id, 1); // fixes rewards and settles submission 0
        _coolAll();
        arena.finalize(id, 1);
        uint256 gas = vm.snapshotGasLastCall("arena", "finalize_1submission_k32_15slashes");
        assertLt(gas, 1_500_000, "one submission settles within the stated bound");
    }

    function test_gas_rank_batchOf10() public {
        uint256 id = _scored(10, 1);
        arena.finalize(id, 10);
        uint256[] memory hint = _rankingHint(id);
        _coolAll();
        arena.rank(id, hint);
        _measure("rank_10submissions");
    }

    // ---------------------------------------------------------------- claims

    function _finalized() internal returns (uint256 id) {
        id = _scored(3, 3);
        _finalizeAll(id);
        _claim(id, _node(1));
    }

    function test_gas_claim_node() public {
        uint256 id = _finalized();
        _coolAll();
        vm.prank(_node(0));
        arena.claim(id);
        _measure("claim_node");
    }

    function test_gas_claim_nodeWithPool() public {
        uint256 id = _createDefaultTask();
        _createPool(_node(0), SIGMA);
        _delegate(alice, _node(0), 50e18);
        _registerNode(id, _node(0), 10e18);
        _commitModel(id, _node(0), "m");
        _registerValidator(id, _validator(0), 10e18);
        _toReveal(id);
        _revealModel(id, _node(0), "m");
        _revealValidation(id);
        _toScoreCommit(id);
        _scoreAll(id, _matrix(1, 1, 0.9e18));
        _finalizeAll(id);
        _coolAll();
        vm.prank(_node(0));
        arena.claim(id);
        _measure("claim_node_withPool");
    }

    function test_gas_claim_validator() public {
        uint256 id = _finalized();
        _claim(id, _validator(1));
        _coolAll();
        vm.prank(_validator(0));
        arena.claim(id);
        _measure("claim_validator");
    }

    function test_gas_claim_creator() public {
        uint256 id = _finalized();
        _coolAll();
        vm.prank(creator);
        arena.claim(id);
        _measure("claim_creator");
    }

    // ---------------------------------------------------------------- emission

    function test_gas_sync_newDay() public {
        vm.warp(start + 1 days + 1 hours);
        _coolAll();
        arena.sync();
        _measure("sync_newDay");
    }

    function test_gas_sync_noNewDay() public {
        vm.warp(start + 1 days + 1 hours);
        arena.sync();
        vm.warp(block.timestamp + 1 hours);
        _coolAll();
        arena.sync();
        _measure("sync_noNewDay");
    }

    function test_gas_sync_pastTaskEnds() public {
        vm.warp(start + 1 days + 1 hours);
        arena.sync();
        vm.warp(arena.task(taskId).scoreRevealEnd + 1 hours); // both tasks' drops to process
        _coolAll();
        arena.sync();
        _measure("sync_twoTaskEnds_newDays");
    }

    function test_gas_emissionWeight() public {
        _coolAll();
        arena.emissionWeight();
        _measure("emissionWeight");
    }
}
