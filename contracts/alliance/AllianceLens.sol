// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IAllianceRandomness} from "../interfaces/IAllianceRandomness.sol";
import {IAllianceViews} from "../interfaces/IAllianceViews.sol";
import {IArena} from "../interfaces/IArena.sol";
import {IDelegationPools} from "../interfaces/IDelegationPools.sol";
import {IEmission} from "../interfaces/IEmission.sol";
import {IGmFlock} from "../interfaces/IGmFlock.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {RewardStream} from "../libraries/RewardStream.sol";
import {AllianceStorage} from "./AllianceStorage.sol";

/// @title AllianceLens
/// @notice The FL Alliance's read functions ({IAllianceViews}). It runs in the Alliance's context:
/// the Alliance's fallback delegatecalls it for every selector the Alliance does not implement
/// itself, so callers use {IAlliance} at the Alliance's address. Holds no state and changes none
/// (a call straight to the lens reads its own, empty, storage). Split out only to keep each
/// contract under 24 KB.
contract AllianceLens is IAllianceViews, AllianceStorage {
    /// @dev Deploy with the Alliance's own first seven constructor arguments (the Alliance checks).
    constructor(
        IERC20 flock_,
        IGmFlock gm_,
        IProtocolConfig config_,
        IEmission emission_,
        IDelegationPools pools_,
        IAllianceRandomness randomness_,
        IArena arena_
    ) AllianceStorage(flock_, gm_, config_, emission_, pools_, randomness_, arena_) {}

    /// @inheritdoc IAllianceViews
    function taskCount() external view returns (uint256) {
        return _taskCount;
    }

    /// @inheritdoc IAllianceViews
    function task(uint256 taskId) external view returns (TaskInfo memory info) {
        Task storage t = _task(taskId);
        info.creator = t.creator;
        info.status = t.status;
        info.round = t.round;
        info.roundsAccepted = t.roundsAccepted;
        info.participantCount = t.participantCount;
        info.globalModelCID = t.globalModelCID;
        info.createdAt = t.createdAt;
        info.joinEnd = t.joinEnd;
        info.totalStake = t.stake;
        info.funded = _params[taskId].rewardPool;
        info.emissionEarned = _earnedView(t);
        info.allocated = t.allocated;
        info.acceptedUpdates = t.acceptedUpdates;
    }

    /// @inheritdoc IAllianceViews
    function params(uint256 taskId) external view returns (TaskParams memory) {
        _task(taskId);
        return _params[taskId];
    }

    /// @inheritdoc IAllianceViews
    function round(uint256 taskId, uint256 round_) external view returns (RoundInfo memory info) {
        _task(taskId);
        Round storage rd = _rounds[taskId][round_];
        info.phase = _phase(taskId, rd);
        if (info.phase == RoundPhase.None) return info;
        info.key = _key(taskId, round_);
        (info.word,) = _randomness.wordOf(info.key);
        info.participants = rd.n;
        info.proposerMask = rd.proposerMask;
        info.startedAt = rd.startedAt;
        uint256 drawnAt = rd.drawnAt;
        info.drawnAt = uint64(drawnAt);
        if (drawnAt != 0) {
            (uint256 a, uint256 b, uint256 c, uint256 d) = _ends(taskId, drawnAt);
            (info.proposeCommitEnd, info.proposeRevealEnd, info.voteCommitEnd, info.voteRevealEnd) =
                (uint64(a), uint64(b), uint64(c), uint64(d));
        }
        info.proposerStake = rd.proposerStake;
        info.voterStake = rd.voterStake;
        info.reward = rd.reward;
        info.accepted = rd.accepted;
        bytes32 w = rd.winner;
        if (w != 0) {
            info.aggregateCID = _cids[w];
            info.winningStake = rd.winningStake;
            info.improvedStake = rd.resultFixed ? rd.improvedStake : _tallies[taskId][round_][w].improved;
        }
        info.settledCount = rd.settledCount;
    }

    /// @inheritdoc IAllianceViews
    function participants(uint256 taskId) external view returns (address[] memory accounts, uint256[] memory stakes) {
        uint256 n = _task(taskId).participantCount;
        accounts = new address[](n);
        stakes = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            (accounts[i], stakes[i]) = _entry(taskId, i);
        }
    }

    /// @inheritdoc IAllianceViews
    function member(uint256 taskId, address account) external view returns (MemberInfo memory) {
        Member storage m = _members[taskId][account];
        return MemberInfo({
            index: m.index,
            active: m.active,
            leaving: m.leaving,
            ownStake: m.ownStake,
            poolStake: m.poolStake,
            poolSigma: m.poolSigma,
            joinedAt: m.joinedAt,
            rewardOwed: m.rewardOwed,
            poolRewardOwed: m.poolRewardOwed,
            rewardEarned: m.rewardEarned,
            slashed: m.slashed,
            stakeClaimed: m.stakeClaimed,
            acceptedUpdates: m.acceptedUpdates
        });
    }

    /// @inheritdoc IAllianceViews
    function roleOf(uint256 taskId, uint256 round_, address account) external view returns (Role role, uint256 index) {
        Member storage m = _members[taskId][account];
        Round storage rd = _rounds[taskId][round_];
        if (m.joinedAt == 0 || rd.startedAt == 0 || round_ < m.firstRound || (!m.active && round_ > m.lastRound)) {
            return (Role.None, 0);
        }
        index = m.index;
        Move[] storage moves = _moves[taskId][account];
        uint256 len = moves.length; // at most one per round
        for (uint256 j; j < len; ++j) {
            if (round_ < moves[j].untilRound) {
                index = moves[j].index;
                break;
            }
        }
        if (index >= rd.n) return (Role.None, 0);
        if (rd.drawnAt == 0) return (Role.None, index);
        role = (rd.proposerMask >> index) & 1 == 1 ? Role.Proposer : Role.Voter;
    }

    /// @inheritdoc IAllianceViews
    function updates(uint256 taskId, uint256 round_) external view returns (Update[] memory list) {
        uint256 mask = _rounds[taskId][round_].proposerMask;
        list = new Update[](_popCount(mask));
        uint256 j;
        for (uint256 i; mask != 0; ++i) {
            if (mask & 1 == 1) {
                Proposal storage u = _proposals[taskId][round_][i];
                list[j++] = Update({
                    proposer: u.proposer,
                    index: uint16(i),
                    committed: u.commitment != 0,
                    revealed: u.examples != 0,
                    updateCID: u.updateCID,
                    examples: u.examples,
                    blameStake: u.blameStake
                });
            }
            mask >>= 1;
        }
    }

    /// @inheritdoc IAllianceViews
    function voteOf(uint256 taskId, uint256 round_, address account)
        external
        view
        returns (bool committed, bool revealed, Vote memory vote)
    {
        Ballot storage b = _ballots[taskId][round_][account];
        committed = b.commitment != 0;
        bytes32 h = b.cidHash;
        revealed = h != 0;
        if (revealed) vote = Vote(_cids[h], b.previousScore, b.newScore, b.blame);
    }

    /// @inheritdoc IAllianceViews
    function claimable(uint256 taskId, address account)
        external
        view
        returns (uint256 stake, uint256 reward, uint256 poolReward, uint256 refund)
    {
        Owed memory o = _owed(taskId, _task(taskId), account);
        return (o.stake, o.reward, o.poolReward, o.refund);
    }

    /// @inheritdoc IAllianceViews
    function stream()
        external
        view
        returns (uint256 rate, uint256 periodFinish, uint256 lastUpdate, uint256 totalWeight, uint256 rewardPerWeight)
    {
        RewardStream.Stream storage st = _stream;
        return (st.rate, st.periodFinish, st.lastUpdate, _totalWeight, st.acc);
    }

    /// @inheritdoc IAllianceViews
    function totals()
        external
        view
        returns (
            uint256 pulled,
            uint256 taskEmission,
            uint256 funded,
            uint256 rewardsPaid,
            uint256 refunded,
            uint256 toTreasury,
            uint256 slashedBurned
        )
    {
        return (
            _totalPulled,
            _totalTaskEmission,
            _totalFunded,
            _totalRewardsPaid,
            _totalRefunded,
            _totalToTreasury,
            _totalSlashed
        );
    }

    /// @inheritdoc IAllianceViews
    function updateCommitment(
        uint256 taskId,
        uint256 round_,
        string calldata updateCID,
        uint64 examples,
        address proposer,
        bytes32 salt
    ) external pure returns (bytes32) {
        return keccak256(abi.encode(taskId, round_, updateCID, examples, proposer, salt));
    }

    /// @inheritdoc IAllianceViews
    function voteCommitment(uint256 taskId, uint256 round_, Vote calldata vote, address voter, bytes32 salt)
        external
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(taskId, round_, vote, voter, salt));
    }

    // ================================================================ internals

    /// @dev The task's emission up to now (final once it stopped earning).
    function _earnedView(Task storage t) private view returns (uint256) {
        if (!_earning(t)) return t.emissionEarned;
        uint256 acc = RewardStream.accAt(_stream, _now(), _totalWeight);
        return t.emissionEarned + Math.mulDiv(t.stake, acc - t.accSnapshot, PRECISION);
    }

    function _popCount(uint256 x) private pure returns (uint256 count) {
        while (x != 0) {
            x &= x - 1;
            ++count;
        }
    }
}
