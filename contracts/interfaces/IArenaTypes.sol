// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IArenaTypes
/// @notice The AI Arena's types, errors and events, shared by {IArena} and the Arena's settlement
/// module (which runs in the Arena's context by delegatecall and emits the Arena's events).
interface IArenaTypes {
    // ---------------------------------------------------------------- types

    /// @notice The metric a task is scored on. Accuracy and F1: higher is better; MSE, MAE and
    /// log-loss: lower is better.
    enum Metric {
        Accuracy,
        F1,
        MSE,
        MAE,
        LogLoss
    }

    /// @notice Where a task stands. Finalizing covers both the consensus pass and the ranking.
    enum Phase {
        None,
        Submit,
        Reveal,
        ScoreCommit,
        ScoreReveal,
        Finalizing,
        Finalized,
        Cancelled
    }

    /// @notice What an account is in a task (the creator is told apart by `TaskInfo.creator`).
    enum Role {
        None,
        Node,
        Validator
    }

    /// @notice Where a training node's submission stands.
    /// Registered: staked, nothing committed. Committed: model hash committed (after the Reveal
    /// phase: withheld; the consensus pass slashes it, see {SlashReason}). Revealed: model
    /// revealed (validators may score it). After the consensus pass: Unscored (no consensus: no
    /// score revealed, or a tie, see {SubmissionTied}; neither paid nor slashed), Invalid
    /// (consensus: invalid model; the node is slashed), BelowBaseline (valid, not above the
    /// baseline), Eligible (above the baseline; awaits its rank), Ranked (rank assigned; paid).
    enum SubmissionStatus {
        Registered,
        Committed,
        Revealed,
        Unscored,
        Invalid,
        BelowBaseline,
        Eligible,
        Ranked
    }

    /// @notice Why stake was slashed. NodeNoReveal: a node committed a model and did not reveal it
    /// (slashed as for an invalid model, so withholding is never cheaper than revealing).
    /// ValidatorNoReveal / ValidatorDeviation: one counted score of a validator was not revealed /
    /// was beyond the tolerance (each costs a part of the validator's slash, see {IArena}).
    /// CreatorUnusableData: validators holding more than half of the committed weight rejected
    /// the revealed validation set as unusable.
    enum SlashReason {
        CreatorNoReveal,
        InvalidModel,
        ValidatorNoReveal,
        ValidatorDeviation,
        NodeNoReveal,
        CreatorUnusableData
    }

    /// @notice The model contract every submission must satisfy (checked off chain by validators,
    /// who mark a model that breaks it as invalid). Models travel as ONNX.
    /// @param inputShape Input tensor shape; 0 marks a dynamic dimension (e.g. the batch).
    /// @param outputShape Output tensor shape; 0 marks a dynamic dimension.
    /// @param maxParameters Most trainable parameters allowed.
    /// @param maxFileSize Largest ONNX file allowed, in bytes.
    struct ModelSpec {
        uint32[] inputShape;
        uint32[] outputShape;
        uint64 maxParameters;
        uint64 maxFileSize;
    }

    /// @notice What a creator passes to {createTask}.
    /// @param dataCID CID of the public training data.
    /// @param validationCommitment keccak256(abi.encode(validationCID, salt)) of the hidden validation set.
    /// @param metric The metric (its direction follows from it).
    /// @param model The model contract.
    /// @param baselineScore Raw metric value (1e18-scaled) a submission must beat to be paid.
    /// @param submitDuration Length of the Submit phase (seconds).
    /// @param revealDuration Length of the Reveal phase (seconds).
    /// @param scoreCommitDuration Length of the ScoreCommit phase (seconds).
    /// @param scoreRevealDuration Length of the ScoreReveal phase (seconds; the end is rounded up to the hour).
    /// @param creatorStake gmFLOCK the creator stakes (at least arena.minCreatorStake).
    /// @param minNodeStake Least gmFLOCK a training node stakes (at least arena.minStake).
    /// @param minValidatorStake Least gmFLOCK a validator stakes (at least arena.minStake).
    /// @param registrationFee FLOCK a training node pays to register (added to the task's rewards).
    /// @param bounty Optional FLOCK the creator adds to the task's rewards.
    /// @param scoreTolerance How far (absolute, in the metric's units scaled by 1e18) a validator's
    /// score may lie from the consensus without being slashed; 0 takes arena.validatorTolerance,
    /// which only Accuracy and F1 (bounded in [0, 1]) may do: an unbounded metric needs the
    /// creator's value, set from the metric's normal spread on the task's data.
    struct TaskParams {
        string dataCID;
        bytes32 validationCommitment;
        Metric metric;
        ModelSpec model;
        int256 baselineScore;
        uint256 submitDuration;
        uint256 revealDuration;
        uint256 scoreCommitDuration;
        uint256 scoreRevealDuration;
        uint256 creatorStake;
        uint256 minNodeStake;
        uint256 minValidatorStake;
        uint256 registrationFee;
        uint256 bounty;
        uint256 scoreTolerance;
    }

    /// @notice A task's state.
    /// @param creator The creator.
    /// @param metric The metric.
    /// @param higherIsBetter The metric's direction.
    /// @param validationRevealed Whether the creator revealed the validation set.
    /// @param phase The phase now.
    /// @param baselineScore The raw baseline.
    /// @param createdAt Creation time.
    /// @param submitEnd End of the Submit phase.
    /// @param revealEnd End of the Reveal phase.
    /// @param scoreCommitEnd End of the ScoreCommit phase.
    /// @param scoreRevealEnd End of the ScoreReveal phase (a whole hour); the task earns emission until then.
    /// @param creatorStake gmFLOCK staked by the creator.
    /// @param minNodeStake Least node stake.
    /// @param minValidatorStake Least validator stake.
    /// @param registrationFee FLOCK fee per node.
    /// @param bounty FLOCK added by the creator.
    /// @param nodeCount Nodes registered (submission ids are 0..nodeCount-1).
    /// @param revealedCount Models revealed.
    /// @param validatorCount Validators registered (validator indices are 0..validatorCount-1).
    /// @param nodeStake T: effective node stake (own + delegation pool at registration).
    /// @param validatorStake V: effective validator stake.
    /// @param ownStake gmFLOCK this task holds (creator + nodes + validators, before slashing).
    /// @param weight The task's emission weight, (total effective stake / 1e18)^beta * 1e18; zero once
    /// its emission is fixed (settlement or cancellation).
    /// @param accruedEmission FLOCK of emission the task has earned so far (final once settled).
    /// @param validationCommitment The validation-set commitment.
    /// @param seed The sampling seed (zero until drawn, after the ScoreCommit phase).
    /// @param scoreTolerance The absolute tolerance validators' scores are held to (metric units, WAD).
    /// @param committerCount Validators that committed scores (the sampling line's members).
    /// @param committedWeight Their total effective stake (the sampling line's length).
    /// @param unusableWeight Effective stake of the validators that revealed "validation set unusable".
    struct TaskInfo {
        address creator;
        Metric metric;
        bool higherIsBetter;
        bool validationRevealed;
        Phase phase;
        int256 baselineScore;
        uint64 createdAt;
        uint64 submitEnd;
        uint64 revealEnd;
        uint64 scoreCommitEnd;
        uint64 scoreRevealEnd;
        uint256 creatorStake;
        uint256 minNodeStake;
        uint256 minValidatorStake;
        uint256 registrationFee;
        uint256 bounty;
        uint256 nodeCount;
        uint256 revealedCount;
        uint256 validatorCount;
        uint256 nodeStake;
        uint256 validatorStake;
        uint256 ownStake;
        uint256 weight;
        uint256 accruedEmission;
        bytes32 validationCommitment;
        bytes32 seed;
        uint256 scoreTolerance;
        uint256 committerCount;
        uint256 committedWeight;
        uint256 unusableWeight;
    }

    /// @notice The governed parameters a task runs under, read once at its creation (WAD unless said).
    /// @param gamma Floor of each side's share (R_nodes = R * (gamma + (1 - 2 gamma) * T / (T + V))).
    /// @param beta Exponent of stake in the task's emission weight.
    /// @param creatorShare Share of the task's emission paid to the creator.
    /// @param validatorTolerance The default absolute tolerance of Accuracy and F1 tasks (see
    /// {TaskParams}); the task's own is in {TaskInfo-scoreTolerance}.
    /// @param validatorSlash Most a validator loses in a task, as a fraction of its stake; each
    /// counted score beyond the tolerance or not revealed costs its share of it.
    /// @param nodeSlash Fraction of a node's stake slashed for an invalid model.
    /// @param creatorSlash Fraction of the creator's stake slashed for not revealing.
    /// @param rankDecay Ratio of the geometric series over ranks.
    /// @param sampleSize k: validators counted per submission (drawn by stake after the score
    /// commits close) when more than k committed.
    struct TaskRules {
        uint64 gamma;
        uint64 beta;
        uint64 creatorShare;
        uint64 validatorTolerance;
        uint64 validatorSlash;
        uint64 nodeSlash;
        uint64 creatorSlash;
        uint64 rankDecay;
        uint8 sampleSize;
    }

    /// @notice A task's strings and model contract.
    /// @param dataCID The training data.
    /// @param validationCID The validation set (empty until revealed).
    /// @param model The model contract.
    struct TaskSpec {
        string dataCID;
        string validationCID;
        ModelSpec model;
    }

    /// @notice A task's settlement.
    /// @param started Whether the rewards were fixed (first {finalize}).
    /// @param consensusDone Whether every submission was settled.
    /// @param cursor Next submission id the consensus pass settles.
    /// @param eligibleCount Submissions above the baseline.
    /// @param rankedCount Of those, how many were ranked.
    /// @param emission FLOCK of emission the task earned.
    /// @param nodeReward R_nodes (FLOCK).
    /// @param validatorReward R_validators (FLOCK).
    /// @param creatorReward The creator's share (FLOCK).
    /// @param nodeDenominator Sum over ranked submissions of rankFactor * stake / 1e18.
    /// @param totalPoints Sum of unslashed validators' stake * quality / 1e18.
    /// @param unallocated FLOCK sent to the treasury at the end (no eligible node, or no validator points).
    struct SettlementInfo {
        bool started;
        bool consensusDone;
        uint256 cursor;
        uint256 eligibleCount;
        uint256 rankedCount;
        uint256 emission;
        uint256 nodeReward;
        uint256 validatorReward;
        uint256 creatorReward;
        uint256 nodeDenominator;
        uint256 totalPoints;
        uint256 unallocated;
    }

    /// @notice A training node and its submission.
    /// @param account The node.
    /// @param status Where it stands.
    /// @param slashed Whether it was slashed.
    /// @param claimed Whether it claimed.
    /// @param ownStake gmFLOCK staked.
    /// @param poolStake Its delegation pool's stake at registration.
    /// @param commitment The model commitment.
    /// @param modelCID The revealed model (empty before).
    /// @param consensus Oriented consensus score (higher is better; type(int128).min = invalid).
    /// @param rank 0-based rank among eligible submissions (ties share the better rank).
    /// @param rankFactor rankDecay^rank (WAD).
    /// @param scorerCount Counted validators who revealed a score of it.
    struct SubmissionInfo {
        address account;
        SubmissionStatus status;
        bool slashed;
        bool claimed;
        uint256 ownStake;
        uint256 poolStake;
        bytes32 commitment;
        string modelCID;
        int256 consensus;
        uint256 rank;
        uint256 rankFactor;
        uint256 scorerCount;
    }

    /// @notice A validator.
    /// @param account The validator.
    /// @param slashed Whether it was slashed (for at least one counted score).
    /// @param claimed Whether it claimed.
    /// @param unusable Whether it revealed "validation set unusable".
    /// @param ownStake gmFLOCK staked.
    /// @param poolStake Its delegation pool's stake at registration.
    /// @param sampleLo Start of its interval on the sampling line (valid once it committed).
    /// @param sampleWeight Its sampling weight, own + pool stake (0 until it committed).
    /// @param points Its stake * quality summed over the submissions it scored.
    /// @param slashedFraction The part of its stake slashed so far (WAD, at most rules.validatorSlash).
    /// @param slashedStake gmFLOCK of its own stake burned so far.
    /// @param scoreRoot Its commitment: the root of its score tree, or its unusable commitment.
    struct ValidatorInfo {
        address account;
        bool slashed;
        bool claimed;
        bool unusable;
        uint256 ownStake;
        uint256 poolStake;
        uint256 sampleLo;
        uint256 sampleWeight;
        uint256 points;
        uint256 slashedFraction;
        uint256 slashedStake;
        bytes32 scoreRoot;
    }

    /// @notice A validator's revealed score of one submission.
    /// @param revealed Whether it was revealed.
    /// @param invalid The revealed invalid mark.
    /// @param score The revealed raw score.
    struct ScoreInfo {
        bool revealed;
        bool invalid;
        int256 score;
    }

    /// @notice One opened leaf of a validator's score tree (see {IArenaActions-revealScores}).
    /// @param submissionId The submission (the leaf's index).
    /// @param score The raw metric value scaled by 1e18 (ignored, and recorded as 0, when `invalid`).
    /// @param invalid Whether the model breaks the task's model contract.
    /// @param salt The leaf's salt.
    /// @param proof The leaf's siblings, from the leaf up (depth of the task's tree, see
    /// {IArenaViews-scoreTreeDepth}).
    struct ScoreOpening {
        uint256 submissionId;
        int256 score;
        bool invalid;
        bytes32 salt;
        bytes32[] proof;
    }

    // ---------------------------------------------------------------- errors

    /// @notice Thrown when a task id does not exist.
    /// @param taskId The id.
    error ArenaUnknownTask(uint256 taskId);

    /// @notice Thrown when an action does not belong in the task's current phase.
    /// @param taskId The task.
    /// @param phase The phase the task is in.
    error ArenaNotInPhase(uint256 taskId, Phase phase);

    /// @notice Thrown when a stake is below the minimum (or zero).
    /// @param amount The stake offered.
    /// @param min The least accepted.
    error ArenaStakeTooLow(uint256 amount, uint256 min);

    /// @notice Thrown when a phase is shorter than arena.minPhase.
    /// @param duration The phase length asked for.
    /// @param min The shortest allowed.
    error ArenaPhaseTooShort(uint256 duration, uint256 min);

    /// @notice Thrown when a task would last longer than arena.maxTaskDuration.
    /// @param duration The total length asked for.
    /// @param max The longest allowed.
    error ArenaTaskTooLong(uint256 duration, uint256 max);

    /// @notice Thrown when a task's parameters are malformed (empty CID or commitment, bad shape, zero limit).
    error ArenaInvalidTaskParams();

    /// @notice Thrown when a score or baseline lies outside [-1e36, 1e36].
    /// @param score The value.
    error ArenaScoreOutOfRange(int256 score);

    /// @notice Thrown when a CID is empty or longer than {MAX_CID_LENGTH}.
    error ArenaInvalidCID();

    /// @notice Thrown when an account already has a role in the task (or is its creator).
    /// @param taskId The task.
    /// @param account The account.
    error ArenaAlreadyParticipating(uint256 taskId, address account);

    /// @notice Thrown when the caller is not a training node of the task.
    /// @param taskId The task.
    /// @param account The caller.
    error ArenaNotNode(uint256 taskId, address account);

    /// @notice Thrown when the caller is not a validator of the task.
    /// @param taskId The task.
    /// @param account The caller.
    error ArenaNotValidator(uint256 taskId, address account);

    /// @notice Thrown when the caller is not the task's creator.
    /// @param taskId The task.
    /// @param account The caller.
    error ArenaNotCreator(uint256 taskId, address account);

    /// @notice Thrown when a commitment is zero.
    error ArenaZeroCommitment();

    /// @notice Thrown when a reveal is asked for with nothing committed.
    /// @param taskId The task.
    /// @param account The caller.
    error ArenaNothingCommitted(uint256 taskId, address account);

    /// @notice Thrown when a revealed value does not match its commitment.
    /// @param taskId The task.
    /// @param account The caller.
    error ArenaCommitmentMismatch(uint256 taskId, address account);

    /// @notice Thrown when something is revealed twice.
    /// @param taskId The task.
    /// @param account The caller.
    error ArenaAlreadyRevealed(uint256 taskId, address account);

    /// @notice Thrown when scoring starts or finalization proceeds without the validation set.
    /// @param taskId The task.
    error ArenaValidationSetNotRevealed(uint256 taskId);

    /// @notice Thrown when cancelling a task whose validation set was revealed.
    /// @param taskId The task.
    error ArenaValidationSetRevealed(uint256 taskId);

    /// @notice Thrown when a submission id does not exist or its model was not revealed.
    /// @param taskId The task.
    /// @param submissionId The submission.
    error ArenaSubmissionNotRevealed(uint256 taskId, uint256 submissionId);

    /// @notice Thrown when a validator opens a score that does not count: the task samples and the
    /// validator was not drawn for the submission.
    /// @param taskId The task.
    /// @param submissionId The submission.
    /// @param validator The validator.
    error ArenaNotSampled(uint256 taskId, uint256 submissionId, address validator);

    /// @notice Thrown when an unbounded metric's task gives no score tolerance, or one above
    /// {IArenaBase-MAX_SCORE}.
    /// @param tolerance The tolerance given.
    error ArenaBadTolerance(uint256 tolerance);

    /// @notice Thrown when the emission bookkeeping lags too far behind: call {sync} (repeatedly) first.
    error ArenaSyncBacklog();

    /// @notice Thrown when a batch size is zero or batch arrays differ in length.
    error ArenaBadBatch();

    /// @notice Thrown when the consensus pass is over ({finalize}) or not yet over ({rank}).
    /// @param taskId The task.
    /// @param consensusDone Whether the consensus pass is over.
    error ArenaConsensusState(uint256 taskId, bool consensusDone);

    /// @notice Thrown when a ranking names a submission that is not above the baseline (neither
    /// Eligible nor Ranked) or does not exist. (Order is never an error: see {IArenaActions-rank}.)
    /// @param taskId The task.
    /// @param submissionId The offending submission.
    error ArenaBadRanking(uint256 taskId, uint256 submissionId);

    /// @notice Thrown when the caller has nothing (left) to claim.
    /// @param taskId The task.
    /// @param account The caller.
    error ArenaNothingToClaim(uint256 taskId, address account);

    /// @notice Thrown at deployment when a module was deployed with other token, config, emission or pools addresses.
    /// @param module The module.
    error ArenaModuleMismatch(address module);

    // ---------------------------------------------------------------- events

    /// @notice Emitted when a task is created.
    /// @param taskId The task.
    /// @param creator The creator.
    /// @param metric The metric.
    /// @param creatorStake gmFLOCK staked.
    /// @param bounty FLOCK added.
    /// @param submitEnd End of the Submit phase.
    /// @param revealEnd End of the Reveal phase.
    /// @param scoreCommitEnd End of the ScoreCommit phase.
    /// @param scoreRevealEnd End of the ScoreReveal phase.
    /// @param dataCID The training data.
    event TaskCreated(
        uint256 indexed taskId,
        address indexed creator,
        Metric metric,
        uint256 creatorStake,
        uint256 bounty,
        uint256 submitEnd,
        uint256 revealEnd,
        uint256 scoreCommitEnd,
        uint256 scoreRevealEnd,
        string dataCID
    );

    /// @notice Emitted when a task's emission weight changes.
    /// @param taskId The task.
    /// @param stake Its total effective stake.
    /// @param weight Its new weight.
    event TaskWeightChanged(uint256 indexed taskId, uint256 stake, uint256 weight);

    /// @notice Emitted when a training node registers.
    /// @param taskId The task.
    /// @param node The node.
    /// @param submissionId Its submission id.
    /// @param stake gmFLOCK staked.
    /// @param poolStake Its delegation pool's stake counted.
    /// @param fee FLOCK paid.
    event NodeRegistered(
        uint256 indexed taskId,
        address indexed node,
        uint256 submissionId,
        uint256 stake,
        uint256 poolStake,
        uint256 fee
    );

    /// @notice Emitted when a node commits (or re-commits) to a model.
    /// @param taskId The task.
    /// @param node The node.
    /// @param commitment The commitment.
    event ModelCommitted(uint256 indexed taskId, address indexed node, bytes32 commitment);

    /// @notice Emitted when a node reveals its model.
    /// @param taskId The task.
    /// @param node The node.
    /// @param submissionId Its submission id.
    /// @param modelCID The model.
    event ModelRevealed(uint256 indexed taskId, address indexed node, uint256 submissionId, string modelCID);

    /// @notice Emitted when a validator registers.
    /// @param taskId The task.
    /// @param validator The validator.
    /// @param index Its index.
    /// @param stake gmFLOCK staked.
    /// @param poolStake Its delegation pool's stake counted.
    event ValidatorRegistered(
        uint256 indexed taskId, address indexed validator, uint256 index, uint256 stake, uint256 poolStake
    );

    /// @notice Emitted when the creator reveals the validation set.
    /// @param taskId The task.
    /// @param validationCID The validation set.
    event ValidationSetRevealed(uint256 indexed taskId, string validationCID);

    /// @notice Emitted when a task is cancelled (its creator did not reveal the validation set, or
    /// validators holding more than half of the committed weight rejected it as unusable).
    /// @param taskId The task.
    /// @param emissionToTreasury The emission it had earned, sent to the treasury.
    event TaskCancelled(uint256 indexed taskId, uint256 emissionToTreasury);

    /// @notice Emitted when a task's sampling seed is drawn.
    /// @param taskId The task.
    /// @param seed The seed.
    event SeedDrawn(uint256 indexed taskId, bytes32 seed);

    /// @notice Emitted when a validator commits (or re-commits) its scores.
    /// @param taskId The task.
    /// @param validator The validator.
    /// @param root The root of its score tree (or its unusable commitment).
    event ScoresCommitted(uint256 indexed taskId, address indexed validator, bytes32 root);

    /// @notice Emitted when a validator reveals that it found the validation set unusable.
    /// @param taskId The task.
    /// @param validator The validator.
    /// @param weight Its effective stake.
    event ValidationSetRejected(uint256 indexed taskId, address indexed validator, uint256 weight);

    /// @notice Emitted when a validator reveals a score.
    /// @param taskId The task.
    /// @param submissionId The submission.
    /// @param validator The validator.
    /// @param score The raw score (0 when invalid).
    /// @param invalid Whether it marked the model invalid.
    event ScoreRevealed(
        uint256 indexed taskId, uint256 indexed submissionId, address indexed validator, int256 score, bool invalid
    );

    /// @notice Emitted when a task's rewards are fixed (first {finalize}).
    /// @param taskId The task.
    /// @param emission FLOCK of emission it earned.
    /// @param nodeReward R_nodes.
    /// @param validatorReward R_validators.
    /// @param creatorReward The creator's share.
    event RewardsFixed(
        uint256 indexed taskId, uint256 emission, uint256 nodeReward, uint256 validatorReward, uint256 creatorReward
    );

    /// @notice Emitted when the consensus pass settles a submission.
    /// @param taskId The task.
    /// @param submissionId The submission.
    /// @param status Its status now (Unscored, Invalid, BelowBaseline or Eligible).
    /// @param consensus Its oriented consensus score (type(int128).min = invalid; 0 if unscored).
    event SubmissionSettled(
        uint256 indexed taskId, uint256 indexed submissionId, SubmissionStatus status, int256 consensus
    );

    /// @notice Emitted when a submission's revealed scores tie: the validators' weight splits
    /// exactly in half between `lower` and `upper` (oriented; type(int128).min = invalid), and the
    /// two halves do not agree (one says invalid, or the midpoint is beyond the tolerance of
    /// either). Nobody can tell the honest half, so the submission gets no consensus (Unscored):
    /// its node is neither paid nor slashed, and none of its scorers is slashed or earns points
    /// for it (a scorer that committed and did not reveal is still slashed).
    /// @param taskId The task.
    /// @param submissionId The submission.
    /// @param lower The lower weighted median.
    /// @param upper The upper weighted median.
    event SubmissionTied(uint256 indexed taskId, uint256 indexed submissionId, int256 lower, int256 upper);

    /// @notice Emitted when stake is slashed (and burned).
    /// @param taskId The task.
    /// @param account The slashed creator, node or validator.
    /// @param reason Why.
    /// @param ownAmount gmFLOCK burned from its own stake.
    /// @param poolAmount gmFLOCK slashed from its delegation pool.
    event Slashed(
        uint256 indexed taskId, address indexed account, SlashReason reason, uint256 ownAmount, uint256 poolAmount
    );

    /// @notice Emitted when the consensus pass is over.
    /// @param taskId The task.
    /// @param eligibleCount Submissions above the baseline.
    /// @param totalPoints The validators' points.
    event ConsensusCompleted(uint256 indexed taskId, uint256 eligibleCount, uint256 totalPoints);

    /// @notice Emitted when a submission is ranked.
    /// @param taskId The task.
    /// @param submissionId The submission.
    /// @param rank Its 0-based rank.
    /// @param rankFactor rankDecay^rank (WAD).
    event SubmissionRanked(uint256 indexed taskId, uint256 indexed submissionId, uint256 rank, uint256 rankFactor);

    /// @notice Emitted when a ranking call proves the ranking so far wrong (a submission with a
    /// higher consensus than the last one ranked) and cuts it back to its positions with a
    /// consensus at least that high; the submissions cut off are eligible again.
    /// @param taskId The task.
    /// @param rankedBefore Positions ranked before the cut.
    /// @param rankedAfter Positions kept.
    event RankingRewound(uint256 indexed taskId, uint256 rankedBefore, uint256 rankedAfter);

    /// @notice Emitted when a task is finalized.
    /// @param taskId The task.
    /// @param unallocated FLOCK sent to the treasury (rewards with nobody to pay).
    event TaskFinalized(uint256 indexed taskId, uint256 unallocated);

    /// @notice Emitted when an account claims from a task.
    /// @param taskId The task.
    /// @param account The account.
    /// @param stake gmFLOCK returned.
    /// @param reward FLOCK earned (including the part paid into its delegation pool).
    /// @param poolReward Part of `reward` paid into its delegation pool.
    /// @param refund FLOCK refunded (fee or bounty of a cancelled task).
    event Claimed(
        uint256 indexed taskId,
        address indexed account,
        uint256 stake,
        uint256 reward,
        uint256 poolReward,
        uint256 refund
    );

    /// @notice Emitted when pulled emission starts streaming to the earning tasks.
    /// @param amount FLOCK pulled.
    /// @param rate FLOCK per second (rounded down) of the new stream.
    /// @param periodFinish When the stream ends.
    event EmissionStreamed(uint256 amount, uint256 rate, uint256 periodFinish);
}
