// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAllianceActions} from "./IAllianceActions.sol";
import {IAllianceBase} from "./IAllianceBase.sol";
import {IAllianceViews} from "./IAllianceViews.sol";

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
/// scored it no worse than the previous model (a tie counts) hold more than half of the round's voter stake;
/// otherwise the round fails and the global model stays. An update is blamed when voters holding
/// more than half of the round's voter stake blame it.
///
/// Outcomes ({Outcome}). Proposer: committed and not revealed, or blamed: slashed
/// alliance.proposerSlash of its own and pool stake; revealed and not blamed: paid if the round was
/// accepted. Voter: committed and not revealed, or revealed an aggregate other than the winning
/// one while the winning one holds a stake majority: slashed alliance.voterSlash; revealed the
/// winning aggregate with the majority's verdict, that is the round's result (improved when it
/// was accepted, not improved when it failed: such voters are paid in a failed round too, for the
/// work of checking it): paid; the winning aggregate with the other verdict: neither (the verdict
/// rests on private test data, so honest voters may differ; the aggregate does not). A
/// participant that never committed is neither paid nor slashed.
///
/// Money. A round's reward is R = (funded + emission earned - allocated) / rounds left, fixed at
/// its settlement; each paid participant gets R * its stake / (proposer stake + voter stake) of
/// the round, and the part of R nobody earned stays with the task for the later rounds. At the
/// end, the creator gets back its stake and the unspent rest in proportion funded : emission; the
/// emission's part goes to the treasury. Slashed gmFLOCK is burned (the pool's part through
/// {IDelegationPools-slash}). Rewards are credited at settlement and pulled ({claim}); a
/// participant's stake is paid back once it has left or the task has ended. Emission: the Alliance
/// is one gauge of {IEmission} with the gmFLOCK its running tasks hold as weight, and streams what
/// it pulls to its tasks in proportion to their stake (own + pool, the creator's included), from
/// their creation to their end. A cancelled task's emission goes to the treasury; its creator
/// gets its stake and the whole reward pool back. Rounding always favours the task: shares are
/// rounded down, and what they leave stays in the task's unspent rest.
///
/// Use this interface (its ABI) at the Alliance's address: {IAllianceActions} is implemented by
/// the Alliance contract, {IAllianceViews} by its lens module behind the Alliance's fallback, and
/// {IAllianceBase} (constants, wiring) by the base both share.
interface IAlliance is IAllianceActions, IAllianceViews, IAllianceBase {}
