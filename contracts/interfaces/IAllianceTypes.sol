// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IArenaTypes} from "./IArenaTypes.sol";

/// @title IAllianceTypes
/// @notice The FL Alliance's types, errors and events, shared by {IAlliance} and its modules.
interface IAllianceTypes {
    // ---------------------------------------------------------------- types

    /// @notice Where a task stands. Joining: accounts join until `joinEnd`, then anyone starts
    /// round 1. Running: rounds follow one another. Finished: every round settled (or the task
    /// ended early: too few participants, or a round's randomness never came); everything is
    /// claimable. Cancelled: too few joined for round 1; stakes and the reward pool go back.
    enum TaskStatus {
        None,
        Joining,
        Running,
        Finished,
        Cancelled
    }

    /// @notice Where the current round stands. Drawing: randomness requested, roles not drawn yet
    /// (the word may be pending). Then the four timed phases from the draw on; Settling: the last
    /// phase is over and the round awaits (or is in) its settlement; Settled: done.
    enum RoundPhase {
        None,
        Drawing,
        ProposeCommit,
        ProposeReveal,
        VoteCommit,
        VoteReveal,
        Settling,
        Settled
    }

    /// @notice A participant's role in one round.
    enum Role {
        None,
        Proposer,
        Voter
    }

    /// @notice The aggregation rule every voter applies (src/fl/strategies, Flower's formulas).
    enum Rule {
        FedAvg,
        FedMedian,
        FedTrimmedAvg,
        Krum,
        MultiKrum,
        Bulyan
    }

    /// @notice What a participant got for one round (see {ParticipantSettled}).
    /// Paid: rewarded. Unpaid: neither paid nor slashed (did not commit; a voter with the winning
    /// aggregate whose verdict is not the round's result; a proposer of a failed round; a voter
    /// with another aggregate while the winning one holds no stake majority). The rest are slashes:
    /// a proposer that committed and did not reveal; a proposer whose update a stake majority of
    /// the voters blamed; a voter that committed and did not reveal; a voter whose revealed
    /// aggregate is not the winning one while the winning one holds a stake majority (aggregation
    /// is deterministic, so an honest voter cannot differ).
    enum Outcome {
        Unpaid,
        Paid,
        ProposerNoReveal,
        ProposerBlamed,
        VoterNoReveal,
        VoterWrongAggregate
    }

    /// @notice The aggregation rule and its parameters. f: the assumed number of malicious updates
    /// (Krum, MultiKrum, Bulyan); m: updates MultiKrum keeps; beta: the share FedTrimmedAvg cuts
    /// from each end (WAD, below 0.5e18).
    struct Aggregation {
        Rule rule;
        uint16 f;
        uint16 m;
        uint64 beta;
    }

    /// @notice Differential privacy every proposer applies to its update: clip to L2 norm
    /// `clipNorm` and add Gaussian noise with multiplier `noiseMultiplier` (both WAD). clipNorm 0: off.
    struct Privacy {
        uint128 clipNorm;
        uint128 noiseMultiplier;
    }

    /// @notice What a creator passes to {IAlliance-createTask}.
    /// @param initialModelCID CID of the initial global model (ONNX); ignored when `fromArena`.
    /// @param specCID CID of the task spec every node trains and scores by (data schema, model
    /// architecture, training settings), as the Arena's task config.
    /// @param metric The metric voters score with (its direction follows from it).
    /// @param rounds Number of rounds (1 to {IAlliance-MAX_ROUNDS}).
    /// @param proposersPerRound k, proposers drawn each round (1 to 64).
    /// @param minParticipants Fewest participants a round may start with (> k, so someone votes).
    /// @param maxParticipants Most participants (at most 256).
    /// @param joinDuration Seconds after creation before round 1 may start.
    /// @param proposeCommitDuration Seconds from a round's draw to the end of its ProposeCommit phase.
    /// @param proposeRevealDuration Length of the ProposeReveal phase.
    /// @param voteCommitDuration Length of the VoteCommit phase.
    /// @param voteRevealDuration Length of the VoteReveal phase.
    /// @param minStake Least gmFLOCK a participant stakes (at least alliance.minStake).
    /// @param creatorStake gmFLOCK the creator stakes (at least alliance.minCreatorStake).
    /// @param rewardPool FLOCK the creator funds, paid out over the rounds with the task's emission.
    /// @param aggregation The aggregation rule.
    /// @param privacy The privacy setting.
    /// @param maxUpdateNorm Largest L2 norm of an update's change to the global model (WAD; 0: none);
    /// voters reject a larger one.
    /// @param fromArena Start from a finalized Arena task's winning model instead of `initialModelCID`.
    /// @param arenaTaskId That Arena task.
    /// @param arenaSubmissionId Its winning submission (rank 0).
    struct TaskParams {
        string initialModelCID;
        string specCID;
        IArenaTypes.Metric metric;
        uint16 rounds;
        uint16 proposersPerRound;
        uint16 minParticipants;
        uint16 maxParticipants;
        uint64 joinDuration;
        uint64 proposeCommitDuration;
        uint64 proposeRevealDuration;
        uint64 voteCommitDuration;
        uint64 voteRevealDuration;
        uint256 minStake;
        uint256 creatorStake;
        uint256 rewardPool;
        Aggregation aggregation;
        Privacy privacy;
        uint256 maxUpdateNorm;
        bool fromArena;
        uint256 arenaTaskId;
        uint256 arenaSubmissionId;
    }

    /// @notice A task's state (see {IAlliance-task}).
    /// @param creator The creator.
    /// @param status Where the task stands.
    /// @param round The current round (0 before round 1 starts; then 1..rounds).
    /// @param roundsAccepted Rounds whose aggregate became the global model.
    /// @param participantCount Participants now (leavers already removed).
    /// @param globalModelCID The global model now (the initial model until a round is accepted).
    /// @param createdAt Creation time.
    /// @param joinEnd The earliest time round 1 may start.
    /// @param totalStake Effective stake (own + pool) of the participants now, plus the creator's.
    /// @param funded FLOCK funded by the creator.
    /// @param emissionEarned FLOCK of emission the task has earned so far.
    /// @param allocated FLOCK allocated to rounds so far (paid or owed to participants).
    /// @param acceptedUpdates Updates paid in accepted rounds (the model market's contributor shares).
    struct TaskInfo {
        address creator;
        TaskStatus status;
        uint16 round;
        uint16 roundsAccepted;
        uint16 participantCount;
        string globalModelCID;
        uint64 createdAt;
        uint64 joinEnd;
        uint256 totalStake;
        uint256 funded;
        uint256 emissionEarned;
        uint256 allocated;
        uint256 acceptedUpdates;
    }

    /// @notice One round's state (see {IAlliance-round}).
    /// @param phase Where it stands.
    /// @param key Its randomness key, keccak256(abi.encode(alliance, taskId, round)).
    /// @param word Its random word (0 until drawn).
    /// @param participants n: participants taking part (indexes 0..n-1 of the list at the start).
    /// @param proposerMask Bit i set: participant i proposes (the rest vote).
    /// @param startedAt When randomness was requested.
    /// @param drawnAt When roles were drawn (0 before); the phases run from here.
    /// @param proposeCommitEnd End of ProposeCommit.
    /// @param proposeRevealEnd End of ProposeReveal.
    /// @param voteCommitEnd End of VoteCommit.
    /// @param voteRevealEnd End of VoteReveal.
    /// @param proposerStake Effective stake of the proposers.
    /// @param voterStake Effective stake of the voters (the base of every majority).
    /// @param reward FLOCK allocated to the round at its settlement (paid ones' shares; the rest
    /// returns to the task).
    /// @param accepted Whether its aggregate became the global model.
    /// @param aggregateCID The winning aggregate (empty if no aggregate was revealed).
    /// @param winningStake Voter stake that revealed the winning aggregate.
    /// @param improvedStake Voter stake that revealed it and scored it no worse than the previous model.
    /// @param settledCount Participants settled so far (settlement runs in batches).
    struct RoundInfo {
        RoundPhase phase;
        bytes32 key;
        uint256 word;
        uint16 participants;
        uint256 proposerMask;
        uint64 startedAt;
        uint64 drawnAt;
        uint64 proposeCommitEnd;
        uint64 proposeRevealEnd;
        uint64 voteCommitEnd;
        uint64 voteRevealEnd;
        uint256 proposerStake;
        uint256 voterStake;
        uint256 reward;
        bool accepted;
        string aggregateCID;
        uint256 winningStake;
        uint256 improvedStake;
        uint16 settledCount;
    }

    /// @notice A participant (see {IAlliance-member}).
    /// @param index Its place in the participant list now (meaningless once removed).
    /// @param active Whether it is in the list (takes roles from the next round it is in at the start).
    /// @param leaving It asked to leave; it is removed before the next round starts.
    /// @param ownStake gmFLOCK staked (after slashes).
    /// @param poolStake Its delegation pool's stake counted at joining (after slashes).
    /// @param poolSigma The pool's operator share at joining (WAD).
    /// @param joinedAt When it joined (the pool's freeze mark).
    /// @param rewardOwed FLOCK earned and not yet claimed (pool part included).
    /// @param poolRewardOwed The part of `rewardOwed` that goes to its pool.
    /// @param rewardEarned FLOCK earned in all (claimed or not).
    /// @param slashed gmFLOCK slashed in all (own and pool).
    /// @param stakeClaimed Whether its stake was paid back.
    /// @param acceptedUpdates Its updates paid in accepted rounds (its share of the model market's revenue).
    struct MemberInfo {
        uint16 index;
        bool active;
        bool leaving;
        uint256 ownStake;
        uint256 poolStake;
        uint64 poolSigma;
        uint64 joinedAt;
        uint256 rewardOwed;
        uint256 poolRewardOwed;
        uint256 rewardEarned;
        uint256 slashed;
        bool stakeClaimed;
        uint256 acceptedUpdates;
    }

    /// @notice What a voter reveals. The previous and new scores are the metric of the previous
    /// global model and of `aggregateCID` on its local test split (WAD, |score| <= 1e36); "improved"
    /// follows from them and the metric's direction. `blame` has bit i set for each participant i
    /// (a proposer of the round) whose update it blames.
    struct Vote {
        string aggregateCID;
        int256 previousScore;
        int256 newScore;
        uint256 blame;
    }

    /// @notice A proposer's update as revealed (see {IAlliance-updates}).
    struct Update {
        address proposer;
        uint16 index;
        bool committed;
        bool revealed;
        string updateCID;
        uint64 examples;
        uint256 blameStake;
    }

    // ---------------------------------------------------------------- errors

    /// @notice Thrown for a task id that does not exist.
    /// @param taskId The id.
    error AllianceUnknownTask(uint256 taskId);
    /// @notice Thrown when the task is not in the status the call needs.
    /// @param taskId The task.
    /// @param status Its status.
    error AllianceNotInStatus(uint256 taskId, TaskStatus status);
    /// @notice Thrown when the current round is not in the phase the call needs.
    /// @param taskId The task.
    /// @param round The round.
    /// @param phase Its phase.
    error AllianceNotInPhase(uint256 taskId, uint256 round, RoundPhase phase);
    /// @notice Thrown when task parameters are unusable.
    /// @param reason What is wrong.
    error AllianceBadParams(string reason);
    /// @notice Thrown when a stake is below the minimum.
    /// @param amount The stake.
    /// @param min The minimum.
    error AllianceStakeTooLow(uint256 amount, uint256 min);
    /// @notice Thrown when a CID is empty or too long.
    error AllianceInvalidCID();
    /// @notice Thrown when the caller already takes part in the task (or created it).
    /// @param taskId The task.
    /// @param account The caller.
    error AllianceAlreadyParticipating(uint256 taskId, address account);
    /// @notice Thrown when the task has its most participants.
    /// @param taskId The task.
    /// @param max The most.
    error AllianceFull(uint256 taskId, uint256 max);
    /// @notice Thrown when the caller is not a participant of the task.
    /// @param taskId The task.
    /// @param account The caller.
    error AllianceNotParticipant(uint256 taskId, address account);
    /// @notice Thrown when the caller does not hold the role the call needs in the current round.
    /// @param taskId The task.
    /// @param account The caller.
    /// @param role The role needed.
    error AllianceWrongRole(uint256 taskId, address account, Role role);
    /// @notice Thrown for a zero commitment.
    error AllianceZeroCommitment();
    /// @notice Thrown when a reveal does not match the caller's commitment.
    /// @param taskId The task.
    /// @param account The caller.
    error AllianceCommitmentMismatch(uint256 taskId, address account);
    /// @notice Thrown when the caller revealed already, or reveals without a commitment.
    /// @param taskId The task.
    /// @param account The caller.
    error AllianceCannotReveal(uint256 taskId, address account);
    /// @notice Thrown for an update of zero examples.
    error AllianceZeroExamples();
    /// @notice Thrown for a score beyond 1e36 in magnitude.
    /// @param score The score.
    error AllianceScoreOutOfRange(int256 score);
    /// @notice Thrown when a blame mask names a participant that is not a proposer of the round.
    /// @param blame The mask.
    error AllianceBadBlame(uint256 blame);
    /// @notice Thrown when the round's random word is not ready yet.
    /// @param taskId The task.
    /// @param round The round.
    error AllianceWordNotReady(uint256 taskId, uint256 round);
    /// @notice Thrown when a round's randomness may not be declared lost yet.
    /// @param taskId The task.
    /// @param expiresAt The first time it may.
    error AllianceDrawNotExpired(uint256 taskId, uint256 expiresAt);
    /// @notice Thrown when the caller has nothing to claim.
    /// @param taskId The task.
    /// @param account The caller.
    error AllianceNothingToClaim(uint256 taskId, address account);
    /// @notice Thrown for a zero batch size.
    error AllianceBadBatch();
    /// @notice Thrown when the Arena task given to start from is not finalized or the submission
    /// is not its winner.
    /// @param arenaTaskId The Arena task.
    /// @param submissionId The submission.
    error AllianceNotArenaWinner(uint256 arenaTaskId, uint256 submissionId);
    /// @notice Thrown by {IAlliance-expireRound} when the round's random word did come: draw the
    /// roles instead ({IAlliance-drawRoles}).
    /// @param taskId The task.
    /// @param round The round.
    error AllianceWordReady(uint256 taskId, uint256 round);
    /// @notice Thrown at deployment when a module was deployed with other contracts than the Alliance.
    /// @param module The module.
    error AllianceModuleMismatch(address module);

    // ---------------------------------------------------------------- events

    /// @notice Emitted when a task is created.
    /// @param taskId The task.
    /// @param creator The creator.
    /// @param initialModelCID The initial global model.
    /// @param specCID The task spec.
    /// @param rounds Number of rounds.
    /// @param creatorStake gmFLOCK staked.
    /// @param rewardPool FLOCK funded.
    event TaskCreated(
        uint256 indexed taskId,
        address indexed creator,
        string initialModelCID,
        string specCID,
        uint256 rounds,
        uint256 creatorStake,
        uint256 rewardPool
    );
    /// @notice Emitted when an account joins.
    /// @param taskId The task.
    /// @param account The participant.
    /// @param ownStake gmFLOCK staked.
    /// @param poolStake Its pool's stake counted.
    event Joined(uint256 indexed taskId, address indexed account, uint256 ownStake, uint256 poolStake);
    /// @notice Emitted when a participant asks to leave during a round; it is removed before the next.
    /// @param taskId The task.
    /// @param account The participant.
    event LeaveRequested(uint256 indexed taskId, address indexed account);
    /// @notice Emitted when a participant leaves the list; its stake becomes claimable.
    /// @param taskId The task.
    /// @param account The participant.
    event Left(uint256 indexed taskId, address indexed account);
    /// @notice Emitted when a round starts: its participants are fixed and randomness is requested.
    /// @param taskId The task.
    /// @param round The round.
    /// @param key The randomness key.
    /// @param participants n.
    event RoundStarted(uint256 indexed taskId, uint256 indexed round, bytes32 key, uint256 participants);
    /// @notice Emitted when a round's roles are drawn and its phases start.
    /// @param taskId The task.
    /// @param round The round.
    /// @param word The random word.
    /// @param proposerMask Bit i: participant i proposes.
    /// @param voteRevealEnd When the round's last phase ends.
    event RolesDrawn(uint256 indexed taskId, uint256 indexed round, uint256 word, uint256 proposerMask, uint256 voteRevealEnd);
    /// @notice Emitted when a proposer commits (again).
    /// @param taskId The task.
    /// @param round The round.
    /// @param proposer The proposer.
    /// @param commitment The commitment.
    event UpdateCommitted(uint256 indexed taskId, uint256 indexed round, address indexed proposer, bytes32 commitment);
    /// @notice Emitted when a proposer reveals its update.
    /// @param taskId The task.
    /// @param round The round.
    /// @param proposer The proposer.
    /// @param updateCID The update (ONNX).
    /// @param examples Its training examples.
    event UpdateRevealed(uint256 indexed taskId, uint256 indexed round, address indexed proposer, string updateCID, uint256 examples);
    /// @notice Emitted when a voter commits (again).
    /// @param taskId The task.
    /// @param round The round.
    /// @param voter The voter.
    /// @param commitment The commitment.
    event VoteCommitted(uint256 indexed taskId, uint256 indexed round, address indexed voter, bytes32 commitment);
    /// @notice Emitted when a voter reveals.
    /// @param taskId The task.
    /// @param round The round.
    /// @param voter The voter.
    /// @param aggregateCID The aggregate it computed.
    /// @param previousScore The previous global model's score on its test split.
    /// @param newScore The aggregate's score.
    /// @param improved Whether the aggregate scored no worse (a tie counts).
    /// @param blame The participants it blames (bit mask).
    event VoteRevealed(
        uint256 indexed taskId,
        uint256 indexed round,
        address indexed voter,
        string aggregateCID,
        int256 previousScore,
        int256 newScore,
        bool improved,
        uint256 blame
    );
    /// @notice Emitted when a round's settlement starts: its result and reward are fixed.
    /// @param taskId The task.
    /// @param round The round.
    /// @param accepted Whether the aggregate became the global model.
    /// @param aggregateCID The winning aggregate (empty if none).
    /// @param reward FLOCK allocated to the round.
    event RoundResult(uint256 indexed taskId, uint256 indexed round, bool accepted, string aggregateCID, uint256 reward);
    /// @notice Emitted per participant as a round settles.
    /// @param taskId The task.
    /// @param round The round.
    /// @param account The participant.
    /// @param role Its role.
    /// @param outcome What it got.
    /// @param reward FLOCK credited.
    /// @param slashedOwn Own gmFLOCK burned.
    /// @param slashedPool Pool gmFLOCK slashed.
    event ParticipantSettled(
        uint256 indexed taskId,
        uint256 indexed round,
        address indexed account,
        Role role,
        Outcome outcome,
        uint256 reward,
        uint256 slashedOwn,
        uint256 slashedPool
    );
    /// @notice Emitted when a round's last participant is settled.
    /// @param taskId The task.
    /// @param round The round.
    /// @param paid FLOCK credited to the round's participants (the rest of its allocation returns to the task).
    event RoundSettled(uint256 indexed taskId, uint256 indexed round, uint256 paid);
    /// @notice Emitted when a task ends (all rounds, or early).
    /// @param taskId The task.
    /// @param roundsAccepted Rounds accepted.
    /// @param globalModelCID The final global model.
    /// @param early Whether it ended before its last round (too few participants, or lost randomness).
    event TaskFinished(uint256 indexed taskId, uint256 roundsAccepted, string globalModelCID, bool early);
    /// @notice Emitted when a task is cancelled before round 1 (too few joined).
    /// @param taskId The task.
    event TaskCancelled(uint256 indexed taskId);
    /// @notice Emitted on a claim.
    /// @param taskId The task.
    /// @param account The claimant.
    /// @param stake gmFLOCK returned.
    /// @param reward FLOCK paid to the claimant.
    /// @param poolReward FLOCK paid into its delegation pool.
    /// @param refund FLOCK returned to the creator (unspent reward pool).
    event Claimed(uint256 indexed taskId, address indexed account, uint256 stake, uint256 reward, uint256 poolReward, uint256 refund);
    /// @notice Emitted when the randomness contract refused a round's request ({IAllianceRandomness}
    /// misconfigured or its coordinator down): the round stays Drawing, and once alliance.drawTimeout
    /// has passed anyone may end the task ({IAlliance-expireRound}).
    /// @param taskId The task.
    /// @param round The round.
    /// @param reason The revert data of the request.
    event RandomnessRequestFailed(uint256 indexed taskId, uint256 indexed round, bytes reason);
    /// @notice Emitted when pulled emission starts streaming to the tasks.
    /// @param amount FLOCK pulled.
    /// @param rate FLOCK per second.
    /// @param periodFinish When the stream ends.
    event EmissionStreamed(uint256 amount, uint256 rate, uint256 periodFinish);
}
