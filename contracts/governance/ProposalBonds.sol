// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IFlockGovernor} from "../interfaces/IFlockGovernor.sol";

/// @title ProposalBonds
/// @notice The bond, flag and reward rules of {FlockGovernor}: what happens to a proposal's FLOCK
/// bond, when flags drop a proposal, when a proposer is paid, and the bounds of every governance
/// setting.
/// @dev An external library: {FlockGovernor} reaches it by DELEGATECALL, so it runs on the
/// Governor's storage (`Layout`) and balance, and its events and errors are the Governor's (declared
/// on {IFlockGovernor}). It exists because OpenZeppelin's Governor with its five extensions already
/// takes 20 KB of the 24 KB a contract may have (EIP-170) at the project's optimizer setting; the
/// Governor keeps thin entry points and passes in what only it knows (a proposal's state and
/// proposer, the votes token, the treasury). Every function here trusts its caller, which is always
/// the Governor's own code. Deploy it once and link it into FlockGovernor.
library ProposalBonds {
    using SafeERC20 for IERC20;

    /// @dev The Governor's bond storage. The first three fields share one slot, read once per
    /// proposal; their bounds keep them below 2^96 (bond, reward: 7.9e28 > FLOCK's supply) and 2^64
    /// (flag threshold, WAD <= 0.5e18).
    struct Layout {
        uint96 proposalBond;
        uint96 proposalReward;
        uint64 flagThreshold;
        uint256 bondsHeld;
        mapping(uint256 proposalId => IFlockGovernor.ProposalBond) bonds;
        mapping(uint256 proposalId => mapping(address account => bool)) flagged;
    }

    uint256 private constant _WAD = 1e18;

    bytes32 internal constant VOTING_DELAY = bytes32("votingDelay");
    bytes32 internal constant VOTING_PERIOD = bytes32("votingPeriod");
    bytes32 internal constant PROPOSAL_THRESHOLD = bytes32("proposalThreshold");
    bytes32 internal constant QUORUM_FRACTION = bytes32("quorumFraction");
    bytes32 internal constant PROPOSAL_BOND = bytes32("proposalBond");
    bytes32 internal constant PROPOSAL_REWARD = bytes32("proposalReward");
    bytes32 internal constant FLAG_THRESHOLD = bytes32("flagThreshold");

    /// @dev Fixes a new proposal's bond, reward, flag snapshot and flag quorum, and pulls the bond
    /// from `proposer` (who approved the Governor). Emits {IFlockGovernor-ProposalBonded} and
    /// {IERC20-Transfer}.
    function bond(
        Layout storage $,
        IERC20 flock,
        IVotes votes,
        uint256 proposalId,
        address proposer,
        uint48 flagSnapshot
    ) external {
        uint96 amount = $.proposalBond;
        uint96 reward = $.proposalReward;
        // Rounded up, so a nonzero supply never gives a zero quorum. A votes supply is at most
        // 2^208 and the threshold at most 2^59, so the product cannot overflow.
        uint256 flagQuorum = Math.ceilDiv(votes.getPastTotalSupply(flagSnapshot) * $.flagThreshold, _WAD);
        $.bonds[proposalId] = IFlockGovernor.ProposalBond({
            bond: amount,
            reward: reward,
            flagSnapshot: flagSnapshot,
            status: IFlockGovernor.BondStatus.Held,
            rewardClaimed: false,
            flagWeight: 0,
            flagQuorum: SafeCast.toUint128(flagQuorum)
        });
        $.bondsHeld += amount;
        emit IFlockGovernor.ProposalBonded(proposalId, proposer, amount, reward, flagSnapshot, flagQuorum);
        flock.safeTransferFrom(proposer, address(this), amount);
    }

    /// @dev Records `account`'s flag on a proposal in state `current`; drops it and slashes its bond
    /// to `treasury` when the flags reach its quorum. See {IFlockGovernor-flag}.
    function flag(
        Layout storage $,
        IERC20 flock,
        IVotes votes,
        uint256 proposalId,
        address account,
        IGovernor.ProposalState current,
        address treasury
    ) external returns (uint256 weight) {
        if (current != IGovernor.ProposalState.Pending) {
            revert IFlockGovernor.FlockGovernorFlagWindowClosed(proposalId, current);
        }
        mapping(address => bool) storage flagged = $.flagged[proposalId];
        if (flagged[account]) revert IFlockGovernor.FlockGovernorAlreadyFlagged(proposalId, account);
        IFlockGovernor.ProposalBond storage b = $.bonds[proposalId];
        weight = votes.getPastVotes(account, b.flagSnapshot);
        if (weight == 0) revert IFlockGovernor.FlockGovernorNoFlagWeight(proposalId, account);

        flagged[account] = true;
        // Each account flags once with its weight at one timepoint, so the sum stays within the
        // votes' total supply there; SafeCast still guards the uint128.
        uint256 totalWeight = b.flagWeight + weight;
        b.flagWeight = SafeCast.toUint128(totalWeight);
        emit IFlockGovernor.ProposalFlagged(proposalId, account, weight, totalWeight);

        if (totalWeight >= b.flagQuorum) {
            uint256 amount = b.bond;
            b.status = IFlockGovernor.BondStatus.Slashed;
            $.bondsHeld -= amount;
            emit IGovernor.ProposalCanceled(proposalId);
            emit IFlockGovernor.ProposalDropped(proposalId, totalWeight, b.flagQuorum);
            emit IFlockGovernor.BondSlashed(proposalId, treasury, amount);
            flock.safeTransfer(treasury, amount);
        }
    }

    /// @dev Returns a bond to `proposer` once the proposal (in state `current`) is past its vote.
    /// See {IFlockGovernor-claimBond}.
    function claimBond(
        Layout storage $,
        IERC20 flock,
        uint256 proposalId,
        address proposer,
        IGovernor.ProposalState current
    ) external returns (uint256 amount) {
        IFlockGovernor.ProposalBond storage b = $.bonds[proposalId];
        if (b.status != IFlockGovernor.BondStatus.Held) {
            revert IFlockGovernor.FlockGovernorBondSettled(proposalId, b.status);
        }
        if (current == IGovernor.ProposalState.Pending || current == IGovernor.ProposalState.Active) {
            revert IFlockGovernor.FlockGovernorBondLocked(proposalId, current);
        }
        amount = b.bond;
        b.status = IFlockGovernor.BondStatus.Returned;
        $.bondsHeld -= amount;
        emit IFlockGovernor.BondReturned(proposalId, proposer, amount);
        flock.safeTransfer(proposer, amount);
    }

    /// @dev Pays an executed proposal's reward to `proposer` out of the reward budget.
    /// See {IFlockGovernor-claimReward}.
    function claimReward(
        Layout storage $,
        IERC20 flock,
        uint256 proposalId,
        address proposer,
        IGovernor.ProposalState current
    ) external returns (uint256 amount) {
        if (current != IGovernor.ProposalState.Executed) {
            revert IFlockGovernor.FlockGovernorNotExecuted(proposalId, current);
        }
        IFlockGovernor.ProposalBond storage b = $.bonds[proposalId];
        amount = b.reward;
        if (amount == 0 || b.rewardClaimed) revert IFlockGovernor.FlockGovernorNoReward(proposalId);
        uint256 budget = rewardBudget($, flock);
        if (amount > budget) revert IFlockGovernor.FlockGovernorRewardUnfunded(proposalId, amount, budget);
        b.rewardClaimed = true;
        emit IFlockGovernor.RewardClaimed(proposalId, proposer, amount);
        flock.safeTransfer(proposer, amount);
    }

    /// @dev Sends `amount` of the reward budget to `treasury`. See {IFlockGovernor-returnRewardBudget}.
    function returnRewardBudget(Layout storage $, IERC20 flock, uint256 amount, address treasury) external {
        uint256 budget = rewardBudget($, flock);
        if (amount > budget) revert IFlockGovernor.FlockGovernorInsufficientRewardBudget(amount, budget);
        emit IFlockGovernor.RewardBudgetReturned(treasury, amount);
        flock.safeTransfer(treasury, amount);
    }

    /// @dev Sets one of the Governor's own settings (proposalBond, proposalReward, flagThreshold)
    /// within its bounds; reverts with {IFlockGovernor-FlockGovernorUnknownSetting} for any other.
    /// Emits {IFlockGovernor-ProposalBondSet}, {IFlockGovernor-ProposalRewardSet}
    /// or {IFlockGovernor-FlagThresholdSet}.
    function set(Layout storage $, bytes32 setting, uint256 value) external {
        if (setting != PROPOSAL_BOND && setting != PROPOSAL_REWARD && setting != FLAG_THRESHOLD) {
            revert IFlockGovernor.FlockGovernorUnknownSetting(setting);
        }
        checkBounds(setting, value);
        // The bounds keep each value within its field (see Layout), so the casts are exact.
        if (setting == PROPOSAL_BOND) {
            emit IFlockGovernor.ProposalBondSet($.proposalBond, value);
            $.proposalBond = uint96(value);
        } else if (setting == PROPOSAL_REWARD) {
            emit IFlockGovernor.ProposalRewardSet($.proposalReward, value);
            $.proposalReward = uint96(value);
        } else {
            emit IFlockGovernor.FlagThresholdSet($.flagThreshold, value);
            $.flagThreshold = uint64(value);
        }
    }

    /// @dev The Governor's FLOCK less the bonds it holds. Bonds leave only through claimBond and a
    /// drop, which lower bondsHeld by as much, and the Governor cannot relay calls to FLOCK, so the
    /// balance always covers the bonds.
    function rewardBudget(Layout storage $, IERC20 flock) internal view returns (uint256) {
        return flock.balanceOf(address(this)) - $.bondsHeld;
    }

    /// @dev Reverts with {IFlockGovernor-FlockGovernorSettingOutOfBounds} unless `value` lies within
    /// `setting`'s bounds (an unknown setting has bounds (0, 0)).
    function checkBounds(bytes32 setting, uint256 value) public pure {
        (uint256 min, uint256 max) = settingBounds(setting);
        if (value < min || value > max) {
            revert IFlockGovernor.FlockGovernorSettingOutOfBounds(setting, value, min, max);
        }
    }

    /// @dev See {IFlockGovernor-settingBounds}. votingDelay (the flag window) and votingPeriod stay
    /// within [1 s, 30 days], so a flag window is never empty and a vote always opens within a
    /// month; proposalThreshold <= 10M FLOCK (1% of the supply) and proposalBond in [1 wei, 1M FLOCK]
    /// so that proposing stays possible; quorumFraction in [0.1%, 20%] of the supply; proposalReward
    /// <= 1M FLOCK; flagThreshold in [0.1%, 50%] (lower would let a small holder grief every proposal).
    function settingBounds(bytes32 setting) internal pure returns (uint256 min, uint256 max) {
        if (setting == VOTING_DELAY || setting == VOTING_PERIOD) return (1, 30 days);
        if (setting == PROPOSAL_THRESHOLD) return (0, 10_000_000e18);
        if (setting == QUORUM_FRACTION) return (0.001e18, 0.2e18);
        if (setting == PROPOSAL_BOND) return (1, 1_000_000e18);
        if (setting == PROPOSAL_REWARD) return (0, 1_000_000e18);
        if (setting == FLAG_THRESHOLD) return (0.001e18, 0.5e18);
        return (0, 0);
    }
}
