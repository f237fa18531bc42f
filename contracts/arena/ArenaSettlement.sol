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
import {ArenaMath} from "./ArenaMath.sol";
import {ArenaStorage} from "./ArenaStorage.sol";

/// @title ArenaSettlement
/// @notice The Arena's cold mutators: task creation, cancellation, the consensus pass and the
/// ranking. It runs only in the Arena's context: deployed on its own and handed to the Arena's
/// constructor, it is delegatecalled by {Arena-createTask}, {Arena-cancel}, {Arena-finalize} and
/// {Arena-rank} (behind the Arena's reentrancy guard), so it reads and writes the Arena's storage
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
        _cancel(taskId, t);
    }

    /// @notice See {IArenaActions-finalize}.
    /// @dev The first call closes the task's earning window and fixes its rewards ({RewardsFixed}).
    /// A node that committed and did not reveal is slashed arena.nodeSlash (as for an invalid
    /// model). Each revealed submission: validators that committed and did not reveal are slashed; the
    /// consensus is the stake-weighted median of the revealed scores (an exact split between
    /// halves that disagree is a tie: no consensus, nobody slashed, {SubmissionTied}); an invalid
    /// consensus slashes the node; validators beyond the tolerance are slashed, the others earn
    /// stake * quality points. Gas per submission grows with its scorers (at most k), not with the task.
    /// Emits {SubmissionSettled} per submission, {Slashed}, {ConsensusCompleted} at the end of the
    /// pass and {TaskFinalized} if no submission is eligible; or {TaskCancelled} instead of all of
    /// it when the validation set was never revealed. Requirements: Finalizing phase; the
    /// consensus pass not over; maxSubmissions > 0.
    function finalize(uint256 taskId, uint256 maxSubmissions)
        external
        onlyDelegated
        returns (uint256 settled, bool consensusDone)
    {
        Task storage t = _task(taskId);
        _requirePhase(taskId, t, Phase.Finalizing);
        if (!t.validationRevealed) {
            _cancel(taskId, t);
            return (0, false);
        }
        Settlement storage s = _settlements[taskId];
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

    /// @notice See {IArenaActions-rank}.
    /// @dev Competition ranking: a submission whose consensus equals the previous one's shares its
    /// rank (and factor); the next distinct score takes rank = its position. rankFactor =
    /// rankDecay^rank, computed by repeated multiplication rounded down. Self-correcting, so that
    /// nobody can freeze a task by ranking it wrongly: the ranking so far is always in
    /// non-increasing order of consensus, a submission already in it is skipped, and a submission
    /// whose consensus is above the last one ranked proves the ranking wrong from the first
    /// position with a lower consensus: the ranking is cut back to there ({RankingRewound}, in
    /// O(log n) reads, see {_rewind}) and continues with it. A complete ranking (every eligible
    /// submission, in non-increasing order) is the consensus order, and the whole order best
    /// first always completes it, whatever was ranked before. Emits {SubmissionRanked} per
    /// submission placed, {RankingRewound} per cut and {TaskFinalized} after the last.
    /// Requirements: Finalizing phase with the consensus pass over; a non-empty list; each
    /// submission above the baseline (Eligible, or Ranked by an earlier call).
    function rank(uint256 taskId, uint256[] calldata submissionIds) external onlyDelegated {
        Task storage t = _task(taskId);
        _requirePhase(taskId, t, Phase.Finalizing);
        Settlement storage s = _settlements[taskId];
        if (!s.consensusDone) revert ArenaConsensusState(taskId, false);
        uint256 len = submissionIds.length;
        if (len == 0) revert ArenaBadBatch();

        RankCursor memory c = RankCursor({
            decay: t.rules.rankDecay,
            count: t.nodeCount,
            ranked: s.rankedCount,
            lastRank: s.lastRank,
            positionFactor: s.positionFactor,
            rankFactor: s.lastRankFactor,
            lastScore: s.lastScore,
            denominator: s.nodeDenominator
        });
        for (uint256 i; i < len; ++i) {
            _rankOne(taskId, c, submissionIds[i]);
        }
        // ranked <= eligibleCount and lastRank < nodeCount (uint32); factors <= 1e18 < 2^64;
        // lastScore is a stored consensus (int128).
        s.rankedCount = uint32(c.ranked);
        s.lastRank = uint32(c.lastRank);
        s.positionFactor = uint64(c.positionFactor);
        s.lastRankFactor = uint64(c.rankFactor);
        s.lastScore = int128(c.lastScore);
        s.nodeDenominator = c.denominator;
        if (c.ranked == s.eligibleCount) _complete(taskId, t, s);
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
    }

    function _cancel(uint256 taskId, Task storage t) private {
        _syncCaughtUp();
        uint256 emission = _closeEarning(t);
        t.status = Status.Cancelled;
        _slash(taskId, t.creator, t.creatorStake, 0, t.rules.creatorSlash, SlashReason.CreatorNoReveal);
        emit TaskCancelled(taskId, emission);
        _toTreasury(emission);
    }

    /// @dev Closes the earning window and fixes the reward split.
    function _startSettlement(uint256 taskId, Task storage t, Settlement storage s) private {
        _syncCaughtUp();
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
        (int256[] memory values, uint256[] memory weights, uint256[] memory who, uint256 m) =
            _collectScores(taskId, t, s, id, n.scorers);
        if (m == 0) {
            n.status = SubmissionStatus.Unscored;
            emit SubmissionSettled(taskId, id, SubmissionStatus.Unscored, 0);
            return;
        }
        uint256 tolerance = t.rules.validatorTolerance;
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

        for (uint256 j; j < m; ++j) {
            _rateValidator(taskId, t, s, who[j], values[j], weights[j], c, tolerance);
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
        (c, upper) = ArenaMath.weightedMedianBounds(values, weights, m);
        if (upper == c) return c;
        int256 lower = c;
        if (c != INVALID) c += (upper - c) / 2; // both within [-1e36, 1e36]
        // The midpoint is nearer the lower value: the upper one is the farther of the two.
        if (lower == INVALID || ArenaMath.relativeDistance(upper, c) > tolerance) {
            emit SubmissionTied(taskId, id, lower, upper);
            return TIE;
        }
    }

    /// @dev The revealed scores of a submission (oriented) with their validators' stakes;
    /// validators that committed and did not reveal are slashed on the way.
    function _collectScores(uint256 taskId, Task storage t, Settlement storage s, uint256 id, uint32[] storage list)
        private
        returns (int256[] memory values, uint256[] memory weights, uint256[] memory who, uint256 m)
    {
        uint256 k = list.length;
        values = new int256[](k);
        weights = new uint256[](k);
        who = new uint256[](k);
        for (uint256 j; j < k; ++j) {
            uint256 v = list[j];
            Score storage sc = _scores[taskId][id][v];
            if (!sc.revealed) {
                _slashValidator(taskId, t, s, v, SlashReason.ValidatorNoReveal);
                continue;
            }
            Validator storage val = _validators[taskId][v];
            values[m] = sc.invalid ? int256(INVALID) : _orient(t, sc.value);
            weights[m] = uint256(val.ownStake) + val.poolStake;
            who[m] = v;
            ++m;
        }
    }

    /// @dev Places one submission at the end of the ranking in `c`, after cutting the ranking back
    /// if the submission's consensus is above the last one ranked; skips it if the ranking already
    /// holds it (see {rank}).
    function _rankOne(uint256 taskId, RankCursor memory c, uint256 id) private {
        if (id >= c.count) revert ArenaBadRanking(taskId, id);
        Node storage n = _nodes[taskId][id];
        SubmissionStatus status = n.status;
        if (status == SubmissionStatus.Ranked) {
            if (_rankedAt(taskId, n.position, c.ranked) == id) return; // in the ranking already
            // Else it was cut off the ranking by a rewind: it is eligible again.
        } else if (status != SubmissionStatus.Eligible) {
            revert ArenaBadRanking(taskId, id);
        }
        int256 consensus = n.consensus;
        if (c.ranked > 0 && consensus > c.lastScore) _rewind(taskId, c, consensus);
        uint256 position = c.ranked;
        if (position == 0) {
            c.positionFactor = WAD;
            c.rankFactor = WAD;
            c.lastRank = 0;
        } else {
            c.positionFactor = (c.positionFactor * c.decay) / WAD; // both <= 1e18: no overflow
            if (consensus < c.lastScore) {
                c.rankFactor = c.positionFactor;
                c.lastRank = position;
            }
        }
        uint256 shift = 32 * (position & 7);
        if (shift == 0) {
            _rankIds[taskId][position >> 3] = id; // a fresh word: lanes above hold nothing ranked
            if (position & 15 == 0 && position > 0) _rankCheckpoints[taskId][position >> 4] = c.denominator;
        } else {
            mapping(uint256 => uint256) storage ids = _rankIds[taskId];
            uint256 w = ids[position >> 3];
            ids[position >> 3] = (w & ~(uint256(type(uint32).max) << shift)) | (id << shift);
        }
        n.status = SubmissionStatus.Ranked;
        n.rank = uint32(c.lastRank); // < nodeCount, a uint32
        n.position = uint32(position);
        n.rankFactor = uint64(c.rankFactor); // <= 1e18 < 2^64
        n.positionFactor = uint64(c.positionFactor);
        c.denominator += Math.mulDiv(uint256(n.ownStake) + n.poolStake, c.rankFactor, WAD);
        c.lastScore = consensus;
        c.ranked = position + 1;
        emit SubmissionRanked(taskId, id, c.lastRank, c.rankFactor);
    }

    /// @dev Cuts the ranking in `c` back to its positions with a consensus >= `consensus`, which
    /// is above the last one ranked: the ranking is in non-increasing order, so a binary search
    /// finds the first position below it (O(log n) reads). The cursor is restored from the last
    /// position kept (its node holds its score, rank and factors) and the denominator from the
    /// last checkpoint plus at most 15 positions.
    function _rewind(uint256 taskId, RankCursor memory c, int256 consensus) private {
        uint256 lo;
        uint256 hi = c.ranked - 1; // the last position ranked is below `consensus`
        while (lo < hi) {
            uint256 mid = (lo + hi) >> 1;
            if (_nodes[taskId][_rankedAt(taskId, mid, c.ranked)].consensus < consensus) hi = mid;
            else lo = mid + 1;
        }
        emit RankingRewound(taskId, c.ranked, lo);
        c.ranked = lo;
        if (lo == 0) {
            c.denominator = 0;
            return; // the next placement starts the ranking afresh
        }
        Node storage last = _nodes[taskId][_rankedAt(taskId, lo - 1, lo)];
        c.lastScore = last.consensus;
        c.lastRank = last.rank;
        c.rankFactor = last.rankFactor;
        c.positionFactor = last.positionFactor;
        uint256 from = lo & ~uint256(15);
        uint256 denominator = from == 0 ? 0 : _rankCheckpoints[taskId][from >> 4];
        for (uint256 p = from; p < lo; ++p) {
            Node storage m = _nodes[taskId][_rankedAt(taskId, p, lo)];
            denominator += Math.mulDiv(uint256(m.ownStake) + m.poolStake, m.rankFactor, WAD);
        }
        c.denominator = denominator;
    }

    /// @dev Slashes a validator beyond the tolerance, else credits stake * quality points.
    function _rateValidator(
        uint256 taskId,
        Task storage t,
        Settlement storage s,
        uint256 v,
        int256 value,
        uint256 weight,
        int256 c,
        uint256 tolerance
    ) private {
        Validator storage val = _validators[taskId][v];
        if (val.slashed) return;
        uint256 quality = WAD;
        if (c == INVALID || value == INVALID) {
            if (c != value) {
                _slashValidator(taskId, t, s, v, SlashReason.ValidatorDeviation);
                return;
            }
        } else {
            uint256 distance = ArenaMath.relativeDistance(value, c);
            if (distance > tolerance) {
                _slashValidator(taskId, t, s, v, SlashReason.ValidatorDeviation);
                return;
            }
            // tolerance > 0 (config bounds) and distance <= tolerance: quality in [0, 1e18].
            quality = WAD - Math.mulDiv(distance, WAD, tolerance);
        }
        uint256 points = Math.mulDiv(weight, quality, WAD);
        if (points > 0) {
            val.points += points;
            s.totalPoints += points;
        }
    }

    /// @dev Slashes a validator once per task; it forfeits the points it earned.
    function _slashValidator(uint256 taskId, Task storage t, Settlement storage s, uint256 v, SlashReason reason)
        private
    {
        Validator storage val = _validators[taskId][v];
        if (val.slashed) return;
        val.slashed = true;
        uint256 points = val.points;
        if (points > 0) {
            s.totalPoints -= points;
            val.points = 0;
        }
        _slash(taskId, val.account, val.ownStake, val.poolStake, t.rules.validatorSlash, reason);
    }

    /// @dev Burns `fraction` of `own` (held here) and slashes `fraction` of `pool` (the pool's
    /// stake at registration, capped by what the pool still holds) from `account`'s pool.
    function _slash(uint256 taskId, address account, uint256 own, uint256 pool, uint256 fraction, SlashReason reason)
        private
    {
        uint256 ownAmount = Math.mulDiv(own, fraction, WAD);
        uint256 poolAmount = Math.mulDiv(pool, fraction, WAD);
        if (poolAmount > 0) {
            IDelegationPools.PoolInfo memory info = _pools.pool(account);
            uint256 available = info.totalStake + info.unbondingStake;
            if (poolAmount > available) poolAmount = available;
        }
        _totalSlashed += ownAmount;
        emit Slashed(taskId, account, reason, ownAmount, poolAmount);
        if (ownAmount > 0) _gm.burn(ownAmount);
        if (poolAmount > 0) _pools.slash(account, poolAmount, address(0));
    }

    function _complete(uint256 taskId, Task storage t, Settlement storage s) private {
        uint256 unallocated;
        if (s.eligibleCount == 0) unallocated += s.nodeReward;
        if (s.totalPoints == 0) unallocated += s.validatorReward;
        s.unallocated = unallocated.toUint128();
        t.status = Status.Finalized;
        emit TaskFinalized(taskId, unallocated);
        _toTreasury(unallocated);
    }

    function _toTreasury(uint256 amount) private {
        if (amount == 0) return;
        _totalToTreasury += amount;
        _flock.safeTransfer(_config.treasury(), amount);
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
