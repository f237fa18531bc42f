// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAllianceRandomness} from "./IAllianceRandomness.sol";
import {IAllianceTypes} from "./IAllianceTypes.sol";
import {IEmissionGauge} from "./IEmissionGauge.sol";

/// @title IAlliance
/// @notice The FL Alliance: federated tasks whose rounds are drawn by verifiable randomness.
///
/// Lifecycle. A creator stakes gmFLOCK and funds a reward pool in FLOCK ({createTask}). Accounts
/// {join} with gmFLOCK (own stake plus their delegation pool's, counted once and slashable).
/// After `joinEnd` anyone starts round 1 ({startRound}): the participant list is fixed for the
/// round (later joiners take part from the next round; a leaver is removed before the next round)
/// and a random word is requested for key keccak256(abi.encode(alliance, taskId, round)) from
/// {IAllianceRandomness}. Once the word is set anyone draws the roles ({drawRoles}): k proposers
/// by stake without replacement ({AllianceRoles}, checkable off chain), everyone else votes; the
/// four phases run from that moment. Proposers commit keccak256(abi.encode(taskId, round,
/// updateCID, examples, proposer, salt)) and reveal; voters fetch the revealed updates, aggregate
/// them with the task's rule (bit for bit, so honest voters agree on the aggregate's CID), score
/// the aggregate and the previous global model on their local test split, and commit
/// keccak256(abi.encode(taskId, round, vote, voter, salt)) then reveal the {Vote}. After the
/// VoteReveal phase anyone settles the round ({settleRound}, in bounded batches) and then starts
/// the next one. If a round's word never comes, a renewal of the request goes to
/// {IAllianceRandomness-reRequest} (anyone), and after alliance.drawTimeout anyone may end the
/// task early ({expireRound}), so no task is stuck.
///
/// Result of a round. The winning aggregate is the CID with the most revealed voter stake (the
/// first to reach it on a tie). It becomes the global model when the voters who revealed it and
/// scored it better than the previous model hold more than half of the round's voter stake;
/// otherwise the round fails and the global model stays. An update is blamed when voters holding
/// more than half of the round's voter stake blame it.
///
/// Outcomes ({Outcome}). Proposer: committed and not revealed, or blamed: slashed
/// alliance.proposerSlash of its own and pool stake; revealed and not blamed: paid if the round was
/// accepted. Voter: committed and not revealed, or revealed an aggregate other than the winning
/// one while the winning one holds a stake majority: slashed alliance.voterSlash; revealed the
/// winning aggregate with the majority's verdict: paid; the winning aggregate with the other
/// verdict: neither (the verdict rests on private test data, so honest voters may differ; the
/// aggregate does not). A participant that never committed is neither paid nor slashed.
///
/// Money. A round's reward is R = (funded + emission earned - allocated) / rounds left, fixed at
/// its settlement; each paid participant gets R * its stake / (proposer stake + voter stake) of
/// the round, and the part of R nobody earned stays with the task for the later rounds. At the
/// end, the creator gets back its stake and the unspent rest in proportion funded : emission; the
/// emission's part goes to the treasury. Slashed gmFLOCK is burned (the pool's part through
/// {IDelegationPools-slash}). Rewards are credited at settlement and pulled ({claim}); a
/// participant's stake is paid back once it has left or the task has ended. Emission: the Alliance
/// is one gauge of {IEmission} with the gmFLOCK its running tasks hold as weight, and streams what
/// it pulls to its tasks in proportion to their stake.
interface IAlliance is IAllianceTypes, IEmissionGauge {
    // ---------------------------------------------------------------- constants

    /// @notice The most rounds a task may have.
    /// @return The count.
    function MAX_ROUNDS() external view returns (uint256);

    /// @notice The longest CID accepted, in bytes.
    /// @return The length.
    function MAX_CID_LENGTH() external view returns (uint256);

    /// @notice The largest score magnitude a voter may reveal (1e36).
    /// @return The bound.
    function MAX_SCORE() external view returns (int256);

    // ---------------------------------------------------------------- actions

    /// @notice Creates a task, staking `p.creatorStake` gmFLOCK and funding `p.rewardPool` FLOCK.
    /// @dev Emits {TaskCreated}. Requirements: see {TaskParams}; CIDs of 1 to MAX_CID_LENGTH bytes;
    /// each phase and the join window at least alliance.minPhase; a rule whose parameters fit k
    /// (Bulyan: k >= 4f + 3; Krum and MultiKrum: k > 2f + 2, m <= k; trimmed mean: beta < 0.5e18);
    /// approvals of gmFLOCK and FLOCK.
    /// @param p The task.
    /// @return taskId The new task's id (from 1).
    function createTask(TaskParams calldata p) external returns (uint256 taskId);

    /// @notice Joins a task with `stake` gmFLOCK (plus the caller's delegation pool's stake, frozen
    /// and slashable until the task can no longer slash it). The caller takes roles from the next
    /// round that starts.
    /// @dev Emits {Joined}. Requirements: status Joining or Running with a round still to start;
    /// not a participant nor the creator; fewer than maxParticipants; stake >= minStake; approval.
    /// @param taskId The task.
    /// @param stake gmFLOCK to stake.
    function join(uint256 taskId, uint256 stake) external;

    /// @notice Leaves a task: at once when no round is under way (the stake becomes claimable),
    /// else the caller is removed before the next round starts (it still holds its role in the
    /// current round, and is settled for it).
    /// @dev Emits {Left} or {LeaveRequested}. Requirements: an active participant not already leaving.
    /// @param taskId The task.
    function leave(uint256 taskId) external;

    /// @notice Starts the next round: removes the participants that asked to leave, fixes the list,
    /// and requests the round's random word. With fewer than max(minParticipants, k + 1)
    /// participants it ends the task instead (cancelled before round 1, finished early after).
    /// Anyone may call.
    /// @dev Emits {Left} per leaver, then {RoundStarted}, or {TaskCancelled} / {TaskFinished}.
    /// Requirements: Joining after joinEnd, or Running with the current round settled.
    /// @param taskId The task.
    function startRound(uint256 taskId) external;

    /// @notice Draws the current round's roles from its random word and starts its phases. Anyone
    /// may call.
    /// @dev Emits {RolesDrawn}. Requirements: the round is Drawing; its word is set.
    /// @param taskId The task.
    function drawRoles(uint256 taskId) external;

    /// @notice Ends a task whose current round got no random word within alliance.drawTimeout of
    /// its start (the coordinator is down or unfunded): the round is void and the task finishes
    /// early. Anyone may call.
    /// @dev Emits {TaskFinished}. Requirements: the round is Drawing; the timeout passed.
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
    /// the round only.
    /// @param taskId The task.
    /// @param vote The vote.
    /// @param salt The commitment's salt.
    function revealVote(uint256 taskId, Vote calldata vote, bytes32 salt) external;

    /// @notice Settles up to `maxParticipants` participants of the current round; the first call
    /// fixes the round's result and reward. Anyone may call, again until `done`.
    /// @dev Emits {RoundResult} (first call), {ParticipantSettled} per participant, {RoundSettled}
    /// and, after the last round, {TaskFinished}. Requirements: the round is Settling;
    /// maxParticipants > 0.
    /// @param taskId The task.
    /// @param maxParticipants Most participants to settle in this call.
    /// @return settled Participants settled by this call.
    /// @return done Whether the round is now settled.
    function settleRound(uint256 taskId, uint256 maxParticipants) external returns (uint256 settled, bool done);

    /// @notice Pays the caller what it is owed in the task: its rewards (its pool's part into its
    /// pool), its stake once it has left or the task has ended, and for the creator, after the end,
    /// its stake and its share of the unspent rewards.
    /// @dev Emits {Claimed}. Requirements: something to pay.
    /// @param taskId The task.
    function claim(uint256 taskId) external;

    /// @notice Pulls the Alliance's emission and streams it to the tasks. Anyone may call.
    /// @dev Emits {EmissionStreamed} when something was pulled.
    function sync() external;

    // ---------------------------------------------------------------- views

    /// @notice The randomness source.
    /// @return The contract.
    function randomness() external view returns (IAllianceRandomness);

    /// @notice Number of tasks created (ids are 1..taskCount).
    /// @return The count.
    function taskCount() external view returns (uint256);

    /// @notice A task's state.
    /// @param taskId The task.
    /// @return The state.
    function task(uint256 taskId) external view returns (TaskInfo memory);

    /// @notice A task's parameters as created (`initialModelCID` resolved when `fromArena`).
    /// @param taskId The task.
    /// @return The parameters.
    function params(uint256 taskId) external view returns (TaskParams memory);

    /// @notice A round's state, with its phase now.
    /// @param taskId The task.
    /// @param round The round (1..task.round).
    /// @return The state.
    function round(uint256 taskId, uint256 round) external view returns (RoundInfo memory);

    /// @notice The participant list now, in order, with effective stakes (own + pool).
    /// @param taskId The task.
    /// @return accounts The participants.
    /// @return stakes Their effective stakes.
    function participants(uint256 taskId) external view returns (address[] memory accounts, uint256[] memory stakes);

    /// @notice A participant (or former participant).
    /// @param taskId The task.
    /// @param account The account.
    /// @return The record.
    function member(uint256 taskId, address account) external view returns (MemberInfo memory);

    /// @notice The role `account` holds in `round` and its index there.
    /// @param taskId The task.
    /// @param round The round.
    /// @param account The account.
    /// @return role Its role (None if not in the round or roles not drawn).
    /// @return index Its index in the round's list.
    function roleOf(uint256 taskId, uint256 round, address account) external view returns (Role role, uint256 index);

    /// @notice The round's proposers in index order, with their commits, reveals and blame.
    /// @param taskId The task.
    /// @param round The round.
    /// @return The updates.
    function updates(uint256 taskId, uint256 round) external view returns (Update[] memory);

    /// @notice A voter's record in a round.
    /// @param taskId The task.
    /// @param round The round.
    /// @param account The voter.
    /// @return committed Whether it committed.
    /// @return revealed Whether it revealed.
    /// @return vote What it revealed.
    function voteOf(uint256 taskId, uint256 round, address account)
        external
        view
        returns (bool committed, bool revealed, Vote memory vote);

    /// @notice What {claim} would pay `account` now.
    /// @param taskId The task.
    /// @param account The account.
    /// @return stake gmFLOCK.
    /// @return reward FLOCK to the account.
    /// @return poolReward FLOCK to its pool.
    /// @return refund FLOCK returned to the creator.
    function claimable(uint256 taskId, address account)
        external
        view
        returns (uint256 stake, uint256 reward, uint256 poolReward, uint256 refund);
}
