// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IGovernor, Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {
    GovernorVotesQuorumFraction
} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IFlockGovernor} from "../interfaces/IFlockGovernor.sol";
import {IFlockVotes} from "../interfaces/IFlockVotes.sol";
import {ProposalBonds} from "./ProposalBonds.sol";

/// @title FlockGovernor
/// @notice FLOCK's Governor: proposals carry a FLOCK bond, holders can flag and drop spam or scam
/// proposals during the voting delay (slashing the bond to the treasury), passed proposals run
/// through {FlockTimelock}, and executed ones earn their proposer a reward.
/// @dev OpenZeppelin Governor with GovernorSettings, GovernorCountingSimple, GovernorVotes over
/// {FlockVotes} (liquid + locked FLOCK, timestamp clock), GovernorVotesQuorumFraction (a WAD share
/// of FLOCK's total supply) and GovernorTimelockControl. The timelock is the executor: it alone
/// calls the `onlyGovernance` setters, and it is the treasury that receives slashed bonds and funds
/// the reward budget. The bond, flag and reward rules live in the linked library {ProposalBonds}
/// (run by DELEGATECALL on this contract's storage) to keep this contract under EIP-170's size limit.
///
/// Design notes:
/// - Flag window = voting delay (state Pending). Flag weight is read at the second before the
///   proposal (its `flagSnapshot`), the timepoint OpenZeppelin already reads the proposal threshold
///   at: it is in the past from the proposal's own block, so flags are accepted at once, and weight
///   acquired after the proposal appeared (or flash-loaned) cannot flag. The vote uses the usual
///   snapshot at the end of the window.
/// - A dropped proposal leaves OpenZeppelin's storage untouched; `state()` reports it Canceled for
///   ever, and every path (vote, queue, execute, cancel) checks `state()`. It can only be dropped
///   while Pending, so nothing of it is ever in the timelock.
/// - The proposer may cancel while Pending only as long as nobody has flagged (otherwise a scammer
///   would cancel to escape the slash); the bond of a canceled proposal is then returned.
/// - Rewards are paid from a reward budget: FLOCK the timelock sent to this contract by a
///   governance action (a proposal calling `FLOCK.transfer(governor, amount)`). The Governor holds
///   no allowance on the treasury and can only schedule passed proposals, so the timelock alone
///   moves treasury funds; governance takes unused budget back with `returnRewardBudget`. The
///   reward is fixed when the proposal is made and keyed on `state() == Executed`, which also
///   covers a proposal executed directly on the timelock (its executor role is open).
/// - `relay` may not call the FLOCK token, so governance cannot move the bonds held here.
/// - Every setting is bounded (`settingBounds`) so that governance cannot lock itself out, e.g.
///   with a bond or a proposal threshold nobody can meet, or a vote that never opens.
contract FlockGovernor is
    IFlockGovernor,
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl
{
    using ProposalBonds for ProposalBonds.Layout;

    IERC20 private immutable _flockToken;
    ProposalBonds.Layout private _bonds;

    /// @param votes The voting token: {FlockVotes} (FLOCK + locked FLOCK); its `flock()` is the bond token.
    /// @param timelock_ The {FlockTimelock} executing passed proposals and holding the treasury;
    /// this Governor must be its only proposer and canceller.
    /// @param initial The initial settings, each within `settingBounds`.
    /// @dev Emits {VotingDelaySet}, {VotingPeriodSet}, {ProposalThresholdSet}, {QuorumNumeratorUpdated},
    /// {TimelockChange}, {ProposalBondSet}, {ProposalRewardSet} and {FlagThresholdSet}.
    constructor(IFlockVotes votes, TimelockController timelock_, Settings memory initial)
        Governor("FlockGovernor")
        GovernorSettings(initial.votingDelay, initial.votingPeriod, initial.proposalThreshold)
        GovernorVotes(votes)
        GovernorVotesQuorumFraction(initial.quorumFraction)
        GovernorTimelockControl(timelock_)
    {
        _flockToken = IERC20(address(votes.flock()));
        _bonds.set(ProposalBonds.PROPOSAL_BOND, initial.proposalBond);
        _bonds.set(ProposalBonds.PROPOSAL_REWARD, initial.proposalReward);
        _bonds.set(ProposalBonds.FLAG_THRESHOLD, initial.flagThreshold);
    }

    // ---------------------------------------------------------------- flags, bonds, rewards

    /// @inheritdoc IFlockGovernor
    function flag(uint256 proposalId) external returns (uint256) {
        return _bonds.flag(_flockToken, token(), proposalId, _msgSender(), state(proposalId), timelock());
    }

    /// @inheritdoc IFlockGovernor
    function claimBond(uint256 proposalId) external returns (uint256) {
        ProposalState current = state(proposalId);
        return _bonds.claimBond(_flockToken, proposalId, proposalProposer(proposalId), current);
    }

    /// @inheritdoc IFlockGovernor
    function claimReward(uint256 proposalId) external returns (uint256) {
        ProposalState current = state(proposalId);
        return _bonds.claimReward(_flockToken, proposalId, proposalProposer(proposalId), current);
    }

    // ---------------------------------------------------------------- governance-only settings

    /// @inheritdoc IFlockGovernor
    function setSetting(bytes32 setting, uint256 value) external onlyGovernance {
        _bonds.set(setting, value);
    }

    /// @inheritdoc IFlockGovernor
    function returnRewardBudget(uint256 amount) external onlyGovernance {
        _bonds.returnRewardBudget(_flockToken, amount, timelock());
    }

    /// @inheritdoc Governor
    /// @dev Reverts with {FlockGovernorRelayToFlock} when `target` is the FLOCK token: the FLOCK
    /// held here (bonds, reward budget) moves only by this contract's own rules.
    function relay(address target, uint256 value, bytes calldata data) public payable override {
        if (target == address(_flockToken)) revert FlockGovernorRelayToFlock();
        super.relay(target, value, data);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IFlockGovernor
    function settingBounds(bytes32 setting) external pure returns (uint256 min, uint256 max) {
        return ProposalBonds.settingBounds(setting);
    }

    /// @inheritdoc IFlockGovernor
    function proposalBond() external view returns (uint256) {
        return _bonds.proposalBond;
    }

    /// @inheritdoc IFlockGovernor
    function proposalReward() external view returns (uint256) {
        return _bonds.proposalReward;
    }

    /// @inheritdoc IFlockGovernor
    function flagThreshold() external view returns (uint256) {
        return _bonds.flagThreshold;
    }

    /// @inheritdoc IFlockGovernor
    function bondInfo(uint256 proposalId) external view returns (ProposalBond memory) {
        return _bonds.bonds[proposalId];
    }

    /// @inheritdoc IFlockGovernor
    function hasFlagged(uint256 proposalId, address account) external view returns (bool) {
        return _bonds.flagged[proposalId][account];
    }

    /// @inheritdoc IFlockGovernor
    function bondsHeld() external view returns (uint256) {
        return _bonds.bondsHeld;
    }

    /// @inheritdoc IFlockGovernor
    function rewardBudget() external view returns (uint256) {
        return _bonds.rewardBudget(_flockToken);
    }

    /// @inheritdoc IFlockGovernor
    function flock() external view returns (IERC20) {
        return _flockToken;
    }

    /// @inheritdoc IGovernor
    /// @dev A dropped proposal is Canceled, whatever its votes or the time.
    function state(uint256 proposalId) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        if (_bonds.bonds[proposalId].status == BondStatus.Slashed) return ProposalState.Canceled;
        return super.state(proposalId);
    }

    /// @inheritdoc GovernorVotesQuorumFraction
    /// @dev WAD, like every fraction in the protocol: `quorumNumerator()` is a WAD share of the supply.
    function quorumDenominator() public pure override returns (uint256) {
        return 1e18;
    }

    /// @inheritdoc IGovernor
    function proposalNeedsQueuing(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (bool)
    {
        return super.proposalNeedsQueuing(proposalId);
    }

    /// @inheritdoc IGovernor
    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    // ---------------------------------------------------------------- internals

    /// @dev Creates the proposal (OpenZeppelin), then fixes its bond, reward and flag quorum and
    /// pulls the bond. Emits {ProposalCreated}, {ProposalBonded} and {IERC20-Transfer}.
    /// Requirements (besides OpenZeppelin's): the proposer approved this contract for the bond.
    function _propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description,
        address proposer
    ) internal override returns (uint256 proposalId) {
        proposalId = super._propose(targets, values, calldatas, description, proposer);
        // The second before the proposal, as for the proposal threshold; clock() > 0 on any chain.
        _bonds.bond(_flockToken, token(), proposalId, proposer, clock() - 1);
    }

    /// @dev The proposer may cancel a Pending proposal only while nobody has flagged it.
    function _validateCancel(uint256 proposalId, address caller) internal view override returns (bool) {
        return _bonds.bonds[proposalId].flagWeight == 0 && super._validateCancel(proposalId, caller);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }

    /// @dev Bounded: see `settingBounds("votingDelay")`.
    function _setVotingDelay(uint48 newVotingDelay) internal override {
        ProposalBonds.checkBounds(ProposalBonds.VOTING_DELAY, newVotingDelay);
        super._setVotingDelay(newVotingDelay);
    }

    /// @dev Bounded: see `settingBounds("votingPeriod")`.
    function _setVotingPeriod(uint32 newVotingPeriod) internal override {
        ProposalBonds.checkBounds(ProposalBonds.VOTING_PERIOD, newVotingPeriod);
        super._setVotingPeriod(newVotingPeriod);
    }

    /// @dev Bounded: see `settingBounds("proposalThreshold")`.
    function _setProposalThreshold(uint256 newProposalThreshold) internal override {
        ProposalBonds.checkBounds(ProposalBonds.PROPOSAL_THRESHOLD, newProposalThreshold);
        super._setProposalThreshold(newProposalThreshold);
    }

    /// @dev Bounded: see `settingBounds("quorumFraction")`.
    function _updateQuorumNumerator(uint256 newQuorumNumerator) internal override {
        ProposalBonds.checkBounds(ProposalBonds.QUORUM_FRACTION, newQuorumNumerator);
        super._updateQuorumNumerator(newQuorumNumerator);
    }
}
