// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAllianceTypes} from "./IAllianceTypes.sol";
import {IEmissionGauge} from "./IEmissionGauge.sol";

/// @title IAllianceActions
/// @notice The state-changing functions of the FL Alliance (see {IAlliance} for the lifecycle), plus
/// the views the Alliance contract answers itself: its emission weight as an {IEmissionGauge} and
/// its modules. Implemented by {Alliance} itself (the cold ones by delegatecall to its settlement
/// module).
interface IAllianceActions is IAllianceTypes, IEmissionGauge {
    /// @notice Creates a task, staking `p.creatorStake` gmFLOCK and funding `p.rewardPool` FLOCK.
    /// @dev Emits {TaskCreated}. Requirements: see {TaskParams}; CIDs of 1 to MAX_CID_LENGTH bytes;
    /// each phase and the join window at least alliance.minPhase (and at most MAX_DURATION); a rule
    /// whose parameters fit k (Bulyan: k >= 4f + 3; Krum and MultiKrum: k > 2f + 2, MultiKrum
    /// 1 <= m <= k; trimmed mean: beta < 0.5e18 and 2 * floor(beta * k) < k); noise only with
    /// clipping; minStake >= max(alliance.minStake, 1); creatorStake >= alliance.minCreatorStake;
    /// with `fromArena`, the Arena task finalized and the submission ranked first
    /// ({AllianceNotArenaWinner} otherwise); approvals of gmFLOCK and FLOCK.
    /// @param p The task.
    /// @return taskId The new task's id (from 1).
    function createTask(TaskParams calldata p) external returns (uint256 taskId);

    /// @notice Joins a task with `stake` gmFLOCK (plus the caller's delegation pool's stake, frozen
    /// and slashable until the task can no longer slash it). The caller takes roles from the next
    /// round that starts.
    /// @dev Emits {Joined}. Requirements: status Joining or Running with a round still to start;
    /// the caller never joined the task and is not its creator; fewer than maxParticipants;
    /// stake >= minStake; approval. The pool is frozen at once, until max(now, joinEnd) +
    /// alliance.drawTimeout + the four phases + CLAIM_FREEZE, and each draw of a round the caller
    /// takes part in extends the freeze to CLAIM_FREEZE after that round's last phase.
    /// @param taskId The task.
    /// @param stake gmFLOCK to stake.
    function join(uint256 taskId, uint256 stake) external;

    /// @notice Leaves a task: at once when the caller holds no role in a round under way (the
    /// stake becomes claimable), else the caller is removed before the next round starts (it still
    /// holds its role in the current round, and is settled for it).
    /// @dev Emits {Left} or {LeaveRequested}. Requirements: status Joining or Running; an active
    /// participant not already leaving. Leaving at once moves the last participant of the list to
    /// the leaver's place.
    /// @param taskId The task.
    function leave(uint256 taskId) external;

    /// @notice Starts the next round: removes the participants that asked to leave (and those
    /// slashed to no stake), fixes the list, and requests the round's random word. With fewer than
    /// minParticipants (> k) participants it ends the task instead (cancelled before round 1,
    /// finished early after). Anyone may call.
    /// @dev Emits {Left} per removal (from the highest index down; the last of the list takes each
    /// removed place), then {RoundStarted}, or {TaskCancelled} / {TaskFinished}.
    /// Requirements: Joining after joinEnd, or Running with the current round settled. A request
    /// the randomness contract refuses does not revert: it emits {RandomnessRequestFailed}, and
    /// the round waits for {expireRound} (a call given too little gas for the request reverts).
    /// @param taskId The task.
    function startRound(uint256 taskId) external;

    /// @notice Draws the current round's roles from its random word and starts its phases. Anyone
    /// may call.
    /// @dev Emits {RolesDrawn}. Requirements: the round is Drawing; its word is set. Also extends
    /// the freeze of the round's participants' delegation pools to CLAIM_FREEZE after its last phase.
    /// @param taskId The task.
    function drawRoles(uint256 taskId) external;

    /// @notice Ends a task whose current round got no random word within alliance.drawTimeout of
    /// its start (the coordinator is down or unfunded): the round is void and the task finishes
    /// early. Anyone may call.
    /// @dev Emits {TaskFinished}. Requirements: the round is Drawing; the timeout passed; its word
    /// is not set ({AllianceWordReady}: draw instead).
    /// @param taskId The task.
    function expireRound(uint256 taskId) external;

    /// @notice Commits the caller's update for the current round (a later commit replaces it).
    /// Committing binds: a proposer that does not reveal is slashed.
    /// @dev Emits {UpdateCommitted}. Requirements: ProposeCommit; the caller proposes; commitment != 0.
    /// @param taskId The task.
    /// @param commitment keccak256(abi.encode(taskId, round, updateCID, examples, proposer, salt)).
    function commitUpdate(uint256 taskId, bytes32 commitment) external;

    /// @notice Reveals the caller's update.
    /// @dev Emits {UpdateRevealed}. Requirements: ProposeReveal; the caller committed and did not
    /// reveal; the commitment matches; a valid CID; examples > 0.
    /// @param taskId The task.
    /// @param updateCID CID of the update (ONNX, the global model's graph with new weights).
    /// @param examples Examples it was trained on (FedAvg's weight).
    /// @param salt The commitment's salt.
    function revealUpdate(uint256 taskId, string calldata updateCID, uint64 examples, bytes32 salt) external;

    /// @notice Commits the caller's vote for the current round (a later commit replaces it).
    /// Committing binds: a voter that does not reveal is slashed.
    /// @dev Emits {VoteCommitted}. Requirements: VoteCommit; the caller votes; commitment != 0.
    /// @param taskId The task.
    /// @param commitment keccak256(abi.encode(taskId, round, vote, voter, salt)).
    function commitVote(uint256 taskId, bytes32 commitment) external;

    /// @notice Reveals the caller's vote; its stake counts for its aggregate, its verdict and its blames.
    /// @dev Emits {VoteRevealed}. Requirements: VoteReveal; the caller committed and did not reveal;
    /// the commitment matches; a valid CID; scores within MAX_SCORE; `blame` names proposers of
    /// the round only. "Improved": the new score no worse than the previous one in the metric's
    /// direction (higher for accuracy and F1, lower for the losses), a tie included: on a small
    /// local test split a saturated metric cannot rise, and the task must not freeze there.
    /// @param taskId The task.
    /// @param vote The vote.
    /// @param salt The commitment's salt.
    function revealVote(uint256 taskId, Vote calldata vote, bytes32 salt) external;

    /// @notice Settles up to `maxParticipants` participants of the current round; the first call
    /// fixes the round's result and reward. Anyone may call, again until `done`.
    /// @dev Emits {RoundResult} (first call), {ParticipantSettled} per participant, {RoundSettled}
    /// and, after the last round, {TaskFinished}. Requirements: the round is Settling;
    /// maxParticipants > 0. Work per participant is bounded (a slash: one pool read, one burn,
    /// one pool slash). A participant slashed to no stake is removed at the next {startRound}.
    /// @param taskId The task.
    /// @param maxParticipants Most participants to settle in this call.
    /// @return settled Participants settled by this call.
    /// @return done Whether the round is now settled.
    function settleRound(uint256 taskId, uint256 maxParticipants) external returns (uint256 settled, bool done);

    /// @notice Pays the caller what it is owed in the task: its rewards (its pool's part into its
    /// pool), its stake once it has left or the task has ended, and for the creator, after the end,
    /// its stake and its share of the unspent rewards.
    /// @dev Emits {Claimed}. Requirements: something to pay. The pool's part goes through
    /// {IDelegationPools-notifyTaskReward} for the shares the pool had when the caller joined, at
    /// the sigma recorded then.
    /// @param taskId The task.
    function claim(uint256 taskId) external;

    /// @notice Pulls the Alliance's emission and streams it to the tasks. Anyone may call.
    /// @dev Emits {EmissionStreamed} when something was pulled.
    function sync() external;

    /// @notice The Alliance's two modules, fixed at deployment.
    /// @return settlement The {AllianceSettlement} that runs createTask, startRound, expireRound and
    /// settleRound by delegatecall.
    /// @return lens The {AllianceLens} that serves {IAllianceViews} through the Alliance's fallback.
    function modules() external view returns (address settlement, address lens);
}
