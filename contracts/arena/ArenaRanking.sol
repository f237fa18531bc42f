// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IDelegationPools} from "../interfaces/IDelegationPools.sol";
import {IEmission} from "../interfaces/IEmission.sol";
import {IGmFlock} from "../interfaces/IGmFlock.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {ArenaStorage} from "./ArenaStorage.sol";

/// @title ArenaRanking
/// @notice The Arena's ranking: places the submissions above the baseline in order of consensus
/// and finalizes the task with the last one. It runs only in the Arena's context: deployed on its
/// own and handed to the Arena's constructor, it is delegatecalled by {Arena-rank} (behind the
/// Arena's reentrancy guard). Split out only to keep each contract under the 24 KB code size
/// limit; see {Arena} for the design and {IArenaActions-rank} for the behaviour.
/// @custom:serves IArenaActions
contract ArenaRanking is ArenaStorage {
    /// @notice Thrown when the module is called directly rather than through the Arena.
    error ArenaRankingDirectCall();

    address private immutable _self;

    /// @dev Deploy with the Arena's own first five constructor arguments (the Arena checks).
    constructor(IERC20 flock_, IGmFlock gm_, IProtocolConfig config_, IEmission emission_, IDelegationPools pools_)
        ArenaStorage(flock_, gm_, config_, emission_, pools_)
    {
        _self = address(this);
    }

    /// @notice See {IArenaActions-rank}.
    /// @dev Dense ranking: submissions with equal consensus share a rank (and factor), and the
    /// next distinct score takes the next rank, so n identical copies of one model (a stake split
    /// across sybil nodes) earn what the one model would with the whole stake, and push nobody
    /// down. rankFactor = rankDecay^rank, computed by repeated multiplication rounded down.
    /// Self-correcting, so that nobody can freeze a task by ranking it wrongly: the ranking so far
    /// is always in non-increasing order of consensus, a submission already in it is skipped, and
    /// a submission whose consensus is above the last one ranked proves the ranking wrong from the
    /// first position with a lower consensus: the ranking is cut back to there ({RankingRewound},
    /// in O(log n) reads, see {_rewind}) and continues with it. A complete ranking (every eligible
    /// submission, in non-increasing order) is the consensus order, and the whole order best
    /// first always completes it, whatever was ranked before. Emits {SubmissionRanked} per
    /// submission placed, {RankingRewound} per cut and {TaskFinalized} after the last.
    /// Requirements: Finalizing phase with the consensus pass over; a non-empty list; each
    /// submission above the baseline (Eligible, or Ranked by an earlier call).
    function rank(uint256 taskId, uint256[] calldata submissionIds) external {
        if (address(this) == _self) revert ArenaRankingDirectCall();
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
        s.lastRankFactor = uint64(c.rankFactor);
        s.lastScore = int128(c.lastScore);
        s.nodeDenominator = c.denominator;
        if (c.ranked == s.eligibleCount) _complete(taskId, t, s);
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
            c.rankFactor = WAD;
            c.lastRank = 0;
        } else if (consensus < c.lastScore) {
            c.rankFactor = (c.rankFactor * c.decay) / WAD; // both <= 1e18: no overflow
            ++c.lastRank;
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
        c.denominator += Math.mulDiv(uint256(n.ownStake) + n.poolStake, c.rankFactor, WAD);
        c.lastScore = consensus;
        c.ranked = position + 1;
        emit SubmissionRanked(taskId, id, c.lastRank, c.rankFactor);
    }

    /// @dev Cuts the ranking in `c` back to its positions with a consensus >= `consensus`, which
    /// is above the last one ranked: the ranking is in non-increasing order, so a binary search
    /// finds the first position below it (O(log n) reads). The cursor is restored from the last
    /// position kept (its node holds its score, rank and factor) and the denominator from the
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
        uint256 from = lo & ~uint256(15);
        uint256 denominator = from == 0 ? 0 : _rankCheckpoints[taskId][from >> 4];
        for (uint256 p = from; p < lo; ++p) {
            Node storage m = _nodes[taskId][_rankedAt(taskId, p, lo)];
            denominator += Math.mulDiv(uint256(m.ownStake) + m.poolStake, m.rankFactor, WAD);
        }
        c.denominator = denominator;
    }
}
