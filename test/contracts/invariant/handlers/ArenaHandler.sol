// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IArena} from "../../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../../contracts/interfaces/IArenaTypes.sol";
import {Params} from "../../../../contracts/libraries/Params.sol";
import {FlockToken} from "../../../../contracts/token/FlockToken.sol";
import {ProtocolConfig} from "../../../../contracts/config/ProtocolConfig.sol";
import {GmFlock} from "../../../../contracts/staking/GmFlock.sol";
import {DelegationPools} from "../../../../contracts/pools/DelegationPools.sol";
import {ScoreTrees} from "../../utils/ScoreTrees.sol";

/// @notice Drives the Arena for the invariant campaign: two creators, six training nodes (two of
/// them with delegation pools) and four validators create tasks, register, commit and reveal
/// models and scores (good, deviating and invalid; sampled or not), skip reveals, cancel,
/// finalize in batches, rank, claim, while time moves and anyone syncs the emission. Every call
/// is valid (the campaign runs with fail_on_revert), so a revert is a bug. Attacks are made
/// inside try/catch and counted when they succeed: a second claim, a reveal of something not
/// committed, a second score reveal.
/// @dev Holds FLOCK to fund actors and DEFAULT_ADMIN_ROLE to set arena.sampleSize per task.
contract ArenaHandler is CommonBase, StdCheats, StdUtils {
    struct Commit {
        bool exists;
        int256 score;
        bool invalid;
    }

    struct Revealed {
        uint256 taskId;
        uint256 sub;
        uint256 v;
        int256 score;
        bool invalid;
    }

    IArena public arena;
    ArenaTaskMaker public maker;
    FlockToken public flock;
    GmFlock public gm;
    ProtocolConfig public config;
    DelegationPools public pools;

    address[] public creators;
    address[] public nodes;
    address[] public validators;
    uint256[] public taskIds;

    uint256 public ghostTime;
    /// @dev FLOCK paid into the Arena (fees, bounties) and gmFLOCK staked.
    uint256 public ghostFlockIn;
    uint256 public ghostGmIn;
    /// @dev What claims paid: stake back, rewards (pool parts included), refunds.
    uint256 public ghostGmOut;
    uint256 public ghostRewards;
    uint256 public ghostRefunds;
    uint256 public ghostPoolRewards;
    /// @dev Attacks that succeeded (must stay 0).
    uint256 public ghostDoubleClaims;
    uint256 public ghostForgedReveals;
    uint256 public ghostSecondReveals;

    mapping(uint256 taskId => mapping(address account => uint256)) public claims;
    mapping(uint256 taskId => mapping(uint256 sub => mapping(uint256 v => Commit))) internal _commits;
    mapping(uint256 taskId => mapping(uint256 sub => int256)) internal _base;
    /// @dev Validators that committed "validation set unusable".
    mapping(uint256 taskId => mapping(uint256 v => bool)) internal _rejects;
    mapping(uint256 taskId => uint256) public rewardsOfTask;
    Revealed[] internal _revealed;

    mapping(bytes32 => uint256) public calls;

    /// @notice A claim paid something other than what claimable() announced.
    error ClaimMismatch(uint256 taskId, address account);

    constructor(
        IArena arena_,
        FlockToken flock_,
        GmFlock gm_,
        ProtocolConfig config_,
        DelegationPools pools_,
        address[] memory creators_,
        address[] memory nodes_,
        address[] memory validators_
    ) {
        arena = arena_;
        flock = flock_;
        gm = gm_;
        config = config_;
        pools = pools_;
        creators = creators_;
        nodes = nodes_;
        validators = validators_;
        ghostTime = block.timestamp;
        maker = new ArenaTaskMaker(arena_, flock_, gm_);
    }

    modifier useTime() {
        vm.warp(ghostTime);
        _;
    }

    // ================================================================ views for the invariants

    function taskCount() external view returns (uint256) {
        return taskIds.length;
    }

    function revealedCount() external view returns (uint256) {
        return _revealed.length;
    }

    function revealedAt(uint256 i) external view returns (Revealed memory) {
        return _revealed[i];
    }

    function committed(uint256 taskId, uint256 sub, uint256 v) external view returns (Commit memory) {
        return _commits[taskId][sub][v];
    }

    // ================================================================ time and emission

    function warp(uint256 dt) external {
        ghostTime += _bound(dt, 1 minutes, 1 days);
        ++calls["warp"];
    }

    /// @dev Jumps to the earliest phase boundary ahead of any live task, so every phase of every
    /// task gets a turn and lifecycles complete within the depth.
    function warpToNextPhase() external {
        uint256 next = ArenaHandlerLib.nextBoundary(arena, taskIds, ghostTime);
        if (next == type(uint256).max) return;
        ghostTime = next;
        ++calls["warpToNextPhase"];
    }

    function sync() external useTime {
        arena.sync();
        ++calls["sync"];
    }

    // ================================================================ creators

    function createTask(uint256 cSeed, uint256 stakeSeed, uint256 bountySeed, uint256 phaseSeed, uint256 kSeed)
        external
        useTime
    {
        if (taskIds.length >= 4) return;
        while (!arena.sync()) {}
        address c = creators[cSeed % creators.length];
        uint256 stake = _bound(stakeSeed, 100e18, 1_000e18);
        uint256 bounty = bountySeed % 3 == 0 ? 0 : _bound(bountySeed, 0, 50e18);
        uint256 phase = _bound(phaseSeed, 1 hours, 12 hours);
        config.set(Params.ARENA_SAMPLE_SIZE, kSeed % 2 == 0 ? 2 : 7);

        flock.transfer(address(maker), stake + bounty);
        uint256 id = maker.create(c, stake, bounty, phase, kSeed, _validationCID(taskIds.length + 1), _salt(c));
        taskIds.push(id);
        ghostGmIn += stake;
        ghostFlockIn += bounty;
        ++calls["createTask"];
    }

    function revealValidation(uint256 tSeed, uint256 skipSeed) external useTime {
        (bool ok, uint256 id) = _taskIn(tSeed, IArenaTypes.Phase.Reveal);
        if (!ok || skipSeed % 10 == 0) return; // sometimes the creator never reveals
        IArena.TaskInfo memory t = arena.task(id);
        if (t.validationRevealed) return;
        vm.prank(t.creator);
        arena.revealValidationSet(id, _validationCID(id), _salt(t.creator));
        ++calls["revealValidation"];
    }

    function cancel(uint256 tSeed) external useTime {
        for (uint256 k; k < taskIds.length; ++k) {
            uint256 id = taskIds[(tSeed % taskIds.length + k) % taskIds.length];
            IArenaTypes.Phase ph = arena.phase(id);
            if (ph < IArenaTypes.Phase.ScoreCommit || ph > IArenaTypes.Phase.Finalizing) continue;
            if (arena.task(id).validationRevealed) continue;
            while (!arena.sync()) {}
            arena.cancel(id);
            ++calls["cancel"];
            return;
        }
    }

    // ================================================================ nodes

    function registerNode(uint256 tSeed, uint256 nSeed, uint256 stakeSeed) external useTime {
        (bool ok, uint256 id) = _taskIn(tSeed, IArenaTypes.Phase.Submit);
        if (!ok) return;
        while (!arena.sync()) {}
        // One to three nodes at a time.
        for (uint256 r; r <= nSeed % 3; ++r) {
            address n = _freeActor(id, nodes, nSeed % 1e9 + r);
            if (n == address(0)) return;
            uint256 stake = _bound(uint256(keccak256(abi.encode(stakeSeed, r))), 10e18, 200e18);
            _gmFor(n, stake);
            flock.transfer(n, 1e18);
            vm.startPrank(n);
            gm.approve(address(arena), stake);
            flock.approve(address(arena), 1e18);
            arena.registerNode(id, stake);
            // Most nodes commit at once; the others may later, or never.
            if ((stakeSeed >> r) % 8 != 0) {
                arena.commitModel(id, keccak256(abi.encode(_modelCID(id, n), n, _salt(n))));
            }
            vm.stopPrank();
            ghostGmIn += stake;
            ghostFlockIn += 1e18;
            ++calls["registerNode"];
        }
    }

    function commitModel(uint256 tSeed, uint256 nSeed) external useTime {
        (bool ok, uint256 id) = _taskIn(tSeed, IArenaTypes.Phase.Submit);
        if (!ok) return;
        address n = nodes[nSeed % nodes.length];
        (IArenaTypes.Role role,) = arena.participant(id, n);
        if (role != IArenaTypes.Role.Node) return;
        vm.prank(n);
        arena.commitModel(id, keccak256(abi.encode(_modelCID(id, n), n, _salt(n))));
        ++calls["commitModel"];
    }

    function revealModel(uint256 tSeed, uint256 skipSeed, bool attack) external useTime {
        (bool ok, uint256 id) = _taskIn(tSeed, IArenaTypes.Phase.Reveal);
        if (!ok) return;
        uint256 count = arena.task(id).nodeCount;
        for (uint256 sub; sub < count; ++sub) {
            IArena.SubmissionInfo memory info = arena.submission(id, sub);
            if (info.status != IArenaTypes.SubmissionStatus.Committed) continue;
            if ((skipSeed >> sub) % 8 == 0) continue; // this one waits (or never reveals)
            address n = info.account;
            if (attack) {
                // Reveal a model other than the one committed: must fail.
                vm.prank(n);
                try arena.revealModel(id, "bafy-someone-elses-model", _salt(n)) {
                    ++ghostForgedReveals;
                } catch {}
            }
            vm.prank(n);
            arena.revealModel(id, _modelCID(id, n), _salt(n));
            _base[id][sub] = int256(0.3e18 + uint256(keccak256(abi.encode(id, sub))) % 0.7e18);
            ++calls["revealModel"];
        }
    } // ================================================================ validators

    function registerValidator(uint256 tSeed, uint256 vSeed, uint256 stakeSeed) external useTime {
        (bool ok, uint256 id) = _taskIn(tSeed, IArenaTypes.Phase.Submit);
        if (!ok) return;
        while (!arena.sync()) {}
        for (uint256 r; r <= vSeed % 2; ++r) {
            address v = _freeActor(id, validators, vSeed % 1e9 + r);
            if (v == address(0)) return;
            uint256 stake = _bound(uint256(keccak256(abi.encode(stakeSeed, r))), 10e18, 200e18);
            _gmFor(v, stake);
            vm.startPrank(v);
            gm.approve(address(arena), stake);
            arena.registerValidator(id, stake);
            vm.stopPrank();
            ghostGmIn += stake;
            ++calls["registerValidator"];
        }
    }

    function commitScore(uint256 tSeed, uint256 vSeed, uint256 scoreSeed) external useTime {
        (bool ok, uint256 id) = _taskIn(tSeed, IArenaTypes.Phase.ScoreCommit);
        if (!ok) return;
        IArena.TaskInfo memory t = arena.task(id);
        if (!t.validationRevealed || t.validatorCount == 0) return;
        // One validator commits its scores of every revealed submission (skipping a few) in one
        // root; now and then it rejects the validation set instead.
        uint256 vi = vSeed % t.validatorCount;
        address v = arena.validator(id, vi).account;
        bytes32 root;
        if (scoreSeed % 16 == 0) {
            root = keccak256(abi.encode(id, v, _salt(v)));
            _rejects[id][vi] = true;
        } else {
            bytes32[] memory leaves = new bytes32[](t.nodeCount);
            for (uint256 sub; sub < t.nodeCount; ++sub) {
                uint256 seed = uint256(keccak256(abi.encode(scoreSeed, sub)));
                if (seed % 8 == 0) {
                    delete _commits[id][sub][vi]; // a zero leaf in this root
                    continue;
                }
                leaves[sub] = _commitOne(id, sub, vi, v, seed >> 8, t.higherIsBetter);
            }
            root = ScoreTrees.root(leaves);
            if (root == 0) return;
            _rejects[id][vi] = false;
        }
        vm.prank(v);
        arena.commitScores(id, root);
        ++calls["commitScores"];
    }

    function _commitOne(uint256 id, uint256 sub, uint256 vi, address v, uint256 seed, bool higherIsBetter)
        internal
        returns (bytes32 leaf)
    {
        if (arena.submission(id, sub).status != IArenaTypes.SubmissionStatus.Revealed) {
            delete _commits[id][sub][vi];
            return 0;
        }
        Commit memory c;
        c.exists = true;
        (c.score, c.invalid) = _pickScore(id, sub, seed, higherIsBetter);
        _commits[id][sub][vi] = c;
        return keccak256(abi.encode(id, sub, v, c.score, c.invalid, _salt(v)));
    }

    function _leaves(uint256 id, uint256 vi, address v, uint256 n) internal view returns (bytes32[] memory leaves) {
        leaves = new bytes32[](n);
        for (uint256 sub; sub < n; ++sub) {
            Commit memory c = _commits[id][sub][vi];
            if (c.exists) leaves[sub] = keccak256(abi.encode(id, sub, v, c.score, c.invalid, _salt(v)));
        }
    }

    function _open(uint256 id, uint256 sub, int256 score, bool invalid, address v, bytes32[] memory leaves)
        internal
        returns (bool)
    {
        IArenaTypes.ScoreOpening[] memory o = new IArenaTypes.ScoreOpening[](1);
        o[0] = IArenaTypes.ScoreOpening(sub, score, invalid, _salt(v), ScoreTrees.proof(leaves, sub));
        vm.prank(v);
        try arena.revealScores(id, o) {
            return true;
        } catch {
            return false;
        }
    }

    function revealScore(uint256 tSeed, uint256 vSeed, uint256 attackSeed) external useTime {
        (bool ok, uint256 id) = _taskIn(tSeed, IArenaTypes.Phase.ScoreReveal);
        if (!ok) return;
        IArena.TaskInfo memory t = arena.task(id);
        if (t.validatorCount == 0) return;
        uint256 vi = vSeed % t.validatorCount;
        address v = arena.validator(id, vi).account;
        IArena.ValidatorInfo memory info = arena.validator(id, vi);
        if (info.scoreRoot == 0) return;
        if (_rejects[id][vi]) {
            if (!info.unusable) {
                vm.prank(v);
                arena.rejectValidationSet(id, _salt(v));
                ++calls["rejectValidationSet"];
            }
            return;
        }
        // The validator opens what counts of its commitments (now and then it keeps one back:
        // penalized later).
        if (t.seed == 0) arena.drawSeed(id);
        bytes32[] memory leaves = _leaves(id, vi, v, t.nodeCount);
        for (uint256 sub; sub < t.nodeCount; ++sub) {
            Commit memory c = _commits[id][sub][vi];
            if (!c.exists || arena.score(id, sub, vi).revealed) continue;
            (bool counted,) = arena.assignment(id, sub, vi);
            if (!counted) continue;
            uint256 seed = uint256(keccak256(abi.encode(attackSeed, sub)));
            if (seed % 12 == 0) continue;
            // Open a score other than the one committed: must fail.
            if (seed % 3 == 0 && _open(id, sub, c.score + 1, c.invalid, v, leaves)) ++ghostForgedReveals;
            require(_open(id, sub, c.score, c.invalid, v, leaves), "handler: honest opening failed");
            _revealed.push(Revealed(id, sub, vi, c.invalid ? int256(0) : c.score, c.invalid));
            // Open again: must fail.
            if (seed % 4 == 0 && _open(id, sub, c.score, c.invalid, v, leaves)) ++ghostSecondReveals;
            ++calls["revealScore"];
        }
    } // ================================================================ settlement

    function finalize(uint256 tSeed, uint256 batch) external useTime {
        for (uint256 k; k < taskIds.length; ++k) {
            uint256 id = taskIds[(tSeed % taskIds.length + k) % taskIds.length];
            if (arena.phase(id) != IArenaTypes.Phase.Finalizing) continue;
            if (arena.settlement(id).consensusDone) continue;
            while (!arena.sync()) {}
            arena.finalize(id, _bound(batch, 1, 4));
            ++calls["finalize"];
            return;
        }
    }

    function rank(uint256 tSeed, uint256 splitSeed) external useTime {
        for (uint256 k; k < taskIds.length; ++k) {
            uint256 id = taskIds[(tSeed % taskIds.length + k) % taskIds.length];
            if (arena.phase(id) != IArenaTypes.Phase.Finalizing) continue;
            if (!arena.settlement(id).consensusDone) continue;
            uint256[] memory hint = ArenaHandlerLib.hint(arena, id);
            // Sometimes only a prefix: the ranking resumes in a later call.
            uint256 len = splitSeed % 2 == 0 ? hint.length : _bound(splitSeed, 1, hint.length);
            assembly {
                mstore(hint, len)
            }
            arena.rank(id, hint);
            ++calls["rank"];
            return;
        }
    }

    function claim(uint256 tSeed, uint256 aSeed) external useTime {
        uint256 n = taskIds.length;
        uint256 actors = creators.length + nodes.length + validators.length;
        for (uint256 k; k < n; ++k) {
            uint256 id = taskIds[(tSeed % n + k) % n];
            IArenaTypes.Phase ph = arena.phase(id);
            if (ph != IArenaTypes.Phase.Finalized && ph != IArenaTypes.Phase.Cancelled) continue;
            for (uint256 j; j < actors; ++j) {
                address a = _anyActor(aSeed % actors + j);
                if (claims[id][a] > 0) {
                    if (aSeed % 5 != 0) continue;
                    // A second claim must pay nothing.
                    vm.prank(a);
                    try arena.claim(id) {
                        ++ghostDoubleClaims;
                    } catch {}
                    return;
                }
                if (!ArenaHandlerLib.hasRole(arena, id, a)) continue;
                _claim(id, a);
                return;
            }
        }
    }

    function _claim(uint256 id, address a) internal {
        (uint256 stake, uint256 reward, uint256 refund) = arena.claimable(id, a);
        uint256 poolPart = ArenaHandlerLib.poolPart(arena, id, a, reward);
        uint256 gmBefore = gm.balanceOf(a);
        uint256 flockBefore = flock.balanceOf(a);
        uint256 poolsBefore = flock.balanceOf(address(pools));
        vm.prank(a);
        arena.claim(id);
        // A claim pays exactly what claimable() said: the stake back, the reward (less the pool
        // part, paid into the pool) and the refund.
        if (
            gm.balanceOf(a) - gmBefore != stake || flock.balanceOf(a) - flockBefore != reward - poolPart + refund
                || flock.balanceOf(address(pools)) - poolsBefore < poolPart
        ) revert ClaimMismatch(id, a);
        claims[id][a] = 1;
        ghostGmOut += stake;
        ghostRewards += reward;
        ghostRefunds += refund;
        ghostPoolRewards += poolPart;
        rewardsOfTask[id] += reward;
        ++calls["claim"];
    }
    // ================================================================ helpers

    function _taskIn(uint256 tSeed, IArenaTypes.Phase ph) internal view returns (bool, uint256) {
        uint256 n = taskIds.length;
        for (uint256 k; k < n; ++k) {
            uint256 id = taskIds[(tSeed % n + k) % n];
            if (arena.phase(id) == ph) return (true, id);
        }
        return (false, 0);
    }

    function _freeActor(uint256 id, address[] storage list, uint256 seed) internal view returns (address) {
        for (uint256 k; k < list.length; ++k) {
            address a = list[(seed % list.length + k) % list.length];
            (IArenaTypes.Role role,) = arena.participant(id, a);
            if (role == IArenaTypes.Role.None) return a;
        }
        return address(0);
    }

    function _anyActor(uint256 seed) internal view returns (address) {
        uint256 total = creators.length + nodes.length + validators.length;
        uint256 i = seed % total; // callers pass seed % total + j: reduce again
        if (i < creators.length) return creators[i];
        i -= creators.length;
        if (i < nodes.length) return nodes[i];
        return validators[i - nodes.length];
    }

    /// @dev Mostly near the submission's base score (within 1%), sometimes far off or invalid.
    function _pickScore(uint256 id, uint256 sub, uint256 seed, bool higherIsBetter)
        internal
        view
        returns (int256 s, bool invalid)
    {
        int256 base = _base[id][sub];
        if (!higherIsBetter) base = 1e18 - base; // a loss
        uint256 kind = seed % 10;
        if (kind == 0) return (0, true);
        if (kind == 1) return (base / 3, false);
        return (base + int256((seed >> 8) % 0.01e18) - 0.005e18, false);
    }

    function _gmFor(address who, uint256 amount) internal {
        flock.transfer(who, amount);
        vm.startPrank(who);
        flock.approve(address(gm), amount);
        gm.lock(amount, 0);
        vm.stopPrank();
    }

    function _salt(address who) internal pure returns (bytes32) {
        return keccak256(abi.encode("handler-salt", who));
    }

    function _modelCID(uint256 id, address n) internal pure returns (string memory) {
        return string(abi.encodePacked("bafy-model-", bytes32(uint256(keccak256(abi.encode(id, n))))));
    }

    function _validationCID(uint256 id) internal pure returns (string memory) {
        return string(abi.encodePacked("bafy-validation-", bytes32(id)));
    }
}

/// @notice Read-only helpers of {ArenaHandler}, an external library (linked by forge) so the
/// handler stays under the 24 KB code size limit.
library ArenaHandlerLib {
    /// @notice The earliest phase boundary after `time` of any live task (max if none).
    function nextBoundary(IArena arena, uint256[] calldata ids, uint256 time) external view returns (uint256 next) {
        next = type(uint256).max;
        for (uint256 k; k < ids.length; ++k) {
            IArena.TaskInfo memory t = arena.task(ids[k]);
            if (t.phase == IArenaTypes.Phase.Finalized || t.phase == IArenaTypes.Phase.Cancelled) continue;
            uint64[4] memory ends = [t.submitEnd, t.revealEnd, t.scoreCommitEnd, t.scoreRevealEnd];
            for (uint256 j; j < 4; ++j) {
                if (ends[j] > time && ends[j] < next) next = ends[j];
            }
        }
    }

    /// @notice The whole ranking: every submission above the baseline (Eligible, or Ranked by
    /// anyone before), best first. {IArena-rank} completes the task with it, in one call or in
    /// consecutive slices, whatever was ranked before or in between.
    function hint(IArena arena, uint256 id) external view returns (uint256[] memory ids) {
        uint256 n = arena.task(id).nodeCount;
        uint256[] memory tmp = new uint256[](n);
        int256[] memory c = new int256[](n);
        uint256 m;
        for (uint256 i; i < n; ++i) {
            IArena.SubmissionInfo memory s = arena.submission(id, i);
            if (
                s.status != IArenaTypes.SubmissionStatus.Eligible && s.status != IArenaTypes.SubmissionStatus.Ranked
            ) continue;
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

    function poolPart(IArena arena, uint256 id, address a, uint256 reward) external view returns (uint256) {
        (IArenaTypes.Role role, uint256 index) = arena.participant(id, a);
        if (role == IArenaTypes.Role.Node) {
            IArena.SubmissionInfo memory s = arena.submission(id, index);
            return Math.mulDiv(reward, s.poolStake, s.ownStake + s.poolStake);
        }
        if (role == IArenaTypes.Role.Validator) {
            IArena.ValidatorInfo memory v = arena.validator(id, index);
            return Math.mulDiv(reward, v.poolStake, v.ownStake + v.poolStake);
        }
        return 0;
    }

    function hasRole(IArena arena, uint256 id, address a) external view returns (bool) {
        if (arena.task(id).creator == a) return true;
        (IArenaTypes.Role role,) = arena.participant(id, a);
        return role != IArenaTypes.Role.None;
    }
}

/// @notice Creates tasks for {ArenaHandler} (a separate contract only to keep the handler under
/// the 24 KB code size limit): funds the creator with the FLOCK it was sent, locks the stake into
/// gmFLOCK and creates the task as the creator.
contract ArenaTaskMaker is CommonBase {
    IArena internal immutable _arena;
    FlockToken internal immutable _flock;
    GmFlock internal immutable _gm;

    constructor(IArena arena_, FlockToken flock_, GmFlock gm_) {
        _arena = arena_;
        _flock = flock_;
        _gm = gm_;
    }

    function create(
        address c,
        uint256 stake,
        uint256 bounty,
        uint256 phase,
        uint256 kSeed,
        string calldata validationCID,
        bytes32 salt
    ) external returns (uint256 id) {
        IArena.TaskParams memory p;
        uint32[] memory shape = new uint32[](1);
        shape[0] = 4;
        p.dataCID = "bafy-data";
        p.validationCommitment = keccak256(abi.encode(validationCID, salt));
        p.metric = kSeed % 3 == 0 ? IArenaTypes.Metric.MSE : IArenaTypes.Metric.Accuracy;
        p.model = IArenaTypes.ModelSpec({inputShape: shape, outputShape: shape, maxParameters: 1, maxFileSize: 1});
        p.baselineScore = p.metric == IArenaTypes.Metric.MSE ? int256(0.6e18) : int256(0.5e18);
        if (p.metric == IArenaTypes.Metric.MSE) p.scoreTolerance = 0.05e18; // unbounded: the creator's
        p.submitDuration = phase;
        p.revealDuration = phase;
        p.scoreCommitDuration = phase;
        p.scoreRevealDuration = phase;
        p.creatorStake = stake;
        p.minNodeStake = 10e18;
        p.minValidatorStake = 10e18;
        p.registrationFee = 1e18;
        p.bounty = bounty;
        _flock.transfer(c, stake + bounty);
        vm.startPrank(c);
        _flock.approve(address(_gm), stake);
        _gm.lock(stake, 0);
        _gm.approve(address(_arena), stake);
        _flock.approve(address(_arena), bounty);
        id = _arena.createTask(p);
        vm.stopPrank();
    }
}

/// @notice The campaign's main driver: does what a random live task's phase calls for, through
/// the {ArenaHandler}'s actions, so a task usually runs its whole lifecycle within one run. A
/// separate target contract only to keep the handler under the 24 KB code size limit.
contract ArenaStepper is CommonBase {
    ArenaHandler internal immutable h;
    IArena internal immutable _arena;

    constructor(ArenaHandler handler_) {
        h = handler_;
        _arena = handler_.arena();
    }

    /// @notice Does what a random live task's phase calls for (the campaign's main driver: a task
    /// then usually runs its whole lifecycle within one run).
    function step(uint256 tSeed, uint256 seed) external {
        uint256 n = h.taskCount();
        if (n == 0) return;
        uint256 id = h.taskIds(tSeed % n);
        vm.warp(h.ghostTime());
        IArenaTypes.Phase ph = _arena.phase(id);
        uint256 t = tSeed % n; // _taskIn(t, ...) starts its search at this task
        if (ph == IArenaTypes.Phase.Submit) {
            h.registerNode(t, seed >> 8, seed >> 16);
            if (seed % 2 == 0) h.registerValidator(t, seed >> 24, seed >> 32);
        } else if (ph == IArenaTypes.Phase.Reveal) {
            h.revealModel(t, seed >> 8, seed % 5 == 1);
            h.revealValidation(t, seed >> 16);
        } else if (ph == IArenaTypes.Phase.ScoreCommit) {
            uint256 count = _arena.task(id).validatorCount;
            for (uint256 v; v < count; ++v) {
                h.commitScore(t, v, seed >> v);
            }
        } else if (ph == IArenaTypes.Phase.ScoreReveal) {
            uint256 count = _arena.task(id).validatorCount;
            for (uint256 v; v < count; ++v) {
                h.revealScore(t, v, seed >> v);
            }
        } else if (ph == IArenaTypes.Phase.Finalizing) {
            if (_arena.settlement(id).consensusDone) h.rank(t, seed >> 8);
            else h.finalize(t, seed >> 8);
        } else {
            h.claim(t, seed >> 8);
        }
    }
}
