// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IArenaViews} from "../interfaces/IArenaViews.sol";
import {IDelegationPools} from "../interfaces/IDelegationPools.sol";
import {IEmission} from "../interfaces/IEmission.sol";
import {IGmFlock} from "../interfaces/IGmFlock.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {RewardStream} from "../libraries/RewardStream.sol";
import {ScoreTree} from "../libraries/ScoreTree.sol";
import {ArenaStorage} from "./ArenaStorage.sol";

/// @title ArenaLens
/// @notice The Arena's read functions ({IArenaViews}). It runs in the Arena's context: the Arena's
/// fallback delegatecalls it for every selector the Arena does not implement itself, so callers
/// use {IArena} at the Arena's address. Holds no state and changes none (a call straight to the
/// lens reads its own, empty, storage). Split out only to keep each contract under 24 KB.
contract ArenaLens is IArenaViews, ArenaStorage {
    /// @dev Deploy with the Arena's own first five constructor arguments (the Arena checks).
    constructor(IERC20 flock_, IGmFlock gm_, IProtocolConfig config_, IEmission emission_, IDelegationPools pools_)
        ArenaStorage(flock_, gm_, config_, emission_, pools_)
    {}

    /// @inheritdoc IArenaViews
    function taskCount() external view returns (uint256) {
        return _taskCount;
    }

    /// @inheritdoc IArenaViews
    /// @dev `accruedEmission` is as of the last emission update (final once the task is settled).
    function task(uint256 taskId) external view returns (TaskInfo memory info) {
        Task storage t = _task(taskId);
        info.creator = t.creator;
        info.metric = t.metric;
        info.higherIsBetter = t.higherIsBetter;
        info.validationRevealed = t.validationRevealed;
        info.phase = _phase(t);
        info.baselineScore = t.baseline;
        info.createdAt = t.createdAt;
        info.submitEnd = t.submitEnd;
        info.revealEnd = t.revealEnd;
        info.scoreCommitEnd = t.scoreCommitEnd;
        info.scoreRevealEnd = t.scoreRevealEnd;
        info.creatorStake = t.creatorStake;
        info.minNodeStake = t.minNodeStake;
        info.minValidatorStake = t.minValidatorStake;
        info.registrationFee = t.registrationFee;
        info.bounty = t.bounty;
        info.nodeCount = t.nodeCount;
        info.revealedCount = t.revealedCount;
        info.validatorCount = t.validatorCount;
        info.nodeStake = t.nodeStake;
        info.validatorStake = t.validatorStake;
        info.ownStake = t.ownStake;
        info.weight = t.weight;
        info.accruedEmission = _accruedView(taskId, t);
        info.validationCommitment = t.validationCommitment;
        info.seed = t.seed;
        info.scoreTolerance = t.tolerance;
        info.committerCount = _lines[taskId].count;
        info.committedWeight = _lines[taskId].total;
        info.unusableWeight = t.unusableWeight;
    }

    /// @inheritdoc IArenaViews
    function taskRules(uint256 taskId) external view returns (TaskRules memory) {
        return _task(taskId).rules;
    }

    /// @inheritdoc IArenaViews
    function taskSpec(uint256 taskId) external view returns (TaskSpec memory spec) {
        _task(taskId);
        Spec storage sp = _specs[taskId];
        spec.dataCID = sp.dataCID;
        spec.validationCID = sp.validationCID;
        spec.model = sp.model;
    }

    /// @inheritdoc IArenaViews
    function settlement(uint256 taskId) external view returns (SettlementInfo memory info) {
        _task(taskId);
        Settlement storage s = _settlements[taskId];
        info.started = s.started;
        info.consensusDone = s.consensusDone;
        info.cursor = s.cursor;
        info.eligibleCount = s.eligibleCount;
        info.rankedCount = s.rankedCount;
        info.emission = s.emission;
        info.nodeReward = s.nodeReward;
        info.validatorReward = s.validatorReward;
        info.creatorReward = s.creatorReward;
        info.nodeDenominator = s.nodeDenominator;
        info.totalPoints = s.totalPoints;
        info.unallocated = s.unallocated;
    }

    /// @inheritdoc IArenaViews
    function phase(uint256 taskId) external view returns (Phase) {
        return _phase(_tasks[taskId]);
    }

    /// @inheritdoc IArenaViews
    function participant(uint256 taskId, address account) external view returns (Role, uint256) {
        Participant memory p = _participants[taskId][account];
        return (p.role, p.index);
    }

    /// @inheritdoc IArenaViews
    function submission(uint256 taskId, uint256 submissionId) external view returns (SubmissionInfo memory info) {
        Node storage n = _nodes[taskId][submissionId];
        info.account = n.account;
        info.status = n.status;
        info.slashed = n.slashed;
        info.claimed = n.claimed;
        info.ownStake = n.ownStake;
        info.poolStake = n.poolStake;
        info.commitment = n.commitment;
        info.modelCID = n.modelCID;
        info.consensus = n.consensus;
        info.rank = n.rank;
        info.rankFactor = n.rankFactor;
        info.scorerCount = n.scorers.length;
        if (
            info.status == SubmissionStatus.Ranked
                && _rankedAt(taskId, n.position, _settlements[taskId].rankedCount) != submissionId
        ) {
            // Cut off the ranking by a rewind: eligible again.
            info.status = SubmissionStatus.Eligible;
            info.rank = 0;
            info.rankFactor = 0;
        }
    }

    /// @inheritdoc IArenaViews
    function scorers(uint256 taskId, uint256 submissionId) external view returns (uint256[] memory list) {
        uint32[] storage s = _nodes[taskId][submissionId].scorers;
        uint256 len = s.length; // at most MAX_SAMPLE_SIZE distinct counted validators
        list = new uint256[](len);
        for (uint256 i; i < len; ++i) {
            list[i] = s[i];
        }
    }

    /// @inheritdoc IArenaViews
    function validator(uint256 taskId, uint256 index) external view returns (ValidatorInfo memory) {
        Validator storage v = _validators[taskId][index];
        return ValidatorInfo({
            account: v.account,
            slashed: v.slashed,
            claimed: v.claimed,
            unusable: v.unusable,
            ownStake: v.ownStake,
            poolStake: v.poolStake,
            sampleLo: v.sampleLo,
            sampleWeight: v.sampleWeight,
            points: v.points,
            slashedFraction: v.slashedFraction,
            slashedStake: v.slashedOwn,
            scoreRoot: v.root
        });
    }

    /// @inheritdoc IArenaViews
    function score(uint256 taskId, uint256 submissionId, uint256 validatorIndex)
        external
        view
        returns (ScoreInfo memory)
    {
        Score storage s = _scores[taskId][submissionId][validatorIndex];
        return ScoreInfo({revealed: s.revealed, invalid: s.invalid, score: s.value});
    }

    /// @inheritdoc IArenaViews
    function assignment(uint256 taskId, uint256 submissionId, uint256 validatorIndex)
        external
        view
        returns (bool, uint256)
    {
        Task storage t = _task(taskId);
        Validator storage val = _validators[taskId][validatorIndex];
        if (validatorIndex >= t.validatorCount || val.root == 0) return (false, 0);
        if (!_samples(taskId, t)) return (true, 0);
        if (t.seed == 0) return (false, 0);
        uint256 draws = _drawsOf(taskId, t, submissionId, val);
        return (draws != 0, draws);
    }

    /// @inheritdoc IArenaViews
    function scoreTreeDepth(uint256 taskId) external view returns (uint256) {
        return ScoreTree.depth(_task(taskId).nodeCount);
    }

    /// @inheritdoc IArenaViews
    function claimable(uint256 taskId, address account)
        external
        view
        returns (uint256 stake, uint256 reward, uint256 refund)
    {
        Task storage t = _task(taskId);
        if (t.status == Status.Active) return (0, 0, 0);
        Owed memory o = _owed(taskId, t, account);
        return (o.stake, o.reward, o.refund);
    }

    /// @inheritdoc IArenaViews
    function stream()
        external
        view
        returns (uint256 rate, uint256 periodFinish, uint256 lastUpdate, uint256 totalWeight, uint256 rewardPerWeight)
    {
        RewardStream.Stream storage st = _stream;
        return (st.rate, st.periodFinish, st.lastUpdate, _totalWeight, st.acc);
    }

    /// @inheritdoc IArenaViews
    function totals()
        external
        view
        returns (uint256 pulled, uint256 taskEmission, uint256 rewardsPaid, uint256 toTreasury, uint256 slashedBurned)
    {
        return (_totalPulled, _totalTaskEmission, _totalRewardsPaid, _totalToTreasury, _totalSlashed);
    }

    /// @inheritdoc IArenaViews
    function modelCommitment(string calldata modelCID, address node, bytes32 salt) external pure returns (bytes32) {
        return keccak256(abi.encode(modelCID, node, salt));
    }

    /// @inheritdoc IArenaViews
    function validationCommitment(string calldata validationCID, bytes32 salt) external pure returns (bytes32) {
        return keccak256(abi.encode(validationCID, salt));
    }

    /// @inheritdoc IArenaViews
    function scoreCommitment(
        uint256 taskId,
        uint256 submissionId,
        address validator_,
        int256 score_,
        bool invalid,
        bytes32 salt
    ) external pure returns (bytes32) {
        return keccak256(abi.encode(taskId, submissionId, validator_, score_, invalid, salt));
    }

    /// @inheritdoc IArenaViews
    function unusableCommitment(uint256 taskId, address validator_, bytes32 salt) external pure returns (bytes32) {
        return keccak256(abi.encode(taskId, validator_, salt));
    }

    // ================================================================ internals

    /// @dev The task's emission as of the last update.
    function _accruedView(uint256 taskId, Task storage t) private view returns (uint256) {
        Settlement storage s = _settlements[taskId];
        uint256 weight = t.weight;
        if (weight == 0 || s.started) return t.accrued;
        uint256 e = uint256(t.scoreRevealEnd) / EPOCH;
        uint256 acc = _nextEpoch > e ? _accAt[e] : _stream.acc;
        return t.accrued + Math.mulDiv(weight, acc - t.accSnapshot, PRECISION);
    }
}
