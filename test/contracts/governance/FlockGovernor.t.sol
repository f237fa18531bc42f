// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {FlockGovernor} from "../../../contracts/governance/FlockGovernor.sol";
import {IFlockGovernor} from "../../../contracts/interfaces/IFlockGovernor.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {GovernanceFixture} from "../utils/GovernanceFixture.sol";

/// @notice Unit tests of FlockGovernor: bonds, the flag window, drops and slashing, votes with
/// liquid and locked FLOCK, queue and execution through the timelock, bond and reward claims, and
/// settings that only governance can change.
contract FlockGovernorTest is GovernanceFixture {
    uint256 private constant FLAG_QUORUM = 10_000_000e18; // 1% of 1B
    bytes32 private constant PROPOSAL_BOND = bytes32("proposalBond");
    bytes32 private constant PROPOSAL_REWARD = bytes32("proposalReward");
    bytes32 private constant FLAG_THRESHOLD_KEY = bytes32("flagThreshold");

    Proposal private p;

    function setUp() public override {
        super.setUp();
        p = _paramProposal(Params.POOL_SIGMA_MAX, 0.4e18, "Raise the highest pool share to 40%");
    }

    // ---------------------------------------------------------------- helpers

    function _state(uint256 id) private view returns (IGovernor.ProposalState) {
        return governor.state(id);
    }

    function _bitmap(IGovernor.ProposalState s) private pure returns (bytes32) {
        return bytes32(1 << uint8(s));
    }

    function _unexpectedState(uint256 id, IGovernor.ProposalState current, IGovernor.ProposalState expected)
        private
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(
            IGovernor.GovernorUnexpectedProposalState.selector, id, current, _bitmap(expected)
        );
    }

    /// @dev Drops `p` (proposed by alice): bob's 30M flag alone reaches the 10M flag quorum.
    function _dropP() private {
        _propose(alice, p);
        _flag(bob, p.id);
    }

    // ---------------------------------------------------------------- constructor and views

    function test_constructor_setsSettings() public view {
        assertEq(governor.name(), "FlockGovernor");
        assertEq(governor.votingDelay(), FLAG_WINDOW);
        assertEq(governor.votingPeriod(), VOTING_PERIOD);
        assertEq(governor.proposalThreshold(), PROPOSAL_THRESHOLD);
        assertEq(governor.quorumNumerator(), QUORUM_FRACTION);
        assertEq(governor.quorumDenominator(), 1e18);
        assertEq(governor.proposalBond(), BOND);
        assertEq(governor.proposalReward(), REWARD);
        assertEq(governor.flagThreshold(), FLAG_THRESHOLD);
        assertEq(address(governor.flock()), address(flock));
        assertEq(governor.timelock(), address(timelock));
        assertEq(governor.CLOCK_MODE(), "mode=timestamp");
        assertEq(governor.clock(), block.timestamp);
        assertEq(governor.bondsHeld(), 0);
        assertEq(governor.rewardBudget(), REWARD_BUDGET);
        assertEq(governor.quorum(block.timestamp - 1), 40_000_000e18, "4% of the supply");
    }

    function test_settingBounds() public view {
        (uint256 min, uint256 max) = governor.settingBounds("votingDelay");
        assertEq(min, 1);
        assertEq(max, 30 days);
        (min, max) = governor.settingBounds("votingPeriod");
        assertEq(min, 1);
        assertEq(max, 30 days);
        (min, max) = governor.settingBounds("proposalThreshold");
        assertEq(min, 0);
        assertEq(max, 10_000_000e18);
        (min, max) = governor.settingBounds("quorumFraction");
        assertEq(min, 0.001e18);
        assertEq(max, 0.2e18);
        (min, max) = governor.settingBounds(PROPOSAL_BOND);
        assertEq(min, 1);
        assertEq(max, 1_000_000e18);
        (min, max) = governor.settingBounds(PROPOSAL_REWARD);
        assertEq(min, 0);
        assertEq(max, 1_000_000e18);
        (min, max) = governor.settingBounds(FLAG_THRESHOLD_KEY);
        assertEq(min, 0.001e18);
        assertEq(max, 0.5e18);
        (min, max) = governor.settingBounds("unknown");
        assertEq(min, 0);
        assertEq(max, 0);
    }

    function test_RevertWhen_constructedOutOfBounds() public {
        IFlockGovernor.Settings memory s = _settings();
        s.votingDelay = 0;
        _expectConstructorRevert(s, "votingDelay", 0, 1, 30 days);
        s = _settings();
        s.votingPeriod = 30 days + 1;
        _expectConstructorRevert(s, "votingPeriod", 30 days + 1, 1, 30 days);
        s = _settings();
        s.proposalThreshold = 10_000_000e18 + 1;
        _expectConstructorRevert(s, "proposalThreshold", 10_000_000e18 + 1, 0, 10_000_000e18);
        s = _settings();
        s.quorumFraction = 0;
        _expectConstructorRevert(s, "quorumFraction", 0, 0.001e18, 0.2e18);
        s = _settings();
        s.proposalBond = 0;
        _expectConstructorRevert(s, PROPOSAL_BOND, 0, 1, 1_000_000e18);
        s = _settings();
        s.proposalReward = 1_000_000e18 + 1;
        _expectConstructorRevert(s, PROPOSAL_REWARD, 1_000_000e18 + 1, 0, 1_000_000e18);
        s = _settings();
        s.flagThreshold = 0.5e18 + 1;
        _expectConstructorRevert(s, FLAG_THRESHOLD_KEY, 0.5e18 + 1, 0.001e18, 0.5e18);
    }

    function _expectConstructorRevert(
        IFlockGovernor.Settings memory s,
        bytes32 setting,
        uint256 value,
        uint256 min,
        uint256 max
    ) private {
        vm.expectRevert(
            abi.encodeWithSelector(IFlockGovernor.FlockGovernorSettingOutOfBounds.selector, setting, value, min, max)
        );
        new FlockGovernor(votes, timelock, s);
    }

    function test_bondInfo_unknownProposalIsEmpty() public view {
        IFlockGovernor.ProposalBond memory b = governor.bondInfo(123);
        assertEq(b.bond, 0);
        assertEq(uint8(b.status), uint8(IFlockGovernor.BondStatus.None));
    }

    // ---------------------------------------------------------------- propose

    function test_propose_pullsTheBond() public {
        uint256 aliceBefore = flock.balanceOf(alice);
        vm.prank(alice);
        flock.approve(address(governor), BOND);
        vm.expectEmit(address(governor));
        emit IFlockGovernor.ProposalBonded(p.id, alice, BOND, REWARD, block.timestamp - 1, FLAG_QUORUM);
        vm.prank(alice);
        uint256 id = governor.propose(p.targets, p.values, p.calldatas, p.description);

        assertEq(id, p.id);
        assertEq(flock.balanceOf(alice), aliceBefore - BOND);
        assertEq(flock.balanceOf(address(governor)), REWARD_BUDGET + BOND);
        assertEq(governor.bondsHeld(), BOND);
        assertEq(governor.rewardBudget(), REWARD_BUDGET, "bonds are not budget");
        IFlockGovernor.ProposalBond memory b = governor.bondInfo(id);
        assertEq(b.bond, BOND);
        assertEq(b.reward, REWARD);
        assertEq(b.flagSnapshot, block.timestamp - 1);
        assertEq(uint8(b.status), uint8(IFlockGovernor.BondStatus.Held));
        assertFalse(b.rewardClaimed);
        assertEq(b.flagWeight, 0);
        assertEq(b.flagQuorum, FLAG_QUORUM);
        assertEq(uint8(_state(id)), uint8(IGovernor.ProposalState.Pending));
        assertEq(governor.proposalSnapshot(id), block.timestamp + FLAG_WINDOW);
        assertEq(governor.proposalProposer(id), alice);
    }

    function test_RevertWhen_proposeWithoutAllowance() public {
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(governor), 0, BOND)
        );
        governor.propose(p.targets, p.values, p.calldatas, p.description);
    }

    function test_RevertWhen_proposeWithoutTheBond() public {
        // dave has the votes (5M) but none of it liquid once he locks it all.
        _lock(dave, DAVE_FLOCK, 0);
        vm.warp(block.timestamp + 1);
        vm.prank(dave);
        flock.approve(address(governor), BOND);
        vm.prank(dave);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, dave, 0, BOND));
        governor.propose(p.targets, p.values, p.calldatas, p.description);
    }

    function test_RevertWhen_proposeBelowThreshold() public {
        _fund(eve, BOND);
        vm.prank(eve);
        flock.approve(address(governor), BOND);
        vm.prank(eve);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernor.GovernorInsufficientProposerVotes.selector, eve, 0, PROPOSAL_THRESHOLD)
        );
        governor.propose(p.targets, p.values, p.calldatas, p.description);
    }

    function test_RevertWhen_proposeTwice() public {
        _propose(alice, p);
        vm.prank(alice);
        flock.approve(address(governor), BOND);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorUnexpectedProposalState.selector, p.id, IGovernor.ProposalState.Pending, bytes32(0)
            )
        );
        governor.propose(p.targets, p.values, p.calldatas, p.description);
    }

    // ---------------------------------------------------------------- flag

    function test_flag_countsSnapshotWeight() public {
        _propose(alice, p);
        vm.expectEmit(address(governor));
        emit IFlockGovernor.ProposalFlagged(p.id, dave, DAVE_FLOCK, DAVE_FLOCK);
        uint256 weight = _flag(dave, p.id);
        assertEq(weight, DAVE_FLOCK);
        assertTrue(governor.hasFlagged(p.id, dave));
        assertFalse(governor.hasFlagged(p.id, carol));
        assertEq(governor.bondInfo(p.id).flagWeight, DAVE_FLOCK);
        assertEq(uint8(_state(p.id)), uint8(IGovernor.ProposalState.Pending), "below the flag quorum");
    }

    function test_flag_worksUntilTheSnapshotInclusive() public {
        _propose(alice, p);
        vm.warp(governor.proposalSnapshot(p.id));
        _flag(dave, p.id);
        assertEq(governor.bondInfo(p.id).flagWeight, DAVE_FLOCK);
    }

    function test_flag_countsLockedFlock() public {
        _lock(carol, CAROL_FLOCK, 365 days);
        vm.warp(block.timestamp + 1);
        assertEq(flock.getVotes(carol), 0, "no liquid FLOCK left");
        _propose(alice, p);
        assertEq(_flag(carol, p.id), CAROL_FLOCK);
    }

    function test_flag_ignoresWeightBoughtAfterTheProposal() public {
        _propose(alice, p);
        vm.prank(bob);
        flock.transfer(eve, 20_000_000e18);
        vm.prank(eve);
        flock.delegate(eve);
        vm.warp(block.timestamp + 1);
        vm.prank(eve);
        vm.expectRevert(abi.encodeWithSelector(IFlockGovernor.FlockGovernorNoFlagWeight.selector, p.id, eve));
        governor.flag(p.id);
        // bob still flags with what he had before the proposal.
        assertEq(_flag(bob, p.id), BOB_FLOCK);
    }

    function test_flag_dropsAtTheFlagQuorumAndSlashesTheBond() public {
        _propose(alice, p);
        _flag(dave, p.id); // 5M
        uint256 timelockBefore = flock.balanceOf(address(timelock));

        vm.expectEmit(address(governor));
        emit IFlockGovernor.ProposalFlagged(p.id, carol, CAROL_FLOCK, DAVE_FLOCK + CAROL_FLOCK);
        vm.expectEmit(address(governor));
        emit IGovernor.ProposalCanceled(p.id);
        vm.expectEmit(address(governor));
        emit IFlockGovernor.ProposalDropped(p.id, DAVE_FLOCK + CAROL_FLOCK, FLAG_QUORUM);
        vm.expectEmit(address(governor));
        emit IFlockGovernor.BondSlashed(p.id, address(timelock), BOND);
        _flag(carol, p.id);

        assertEq(uint8(_state(p.id)), uint8(IGovernor.ProposalState.Canceled));
        assertEq(flock.balanceOf(address(timelock)), timelockBefore + BOND, "bond slashed to the treasury");
        assertEq(governor.bondsHeld(), 0);
        assertEq(flock.balanceOf(address(governor)), REWARD_BUDGET);
        assertEq(uint8(governor.bondInfo(p.id).status), uint8(IFlockGovernor.BondStatus.Slashed));
    }

    function test_flag_dropsExactlyAtTheQuorum() public {
        address exact = makeAddr("exact");
        address short = makeAddr("short");
        _holder(exact, FLAG_QUORUM);
        _holder(short, FLAG_QUORUM - 1);
        vm.warp(block.timestamp + 1);
        Proposal memory q = _paramProposal(Params.POOL_SIGMA_MAX, 0.3e18, "q");
        _propose(alice, p);
        _propose(alice, q);
        _flag(short, p.id);
        assertEq(uint8(_state(p.id)), uint8(IGovernor.ProposalState.Pending), "one wei short");
        _flag(exact, q.id);
        assertEq(uint8(_state(q.id)), uint8(IGovernor.ProposalState.Canceled), "exactly the quorum");
    }

    function test_RevertWhen_flagTwice() public {
        _propose(alice, p);
        _flag(dave, p.id);
        vm.prank(dave);
        vm.expectRevert(abi.encodeWithSelector(IFlockGovernor.FlockGovernorAlreadyFlagged.selector, p.id, dave));
        governor.flag(p.id);
    }

    function test_RevertWhen_flagWithoutWeight() public {
        _propose(alice, p);
        vm.prank(eve);
        vm.expectRevert(abi.encodeWithSelector(IFlockGovernor.FlockGovernorNoFlagWeight.selector, p.id, eve));
        governor.flag(p.id);
    }

    function test_RevertWhen_flagAfterTheWindow() public {
        _propose(alice, p);
        _toVote(p.id);
        vm.prank(dave);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlockGovernor.FlockGovernorFlagWindowClosed.selector, p.id, IGovernor.ProposalState.Active
            )
        );
        governor.flag(p.id);
    }

    function test_RevertWhen_flagADroppedProposal() public {
        _dropP();
        vm.prank(dave);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlockGovernor.FlockGovernorFlagWindowClosed.selector, p.id, IGovernor.ProposalState.Canceled
            )
        );
        governor.flag(p.id);
    }

    function test_RevertWhen_flagAnUnknownProposal() public {
        vm.prank(dave);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorNonexistentProposal.selector, 42));
        governor.flag(42);
    }

    // ---------------------------------------------------------------- a dropped proposal is dead

    function test_RevertWhen_votingOnADroppedProposal() public {
        _dropP();
        _toVote(p.id);
        vm.prank(alice);
        vm.expectRevert(_unexpectedState(p.id, IGovernor.ProposalState.Canceled, IGovernor.ProposalState.Active));
        governor.castVote(p.id, 1);
    }

    function test_RevertWhen_queueingOrExecutingADroppedProposal() public {
        _dropP();
        _toVoteEnd(p.id);
        vm.expectRevert(_unexpectedState(p.id, IGovernor.ProposalState.Canceled, IGovernor.ProposalState.Succeeded));
        _queue(p);
        vm.expectRevert(_unexpectedState(p.id, IGovernor.ProposalState.Canceled, IGovernor.ProposalState.Queued));
        _execute(p);
        assertEq(config.get(Params.POOL_SIGMA_MAX), 0.5e18, "unchanged");
    }

    function test_RevertWhen_proposingADroppedProposalAgain() public {
        _dropP();
        vm.prank(alice);
        flock.approve(address(governor), BOND);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorUnexpectedProposalState.selector, p.id, IGovernor.ProposalState.Canceled, bytes32(0)
            )
        );
        governor.propose(p.targets, p.values, p.calldatas, p.description);
    }

    // ---------------------------------------------------------------- cancel

    function test_cancel_byTheProposerReturnsTheBond() public {
        _propose(alice, p);
        vm.prank(alice);
        governor.cancel(p.targets, p.values, p.calldatas, p.descriptionHash);
        assertEq(uint8(_state(p.id)), uint8(IGovernor.ProposalState.Canceled));
        uint256 before = flock.balanceOf(alice);
        governor.claimBond(p.id);
        assertEq(flock.balanceOf(alice), before + BOND);
    }

    function test_RevertWhen_cancelAfterAFlag() public {
        _propose(alice, p);
        _flag(dave, p.id);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorUnableToCancel.selector, p.id, alice));
        governor.cancel(p.targets, p.values, p.calldatas, p.descriptionHash);
    }

    function test_RevertWhen_cancelByAnother() public {
        _propose(alice, p);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorUnableToCancel.selector, p.id, bob));
        governor.cancel(p.targets, p.values, p.calldatas, p.descriptionHash);
    }

    // ---------------------------------------------------------------- vote

    function test_castVote_countsLiquidAndLockedFlock() public {
        _lock(bob, 10_000_000e18, 180 days);
        vm.warp(block.timestamp + 1);
        _propose(alice, p);
        _toVote(p.id);
        vm.expectEmit(address(governor));
        emit IGovernor.VoteCast(bob, p.id, 1, BOB_FLOCK, "");
        assertEq(_vote(bob, p.id, 1), BOB_FLOCK, "20M liquid + 10M locked");
        (uint256 against, uint256 forVotes, uint256 abstain) = governor.proposalVotes(p.id);
        assertEq(forVotes, BOB_FLOCK);
        assertEq(against + abstain, 0);
        assertTrue(governor.hasVoted(p.id, bob));
    }

    function test_castVote_holderWhoLockedEverythingVotesWithFullWeight() public {
        _lock(carol, CAROL_FLOCK / 2, 30 days);
        _lock(carol, CAROL_FLOCK / 2, 365 days);
        assertEq(flock.balanceOf(carol), 0, "all FLOCK locked");
        vm.warp(block.timestamp + 1);
        assertEq(flock.getVotes(carol), 0);
        assertEq(votes.getVotes(carol), CAROL_FLOCK);
        _propose(alice, p);
        _toVote(p.id);
        assertEq(governor.getVotes(carol, governor.proposalSnapshot(p.id)), CAROL_FLOCK);
        assertEq(_vote(carol, p.id, 0), CAROL_FLOCK, "full weight: multiplier ignored, locked FLOCK counted once");
        (uint256 against,,) = governor.proposalVotes(p.id);
        assertEq(against, CAROL_FLOCK);
    }

    function test_castVote_usesTheSnapshotNotTheFlagSnapshot() public {
        _propose(alice, p);
        // dave gets 5M more during the flag window: it counts for the vote (snapshot at its end).
        _fund(dave, 5_000_000e18);
        _toVote(p.id);
        assertEq(_vote(dave, p.id, 2), 2 * DAVE_FLOCK);
    }

    function test_RevertWhen_voteTwice() public {
        _propose(alice, p);
        _toVote(p.id);
        _vote(alice, p.id, 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorAlreadyCastVote.selector, alice));
        governor.castVote(p.id, 0);
    }

    function test_RevertWhen_voteDuringTheFlagWindow() public {
        _propose(alice, p);
        vm.prank(alice);
        vm.expectRevert(_unexpectedState(p.id, IGovernor.ProposalState.Pending, IGovernor.ProposalState.Active));
        governor.castVote(p.id, 1);
    }

    function test_RevertWhen_voteAfterTheDeadline() public {
        _propose(alice, p);
        _toVoteEnd(p.id);
        vm.prank(alice);
        vm.expectRevert(_unexpectedState(p.id, IGovernor.ProposalState.Defeated, IGovernor.ProposalState.Active));
        governor.castVote(p.id, 1);
    }

    function test_vote_defeatedWithoutQuorum() public {
        _propose(alice, p);
        _toVote(p.id);
        _vote(alice, p.id, 1); // 30M < 40M quorum
        _toVoteEnd(p.id);
        assertEq(uint8(_state(p.id)), uint8(IGovernor.ProposalState.Defeated));
    }

    function test_vote_succeedsWithMoreForThanAgainst() public {
        _propose(alice, p);
        _toVote(p.id);
        _vote(alice, p.id, 1);
        _vote(carol, p.id, 1);
        _vote(bob, p.id, 0);
        _vote(dave, p.id, 0);
        _toVoteEnd(p.id);
        assertEq(uint8(_state(p.id)), uint8(IGovernor.ProposalState.Succeeded), "50M for vs 35M against");
    }

    function test_vote_defeatedByATie() public {
        _propose(alice, p);
        _toVote(p.id);
        _vote(alice, p.id, 1);
        _vote(bob, p.id, 0);
        _vote(carol, p.id, 2); // quorum (for + abstain = 50M) reached, but for does not beat against
        _toVoteEnd(p.id);
        assertEq(uint8(_state(p.id)), uint8(IGovernor.ProposalState.Defeated));
    }

    // ---------------------------------------------------------------- queue and execute

    function test_queue_schedulesOnTheTimelock() public {
        _propose(alice, p);
        _pass(p.id);
        assertEq(uint8(_state(p.id)), uint8(IGovernor.ProposalState.Succeeded));
        _queue(p);
        assertEq(uint8(_state(p.id)), uint8(IGovernor.ProposalState.Queued));
        assertEq(governor.proposalEta(p.id), block.timestamp + TIMELOCK_DELAY);
    }

    function test_RevertWhen_queueBeforeTheVoteEnds() public {
        _propose(alice, p);
        _toVote(p.id);
        vm.expectRevert(_unexpectedState(p.id, IGovernor.ProposalState.Active, IGovernor.ProposalState.Succeeded));
        _queue(p);
    }

    function test_RevertWhen_queueADefeatedProposal() public {
        _propose(alice, p);
        _toVoteEnd(p.id);
        vm.expectRevert(_unexpectedState(p.id, IGovernor.ProposalState.Defeated, IGovernor.ProposalState.Succeeded));
        _queue(p);
    }

    function test_RevertWhen_executeBeforeTheTimelockDelay() public {
        _propose(alice, p);
        _pass(p.id);
        _queue(p);
        bytes32 opId = timelock.hashOperationBatch(p.targets, p.values, p.calldatas, 0, _salt(p.descriptionHash));
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector, opId, bytes32(uint256(1 << 2))
            )
        );
        _execute(p);
    }

    function test_RevertWhen_executeUnqueued() public {
        _propose(alice, p);
        _pass(p.id);
        vm.expectRevert(_unexpectedState(p.id, IGovernor.ProposalState.Succeeded, IGovernor.ProposalState.Queued));
        _execute(p);
    }

    function test_execute_changesTheParameter() public {
        _enact(p);
        assertEq(config.get(Params.POOL_SIGMA_MAX), 0.4e18);
    }

    function test_execute_directlyOnTheTimelockCountsAsExecuted() public {
        _propose(alice, p);
        _pass(p.id);
        _queue(p);
        vm.warp(block.timestamp + TIMELOCK_DELAY);
        vm.prank(eve);
        timelock.executeBatch(p.targets, p.values, p.calldatas, 0, _salt(p.descriptionHash));
        assertEq(uint8(_state(p.id)), uint8(IGovernor.ProposalState.Executed));
        assertEq(governor.claimReward(p.id), REWARD, "the proposer is still rewarded");
    }

    function _salt(bytes32 descriptionHash) private view returns (bytes32) {
        return bytes20(address(governor)) ^ descriptionHash;
    }

    // ---------------------------------------------------------------- claimBond

    function test_RevertWhen_claimBondWhilePending() public {
        _propose(alice, p);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlockGovernor.FlockGovernorBondLocked.selector, p.id, IGovernor.ProposalState.Pending
            )
        );
        governor.claimBond(p.id);
    }

    function test_RevertWhen_claimBondWhileActive() public {
        _propose(alice, p);
        _toVote(p.id);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlockGovernor.FlockGovernorBondLocked.selector, p.id, IGovernor.ProposalState.Active
            )
        );
        governor.claimBond(p.id);
    }

    function test_claimBond_whenDefeated() public {
        _propose(alice, p);
        _toVoteEnd(p.id);
        _assertBondReturns(p.id);
    }

    function test_claimBond_whenSucceeded() public {
        _propose(alice, p);
        _pass(p.id);
        _assertBondReturns(p.id);
        // The proposal goes on without its bond.
        _queue(p);
        vm.warp(block.timestamp + TIMELOCK_DELAY);
        _execute(p);
    }

    function test_claimBond_whenQueued() public {
        _propose(alice, p);
        _pass(p.id);
        _queue(p);
        _assertBondReturns(p.id);
    }

    function test_claimBond_whenExecuted() public {
        _enact(p);
        _assertBondReturns(p.id);
    }

    function test_claimBond_keepsFlagsBelowTheQuorum() public {
        _propose(alice, p);
        _flag(dave, p.id);
        _toVoteEnd(p.id);
        _assertBondReturns(p.id);
    }

    function _assertBondReturns(uint256 id) private {
        uint256 before = flock.balanceOf(alice);
        vm.expectEmit(address(governor));
        emit IFlockGovernor.BondReturned(id, alice, BOND);
        vm.prank(eve); // anyone may call; the bond goes to the proposer
        assertEq(governor.claimBond(id), BOND);
        assertEq(flock.balanceOf(alice), before + BOND);
        assertEq(governor.bondsHeld(), 0);
        assertEq(uint8(governor.bondInfo(id).status), uint8(IFlockGovernor.BondStatus.Returned));
    }

    function test_RevertWhen_claimBondTwice() public {
        _propose(alice, p);
        _toVoteEnd(p.id);
        governor.claimBond(p.id);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlockGovernor.FlockGovernorBondSettled.selector, p.id, IFlockGovernor.BondStatus.Returned
            )
        );
        governor.claimBond(p.id);
    }

    function test_RevertWhen_claimBondOfADroppedProposal() public {
        _dropP();
        _toVoteEnd(p.id);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlockGovernor.FlockGovernorBondSettled.selector, p.id, IFlockGovernor.BondStatus.Slashed
            )
        );
        governor.claimBond(p.id);
    }

    function test_RevertWhen_claimBondOfAnUnknownProposal() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorNonexistentProposal.selector, 7));
        governor.claimBond(7);
    }

    // ---------------------------------------------------------------- claimReward

    function test_claimReward_paysTheProposerOnce() public {
        _enact(p);
        uint256 before = flock.balanceOf(alice);
        vm.expectEmit(address(governor));
        emit IFlockGovernor.RewardClaimed(p.id, alice, REWARD);
        vm.prank(eve);
        assertEq(governor.claimReward(p.id), REWARD);
        assertEq(flock.balanceOf(alice), before + REWARD);
        assertEq(governor.rewardBudget(), REWARD_BUDGET - REWARD);
        assertTrue(governor.bondInfo(p.id).rewardClaimed);

        vm.expectRevert(abi.encodeWithSelector(IFlockGovernor.FlockGovernorNoReward.selector, p.id));
        governor.claimReward(p.id);
    }

    function test_RevertWhen_claimRewardBeforeExecution() public {
        _propose(alice, p);
        _pass(p.id);
        _queue(p);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlockGovernor.FlockGovernorNotExecuted.selector, p.id, IGovernor.ProposalState.Queued
            )
        );
        governor.claimReward(p.id);
    }

    function test_RevertWhen_claimRewardOfADefeatedProposal() public {
        _propose(alice, p);
        _toVoteEnd(p.id);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlockGovernor.FlockGovernorNotExecuted.selector, p.id, IGovernor.ProposalState.Defeated
            )
        );
        governor.claimReward(p.id);
    }

    function test_RevertWhen_claimRewardBeyondTheBudget() public {
        // Governance takes the whole budget back, then a proposal is executed.
        Proposal memory drain = _proposal(
            address(governor), abi.encodeCall(governor.returnRewardBudget, (REWARD_BUDGET)), "Return the budget"
        );
        _enact(drain);
        assertEq(governor.rewardBudget(), 0);
        // Its own reward cannot be paid while the budget is empty; bonds held are never used.
        _propose(alice, p);
        vm.expectRevert(
            abi.encodeWithSelector(IFlockGovernor.FlockGovernorRewardUnfunded.selector, drain.id, REWARD, 0)
        );
        governor.claimReward(drain.id);
        // Once the treasury funds the budget it can be claimed.
        vm.prank(address(timelock));
        flock.transfer(address(governor), REWARD);
        assertEq(governor.claimReward(drain.id), REWARD);
    }

    function test_RevertWhen_claimRewardOfAProposalMadeWithoutReward() public {
        _enact(_proposal(address(governor), abi.encodeCall(governor.setSetting, (PROPOSAL_REWARD, 0)), "No rewards"));
        _enact(p);
        vm.expectRevert(abi.encodeWithSelector(IFlockGovernor.FlockGovernorNoReward.selector, p.id));
        governor.claimReward(p.id);
    }

    // ---------------------------------------------------------------- governance-only settings

    function test_RevertWhen_settingsAreChangedDirectly() public {
        bytes memory onlyExecutor = abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, address(this));
        vm.expectRevert(onlyExecutor);
        governor.setSetting(PROPOSAL_BOND, 1e18);
        vm.expectRevert(onlyExecutor);
        governor.setVotingDelay(1 days);
        vm.expectRevert(onlyExecutor);
        governor.setVotingPeriod(1 days);
        vm.expectRevert(onlyExecutor);
        governor.setProposalThreshold(0);
        vm.expectRevert(onlyExecutor);
        governor.updateQuorumNumerator(0.05e18);
        vm.expectRevert(onlyExecutor);
        governor.returnRewardBudget(1);
        vm.expectRevert(onlyExecutor);
        governor.updateTimelock(TimelockController(payable(address(0xdead))));
    }

    function test_RevertWhen_theTimelockCallsASetterOutsideAProposal() public {
        // onlyGovernance also needs the call to come from a proposal executed by this Governor.
        vm.prank(address(timelock));
        vm.expectRevert();
        governor.setSetting(PROPOSAL_BOND, 1e18);
    }

    function test_setSetting_throughGovernance() public {
        Proposal memory q =
            _readyToExecute(address(governor), abi.encodeCall(governor.setSetting, (PROPOSAL_BOND, 20_000e18)), "bond");
        vm.expectEmit(address(governor));
        emit IFlockGovernor.ProposalBondSet(BOND, 20_000e18);
        _execute(q);
        assertEq(governor.proposalBond(), 20_000e18);

        q = _readyToExecute(
            address(governor), abi.encodeCall(governor.setSetting, (PROPOSAL_REWARD, 2_000e18)), "reward"
        );
        vm.expectEmit(address(governor));
        emit IFlockGovernor.ProposalRewardSet(REWARD, 2_000e18);
        _execute(q);
        assertEq(governor.proposalReward(), 2_000e18);

        q = _readyToExecute(
            address(governor), abi.encodeCall(governor.setSetting, (FLAG_THRESHOLD_KEY, 0.02e18)), "flags"
        );
        vm.expectEmit(address(governor));
        emit IFlockGovernor.FlagThresholdSet(FLAG_THRESHOLD, 0.02e18);
        _execute(q);
        assertEq(governor.flagThreshold(), 0.02e18);

        // Later proposals use the new values; earlier ones keep theirs.
        uint256 before = flock.balanceOf(alice);
        _propose(alice, p);
        assertEq(before - flock.balanceOf(alice), 20_000e18);
        assertEq(governor.bondInfo(p.id).reward, 2_000e18);
        assertEq(governor.bondInfo(p.id).flagQuorum, 20_000_000e18);
    }

    function test_ozSettings_throughGovernance() public {
        Proposal memory q =
            _proposal(address(governor), abi.encodeCall(governor.setVotingDelay, (3 days)), "longer flag window");
        _enact(q);
        assertEq(governor.votingDelay(), 3 days);
        _enact(_proposal(address(governor), abi.encodeCall(governor.setVotingPeriod, (7 days)), "longer vote"));
        assertEq(governor.votingPeriod(), 7 days);
        _enact(_proposal(address(governor), abi.encodeCall(governor.setProposalThreshold, (1e18)), "threshold"));
        assertEq(governor.proposalThreshold(), 1e18);
        _enact(_proposal(address(governor), abi.encodeCall(governor.updateQuorumNumerator, (0.05e18)), "quorum"));
        assertEq(governor.quorumNumerator(), 0.05e18);
        _propose(alice, p);
        assertEq(governor.proposalSnapshot(p.id), block.timestamp + 3 days, "the new flag window");
    }

    function test_RevertWhen_governanceSetsOutOfBounds() public {
        Proposal memory q = _readyToExecute(
            address(governor), abi.encodeCall(governor.setSetting, (FLAG_THRESHOLD_KEY, 0.0001e18)), "too low"
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlockGovernor.FlockGovernorSettingOutOfBounds.selector, FLAG_THRESHOLD_KEY, 0.0001e18, 0.001e18, 0.5e18
            )
        );
        _execute(q);

        q = _readyToExecute(address(governor), abi.encodeCall(governor.setVotingDelay, (0)), "no flag window");
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlockGovernor.FlockGovernorSettingOutOfBounds.selector, bytes32("votingDelay"), 0, 1, 30 days
            )
        );
        _execute(q);
    }

    function test_RevertWhen_governanceSetsAnUnknownSetting() public {
        Proposal memory q =
            _readyToExecute(address(governor), abi.encodeCall(governor.setSetting, (bytes32("votingDelay"), 5)), "x");
        vm.expectRevert(
            abi.encodeWithSelector(IFlockGovernor.FlockGovernorUnknownSetting.selector, bytes32("votingDelay"))
        );
        _execute(q);
    }

    function test_returnRewardBudget_throughGovernance() public {
        uint256 before = flock.balanceOf(address(timelock));
        Proposal memory q =
            _readyToExecute(address(governor), abi.encodeCall(governor.returnRewardBudget, (2_000e18)), "give back");
        vm.expectEmit(address(governor));
        emit IFlockGovernor.RewardBudgetReturned(address(timelock), 2_000e18);
        _execute(q);
        assertEq(flock.balanceOf(address(timelock)), before + 2_000e18);
        assertEq(governor.rewardBudget(), REWARD_BUDGET - 2_000e18);
    }

    function test_RevertWhen_returnRewardBudgetTakesBonds() public {
        Proposal memory q = _readyToExecute(
            address(governor), abi.encodeCall(governor.returnRewardBudget, (REWARD_BUDGET + 1)), "too much"
        );
        // The proposal's own bond is held (alice has not claimed it): it is not budget.
        assertEq(governor.bondsHeld(), BOND);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlockGovernor.FlockGovernorInsufficientRewardBudget.selector, REWARD_BUDGET + 1, REWARD_BUDGET
            )
        );
        _execute(q);
    }

    function test_fundRewardBudget_throughGovernance() public {
        _enact(_proposal(address(flock), abi.encodeCall(flock.transfer, (address(governor), 50_000e18)), "fund"));
        assertEq(governor.rewardBudget(), REWARD_BUDGET + 50_000e18);
    }

    function test_RevertWhen_relayTouchesFlock() public {
        vm.expectRevert(IFlockGovernor.FlockGovernorRelayToFlock.selector);
        governor.relay(address(flock), 0, abi.encodeCall(flock.transfer, (eve, BOND)));

        Proposal memory q = _readyToExecute(
            address(governor),
            abi.encodeCall(governor.relay, (address(flock), 0, abi.encodeCall(flock.transfer, (eve, 1)))),
            "steal"
        );
        vm.expectRevert(IFlockGovernor.FlockGovernorRelayToFlock.selector);
        _execute(q);
    }

    function test_relay_otherTargetsThroughGovernance() public {
        // relay still serves its purpose (e.g. calls from the Governor's own address) for other targets.
        _enact(
            _proposal(
                address(governor),
                abi.encodeCall(governor.relay, (address(votes), 0, abi.encodeCall(votes.getVotes, (alice)))),
                "relay a call"
            )
        );
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, address(this)));
        governor.relay(address(votes), 0, "");
    }

    function test_codeSize_fitsEip170() public view {
        assertLe(address(governor).code.length, 24_576);
    }

    // ---------------------------------------------------------------- lifecycle

    /// @notice The whole path of a parameter change: propose (bond pulled), a flag below the
    /// quorum, vote, queue, execute by anyone after the delay; the bond comes back and the reward
    /// is paid from the budget the treasury funded.
    function test_lifecycle_parameterChange() public {
        uint256 aliceStart = flock.balanceOf(alice);
        uint256 treasuryStart = flock.balanceOf(address(timelock));
        Proposal memory q = _proposal(
            address(config),
            abi.encodeCall(config.set, (Params.EMISSION_DAILY_CAP, 2_000e18)),
            "Raise the emission's daily cap to 2,000 FLOCK"
        );

        _propose(alice, q);
        assertEq(flock.balanceOf(alice), aliceStart - BOND);
        _flag(dave, q.id); // 5M < 10M: stays
        _toVote(q.id);
        _vote(alice, q.id, 1);
        _vote(bob, q.id, 1);
        _vote(carol, q.id, 0);
        _vote(dave, q.id, 2);
        _toVoteEnd(q.id);
        assertEq(uint8(_state(q.id)), uint8(IGovernor.ProposalState.Succeeded));
        _queue(q);
        vm.warp(block.timestamp + TIMELOCK_DELAY);
        vm.prank(eve);
        governor.execute(q.targets, q.values, q.calldatas, q.descriptionHash);

        assertEq(config.get(Params.EMISSION_DAILY_CAP), 2_000e18);
        assertEq(uint8(_state(q.id)), uint8(IGovernor.ProposalState.Executed));
        governor.claimBond(q.id);
        governor.claimReward(q.id);
        assertEq(flock.balanceOf(alice), aliceStart + REWARD);
        assertEq(flock.balanceOf(address(timelock)), treasuryStart, "the treasury paid nothing directly");
        assertEq(governor.bondsHeld(), 0);
    }

    /// @notice A spam proposal (draining the treasury) is flagged during its window, dropped, and
    /// its bond slashed to the treasury; it can never be voted, queued or executed.
    function test_lifecycle_spamIsDroppedAndSlashed() public {
        address spammer = makeAddr("spammer");
        _holder(spammer, PROPOSAL_THRESHOLD + BOND);
        vm.warp(block.timestamp + 1);
        Proposal memory spam = _proposal(
            address(flock), abi.encodeCall(flock.transfer, (spammer, TREASURY_FUNDS)), "Fund community growth"
        );
        uint256 treasuryStart = flock.balanceOf(address(timelock));

        _propose(spammer, spam);
        vm.warp(block.timestamp + 1 hours);
        _flag(dave, spam.id);
        _flag(carol, spam.id); // 25M >= 10M: dropped
        assertEq(uint8(_state(spam.id)), uint8(IGovernor.ProposalState.Canceled));
        assertEq(flock.balanceOf(address(timelock)), treasuryStart + BOND);
        assertEq(flock.balanceOf(spammer), PROPOSAL_THRESHOLD);

        _toVote(spam.id);
        vm.prank(spammer);
        vm.expectRevert(_unexpectedState(spam.id, IGovernor.ProposalState.Canceled, IGovernor.ProposalState.Active));
        governor.castVote(spam.id, 1);
        _toVoteEnd(spam.id);
        vm.expectRevert(_unexpectedState(spam.id, IGovernor.ProposalState.Canceled, IGovernor.ProposalState.Succeeded));
        _queue(spam);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlockGovernor.FlockGovernorBondSettled.selector, spam.id, IFlockGovernor.BondStatus.Slashed
            )
        );
        governor.claimBond(spam.id);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlockGovernor.FlockGovernorNotExecuted.selector, spam.id, IGovernor.ProposalState.Canceled
            )
        );
        governor.claimReward(spam.id);
        assertEq(flock.balanceOf(address(timelock)), treasuryStart + BOND, "the treasury kept its funds");
    }
}
