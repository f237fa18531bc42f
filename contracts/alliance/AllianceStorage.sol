// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IAllianceBase} from "../interfaces/IAllianceBase.sol";
import {IAllianceRandomness} from "../interfaces/IAllianceRandomness.sol";
import {IArena} from "../interfaces/IArena.sol";
import {IDelegationPools} from "../interfaces/IDelegationPools.sol";
import {IEmission} from "../interfaces/IEmission.sol";
import {IGmFlock} from "../interfaces/IGmFlock.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {RewardStream} from "../libraries/RewardStream.sol";
import {AllianceRoles} from "./AllianceRoles.sol";

/// @title AllianceStorage
/// @notice The storage layout, constants and shared internals of the FL Alliance and its two
/// modules: {Alliance} holds the state and runs {AllianceSettlement} (cold mutators) and
/// {AllianceLens} (views) by delegatecall, so all three inherit this one base and declare no state
/// of their own (only immutables, which live in code).
/// @dev See {Alliance} for the design. Internals here are those more than one of them needs.
abstract contract AllianceStorage is IAllianceBase {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    uint256 internal constant WAD = 1e18;

    /// @inheritdoc IAllianceBase
    uint256 public constant MAX_ROUNDS = 1000;
    /// @inheritdoc IAllianceBase
    uint256 public constant MAX_CID_LENGTH = 128;
    /// @inheritdoc IAllianceBase
    int256 public constant MAX_SCORE = 1e36;
    /// @inheritdoc IAllianceBase
    uint256 public constant MAX_PARTICIPANTS = AllianceRoles.MAX_PARTICIPANTS;
    /// @inheritdoc IAllianceBase
    uint256 public constant MAX_PROPOSERS = AllianceRoles.MAX_PROPOSERS;
    /// @inheritdoc IAllianceBase
    uint256 public constant MAX_DURATION = 365 days;
    /// @inheritdoc IAllianceBase
    uint256 public constant PRECISION = RewardStream.PRECISION;
    /// @inheritdoc IAllianceBase
    uint256 public constant REWARD_DURATION = 1 days;
    /// @inheritdoc IAllianceBase
    uint256 public constant CLAIM_FREEZE = 7 days;

    /// @dev A task's running state (its parameters as created live in `_params`). Slot 0 packs the
    /// fields every call reads. `stake` is the effective stake (own + pool) of the participant list
    /// plus the creator's stake: the task's emission weight while it earns (Joining, Running).
    /// `ownStake` is the gmFLOCK it holds for them (the gauge weight while it earns).
    struct Task {
        address creator;
        TaskStatus status;
        uint16 round;
        uint16 roundsAccepted;
        uint16 participantCount;
        bool creatorClaimed;
        /// @dev Updates paid in accepted rounds (the model market reads it).
        uint32 acceptedUpdates;
        bool higherIsBetter;
        uint64 createdAt;
        uint64 joinEnd;
        uint64 proposerSlash;
        uint64 voterSlash;
        uint64 drawTimeout;
        uint128 stake;
        uint128 emissionEarned;
        uint128 allocated;
        uint128 ownStake;
        /// @dev The creator's share of the unspent rest, fixed when the task finishes.
        uint128 refund;
        uint256 accSnapshot;
        /// @dev Bit i: participant i is removed at the next startRound (asked to leave during a
        /// round, or slashed to no stake).
        uint256 removeMask;
        /// @dev Bit i: participant i has pool stake (its pool is frozen at each draw).
        uint256 poolMask;
        string globalModelCID;
    }

    /// @dev One round. The four phase ends follow from `drawnAt` and the task's durations.
    struct Round {
        uint64 startedAt;
        uint64 drawnAt;
        uint16 n;
        uint16 settledCount;
        bool resultFixed;
        bool settled;
        bool accepted;
        /// @dev Ended by expireRound (no word): void, nothing to settle.
        bool expired;
        uint256 proposerMask;
        uint128 proposerStake;
        uint128 voterStake;
        uint128 reward;
        uint128 paid;
        uint128 winningStake;
        uint128 improvedStake;
        /// @dev keccak256 of the leading (after settlement: winning) aggregate CID; 0 if none.
        bytes32 winner;
    }

    /// @dev A participant of a task. `firstRound` is the first round it may take part in;
    /// `lastRound` the round during which it was removed (valid once inactive).
    struct Member {
        uint128 ownStake;
        uint128 poolStake;
        uint16 index;
        bool active;
        bool leaving;
        bool stakeClaimed;
        uint16 firstRound;
        uint16 lastRound;
        /// @dev Its updates paid in accepted rounds (the model market reads it).
        uint16 acceptedUpdates;
        uint64 poolSigma;
        uint64 joinedAt;
        // A credit writes one slot (two with pool stake).
        uint128 rewardOwed;
        uint128 rewardEarned;
        uint128 poolRewardOwed;
        uint128 slashed;
    }

    /// @dev A participant's index before a removal moved it: valid for rounds before `untilRound`.
    struct Move {
        uint16 untilRound;
        uint16 index;
    }

    /// @dev A proposer's update in a round (the proposer is written at the draw). Revealed iff
    /// `examples` > 0 (a reveal needs examples > 0).
    struct Proposal {
        bytes32 commitment;
        address proposer;
        uint64 examples;
        uint128 blameStake;
        string updateCID;
    }

    /// @dev A voter's ballot in a round. Revealed iff `cidHash` != 0 (the keccak256 of a non-empty CID).
    struct Ballot {
        bytes32 commitment;
        bytes32 cidHash;
        int128 previousScore;
        int128 newScore;
        uint256 blame;
    }

    /// @dev Revealed voter stake behind one aggregate CID in a round, and the part that scored it no worse.
    struct Tally {
        uint128 stake;
        uint128 improved;
    }

    /// @dev What a claim pays one account.
    struct Owed {
        bool creator;
        bool stakeDue;
        uint256 stake;
        uint256 reward;
        uint256 poolReward;
        uint256 refund;
        uint256 poolSigma;
        uint256 poolSince;
    }

    IERC20 internal immutable _flock;
    IGmFlock internal immutable _gm;
    IProtocolConfig internal immutable _config;
    IEmission internal immutable _emission;
    IDelegationPools internal immutable _pools;
    IAllianceRandomness internal immutable _randomness;
    IArena internal immutable _arena;

    uint256 internal _taskCount;
    mapping(uint256 taskId => Task) internal _tasks;
    mapping(uint256 taskId => TaskParams) internal _params;
    mapping(uint256 taskId => mapping(uint256 round => Round)) internal _rounds;
    mapping(uint256 taskId => mapping(address account => Member)) internal _members;
    mapping(uint256 taskId => mapping(address account => Move[])) internal _moves;
    /// @dev The participant list: entry i is the account (low 160 bits) and its effective stake
    /// (high 96 bits).
    mapping(uint256 taskId => mapping(uint256 index => uint256)) internal _list;
    mapping(uint256 taskId => mapping(uint256 round => mapping(uint256 index => Proposal))) internal _proposals;
    mapping(uint256 taskId => mapping(uint256 round => mapping(address voter => Ballot))) internal _ballots;
    mapping(uint256 taskId => mapping(uint256 round => mapping(bytes32 cidHash => Tally))) internal _tallies;
    /// @dev Aggregate CIDs revealed by voters, by their keccak256 (stored once).
    mapping(bytes32 cidHash => string) internal _cids;

    // Emission stream over the earning tasks, weighted by their stake.
    RewardStream.Stream internal _stream;
    uint256 internal _totalWeight;
    /// @dev gmFLOCK held for earning tasks (the gauge weight).
    uint256 internal _totalStake;

    // Audit totals.
    uint256 internal _totalPulled;
    uint256 internal _totalTaskEmission;
    uint256 internal _totalFunded;
    uint256 internal _totalRewardsPaid;
    uint256 internal _totalRefunded;
    uint256 internal _totalToTreasury;
    uint256 internal _totalSlashed;

    /// @param flock_ FLOCK: reward pools and rewards.
    /// @param gm_ gmFLOCK: stakes.
    /// @param config_ The protocol config (parameters, roles, treasury).
    /// @param emission_ The emission the Alliance is a gauge of.
    /// @param pools_ The delegation pools (pool stake, freezing, slashing, rewards).
    /// @param randomness_ The randomness source (its requester must be the Alliance).
    /// @param arena_ The AI Arena (zero: no task may start from an Arena winner).
    constructor(
        IERC20 flock_,
        IGmFlock gm_,
        IProtocolConfig config_,
        IEmission emission_,
        IDelegationPools pools_,
        IAllianceRandomness randomness_,
        IArena arena_
    ) {
        _flock = flock_;
        _gm = gm_;
        _config = config_;
        _emission = emission_;
        _pools = pools_;
        _randomness = randomness_;
        _arena = arena_;
    }

    /// @inheritdoc IAllianceBase
    function contracts()
        external
        view
        returns (
            IERC20 flock,
            IGmFlock gm,
            IProtocolConfig config,
            IEmission emission,
            IDelegationPools pools,
            IAllianceRandomness randomness_,
            IArena arena
        )
    {
        return (_flock, _gm, _config, _emission, _pools, _randomness, _arena);
    }

    /// @inheritdoc IAllianceBase
    function randomness() external view returns (IAllianceRandomness) {
        return _randomness;
    }

    // ================================================================ tasks and rounds

    function _task(uint256 taskId) internal view returns (Task storage t) {
        t = _tasks[taskId];
        if (t.createdAt == 0) revert AllianceUnknownTask(taskId);
    }

    /// @dev The Alliance's clock: the block's timestamp, but never earlier than the latest time the
    /// emission bookkeeping recorded (as the Arena's): should the chain's clock go back (a devnet
    /// restarted from a state dump), no phase goes back and no time difference underflows.
    function _now() internal view returns (uint256) {
        uint256 last = _stream.lastUpdate;
        return block.timestamp > last ? block.timestamp : last;
    }

    /// @dev A voter's verdict: the aggregate is no worse than the previous model in the metric's
    /// direction. A tie counts: on a small local test split a saturated metric (an F1 of 1.0)
    /// cannot rise, and a strict "better" would freeze the task at the first such model.
    function _improved(bool higherIsBetter, int256 previous, int256 next) internal pure returns (bool) {
        return higherIsBetter ? next >= previous : next <= previous;
    }

    /// @dev The randomness key of a round: keccak256(abi.encode(alliance, taskId, round)).
    function _key(uint256 taskId, uint256 round_) internal view returns (bytes32) {
        return keccak256(abi.encode(address(this), taskId, round_));
    }

    /// @dev The end of each phase of a round drawn at `drawnAt`.
    function _ends(uint256 taskId, uint256 drawnAt)
        internal
        view
        returns (uint256 proposeCommitEnd, uint256 proposeRevealEnd, uint256 voteCommitEnd, uint256 voteRevealEnd)
    {
        TaskParams storage p = _params[taskId];
        // Each duration is at most MAX_DURATION: the sums fit uint64.
        proposeCommitEnd = drawnAt + p.proposeCommitDuration;
        proposeRevealEnd = proposeCommitEnd + p.proposeRevealDuration;
        voteCommitEnd = proposeRevealEnd + p.voteCommitDuration;
        voteRevealEnd = voteCommitEnd + p.voteRevealDuration;
    }

    /// @dev Where round `rd` of task `taskId` stands now.
    function _phase(uint256 taskId, Round storage rd) internal view returns (RoundPhase) {
        if (rd.startedAt == 0) return RoundPhase.None;
        if (rd.settled) return RoundPhase.Settled;
        uint256 drawnAt = rd.drawnAt;
        if (drawnAt == 0) return RoundPhase.Drawing;
        (uint256 a, uint256 b, uint256 c, uint256 d) = _ends(taskId, drawnAt);
        uint256 now_ = _now();
        if (now_ < a) return RoundPhase.ProposeCommit;
        if (now_ < b) return RoundPhase.ProposeReveal;
        if (now_ < c) return RoundPhase.VoteCommit;
        if (now_ < d) return RoundPhase.VoteReveal;
        return RoundPhase.Settling;
    }

    /// @dev The running task, its current round and its number, after checking the round's phase.
    function _current(uint256 taskId, RoundPhase phase) internal view returns (Task storage t, Round storage rd, uint256 r) {
        t = _task(taskId);
        if (t.status != TaskStatus.Running) revert AllianceNotInStatus(taskId, t.status);
        r = t.round;
        rd = _rounds[taskId][r];
        RoundPhase ph = _phase(taskId, rd);
        if (ph != phase) revert AllianceNotInPhase(taskId, r, ph);
    }

    function _checkCID(string calldata cid) internal pure {
        uint256 len = bytes(cid).length;
        if (len == 0 || len > MAX_CID_LENGTH) revert AllianceInvalidCID();
    }

    // ================================================================ the participant list

    function _entry(uint256 taskId, uint256 index) internal view returns (address account, uint256 stake) {
        uint256 e = _list[taskId][index];
        return (address(uint160(e)), e >> 160);
    }

    function _setEntry(uint256 taskId, uint256 index, address account, uint256 stake) internal {
        _list[taskId][index] = uint256(uint160(account)) | (uint256(stake.toUint96()) << 160);
    }

    /// @dev Removes participant `i` from the list (the last one takes its place; the mover keeps,
    /// in `_moves`, the index it had in earlier rounds), stops counting its stake (after bringing
    /// the task's emission up to now) and makes its stake claimable. Only while the task earns.
    function _removeAt(uint256 taskId, Task storage t, uint256 i) internal {
        uint256 last = t.participantCount - 1;
        (address gone, uint256 goneStake) = _entry(taskId, i);
        uint256 round_ = t.round;
        if (i != last) {
            uint256 moved = _list[taskId][last];
            _list[taskId][i] = moved;
            address mover = address(uint160(moved));
            Member storage mm = _members[taskId][mover];
            // It took part in a round at `last`: remember that index for the rounds so far.
            if (mm.firstRound <= round_) _moves[taskId][mover].push(Move(uint16(round_ + 1), mm.index));
            mm.index = uint16(i);
        }
        t.removeMask = _dropBit(t.removeMask, last, i);
        t.poolMask = _dropBit(t.poolMask, last, i);
        delete _list[taskId][last];
        t.participantCount = uint16(last);

        Member storage m = _members[taskId][gone];
        m.active = false;
        m.leaving = false;
        m.lastRound = uint16(round_);
        _changeStake(t, goneStake, m.ownStake, false);
        emit Left(taskId, gone);
    }

    /// @dev `mask` after removing entry `i` of a list whose last entry `last` takes its place:
    /// bit i takes bit `last` (cleared when i is the last), and bit `last` is cleared.
    function _dropBit(uint256 mask, uint256 last, uint256 i) internal pure returns (uint256) {
        uint256 bit = i == last ? 0 : (mask >> last) & 1;
        mask &= ~(1 << last);
        return (mask & ~(1 << i)) | (bit << i);
    }

    // ================================================================ claims

    /// @dev What `account` is owed by task `taskId` now.
    function _owed(uint256 taskId, Task storage t, address account) internal view returns (Owed memory o) {
        TaskStatus status = t.status;
        bool ended = status == TaskStatus.Finished || status == TaskStatus.Cancelled;
        if (account == t.creator) {
            if (ended && !t.creatorClaimed) {
                TaskParams storage p = _params[taskId];
                o.creator = true;
                o.stake = p.creatorStake;
                o.refund = status == TaskStatus.Cancelled ? p.rewardPool : t.refund;
            }
            return o; // a creator is never a participant
        }
        Member storage m = _members[taskId][account];
        o.reward = m.rewardOwed;
        o.poolReward = m.poolRewardOwed;
        o.poolSigma = m.poolSigma;
        o.poolSince = m.joinedAt;
        if (m.joinedAt != 0 && !m.stakeClaimed && (ended || !m.active)) {
            o.stakeDue = true;
            o.stake = m.ownStake;
        }
    }

    function _toTreasury(uint256 amount) internal {
        if (amount == 0) return;
        _totalToTreasury += amount;
        _flock.safeTransfer(_config.treasury(), amount);
    }

    // ================================================================ emission

    /// @dev Whether the task earns emission (from creation to its end).
    function _earning(Task storage t) internal view returns (bool) {
        TaskStatus s = t.status;
        return s == TaskStatus.Joining || s == TaskStatus.Running;
    }

    /// @dev Brings the stream up to now and the task's emission up to it (an earning task earns
    /// stake * the accumulator's growth since its snapshot, rounded down).
    function _checkpoint(Task storage t) internal {
        RewardStream.Stream storage st = _stream;
        RewardStream.accrue(st, _now(), _totalWeight);
        uint256 acc = st.acc;
        if (_earning(t)) {
            t.emissionEarned += Math.mulDiv(t.stake, acc - t.accSnapshot, PRECISION).toUint128();
        }
        t.accSnapshot = acc;
    }

    /// @dev Adds (or removes) `effective` to the stake of an earning task and `own` to the gmFLOCK
    /// it holds, after bringing its emission up to now.
    function _changeStake(Task storage t, uint256 effective, uint256 own, bool add) internal {
        _checkpoint(t);
        if (add) {
            t.stake += effective.toUint128();
            t.ownStake += own.toUint128();
            _totalWeight += effective;
            _totalStake += own;
        } else {
            t.stake -= uint128(effective); // part of the task's stake
            t.ownStake -= uint128(own);
            _totalWeight -= effective;
            _totalStake -= own;
        }
    }

    /// @dev Brings the stream up to now, then pulls new emission and restarts the stream with it
    /// plus the unstreamed leftover.
    function _sync() internal {
        RewardStream.Stream storage st = _stream;
        RewardStream.accrue(st, _now(), _totalWeight);
        uint256 pulled = _emission.pull();
        if (pulled == 0) return;
        (uint256 rate, uint256 finish) = RewardStream.notify(st, pulled, st.lastUpdate, REWARD_DURATION);
        _totalPulled += pulled;
        emit EmissionStreamed(pulled, rate, finish);
    }
}
