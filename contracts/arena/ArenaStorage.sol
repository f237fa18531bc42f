// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IArenaBase} from "../interfaces/IArenaBase.sol";
import {IDelegationPools} from "../interfaces/IDelegationPools.sol";
import {IEmission} from "../interfaces/IEmission.sol";
import {IGmFlock} from "../interfaces/IGmFlock.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {RewardStream} from "../libraries/RewardStream.sol";
import {StakeSampling} from "../libraries/StakeSampling.sol";
import {ArenaMath} from "./ArenaMath.sol";

/// @title ArenaStorage
/// @notice The storage layout, constants and shared internals of the Arena and its two modules:
/// {Arena} holds the state and runs {ArenaSettlement} and {ArenaRanking} (cold mutators) and
/// {ArenaLens} (views) by delegatecall, so all four inherit this one base and declare no state of
/// their own (only immutables, which live in code).
/// @dev See {Arena} for the design. Internals here are those more than one of them needs.
abstract contract ArenaStorage is IArenaBase {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    uint256 internal constant WAD = 1e18;

    /// @inheritdoc IArenaBase
    uint256 public constant PRECISION = RewardStream.PRECISION;
    /// @inheritdoc IArenaBase
    uint256 public constant REWARD_DURATION = 1 days;
    /// @inheritdoc IArenaBase
    uint256 public constant EPOCH = 1 hours;
    /// @inheritdoc IArenaBase
    /// @dev The bound of one {_update}.
    uint256 public constant MAX_UPDATE_STEPS = 32;
    /// @inheritdoc IArenaBase
    uint256 public constant MAX_SAMPLE_SIZE = 32;
    /// @inheritdoc IArenaBase
    int256 public constant MAX_SCORE = 1e36;
    /// @inheritdoc IArenaBase
    uint256 public constant MAX_CID_LENGTH = 128;
    /// @inheritdoc IArenaBase
    uint256 public constant MAX_SHAPE_RANK = 8;
    /// @inheritdoc IArenaBase
    uint256 public constant CLAIM_FREEZE = 7 days;

    /// @dev The oriented value of an invalid mark: below every score (|score| <= 1e36 < 2^127).
    int128 internal constant INVALID = type(int128).min;
    /// @dev What the consensus of a tie is returned as (below INVALID: never a stored consensus).
    int256 internal constant TIE = type(int256).min;

    enum Status {
        Active,
        Cancelled,
        Finalized
    }

    /// @dev A task. Slot 0 packs the fields every call reads.
    struct Task {
        address creator;
        uint64 createdAt;
        Metric metric;
        bool higherIsBetter;
        bool validationRevealed;
        Status status;
        uint64 submitEnd;
        uint64 revealEnd;
        uint64 scoreCommitEnd;
        uint64 scoreRevealEnd;
        int128 baseline;
        uint128 creatorStake;
        uint128 minNodeStake;
        uint128 minValidatorStake;
        uint128 registrationFee;
        uint128 bounty;
        uint32 nodeCount;
        uint32 revealedCount;
        uint32 validatorCount;
        bool creatorClaimed;
        uint128 nodeStake;
        uint128 validatorStake;
        uint128 ownStake;
        uint128 weight;
        uint128 accrued;
        /// @dev Absolute, in the metric's units (WAD); <= MAX_SCORE.
        uint128 tolerance;
        /// @dev Effective stake of the validators that rejected the validation set.
        uint128 unusableWeight;
        uint256 accSnapshot;
        bytes32 validationCommitment;
        bytes32 seed;
        bytes32 saltMix;
        TaskRules rules;
    }

    struct Spec {
        string dataCID;
        string validationCID;
        ModelSpec model;
    }

    struct Settlement {
        bool started;
        bool consensusDone;
        uint32 cursor;
        uint32 eligibleCount;
        uint32 rankedCount;
        uint32 lastRank;
        uint64 lastRankFactor;
        int128 lastScore;
        uint128 emission;
        uint128 nodeReward;
        uint128 validatorReward;
        uint128 creatorReward;
        uint128 unallocated;
        uint256 nodeDenominator;
        uint256 totalPoints;
    }

    struct Node {
        address account;
        SubmissionStatus status;
        bool slashed;
        bool claimed;
        uint32 rank;
        /// @dev Its position in the ranking (valid only while the ranking holds it there, see {_rankedAt}).
        uint32 position;
        uint128 ownStake;
        uint128 poolStake;
        bytes32 commitment;
        int128 consensus;
        uint64 rankFactor;
        /// @dev Bit j: the validator of draw j opened its score (when the task samples).
        uint32 openedDraws;
        string modelCID;
        uint32[] scorers;
        /// @dev Its pool's sigma and the time its pool stake was fixed (set only with pool stake).
        uint64 poolSigma;
        uint64 registeredAt;
    }

    struct Validator {
        address account;
        bool slashed;
        bool claimed;
        bool unusable;
        /// @dev The part of its stake slashed so far (WAD).
        uint64 slashedFraction;
        uint128 ownStake;
        uint128 poolStake;
        uint128 sampleLo;
        uint128 sampleWeight;
        uint256 points;
        /// @dev The root of its score tree, or its unusable commitment.
        bytes32 root;
        /// @dev Own stake burned by its penalties (the exact sum, so claims leave no dust).
        uint128 slashedOwn;
        /// @dev Its pool's sigma and the time its pool stake was fixed (set only with pool stake).
        uint64 poolSigma;
        uint64 registeredAt;
    }

    struct Score {
        int128 value;
        /// @dev The draws that landed on its validator (when the task samples): its votes.
        uint8 draws;
        bool revealed;
        bool invalid;
    }

    struct Participant {
        Role role;
        uint32 index;
    }

    /// @dev The ranking pass's running state, in memory for one {rank} call.
    struct RankCursor {
        uint256 decay;
        uint256 count;
        uint256 ranked;
        uint256 lastRank;
        uint256 rankFactor;
        int256 lastScore;
        uint256 denominator;
    }

    /// @dev Weight and gmFLOCK stake leaving the earning set at an epoch.
    struct Drop {
        uint128 weight;
        uint128 stake;
    }

    /// @dev What a claim pays one account.
    struct Owed {
        bool creator;
        bool node;
        bool validator;
        uint256 index;
        uint256 stake;
        uint256 reward;
        uint256 poolReward;
        uint256 refund;
        /// @dev For the pool part: the pool's sigma and the time its stake was fixed.
        uint256 poolSigma;
        uint256 poolSince;
    }

    IERC20 internal immutable _flock;
    IGmFlock internal immutable _gm;
    IProtocolConfig internal immutable _config;
    IEmission internal immutable _emission;
    IDelegationPools internal immutable _pools;

    uint256 internal _taskCount;
    mapping(uint256 taskId => Task) internal _tasks;
    mapping(uint256 taskId => Spec) internal _specs;
    mapping(uint256 taskId => Settlement) internal _settlements;
    mapping(uint256 taskId => mapping(uint256 submissionId => Node)) internal _nodes;
    mapping(uint256 taskId => mapping(uint256 index => Validator)) internal _validators;
    mapping(uint256 taskId => mapping(uint256 submissionId => mapping(uint256 index => Score))) internal _scores;
    mapping(uint256 taskId => mapping(address account => Participant)) internal _participants;
    /// @dev The validators that committed scores, on the sampling line by effective stake.
    mapping(uint256 taskId => StakeSampling.Line) internal _lines;

    // Emission stream and the earning set.
    /// @dev The emission stream ({RewardStream}); its accumulator is emission per weight.
    RewardStream.Stream internal _stream;
    /// @dev First epoch whose drop has not been processed.
    uint256 internal _nextEpoch;
    uint256 internal _totalWeight;
    /// @dev gmFLOCK staked in earning tasks (the gauge weight).
    uint256 internal _totalStake;
    mapping(uint256 word => uint256) internal _dropBitmap;
    mapping(uint256 epoch => Drop) internal _drops;
    mapping(uint256 epoch => uint256) internal _accAt;

    // Audit totals.
    uint256 internal _totalPulled;
    uint256 internal _totalTaskEmission;
    uint256 internal _totalRewardsPaid;
    uint256 internal _totalToTreasury;
    uint256 internal _totalSlashed;

    /// @dev The ranking's order: the submission ids at positions 8w..8w+7 in the 32-bit lanes of
    /// word w. Only positions below the settlement's `rankedCount` are meaningful.
    mapping(uint256 taskId => mapping(uint256 word => uint256)) internal _rankIds;
    /// @dev The ranking's denominator before position 16b, for b >= 1 (0 before position 0), so a
    /// rewind restores it by adding at most 15 positions.
    mapping(uint256 taskId => mapping(uint256 block_ => uint256)) internal _rankCheckpoints;

    /// @param flock_ FLOCK: fees, bounties and rewards.
    /// @param gm_ gmFLOCK: stakes.
    /// @param config_ The protocol config (parameters, roles, treasury).
    /// @param emission_ The emission the Arena is a gauge of.
    /// @param pools_ The delegation pools (pool stake, freezing, slashing, rewards).
    constructor(IERC20 flock_, IGmFlock gm_, IProtocolConfig config_, IEmission emission_, IDelegationPools pools_) {
        _flock = flock_;
        _gm = gm_;
        _config = config_;
        _emission = emission_;
        _pools = pools_;
    }

    /// @inheritdoc IArenaBase
    function contracts()
        external
        view
        returns (IERC20 flock, IGmFlock gm, IProtocolConfig config, IEmission emission, IDelegationPools pools)
    {
        return (_flock, _gm, _config, _emission, _pools);
    }

    // ================================================================ tasks

    function _task(uint256 taskId) internal view returns (Task storage t) {
        t = _tasks[taskId];
        if (t.createdAt == 0) revert ArenaUnknownTask(taskId);
    }

    /// @dev The Arena's clock: the block's timestamp, but never earlier than the latest time the
    /// emission bookkeeping recorded. Should the chain's clock go back (a devnet restarted from a
    /// state dump), phases do not go back and no time difference underflows: the Arena waits
    /// until the chain's clock catches up.
    function _now() internal view returns (uint256) {
        uint256 last = _stream.lastUpdate;
        return block.timestamp > last ? block.timestamp : last;
    }

    function _phase(Task storage t) internal view returns (Phase) {
        if (t.createdAt == 0) return Phase.None;
        Status status = t.status;
        if (status == Status.Cancelled) return Phase.Cancelled;
        if (status == Status.Finalized) return Phase.Finalized;
        uint256 now_ = _now();
        if (now_ < t.submitEnd) return Phase.Submit;
        if (now_ < t.revealEnd) return Phase.Reveal;
        if (now_ < t.scoreCommitEnd) return Phase.ScoreCommit;
        if (now_ < t.scoreRevealEnd) return Phase.ScoreReveal;
        return Phase.Finalizing;
    }

    function _requirePhase(uint256 taskId, Task storage t, Phase expected) internal view {
        Phase ph = _phase(t);
        if (ph != expected) revert ArenaNotInPhase(taskId, ph);
    }

    // ================================================================ shared by several entry points

    function _checkCID(string calldata cid) internal pure {
        uint256 len = bytes(cid).length;
        if (len == 0 || len > MAX_CID_LENGTH) revert ArenaInvalidCID();
    }

    function _drawSeed(uint256 taskId, Task storage t) internal {
        bytes32 seed = keccak256(abi.encode(block.prevrandao, t.saltMix, taskId));
        if (seed == 0) seed = bytes32(uint256(1));
        t.seed = seed;
        emit SeedDrawn(taskId, seed);
    }

    /// @dev Whether the task samples: more validators committed than are counted per submission.
    function _samples(uint256 taskId, Task storage t) internal view returns (bool) {
        return _lines[taskId].count > t.rules.sampleSize;
    }

    /// @dev The draws of submission `id` that land on validator `v` (a bit mask; the seed is drawn).
    function _drawsOf(uint256 taskId, Task storage t, uint256 id, Validator storage val) internal view returns (uint256) {
        if (val.sampleWeight == 0) return 0; // not on the line
        return StakeSampling.drawsOf(
            t.seed, id, t.rules.sampleSize, _lines[taskId].total, val.sampleLo, val.sampleWeight
        );
    }

    /// @dev The submission at `position` of a task's ranking, or type(uint256).max when the ranking
    /// (of `ranked` positions) does not reach it.
    function _rankedAt(uint256 taskId, uint256 position, uint256 ranked) internal view returns (uint256) {
        if (position >= ranked) return type(uint256).max;
        return uint32(_rankIds[taskId][position >> 3] >> (32 * (position & 7)));
    }

    /// @dev What `account` is owed by a finalized or cancelled task, for each unclaimed role.
    function _owed(uint256 taskId, Task storage t, address account) internal view returns (Owed memory o) {
        bool cancelled = t.status == Status.Cancelled;
        Settlement storage s = _settlements[taskId];
        if (account == t.creator && !t.creatorClaimed) {
            o.creator = true;
            if (cancelled) {
                o.stake = t.creatorStake - Math.mulDiv(t.creatorStake, t.rules.creatorSlash, WAD);
                o.refund = t.bounty;
            } else {
                o.stake = t.creatorStake;
                o.reward = s.creatorReward;
            }
        }
        Participant memory p = _participants[taskId][account];
        o.index = p.index;
        if (p.role == Role.Node) {
            Node storage n = _nodes[taskId][p.index];
            if (n.claimed) return o;
            o.node = true;
            uint256 own = n.ownStake;
            if (cancelled) {
                o.stake += own;
                o.refund += t.registrationFee;
                return o;
            }
            o.stake += n.slashed ? own - Math.mulDiv(own, t.rules.nodeSlash, WAD) : own;
            if (n.status == SubmissionStatus.Ranked) {
                uint256 effective = own + n.poolStake;
                uint256 x = Math.mulDiv(effective, n.rankFactor, WAD);
                uint256 reward = Math.mulDiv(s.nodeReward, x, s.nodeDenominator);
                o.reward += reward;
                if (n.poolStake > 0) {
                    o.poolReward += Math.mulDiv(reward, n.poolStake, effective);
                    o.poolSigma = n.poolSigma;
                    o.poolSince = n.registeredAt;
                }
            }
        } else if (p.role == Role.Validator) {
            Validator storage v = _validators[taskId][p.index];
            if (v.claimed) return o;
            o.validator = true;
            uint256 own = v.ownStake;
            if (cancelled) {
                o.stake += own;
                return o;
            }
            o.stake += own - v.slashedOwn;
            uint256 totalPoints = s.totalPoints;
            if (v.points > 0 && totalPoints > 0) {
                uint256 reward = Math.mulDiv(s.validatorReward, v.points, totalPoints);
                o.reward += reward;
                if (v.poolStake > 0) {
                    o.poolReward += Math.mulDiv(reward, v.poolStake, own + v.poolStake);
                    o.poolSigma = v.poolSigma;
                    o.poolSince = v.registeredAt;
                }
            }
        }
    }

    function _complete(uint256 taskId, Task storage t, Settlement storage s) internal {
        uint256 unallocated;
        if (s.eligibleCount == 0) unallocated += s.nodeReward;
        if (s.totalPoints == 0) unallocated += s.validatorReward;
        s.unallocated = unallocated.toUint128();
        t.status = Status.Finalized;
        emit TaskFinalized(taskId, unallocated);
        _toTreasury(unallocated);
    }

    function _toTreasury(uint256 amount) internal {
        if (amount == 0) return;
        _totalToTreasury += amount;
        _flock.safeTransfer(_config.treasury(), amount);
    }

    /// @dev Settles the task's emission so far and sets its weight from its stake (own stake grew
    /// by `ownDelta`). Needs an up-to-date `_acc` (a caught-up sync).
    function _addStake(uint256 taskId, Task storage t, uint256 ownDelta) internal {
        uint256 acc = _stream.acc;
        uint256 oldWeight = t.weight;
        if (oldWeight > 0) t.accrued += Math.mulDiv(oldWeight, acc - t.accSnapshot, PRECISION).toUint128();
        t.accSnapshot = acc;
        uint256 stake = uint256(t.creatorStake) + t.nodeStake + t.validatorStake;
        uint256 newWeight = ArenaMath.powWad(stake, t.rules.beta);
        t.weight = newWeight.toUint128();
        t.ownStake += ownDelta.toUint128();
        _totalWeight = _totalWeight - oldWeight + newWeight;
        _totalStake += ownDelta;
        uint256 e = uint256(t.scoreRevealEnd) / EPOCH;
        Drop storage d = _drops[e];
        d.weight = (uint256(d.weight) - oldWeight + newWeight).toUint128();
        d.stake += ownDelta.toUint128();
        _dropBitmap[e >> 8] |= 1 << (e & 255);
        emit TaskWeightChanged(taskId, stake, newWeight);
    }

    // ================================================================ emission

    function _syncCaughtUp() internal {
        if (!_sync()) revert ArenaSyncBacklog();
    }

    /// @dev Brings the earning set up to now, then pulls new emission and restarts the stream with
    /// it plus the unstreamed leftover. Returns false (pulling nothing) while a backlog remains.
    function _sync() internal returns (bool caughtUp) {
        caughtUp = _update();
        if (!caughtUp) return false;
        uint256 pulled = _emission.pull();
        if (pulled == 0) return true;
        RewardStream.Stream storage st = _stream;
        // The update reached the Arena's clock.
        (uint256 rate, uint256 finish) = RewardStream.notify(st, pulled, st.lastUpdate, REWARD_DURATION);
        _totalPulled += pulled;
        emit EmissionStreamed(pulled, rate, finish);
    }

    /// @dev Walks the epochs since the last update, processing each scheduled drop at its exact
    /// time, at most MAX_UPDATE_STEPS bitmap words or drops per call. Returns whether it reached
    /// now (the Arena's clock: the walk never goes back, so no drop is processed twice).
    function _update() internal returns (bool) {
        uint256 now_ = _now();
        uint256 endEpoch = now_ / EPOCH;
        uint256 e = _nextEpoch;
        uint256 steps;
        while (e <= endEpoch) {
            if (steps == MAX_UPDATE_STEPS) {
                // Every drop before epoch e is processed; stop at its start.
                _accrue(e * EPOCH);
                _nextEpoch = e;
                return false;
            }
            ++steps;
            uint256 bits = _dropBitmap[e >> 8] >> (e & 255);
            if (bits == 0) {
                e = ((e >> 8) + 1) << 8;
                continue;
            }
            e += _lowestBit(bits);
            if (e > endEpoch) break;
            _accrue(e * EPOCH);
            _accAt[e] = _stream.acc;
            Drop memory d = _drops[e];
            _totalWeight -= d.weight;
            _totalStake -= d.stake;
            ++e;
        }
        _nextEpoch = endEpoch + 1;
        _accrue(now_);
        return true;
    }

    /// @dev Streams from the last update to `to` at the current total weight; with no weight the
    /// stream pauses (its end moves later) rather than being lost.
    function _accrue(uint256 to) internal {
        // The weight is read even when the stream does not move (one cold read at most, <1% of a
        // sync): the bytes matter more here, ArenaSettlement runs this too and is near 24 KB.
        RewardStream.accrue(_stream, to, _totalWeight);
    }

    /// @dev Index of the lowest set bit of a non-zero word.
    function _lowestBit(uint256 x) internal pure returns (uint256) {
        unchecked {
            return Math.log2(x & (0 - x)); // x & -x isolates the lowest set bit
        }
    }
}
