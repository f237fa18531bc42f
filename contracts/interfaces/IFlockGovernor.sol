// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";

/// @title IFlockGovernor
/// @notice What FLOCK's Governor adds to OpenZeppelin's: a FLOCK bond on every proposal, a flag
/// window in which holders can drop a spam or scam proposal and slash its bond to the treasury,
/// a reward for the proposer of every executed proposal, and bounded governance settings.
/// @dev Life of a proposal:
/// 1. `propose` pulls the bond (`proposalBond()`) from the proposer (approve it first) and fixes
///    the proposal's reward, its flag snapshot (the second before the proposal) and its flag quorum
///    (`flagThreshold()` x the votes' total supply at the flag snapshot, rounded up).
/// 2. Flag window = the voting delay (state Pending, through `proposalSnapshot` inclusive): any
///    holder with weight at the flag snapshot may `flag` once. When the flagged weight reaches the
///    flag quorum the proposal is dropped: `state()` is Canceled for ever, and the bond goes to the
///    treasury (the timelock) at once.
/// 3. Otherwise voting, queueing in the timelock and execution proceed as in OpenZeppelin's
///    Governor. Once the proposal is out of Pending/Active, `claimBond` returns the bond to the
///    proposer. Once it is Executed, `claimReward` pays the proposer the reward out of the reward
///    budget: FLOCK the treasury sent to this contract by a governance action.
/// All settings change only through governance (the timelock), within the bounds of `settingBounds`.
interface IFlockGovernor {
    /// @notice Where a proposal's bond is.
    /// @dev None: no such proposal. Held: on this contract. Returned: paid back to the proposer.
    /// Slashed: sent to the treasury because the proposal was dropped.
    enum BondStatus {
        None,
        Held,
        Returned,
        Slashed
    }

    /// @notice The governance settings (all changeable by governance only).
    /// @param votingDelay Flag window: seconds between a proposal and the start of its vote.
    /// @param votingPeriod Seconds the vote lasts.
    /// @param proposalThreshold Votes a proposer needs (FLOCK wei, at the second before proposing).
    /// @param quorumFraction Share of the votes' total supply that must vote For or Abstain (WAD).
    /// @param proposalBond FLOCK pulled from the proposer at `propose` (wei).
    /// @param proposalReward FLOCK paid to the proposer of an executed proposal (wei).
    /// @param flagThreshold Share of the votes' total supply whose flags drop a proposal (WAD).
    struct Settings {
        uint48 votingDelay;
        uint32 votingPeriod;
        uint256 proposalThreshold;
        uint256 quorumFraction;
        uint256 proposalBond;
        uint256 proposalReward;
        uint256 flagThreshold;
    }

    /// @notice A proposal's bond, reward and flags.
    /// @param bond FLOCK bonded by the proposer (wei).
    /// @param reward FLOCK the proposer may claim once the proposal is executed (wei).
    /// @param flagSnapshot The timepoint whose weight counts for flags (the second before the proposal).
    /// @param status Where the bond is.
    /// @param rewardClaimed Whether the reward was paid.
    /// @param flagWeight Weight of the flags cast so far.
    /// @param flagQuorum Flag weight that drops the proposal.
    struct ProposalBond {
        uint96 bond;
        uint96 reward;
        uint48 flagSnapshot;
        BondStatus status;
        bool rewardClaimed;
        uint128 flagWeight;
        uint128 flagQuorum;
    }

    /// @notice Thrown when a proposal is flagged outside its flag window (it is no longer Pending).
    /// @param proposalId The proposal.
    /// @param state Its state now.
    error FlockGovernorFlagWindowClosed(uint256 proposalId, IGovernor.ProposalState state);

    /// @notice Thrown when an account flags a proposal a second time.
    /// @param proposalId The proposal.
    /// @param account The flagger.
    error FlockGovernorAlreadyFlagged(uint256 proposalId, address account);

    /// @notice Thrown when an account without weight at the flag snapshot flags a proposal.
    /// @param proposalId The proposal.
    /// @param account The flagger.
    error FlockGovernorNoFlagWeight(uint256 proposalId, address account);

    /// @notice Thrown when a bond is claimed while its proposal is still Pending or Active.
    /// @param proposalId The proposal.
    /// @param state Its state now.
    error FlockGovernorBondLocked(uint256 proposalId, IGovernor.ProposalState state);

    /// @notice Thrown when a bond is claimed that was already returned or slashed.
    /// @param proposalId The proposal.
    /// @param status Where the bond is.
    error FlockGovernorBondSettled(uint256 proposalId, BondStatus status);

    /// @notice Thrown when a reward is claimed for a proposal that was not executed.
    /// @param proposalId The proposal.
    /// @param state Its state now.
    error FlockGovernorNotExecuted(uint256 proposalId, IGovernor.ProposalState state);

    /// @notice Thrown when a reward is claimed a second time, or for a proposal made while the reward was zero.
    /// @param proposalId The proposal.
    error FlockGovernorNoReward(uint256 proposalId);

    /// @notice Thrown when the reward budget cannot pay a reward (it can be claimed once the treasury tops it up).
    /// @param proposalId The proposal.
    /// @param reward The reward owed.
    /// @param budget The reward budget now.
    error FlockGovernorRewardUnfunded(uint256 proposalId, uint256 reward, uint256 budget);

    /// @notice Thrown when governance asks back more of the reward budget than there is.
    /// @param amount The amount asked.
    /// @param budget The reward budget now.
    error FlockGovernorInsufficientRewardBudget(uint256 amount, uint256 budget);

    /// @notice Thrown when a governance setting is set outside its bounds.
    /// @param setting The setting's name (e.g. `bytes32("proposalBond")`).
    /// @param value The rejected value.
    /// @param min The lowest accepted value.
    /// @param max The highest accepted value.
    error FlockGovernorSettingOutOfBounds(bytes32 setting, uint256 value, uint256 min, uint256 max);

    /// @notice Thrown when `setSetting` names a setting that is not the Governor's own.
    /// @param setting The name given.
    error FlockGovernorUnknownSetting(bytes32 setting);

    /// @notice Thrown when governance relays a call to the FLOCK token, which could move bonds.
    error FlockGovernorRelayToFlock();

    /// @notice Emitted when a proposal's bond is pulled from its proposer.
    /// @param proposalId The proposal.
    /// @param proposer The proposer, who gets the bond back unless the proposal is dropped.
    /// @param bond FLOCK bonded.
    /// @param reward FLOCK the proposer may claim if the proposal is executed.
    /// @param flagSnapshot The timepoint whose weight counts for flags.
    /// @param flagQuorum The flag weight that drops the proposal.
    event ProposalBonded(
        uint256 indexed proposalId,
        address indexed proposer,
        uint256 bond,
        uint256 reward,
        uint256 flagSnapshot,
        uint256 flagQuorum
    );

    /// @notice Emitted when a holder flags a proposal as spam or a scam.
    /// @param proposalId The proposal.
    /// @param flagger The holder.
    /// @param weight The holder's weight at the flag snapshot.
    /// @param totalWeight The proposal's flag weight after this flag.
    event ProposalFlagged(uint256 indexed proposalId, address indexed flagger, uint256 weight, uint256 totalWeight);

    /// @notice Emitted when a proposal's flags reach its flag quorum and it is dropped (state Canceled).
    /// @param proposalId The proposal.
    /// @param flagWeight Its flag weight.
    /// @param flagQuorum Its flag quorum.
    event ProposalDropped(uint256 indexed proposalId, uint256 flagWeight, uint256 flagQuorum);

    /// @notice Emitted when a dropped proposal's bond is sent to the treasury.
    /// @param proposalId The proposal.
    /// @param treasury The treasury (the timelock).
    /// @param amount FLOCK slashed.
    event BondSlashed(uint256 indexed proposalId, address indexed treasury, uint256 amount);

    /// @notice Emitted when a bond is paid back to its proposer.
    /// @param proposalId The proposal.
    /// @param proposer The proposer.
    /// @param amount FLOCK returned.
    event BondReturned(uint256 indexed proposalId, address indexed proposer, uint256 amount);

    /// @notice Emitted when the proposer of an executed proposal is paid its reward.
    /// @param proposalId The proposal.
    /// @param proposer The proposer.
    /// @param amount FLOCK paid.
    event RewardClaimed(uint256 indexed proposalId, address indexed proposer, uint256 amount);

    /// @notice Emitted when governance takes FLOCK of the reward budget back to the treasury.
    /// @param treasury The treasury (the timelock).
    /// @param amount FLOCK returned.
    event RewardBudgetReturned(address indexed treasury, uint256 amount);

    /// @notice Emitted when the proposal bond changes.
    /// @param oldBond The bond before (wei).
    /// @param newBond The bond after (wei).
    event ProposalBondSet(uint256 oldBond, uint256 newBond);

    /// @notice Emitted when the proposal reward changes.
    /// @param oldReward The reward before (wei).
    /// @param newReward The reward after (wei).
    event ProposalRewardSet(uint256 oldReward, uint256 newReward);

    /// @notice Emitted when the flag threshold changes.
    /// @param oldThreshold The threshold before (WAD).
    /// @param newThreshold The threshold after (WAD).
    event FlagThresholdSet(uint256 oldThreshold, uint256 newThreshold);

    /// @notice Flags a Pending proposal as spam or a scam with the caller's weight at its flag
    /// snapshot; drops it and slashes its bond to the treasury once its flags reach its flag quorum.
    /// @dev Emits {ProposalFlagged}, and when the proposal is dropped {IGovernor-ProposalCanceled},
    /// {ProposalDropped}, {BondSlashed} and {IERC20-Transfer}.
    /// Requirements: the proposal exists and is Pending (the flag window); the caller has not
    /// flagged it yet and had weight at its flag snapshot.
    /// @param proposalId The proposal.
    /// @return weight The caller's flag weight.
    function flag(uint256 proposalId) external returns (uint256 weight);

    /// @notice Returns a proposal's bond to its proposer (anyone may call; the FLOCK goes to the proposer).
    /// @dev Emits {BondReturned} and {IERC20-Transfer}. Requirements: the proposal exists, is
    /// Defeated, Succeeded, Queued, Executed, Expired, or Canceled without being dropped (withdrawn
    /// by its proposer, or its timelock operation gone after a timelock change), and its bond is
    /// still held.
    /// @param proposalId The proposal.
    /// @return amount FLOCK returned.
    function claimBond(uint256 proposalId) external returns (uint256 amount);

    /// @notice Pays the proposer of an executed proposal its reward out of the reward budget (anyone
    /// may call; the FLOCK goes to the proposer).
    /// @dev Emits {RewardClaimed} and {IERC20-Transfer}. Requirements: the proposal is Executed
    /// (through the Governor or directly on the timelock); its reward is nonzero and unpaid; the
    /// reward budget covers it.
    /// @param proposalId The proposal.
    /// @return amount FLOCK paid.
    function claimReward(uint256 proposalId) external returns (uint256 amount);

    /// @notice Sets one of this Governor's own settings: `bytes32("proposalBond")` (wei),
    /// `"proposalReward"` (wei) or `"flagThreshold"` (WAD). They apply to proposals made afterwards.
    /// The OpenZeppelin settings have their own setters (`setVotingDelay` (the flag window),
    /// `setVotingPeriod`, `setProposalThreshold`, `updateQuorumNumerator`), bounded the same way.
    /// @dev Emits {ProposalBondSet}, {ProposalRewardSet} or {FlagThresholdSet}. Requirements:
    /// called by governance (the timelock, executing a proposal); a known setting; within
    /// `settingBounds(setting)`.
    /// @param setting The setting's name, e.g. `bytes32("proposalBond")`.
    /// @param value Its new value.
    function setSetting(bytes32 setting, uint256 value) external;

    /// @notice Sends `amount` of the reward budget back to the treasury (the timelock).
    /// @dev Emits {RewardBudgetReturned} and {IERC20-Transfer}. Requirements: called by governance;
    /// `amount` <= `rewardBudget()`.
    /// @param amount FLOCK to return (wei).
    function returnRewardBudget(uint256 amount) external;

    /// @notice The bounds a setting must stay within.
    /// @param setting One of `bytes32("votingDelay")`, `"votingPeriod"`, `"proposalThreshold"`,
    /// `"quorumFraction"`, `"proposalBond"`, `"proposalReward"`, `"flagThreshold"`; (0, 0) otherwise.
    /// @return min The lowest value allowed.
    /// @return max The highest value allowed.
    function settingBounds(bytes32 setting) external pure returns (uint256 min, uint256 max);

    /// @notice FLOCK pulled from each new proposer.
    /// @return The bond (wei).
    function proposalBond() external view returns (uint256);

    /// @notice FLOCK paid to the proposer of each proposal made from now on, once it is executed.
    /// @return The reward (wei).
    function proposalReward() external view returns (uint256);

    /// @notice Share of the votes' total supply whose flags drop a proposal made from now on.
    /// @return The threshold (WAD).
    function flagThreshold() external view returns (uint256);

    /// @notice A proposal's bond, reward and flags.
    /// @param proposalId The proposal.
    /// @return The bond record (all zero for an unknown proposal).
    function bondInfo(uint256 proposalId) external view returns (ProposalBond memory);

    /// @notice Whether `account` has flagged `proposalId`.
    /// @param proposalId The proposal.
    /// @param account The account.
    /// @return True once it has flagged.
    function hasFlagged(uint256 proposalId, address account) external view returns (bool);

    /// @notice FLOCK held as bonds of proposals not yet settled.
    /// @return The amount (wei).
    function bondsHeld() external view returns (uint256);

    /// @notice FLOCK on this contract available for rewards: its balance less the bonds held.
    /// @return The amount (wei).
    function rewardBudget() external view returns (uint256);

    /// @notice The FLOCK token (bonds, rewards).
    /// @return The token.
    function flock() external view returns (IERC20);
}
