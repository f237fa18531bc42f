// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IDelegationPools} from "../interfaces/IDelegationPools.sol";
import {IEmission} from "../interfaces/IEmission.sol";
import {IGmFlock} from "../interfaces/IGmFlock.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {Params} from "../libraries/Params.sol";
import {StakeEscrow} from "../libraries/StakeEscrow.sol";
import {StakeSampling} from "../libraries/StakeSampling.sol";
import {WeightedMedian} from "../libraries/WeightedMedian.sol";
import {ArenaStorage} from "./ArenaStorage.sol";

/// @title ArenaSettlement
/// @notice The Arena's cold mutators: task creation, cancellation and the consensus pass. It runs
/// only in the Arena's context: deployed on its own and handed to the Arena's constructor, it is
/// delegatecalled by {Arena-createTask}, {Arena-cancel} and {Arena-finalize} (behind the Arena's
/// reentrancy guard), so it reads and writes the Arena's storage
/// and emits the Arena's events. Split out only to keep each contract under the 24 KB code size
/// limit; see {Arena} for the design and {IArenaActions} for each function's behaviour.
/// @custom:serves IArenaActions
contract ArenaSettlement is ArenaStorage {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice Thrown when the module is called directly rather than through the Arena.
    error ArenaSettlementDirectCall();

    address private immutable _self;

    /// @dev Deploy with the Arena's own first five constructor arguments (the Arena checks).
    constructor(IERC20 flock_, IGmFlock gm_, IProtocolConfig config_, IEmission emission_, IDelegationPools pools_)
        ArenaStorage(flock_, gm_, config_, emission_, pools_)
    {
        _self = address(this);
    }

    modifier onlyDelegated() {
        if (address(this) == _self) revert ArenaSettlementDirectCall();
        _;
    }

    /// @notice See {IArenaActions-cancel}.
    /// @dev Burns arena.creatorSlash of the creator's stake and sends the task's emission to the
    /// treasury; nodes and validators get their stake (and nodes their fee) back by {claim}.
    /// Emits {Slashed}, {TaskCancelled}. Requirements: the Reveal phase is over, the task is
    /// neither finalized nor cancelled, and its validation set was not revealed.
    function cancel(uint256 taskId) external onlyDelegated {
        Task storage t = _task(taskId);
        Phase ph = _phase(t);
        if (ph < Phase.ScoreCommit || ph > Phase.Finalizing) revert ArenaNotInPhase(taskId, ph);
        if (t.validationRevealed) revert ArenaValidationSetRevealed(taskId);
        _cancel(taskId, t, SlashReason.CreatorNoReveal);
    }

    /// @notice See {IArenaActions-finalize}.
    function finalize(uint256 taskId, uint256 maxSubmissions)
        external
        onlyDelegated
        returns (uint256 settled, bool consensusDone)
    {
        Task storage t = _task(taskId);
        _requirePhase(taskId, t, Phase.Finalizing);
        Settlement storage s = _settlements[taskId];
        if (!s.started) {
            if (!t.validationRevealed) {
                _cancel(taskId, t, SlashReason.CreatorNoReveal);
                return (0, false);
            }
            // More than half of the committed weight found the validation set unusable.
            if (2 * uint256(t.unusableWeight) > _lines[taskId].total) {
                _cancel(taskId, t, SlashReason.CreatorUnusableData);
                return (0, false);
            }
        }
        if (s.consensusDone) revert ArenaConsensusState(taskId, true);
        if (maxSubmissions == 0) revert ArenaBadBatch();
        if (!s.started) _startSettlement(taskId, t, s);

        uint256 from = s.cursor;
        uint256 count = t.nodeCount;
        uint256 to = count - from < maxSubmissions ? count : from + maxSubmissions;
        for (uint256 id = from; id < to; ++id) {
            _settleSubmission(taskId, t, s, id);
        }
        s.cursor = uint32(to); // to <= nodeCount, a uint32
        settled = to - from;
        if (to == count) {
            s.consensusDone = true;
            consensusDone = true;
            emit ConsensusCompleted(taskId, s.eligibleCount, s.totalPoints);
            if (s.eligibleCount == 0) _complete(taskId, t, s);
        }
    }

    /// @notice See {IArenaActions-createTask}.
    /// @dev Reads the governed parameters into the task's rules. Emits {TaskCreated} and
    /// {TaskWeightChanged}. Requirements: non-empty CIDs and commitment, shapes of 1..8 dimensions,
    /// non-zero model limits, |baseline| <= 1e36, every phase at least arena.minPhase and the whole
    /// at most arena.maxTaskDuration, creatorStake >= arena.minCreatorStake, node and validator
    /// minimums >= arena.minStake and > 0; approvals of gmFLOCK (stake) and FLOCK (bounty).
    function createTask(TaskParams calldata p) external onlyDelegated returns (uint256 taskId) {
        _checkTaskParams(p);
        _syncCaughtUp();
        taskId = ++_taskCount;
        Task storage t = _tasks[taskId];
        _initTask(t, p);
        Spec storage spec = _specs[taskId];
        spec.dataCID = p.dataCID;
        spec.model.inputShape = p.model.inputShape;
        spec.model.outputShape = p.model.outputShape;
        spec.model.maxParameters = p.model.maxParameters;
        spec.model.maxFileSize = p.model.maxFileSize;

        _addStake(taskId, t, p.creatorStake);
        emit TaskCreated(
            taskId,
            msg.sender,
            p.metric,
            p.creatorStake,
            p.bounty,
            t.submitEnd,
            t.revealEnd,
            t.scoreCommitEnd,
            t.scoreRevealEnd,
            p.dataCID
        );

        if (p.creatorStake > 0) IERC20(address(_gm)).safeTransferFrom(msg.sender, address(this), p.creatorStake);
        if (p.bounty > 0) _flock.safeTransferFrom(msg.sender, address(this), p.bounty);
    }

    // ================================================================ internals

    function _checkTaskParams(TaskParams calldata p) private view {
        _checkCID(p.dataCID);
        if (p.validationCommitment == 0) revert ArenaZeroCommitment();
        uint256 inRank = p.model.inputShape.length;
        uint256 outRank = p.model.outputShape.length;
        if (
            inRank == 0 || inRank > MAX_SHAPE_RANK || outRank == 0 || outRank > MAX_SHAPE_RANK
                || p.model.maxParameters == 0 || p.model.maxFileSize == 0
        ) revert ArenaInvalidTaskParams();
        if (p.baselineScore > MAX_SCORE || p.baselineScore < -MAX_SCORE) revert ArenaScoreOutOfRange(p.baselineScore);
        // Accuracy and F1 lie in [0, 1] and may take the governed default; others need the creator's.
        bool bounded = p.metric == Metric.Accuracy || p.metric == Metric.F1;
        if ((p.scoreTolerance == 0 && !bounded) || p.scoreTolerance > uint256(MAX_SCORE)) {
            revert ArenaBadTolerance(p.scoreTolerance);
        }

        uint256 minPhase = _config.get(Params.ARENA_MIN_PHASE);
        _checkPhase(p.submitDuration, minPhase);
        _checkPhase(p.revealDuration, minPhase);
        _checkPhase(p.scoreCommitDuration, minPhase);
        _checkPhase(p.scoreRevealDuration, minPhase);
        uint256 total = p.submitDuration + p.revealDuration + p.scoreCommitDuration + p.scoreRevealDuration;
        uint256 maxDuration = _config.get(Params.ARENA_MAX_TASK_DURATION);
        if (total > maxDuration) revert ArenaTaskTooLong(total, maxDuration);

        uint256 minCreator = _config.get(Params.ARENA_MIN_CREATOR_STAKE);
        if (p.creatorStake < minCreator) revert ArenaStakeTooLow(p.creatorStake, minCreator);
        uint256 minStake = Math.max(_config.get(Params.ARENA_MIN_STAKE), 1);
        if (p.minNodeStake < minStake) revert ArenaStakeTooLow(p.minNodeStake, minStake);
        if (p.minValidatorStake < minStake) revert ArenaStakeTooLow(p.minValidatorStake, minStake);
    }

    function _checkPhase(uint256 duration, uint256 minPhase) private pure {
        if (duration < minPhase || duration == 0) revert ArenaPhaseTooShort(duration, minPhase);
    }

    /// @dev Writes a new task's fields and reads its rules from the config.
    function _initTask(Task storage t, TaskParams calldata p) private {
        uint256 now_ = _now(); // the Arena's clock (after the sync createTask does first)
        t.creator = msg.sender;
        t.createdAt = uint64(now_);
        t.metric = p.metric;
        t.higherIsBetter = p.metric == Metric.Accuracy || p.metric == Metric.F1;
        // Each duration is bounded by arena.maxTaskDuration (<= 365 days): the sums fit uint64.
        uint256 submitEnd = now_ + p.submitDuration;
        uint256 revealEnd = submitEnd + p.revealDuration;
        uint256 scoreCommitEnd = revealEnd + p.scoreCommitDuration;
        uint256 scoreRevealEnd = Math.ceilDiv(scoreCommitEnd + p.scoreRevealDuration, EPOCH) * EPOCH;
        t.submitEnd = uint64(submitEnd);
        t.revealEnd = uint64(revealEnd);
        t.scoreCommitEnd = uint64(scoreCommitEnd);
        t.scoreRevealEnd = uint64(scoreRevealEnd);
        t.baseline = int128(p.baselineScore); // |baseline| <= 1e36 < 2^127
        t.creatorStake = p.creatorStake.toUint128();
        t.minNodeStake = p.minNodeStake.toUint128();
        t.minValidatorStake = p.minValidatorStake.toUint128();
        t.registrationFee = p.registrationFee.toUint128();
        t.bounty = p.bounty.toUint128();
        t.validationCommitment = p.validationCommitment;

        // Every fraction is bounded by 1e18 in the config (< 2^64); the sample size by 32.
        TaskRules storage r = t.rules;
        r.gamma = uint64(_config.get(Params.ARENA_GAMMA));
        r.beta = uint64(_config.get(Params.ARENA_BETA));
        r.creatorShare = uint64(_config.get(Params.ARENA_CREATOR_SHARE));
        r.validatorTolerance = uint64(_config.get(Params.ARENA_VALIDATOR_TOLERANCE));
        r.validatorSlash = uint64(_config.get(Params.ARENA_VALIDATOR_SLASH));
        r.nodeSlash = uint64(_config.get(Params.ARENA_NODE_SLASH));
        r.creatorSlash = uint64(_config.get(Params.ARENA_CREATOR_SLASH));
        r.rankDecay = uint64(_config.get(Params.ARENA_RANK_DECAY));
        r.sampleSize = uint8(Math.min(_config.get(Params.ARENA_SAMPLE_SIZE), MAX_SAMPLE_SIZE));
        t.tolerance = uint128(p.scoreTolerance == 0 ? r.validatorTolerance : p.scoreTolerance); // <= 1e36
    }

    function _cancel(uint256 taskId, Task storage t, SlashReason reason) private {
        _syncCaughtUp();
        uint256 emission = _closeEarning(t);
        t.status = Status.Cancelled;
        _slash(taskId, t.creator, t.creatorStake, 0, t.rules.creatorSlash, reason);
        emit TaskCancelled(taskId, emission);
        _toTreasury(emission);
    }

    /// @dev Closes the earning window and fixes the reward split.
    function _startSettlement(uint256 taskId, Task storage t, Settlement storage s) private {
        _syncCaughtUp();
        if (t.seed == 0) _drawSeed(taskId, t); // nobody drew it in the ScoreReveal phase
        uint256 emission = _closeEarning(t);
        TaskRules memory r = t.rules;
        uint256 creatorReward = Math.mulDiv(emission, r.creatorShare, WAD);
        uint256 pot = emission - creatorReward + uint256(t.registrationFee) * t.nodeCount + t.bounty;
        uint256 nodeStake = t.nodeStake;
        uint256 total = nodeStake + t.validatorStake;
        uint256 nodeReward = pot;
        if (total > 0) {
            // gamma <= 0.5e18 (config bounds): the share lies in [gamma, 1 - gamma].
            uint256 share = r.gamma + Math.mulDiv(WAD - 2 * uint256(r.gamma), nodeStake, total);
            nodeReward = Math.mulDiv(pot, share, WAD);
        }
        uint256 validatorReward = pot - nodeReward;
        s.started = true;
        s.emission = emission.toUint128();
        s.nodeReward = nodeReward.toUint128();
        s.validatorReward = validatorReward.toUint128();
        s.creatorReward = creatorReward.toUint128();
        emit RewardsFixed(taskId, emission, nodeReward, validatorReward, creatorReward);
    }

    function _settleSubmission(uint256 taskId, Task storage t, Settlement storage s, uint256 id) private {
        Node storage n = _nodes[taskId][id];
        if (n.status != SubmissionStatus.Revealed) {
            _settleUnrevealed(taskId, t, n);
            return;
        }
        _penalizeUnopened(taskId, t, id, n);
        (int256[] memory values, uint256[] memory weights, uint256 m) = _collectScores(taskId, t, id, n.scorers);
        if (m == 0) {
            n.status = SubmissionStatus.Unscored;
            emit SubmissionSettled(taskId, id, SubmissionStatus.Unscored, 0);
            return;
        }
        uint256 tolerance = t.tolerance;
        int256 c = _consensus(taskId, id, values, weights, m, tolerance);
        if (c == TIE) {
            n.status = SubmissionStatus.Unscored;
            emit SubmissionSettled(taskId, id, SubmissionStatus.Unscored, 0);
            return;
        }
        n.consensus = int128(c); // a score in [-1e36, 1e36] or INVALID
        SubmissionStatus status;
        if (c == INVALID) {
            status = SubmissionStatus.Invalid;
            n.slashed = true;
            _slash(taskId, n.account, n.ownStake, n.poolStake, t.rules.nodeSlash, SlashReason.InvalidModel);
        } else if (c > _orient(t, t.baseline)) {
            status = SubmissionStatus.Eligible;
            ++s.eligibleCount;
        } else {
            status = SubmissionStatus.BelowBaseline;
        }
        n.status = status;
        emit SubmissionSettled(taskId, id, status, c);

        _rateAll(taskId, t, s, id, values, weights, c);
    }

    /// @dev Rates each opened score of submission `id` against its consensus `c`.
    function _rateAll(
        uint256 taskId,
        Task storage t,
        Settlement storage s,
        uint256 id,
        int256[] memory values,
        uint256[] memory weights,
        int256 c
    ) private {
        uint32[] storage list = _nodes[taskId][id].scorers;
        bool samples = _samples(taskId, t);
        for (uint256 j; j < values.length; ++j) {
            uint256 v = list[j];
            // Its votes: one when everyone counts, else the draws that landed on it.
            uint256 votes = samples ? _scores[taskId][id][v].draws : 1;
            _rateValidator(taskId, t, s, v, votes, values[j], weights[j], c);
        }
    }

    /// @dev A submission that was not revealed. Committed and withheld: slashed as for an invalid
    /// model, so withholding is never cheaper than revealing. Registered and never committed:
    /// nothing was withheld, no slash (the node forfeits its fee).
    function _settleUnrevealed(uint256 taskId, Task storage t, Node storage n) private {
        if (n.status != SubmissionStatus.Committed) return;
        n.slashed = true;
        _slash(taskId, n.account, n.ownStake, n.poolStake, t.rules.nodeSlash, SlashReason.NodeNoReveal);
    }

    /// @dev Penalizes the counted validators of a submission that did not open their score: every
    /// committer when the task does not sample; else the owner of each draw whose score was not
    /// opened (an opening covers all of its owner's draws, so each such owner opened nothing).
    function _penalizeUnopened(uint256 taskId, Task storage t, uint256 id, Node storage n) private {
        StakeSampling.Line storage line = _lines[taskId];
        uint256 k = t.rules.sampleSize;
        if (line.count <= k) {
            for (uint256 i; i < line.count; ++i) {
                uint256 v = StakeSampling.memberAt(line, i);
                if (!_scores[taskId][id][v].revealed) _penalize(taskId, t, v, 1, SlashReason.ValidatorNoReveal);
            }
            return;
        }
        // Draws not opened; each owner found is penalized once, its other draws cleared.
        uint256 missing = ((1 << k) - 1) & ~uint256(n.openedDraws);
        for (uint256 j; missing >> j != 0; ++j) {
            if ((missing >> j) & 1 == 0) continue;
            uint256 v = StakeSampling.ownerOf(line, StakeSampling.point(t.seed, id, j, line.total));
            uint256 draws = _drawsOf(taskId, t, id, _validators[taskId][v]);
            missing &= ~draws;
            _penalize(taskId, t, v, StakeSampling.count(draws), SlashReason.ValidatorNoReveal);
        }
    }

    /// @dev The consensus of the first `m` revealed scores: their stake-weighted median. When the
    /// weight splits exactly in half between a lower value and a higher one (the median is not
    /// unique), two halves that agree (the midpoint, rounded toward the lower, is within the
    /// tolerance of both) settle at the midpoint; otherwise nobody can tell the honest half: a
    /// tie ({SubmissionTied}), returned as TIE.
    function _consensus(
        uint256 taskId,
        uint256 id,
        int256[] memory values,
        uint256[] memory weights,
        uint256 m,
        uint256 tolerance
    ) private returns (int256 c) {
        int256 upper;
        (c, upper) = WeightedMedian.bounds(values, weights, m);
        if (upper == c) return c;
        int256 lower = c;
        if (c != INVALID) c += (upper - c) / 2; // both within [-1e36, 1e36]
        // The midpoint is nearer the lower value: the upper one is the farther of the two.
        if (lower == INVALID || uint256(upper - c) > tolerance) {
            emit SubmissionTied(taskId, id, lower, upper);
            return TIE;
        }
    }

    /// @dev The opened scores of a submission (oriented), in the order of `list`, with their
    /// weights: the validators' effective stakes when everyone counts; when the task samples, the
    /// draws that landed on each, each draw standing for (committed stake / k), so the median is
    /// that of k stake-weighted draws (a majority needs half of the draws, a binomial tail, not
    /// one lucky draw of a large stake).
    function _collectScores(uint256 taskId, Task storage t, uint256 id, uint32[] storage list)
        private
        view
        returns (int256[] memory values, uint256[] memory weights, uint256 m)
    {
        m = list.length;
        values = new int256[](m);
        weights = new uint256[](m);
        uint256 perDraw = _samples(taskId, t) ? _lines[taskId].total / t.rules.sampleSize : 0;
        for (uint256 j; j < m; ++j) {
            uint256 v = list[j];
            Score storage sc = _scores[taskId][id][v];
            Validator storage val = _validators[taskId][v];
            values[j] = sc.invalid ? int256(INVALID) : _orient(t, sc.value);
            weights[j] = perDraw == 0 ? uint256(val.ownStake) + val.poolStake : sc.draws * perDraw;
        }
    }

    /// @dev Penalizes a score beyond the tolerance (or on the other side of "invalid"), else
    /// credits stake * quality points, quality = 1 - distance / tolerance.
    function _rateValidator(
        uint256 taskId,
        Task storage t,
        Settlement storage s,
        uint256 v,
        uint256 votes,
        int256 value,
        uint256 weight,
        int256 c
    ) private {
        uint256 tolerance = t.tolerance;
        uint256 quality = WAD;
        if (c == INVALID || value == INVALID) {
            if (c != value) {
                _penalize(taskId, t, v, votes, SlashReason.ValidatorDeviation);
                return;
            }
        } else {
            uint256 distance = value >= c ? uint256(value - c) : uint256(c - value);
            if (distance > tolerance) {
                _penalize(taskId, t, v, votes, SlashReason.ValidatorDeviation);
                return;
            }
            // tolerance > 0 (checked at creation) and distance <= tolerance: quality in [0, 1e18].
            quality = WAD - Math.mulDiv(distance, WAD, tolerance);
        }
        uint256 points = Math.mulDiv(weight, quality, WAD);
        if (points > 0) {
            _validators[taskId][v].points += points;
            s.totalPoints += points;
        }
    }

    /// @dev Slashes validator `v` for one counted score (deviating or not opened) that carried
    /// `votes` votes: the part validatorSlash * votes / E of its stake, E = the votes its stake lets
    /// it expect in the task (revealed submissions, times k * its stake / the committed stake when
    /// the task samples; at least 1), so a deviation costs in proportion to the submissions (and
    /// the weight) it touched; at most validatorSlash in all.
    function _penalize(uint256 taskId, Task storage t, uint256 v, uint256 votes, SlashReason reason) private {
        Validator storage val = _validators[taskId][v];
        uint256 cap = t.rules.validatorSlash;
        uint256 slashed = val.slashedFraction;
        if (slashed >= cap) return;
        uint256 expected = t.revealedCount;
        if (_samples(taskId, t)) {
            expected = Math.mulDiv(expected, t.rules.sampleSize * uint256(val.sampleWeight), _lines[taskId].total);
        }
        uint256 fraction = Math.mulDiv(cap, votes, Math.max(expected, 1));
        if (fraction > cap - slashed) fraction = cap - slashed;
        val.slashed = true;
        val.slashedFraction = uint64(slashed + fraction); // <= cap <= 1e18
        val.slashedOwn += _slash(taskId, val.account, val.ownStake, val.poolStake, fraction, reason).toUint128();
    }

    /// @dev Burns `fraction` of `own` (held here) and slashes `fraction` of `pool` (the pool's
    /// stake at registration, capped by what the pool still holds) from `account`'s pool.
    function _slash(uint256 taskId, address account, uint256 own, uint256 pool, uint256 fraction, SlashReason reason)
        private
        returns (uint256 ownAmount)
    {
        uint256 poolAmount;
        (ownAmount, poolAmount) = StakeEscrow.slashAmounts(_pools, account, own, pool, fraction);
        _totalSlashed += ownAmount;
        emit Slashed(taskId, account, reason, ownAmount, poolAmount);
        StakeEscrow.burn(_gm, _pools, account, ownAmount, poolAmount);
    }

    function _orient(Task storage t, int256 value) private view returns (int256) {
        return t.higherIsBetter ? value : -value;
    }

    /// @dev Stops the task earning (at once if still in its window) and returns its final emission.
    function _closeEarning(Task storage t) private returns (uint256 emission) {
        uint256 end = t.scoreRevealEnd;
        uint256 weight = t.weight;
        uint256 acc;
        // The Arena's clock, as the caught-up sync before this call left it: the drop at `end`
        // was processed exactly when this clock has reached `end`.
        if (_now() < end) {
            acc = _stream.acc;
            uint256 own = t.ownStake;
            _totalWeight -= weight;
            _totalStake -= own;
            Drop storage d = _drops[end / EPOCH];
            d.weight -= uint128(weight); // the task's weight is part of its drop
            d.stake -= uint128(own);
        } else {
            // The drop at `end` was processed by the caught-up sync before this call.
            acc = _accAt[end / EPOCH];
        }
        emission = t.accrued + Math.mulDiv(weight, acc - t.accSnapshot, PRECISION);
        t.accrued = emission.toUint128();
        t.accSnapshot = acc;
        t.weight = 0;
        _totalTaskEmission += emission;
    }
}
