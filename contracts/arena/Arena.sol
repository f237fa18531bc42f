// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IArenaActions} from "../interfaces/IArenaActions.sol";
import {IDelegationPools} from "../interfaces/IDelegationPools.sol";
import {IEmission} from "../interfaces/IEmission.sol";
import {IEmissionGauge} from "../interfaces/IEmissionGauge.sol";
import {IGmFlock} from "../interfaces/IGmFlock.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {ScoreTree} from "../libraries/ScoreTree.sol";
import {StakeEscrow} from "../libraries/StakeEscrow.sol";
import {StakeSampling} from "../libraries/StakeSampling.sol";
import {ArenaStorage} from "./ArenaStorage.sol";

/// @title Arena
/// @notice The AI Arena's task lifecycle on chain: creation, registration, model and score
/// commit-reveal, consensus, rewards, slashing and claims. Call it through {IArena}.
/// @dev Needs GM_HOLDER_ROLE (stakes are gmFLOCK held here) and SLASHER_ROLE (it slashes and
/// freezes delegation pools), and must be registered as a gauge of the {IEmission}.
///
/// Code layout. One state, four codes (each under the 24 KB limit): this contract holds all
/// state and runs the hot paths itself (registration, commit/reveal, claims, sync); the cold
/// mutators run by delegatecall behind the same reentrancy guard, createTask, cancel and finalize
/// in {ArenaSettlement} and rank in {ArenaRanking}; the views run in {ArenaLens}, reached through
/// the fallback. All four inherit {ArenaStorage}, the one storage layout. Deploy the three
/// modules first with the same five addresses, then the Arena with them.
///
/// Emission across tasks, O(1) per task. The Arena pulls its share of the emission and streams it
/// over {REWARD_DURATION} (Synthetix StakingRewards' rewardRate) to the earning tasks in
/// proportion to their weight w = stake^beta (a fixed-point power, {ArenaMath-powWad}); a global
/// emission-per-weight accumulator grows by rate * dt / W, and a task earns
/// w * (accumulator - its snapshot), settled whenever its stake changes. A task stops earning at
/// its `scoreRevealEnd`, which is rounded up to a whole {EPOCH}: its weight is scheduled to leave
/// W at that epoch (`_drops`, with a bitmap of the epochs that have drops, as Uniswap's tick
/// bitmap), and {_update} walks the elapsed epochs a bounded number of steps at a time, recording
/// the accumulator at each drop (`_accAt`) so the task's final emission is read in O(1) whenever
/// it is finalized. Nothing loops over tasks. A step is one bitmap word (256 hours) or one epoch
/// with drops; should the walk lag more than {MAX_UPDATE_STEPS} steps (more than 32 task ends, or
/// about 11 months, without a single sync), functions that change weights revert with
/// {ArenaSyncBacklog} until {sync} (called again as needed) has caught up. Emission reaches tasks
/// only once pulled: a released day streams over the day after its pull, to the tasks earning
/// then, so someone (the node's daemons) should call {sync} about daily; every creation,
/// registration, cancellation and first finalization syncs too. Time: phases and the emission
/// walk run on the Arena's clock, the block's timestamp but never earlier than the latest time
/// the bookkeeping recorded, so should the chain's clock go back (a devnet restarted from a state
/// dump) no phase goes back, no drop is processed twice and no time difference underflows; the
/// Arena waits for the chain's clock to catch up (the delegation pools' stream does the same).
///
/// Scoring: commit to everything, count a hidden sample. In the ScoreCommit phase each validator
/// commits once, to its scores of every revealed submission: the root of a positional Merkle tree
/// ({ScoreTree}) whose leaf i is its score commitment of submission i; or it commits that the
/// validation set is unusable. Its first commit puts it on the task's sampling line
/// ({StakeSampling}) with an interval as long as its effective (own + pool) stake. After the
/// phase, the seed is drawn, and per submission k draws pick validators on the line by stake (all
/// committers when at most k committed); only their scores count, and only they open them (with
/// a Merkle proof) in the ScoreReveal phase. So nobody knows, when committing, which of its
/// scores will count: a group cannot learn that it holds a submission's sample majority and
/// deviate only there, and every validator must evaluate everything it wants to be paid for
/// (ONNX scoring is cheap next to training). Sampling is linear in stake, so a stake split across
/// sybils draws exactly as often in expectation as the same stake whole, and weighs the same in
/// each median. The seed is keccak256(prevrandao, the creator's validation-set salt, taskId),
/// drawn by the first call after the ScoreCommit phase ({drawSeed}, the first {revealScores}, or
/// the first {finalize}): nobody knows it while validators commit. Nodes' salts do not feed it,
/// so no node can choose it by revealing or withholding its model. It does not resist bias by
/// whoever draws it: the block proposer, or a caller who reads the next block's prevrandao and
/// times the drawing transaction, can choose among a few seeds; a VRF would close that, at the
/// cost of an oracle.
///
/// Consensus: per submission, the stake-weighted (own + pool stake) median of the counted,
/// opened scores, oriented so higher is better, with "invalid" below every score. Ties: when the
/// weight splits exactly in half between a lower and a higher value, nobody can tell the honest
/// half, so a tie slashes no one and moves no score: two halves that agree (their midpoint within
/// the tolerance of both) settle at the midpoint; otherwise (a score against "invalid", or scores
/// further apart) the submission gets no consensus (Unscored, {SubmissionTied}): its node is
/// neither paid nor slashed, its scorers neither slashed nor credited for it. The tolerance is
/// absolute, in the metric's own units, fixed per task (unbounded metrics need the creator's;
/// Accuracy and F1 may take arena.validatorTolerance), so honest runtime noise is judged on the
/// metric's own scale whatever the consensus' magnitude. A counted score beyond it, or not
/// opened, costs the validator rules.validatorSlash / E of its stake, E the number of
/// submissions its stake lets it expect to count for: a deviation costs in proportion to the
/// submissions it touched (an honest validator outvoted once loses a small part; a lazy one loses
/// about the whole slash), and withholding a score costs what revealing a deviating one does.
/// Scores within the tolerance earn stake * quality points, quality = 1 - distance / tolerance,
/// so a close guess earns less than an exact score. At most k scores per submission, so the
/// median is computed in memory, O(k^2) comparisons, in {finalize}'s loop; its gas per
/// submission is bounded by k (see the gas snapshot). A validation set that validators holding
/// more than half of the committed weight reject as unusable cancels the task and slashes its
/// creator ({SlashReason-CreatorUnusableData}): a creator gains nothing by revealing data nobody
/// can score with. Ranking the eligible submissions is the one sort over n: rather than sort on
/// chain (O(n log n) storage writes across batches) anyone passes the order to {rank}, which
/// keeps the ranking in non-increasing order of consensus and corrects it when a call proves it
/// wrong (a submission above the last one ranked cuts the ranking back to the first position
/// below it, found by binary search), so the whole ranking costs O(n), and no call by anyone, in
/// any order or batch split, can keep the task from being finalized by the whole order, best
/// first. Ranks are dense (equal consensus, equal rank; the next distinct score the next rank),
/// so a model copied across sybil nodes earns what it would once with the whole stake.
///
/// Withholding is never cheaper than revealing. A node that committed a model and did not reveal
/// it by the end of the Reveal phase (when it has seen the validation set, so it knows whether
/// its model would be marked invalid) is slashed arena.nodeSlash of its own and pool stake, as a
/// node whose revealed model is invalid ({SlashReason-NodeNoReveal}, in {finalize}). A node that
/// registered and never committed is not slashed: it had nothing to withhold, decided before
/// anything of the Reveal phase could be known, and feeds nothing into the seed; it forfeits its
/// registration fee (which stays in the task's reward pot) and gets its stake back, as a node
/// whose revealed model falls below the baseline does.
///
/// Money. Stakes are gmFLOCK; fees, bounties and rewards are FLOCK. A task's reward pot is its
/// emission plus the registration fees plus the creator's bounty; the creator's share is taken
/// from the emission, and the rest is split R_nodes = R * (gamma + (1 - 2 gamma) * T / (T + V)),
/// R_validators = R - R_nodes. Nodes above the baseline are paid by rank: rankDecay^rank * stake
/// over the sum of the same; validators by their points. Slashed stake is burned (gmFLOCK's own stake here, the
/// pool's part through {IDelegationPools-slash} with recipient zero): the FLOCK behind it is
/// forfeited to the treasury when the slashed position is redeemed (see {IGmFlock}). Rewards with
/// nobody to pay (no eligible node; no validator points) and the emission of a cancelled task go
/// to the treasury. Rounding always favours the contract; the dust stays here.
contract Arena is IArenaActions, ArenaStorage, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @dev Cold mutators (createTask, cancel, finalize), run by delegatecall.
    address private immutable _settlement;
    /// @dev The ranking (rank), run by delegatecall.
    address private immutable _ranking;
    /// @dev The views, run by delegatecall from the fallback.
    address private immutable _lens;

    /// @param flock_ FLOCK: fees, bounties and rewards.
    /// @param gm_ gmFLOCK: stakes.
    /// @param config_ The protocol config (parameters, roles, treasury).
    /// @param emission_ The emission this contract is a gauge of.
    /// @param pools_ The delegation pools (pool stake, freezing, slashing, rewards).
    /// @param settlement_ An {ArenaSettlement} deployed with the same five addresses.
    /// @param ranking_ An {ArenaRanking} deployed with the same five addresses.
    /// @param lens_ An {ArenaLens} deployed with the same five addresses.
    /// @dev Requirements: the three modules were deployed with the same five addresses.
    constructor(
        IERC20 flock_,
        IGmFlock gm_,
        IProtocolConfig config_,
        IEmission emission_,
        IDelegationPools pools_,
        ArenaStorage settlement_,
        ArenaStorage ranking_,
        ArenaStorage lens_
    ) ArenaStorage(flock_, gm_, config_, emission_, pools_) {
        _checkModule(settlement_);
        _checkModule(ranking_);
        _checkModule(lens_);
        _settlement = address(settlement_);
        _ranking = address(ranking_);
        _lens = address(lens_);
        _stream.lastUpdate = block.timestamp;
        _nextEpoch = block.timestamp / EPOCH + 1;
        // Rewards of delegation pools are paid with notifyTaskReward, which pulls FLOCK from here.
        flock_.forceApprove(address(pools_), type(uint256).max);
    }

    /// @notice Serves {IArenaViews}: runs the call in the lens module (by delegatecall, so it reads
    /// this contract's storage) and returns what it returns; unknown selectors revert there.
    fallback() external {
        address lens = _lens;
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), lens, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    /// @inheritdoc IArenaActions
    function modules() external view returns (address settlement_, address ranking_, address lens_) {
        return (_settlement, _ranking, _lens);
    }

    // ================================================================ creator

    /// @inheritdoc IArenaActions
    /// @dev Runs in {ArenaSettlement}.
    function createTask(TaskParams calldata) external nonReentrant returns (uint256 taskId) {
        return abi.decode(_delegateToSettlement(), (uint256));
    }

    /// @inheritdoc IArenaActions
    /// @dev Emits {ValidationSetRevealed}. Requirements: Reveal phase; the caller is the creator;
    /// not yet revealed; keccak256(abi.encode(validationCID, salt)) equals the commitment.
    function revealValidationSet(uint256 taskId, string calldata validationCID, bytes32 salt) external nonReentrant {
        Task storage t = _task(taskId);
        _requirePhase(taskId, t, Phase.Reveal);
        if (msg.sender != t.creator) revert ArenaNotCreator(taskId, msg.sender);
        if (t.validationRevealed) revert ArenaAlreadyRevealed(taskId, msg.sender);
        if (keccak256(abi.encode(validationCID, salt)) != t.validationCommitment) {
            revert ArenaCommitmentMismatch(taskId, msg.sender);
        }
        _checkCID(validationCID);
        t.validationRevealed = true;
        t.saltMix = keccak256(abi.encode(t.saltMix, salt));
        _specs[taskId].validationCID = validationCID;
        emit ValidationSetRevealed(taskId, validationCID);
    }

    /// @inheritdoc IArenaActions
    /// @dev Burns arena.creatorSlash of the creator's stake and sends the task's emission to the
    /// treasury; nodes and validators get their stake (and nodes their fee) back by {claim}.
    /// Emits {Slashed}, {TaskCancelled}. Requirements: the Reveal phase is over, the task is
    /// neither finalized nor cancelled, and its validation set was not revealed.
    function cancel(uint256) external nonReentrant {
        _delegateToSettlement();
    }

    // ================================================================ training nodes

    /// @inheritdoc IArenaActions
    /// @dev The node's effective stake is `stake` plus its delegation pool's active stake now; its
    /// pool is frozen until {CLAIM_FREEZE} after the task (its sigma, recorded here with the time,
    /// and the withdrawal of stake undelegated meanwhile). Emits
    /// {NodeRegistered}, {TaskWeightChanged}. Requirements: Submit phase; the caller has no role in
    /// the task and is not its creator; stake >= the task's minimum and > 0; approvals of gmFLOCK
    /// (stake) and FLOCK (fee).
    function registerNode(uint256 taskId, uint256 stake) external nonReentrant returns (uint256 submissionId) {
        Task storage t = _task(taskId);
        _requirePhase(taskId, t, Phase.Submit);
        _requireNewParticipant(taskId, t);
        if (stake == 0 || stake < t.minNodeStake) revert ArenaStakeTooLow(stake, t.minNodeStake);
        _syncCaughtUp();
        (uint256 poolStake, uint256 sigma) = _poolStakeAndFreeze(t);

        submissionId = t.nodeCount++;
        Node storage n = _nodes[taskId][submissionId];
        n.account = msg.sender;
        n.ownStake = stake.toUint128();
        n.poolStake = poolStake.toUint128();
        if (poolStake > 0) {
            n.poolSigma = uint64(sigma); // a pool's sigma is at most 1e18
            n.registeredAt = uint64(block.timestamp); // the time the pool's freeze marked
        }
        _participants[taskId][msg.sender] = Participant(Role.Node, uint32(submissionId));
        t.nodeStake += (stake + poolStake).toUint128();
        _addStake(taskId, t, stake);
        uint256 fee = t.registrationFee;
        emit NodeRegistered(taskId, msg.sender, submissionId, stake, poolStake, fee);

        IERC20(address(_gm)).safeTransferFrom(msg.sender, address(this), stake);
        if (fee > 0) _flock.safeTransferFrom(msg.sender, address(this), fee);
    }

    /// @inheritdoc IArenaActions
    /// @dev A later commit replaces an earlier one. Emits {ModelCommitted}.
    /// Requirements: Submit phase; the caller is a node of the task; commitment != 0.
    function commitModel(uint256 taskId, bytes32 commitment) external nonReentrant {
        Task storage t = _task(taskId);
        _requirePhase(taskId, t, Phase.Submit);
        if (commitment == 0) revert ArenaZeroCommitment();
        Node storage n = _nodes[taskId][_nodeIndex(taskId)];
        n.commitment = commitment;
        n.status = SubmissionStatus.Committed;
        emit ModelCommitted(taskId, msg.sender, commitment);
    }

    /// @inheritdoc IArenaActions
    /// @dev Emits {ModelRevealed}. Requirements: Reveal
    /// phase; the caller is a node that committed and has not revealed; a valid CID;
    /// keccak256(abi.encode(modelCID, msg.sender, salt)) equals its commitment.
    function revealModel(uint256 taskId, string calldata modelCID, bytes32 salt) external nonReentrant {
        Task storage t = _task(taskId);
        _requirePhase(taskId, t, Phase.Reveal);
        uint256 id = _nodeIndex(taskId);
        Node storage n = _nodes[taskId][id];
        if (n.status == SubmissionStatus.Registered) revert ArenaNothingCommitted(taskId, msg.sender);
        if (n.status != SubmissionStatus.Committed) revert ArenaAlreadyRevealed(taskId, msg.sender);
        if (keccak256(abi.encode(modelCID, msg.sender, salt)) != n.commitment) {
            revert ArenaCommitmentMismatch(taskId, msg.sender);
        }
        _checkCID(modelCID);
        n.status = SubmissionStatus.Revealed;
        n.modelCID = modelCID;
        ++t.revealedCount;
        emit ModelRevealed(taskId, msg.sender, id, modelCID);
    }

    // ================================================================ validators

    /// @inheritdoc IArenaActions
    /// @dev As {registerNode}; the validator joins the sampling line at its first score commit.
    /// Emits {ValidatorRegistered}, {TaskWeightChanged}. Requirements: Submit phase; no role in
    /// the task and not its creator; stake >= the task's minimum and > 0; gmFLOCK approval.
    function registerValidator(uint256 taskId, uint256 stake) external nonReentrant returns (uint256 index) {
        Task storage t = _task(taskId);
        _requirePhase(taskId, t, Phase.Submit);
        _requireNewParticipant(taskId, t);
        if (stake == 0 || stake < t.minValidatorStake) revert ArenaStakeTooLow(stake, t.minValidatorStake);
        _syncCaughtUp();
        (uint256 poolStake, uint256 sigma) = _poolStakeAndFreeze(t);

        index = t.validatorCount++;
        Validator storage v = _validators[taskId][index];
        v.account = msg.sender;
        v.ownStake = stake.toUint128();
        v.poolStake = poolStake.toUint128();
        if (poolStake > 0) {
            v.poolSigma = uint64(sigma); // a pool's sigma is at most 1e18
            v.registeredAt = uint64(block.timestamp);
        }
        _participants[taskId][msg.sender] = Participant(Role.Validator, uint32(index));
        t.validatorStake += (stake + poolStake).toUint128();
        _addStake(taskId, t, stake);
        emit ValidatorRegistered(taskId, msg.sender, index, stake, poolStake);

        IERC20(address(_gm)).safeTransferFrom(msg.sender, address(this), stake);
    }

    /// @inheritdoc IArenaActions
    /// @dev Idempotent: returns the seed already drawn. Emits {SeedDrawn} when it draws.
    /// Requirements: ScoreReveal phase; the validation set was revealed.
    function drawSeed(uint256 taskId) external nonReentrant returns (bytes32) {
        Task storage t = _task(taskId);
        _requirePhase(taskId, t, Phase.ScoreReveal);
        if (!t.validationRevealed) revert ArenaValidationSetNotRevealed(taskId);
        if (t.seed == 0) _drawSeed(taskId, t);
        return t.seed;
    }

    /// @inheritdoc IArenaActions
    /// @dev A later commit replaces an earlier one; the first puts the validator on the sampling
    /// line with its effective stake. Emits {ScoresCommitted}. Requirements: ScoreCommit phase;
    /// the validation set was revealed; the caller is a validator of the task; root != 0.
    function commitScores(uint256 taskId, bytes32 root) external nonReentrant {
        (, uint256 v) = _scoringValidator(taskId, Phase.ScoreCommit);
        if (root == 0) revert ArenaZeroCommitment();
        Validator storage val = _validators[taskId][v];
        if (val.root == 0) {
            uint256 weight = uint256(val.ownStake) + val.poolStake;
            val.sampleLo = StakeSampling.join(_lines[taskId], v, weight).toUint128();
            val.sampleWeight = weight.toUint128();
        }
        val.root = root;
        emit ScoresCommitted(taskId, msg.sender, root);
    }

    /// @inheritdoc IArenaActions
    /// @dev Draws the seed if nobody has. Emits {ScoreRevealed} per score. Requirements:
    /// ScoreReveal phase; the validation set was revealed; the caller committed; per opening: the
    /// submission was revealed and not yet opened by the caller, the caller counts for it, the
    /// leaf opens under the root at the submission's index; |score| <= 1e36 unless `invalid`.
    function revealScores(uint256 taskId, ScoreOpening[] calldata openings) external nonReentrant {
        (Task storage t, uint256 v) = _scoringValidator(taskId, Phase.ScoreReveal);
        uint256 len = openings.length;
        if (len == 0) revert ArenaBadBatch();
        Validator storage val = _validators[taskId][v];
        if (val.root == 0 || val.unusable) revert ArenaNothingCommitted(taskId, msg.sender);
        if (t.seed == 0) _drawSeed(taskId, t);
        // Bit 255: the task samples; below: the tree's depth.
        uint256 shape = ScoreTree.depth(t.nodeCount) | (_samples(taskId, t) ? 1 << 255 : 0);
        for (uint256 i; i < len; ++i) {
            _openScore(taskId, t, v, shape, openings[i]);
        }
    }

    /// @inheritdoc IArenaActions
    /// @dev Emits {ValidationSetRejected}. Requirements: ScoreReveal phase; the validation set was
    /// revealed; the caller's commitment is keccak256(abi.encode(taskId, msg.sender, salt)); not
    /// yet revealed.
    function rejectValidationSet(uint256 taskId, bytes32 salt) external nonReentrant {
        (Task storage t, uint256 v) = _scoringValidator(taskId, Phase.ScoreReveal);
        Validator storage val = _validators[taskId][v];
        if (val.unusable) revert ArenaAlreadyRevealed(taskId, msg.sender);
        if (val.root == 0 || keccak256(abi.encode(taskId, msg.sender, salt)) != val.root) {
            revert ArenaCommitmentMismatch(taskId, msg.sender);
        }
        val.unusable = true;
        uint256 weight = val.sampleWeight;
        t.unusableWeight += weight.toUint128();
        emit ValidationSetRejected(taskId, msg.sender, weight);
    }

    // ================================================================ settlement

    /// @inheritdoc IArenaActions
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
    function finalize(uint256, uint256) external nonReentrant returns (uint256 settled, bool consensusDone) {
        return abi.decode(_delegateToSettlement(), (uint256, bool));
    }

    /// @inheritdoc IArenaActions
    /// @dev Runs in {ArenaRanking}. Dense ranking: a submission whose consensus equals the previous
    /// one's shares its rank (and factor); the next distinct score takes the next rank. rankFactor
    /// = rankDecay^rank, computed by repeated multiplication rounded down. Self-correcting (see
    /// {ArenaRanking-rank}). Emits {SubmissionRanked} per submission
    /// placed, {RankingRewound} per cut and {TaskFinalized} after the last. Requirements:
    /// Finalizing phase with the consensus pass over; a non-empty list; each submission above
    /// the baseline (Eligible or Ranked).
    function rank(uint256, uint256[] calldata) external nonReentrant {
        _delegateTo(_ranking);
    }

    /// @inheritdoc IArenaActions
    /// @dev O(1): pays every role the caller holds in the task at once. A node's or validator's
    /// reward is split by its stake: the delegation pool's part pool / (own + pool) is paid into
    /// its pool ({IDelegationPools-notifyTaskReward}) for the shares the pool had at registration,
    /// at the sigma recorded then. Emits {Claimed}. Requirements: the task is
    /// finalized or cancelled; the caller has an unclaimed role in it.
    function claim(uint256 taskId) external nonReentrant {
        Task storage t = _task(taskId);
        if (t.status == Status.Active) revert ArenaNotInPhase(taskId, _phase(t));
        Owed memory o = _owed(taskId, t, msg.sender);
        if (!o.creator && !o.node && !o.validator) revert ArenaNothingToClaim(taskId, msg.sender);
        if (o.creator) t.creatorClaimed = true;
        if (o.node) _nodes[taskId][o.index].claimed = true;
        if (o.validator) _validators[taskId][o.index].claimed = true;
        _totalRewardsPaid += o.reward;
        emit Claimed(taskId, msg.sender, o.stake, o.reward, o.poolReward, o.refund);

        if (o.stake > 0) IERC20(address(_gm)).safeTransfer(msg.sender, o.stake);
        uint256 direct = o.reward - o.poolReward + o.refund;
        if (direct > 0) _flock.safeTransfer(msg.sender, direct);
        if (o.poolReward > 0) _pools.notifyTaskReward(msg.sender, o.poolReward, o.poolSince, o.poolSigma);
    }

    /// @inheritdoc IArenaActions
    /// @dev Emits {EmissionStreamed} when new emission was pulled.
    function sync() external nonReentrant returns (bool caughtUp) {
        return _sync();
    }

    // ================================================================ views

    /// @inheritdoc IEmissionGauge
    /// @dev gmFLOCK staked in tasks still earning now (drops not yet processed are subtracted, up
    /// to {MAX_UPDATE_STEPS} steps). The block's timestamp is enough here (no read of the Arena's
    /// clock): the walk starts at the first unprocessed epoch, so a clock behind the Arena's never
    /// counts a drop twice.
    function emissionWeight() external view returns (uint256 stake) {
        stake = _totalStake;
        uint256 endEpoch = block.timestamp / EPOCH;
        uint256 e = _nextEpoch;
        for (uint256 steps; e <= endEpoch && steps < MAX_UPDATE_STEPS; ++steps) {
            uint256 bits = _dropBitmap[e >> 8] >> (e & 255);
            if (bits == 0) {
                e = ((e >> 8) + 1) << 8;
                continue;
            }
            e += _lowestBit(bits);
            if (e > endEpoch) break;
            stake -= _drops[e].stake;
            ++e;
        }
    }

    // ================================================================ internals: lifecycle

    /// @dev Reverts unless `module` was deployed with this contract's five addresses.
    function _checkModule(ArenaStorage module) private view {
        (IERC20 f, IGmFlock g, IProtocolConfig c, IEmission e, IDelegationPools p) = module.contracts();
        if (f != _flock || g != _gm || c != _config || e != _emission || p != _pools) {
            revert ArenaModuleMismatch(address(module));
        }
    }

    /// @dev Runs the current call's calldata in {ArenaSettlement} by delegatecall, bubbling reverts.
    function _delegateToSettlement() private returns (bytes memory) {
        return _delegateTo(_settlement);
    }

    /// @dev Runs the current call's calldata in `module` by delegatecall, bubbling reverts.
    function _delegateTo(address module) private returns (bytes memory ret) {
        bool ok;
        (ok, ret) = module.delegatecall(msg.data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    function _requireNewParticipant(uint256 taskId, Task storage t) private view {
        if (msg.sender == t.creator || _participants[taskId][msg.sender].role != Role.None) {
            revert ArenaAlreadyParticipating(taskId, msg.sender);
        }
    }

    function _nodeIndex(uint256 taskId) private view returns (uint256) {
        Participant memory p = _participants[taskId][msg.sender];
        if (p.role != Role.Node) revert ArenaNotNode(taskId, msg.sender);
        return p.index;
    }

    /// @dev The caller's delegation pool's active stake and sigma ((0, 0) without a pool),
    /// freezing the pool (its sigma, and the withdrawal of stake undelegated from now on) until
    /// {CLAIM_FREEZE} after the task.
    function _poolStakeAndFreeze(Task storage t) private returns (uint256, uint256) {
        return StakeEscrow.lockPool(_pools, msg.sender, uint256(t.scoreRevealEnd) + CLAIM_FREEZE);
    }

    // ================================================================ internals: scoring

    /// @dev The caller's validator index, after the phase and validation-set checks.
    function _scoringValidator(uint256 taskId, Phase expected) private view returns (Task storage t, uint256) {
        t = _task(taskId);
        _requirePhase(taskId, t, expected);
        if (!t.validationRevealed) revert ArenaValidationSetNotRevealed(taskId);
        Participant memory p = _participants[taskId][msg.sender];
        if (p.role != Role.Validator) revert ArenaNotValidator(taskId, msg.sender);
        return (t, p.index);
    }

    /// @dev Opens one leaf of validator `v`'s score tree (see {revealScores}).
    function _openScore(uint256 taskId, Task storage t, uint256 v, uint256 shape, ScoreOpening calldata o) private {
        uint256 id = o.submissionId;
        Validator storage val = _validators[taskId][v];
        Node storage n = _nodes[taskId][id];
        if (id >= t.nodeCount || n.status != SubmissionStatus.Revealed) revert ArenaSubmissionNotRevealed(taskId, id);
        Score storage sc = _scores[taskId][id][v];
        if (sc.revealed) revert ArenaAlreadyRevealed(taskId, msg.sender);
        if (shape >> 255 == 1) {
            uint256 draws = _drawsOf(taskId, t, id, val);
            if (draws == 0) revert ArenaNotSampled(taskId, id, msg.sender);
            n.openedDraws |= uint32(draws); // k <= 32 draws
            sc.draws = uint8(StakeSampling.count(draws));
        }
        int256 value = o.score;
        bytes32 leaf = keccak256(abi.encode(taskId, id, msg.sender, value, o.invalid, o.salt));
        if (!ScoreTree.verify(val.root, leaf, id, o.proof, shape & 0xff)) revert ArenaCommitmentMismatch(taskId, msg.sender);
        if (o.invalid) {
            value = 0;
        } else if (value > MAX_SCORE || value < -MAX_SCORE) {
            revert ArenaScoreOutOfRange(value);
        }
        sc.value = int128(value); // |value| <= 1e36 < 2^127
        sc.invalid = o.invalid;
        sc.revealed = true;
        n.scorers.push(uint32(v)); // counted, opened once: at most k per submission
        emit ScoreRevealed(taskId, id, msg.sender, value, o.invalid);
    }

    // ================================================================ internals: settlement

    // ================================================================ internals: emission
}
