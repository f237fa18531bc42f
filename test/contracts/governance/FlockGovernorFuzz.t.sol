// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";

import {FlockGovernor} from "../../../contracts/governance/FlockGovernor.sol";
import {IFlockGovernor} from "../../../contracts/interfaces/IFlockGovernor.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {GovernanceFixture} from "../utils/GovernanceFixture.sol";

/// @notice Property tests of FlockGovernor over random weights, times and settings.
contract FlockGovernorFuzzTest is GovernanceFixture {
    uint256 private constant FLAG_QUORUM = 10_000_000e18;

    /// @notice Whatever the split between liquid and locked FLOCK (and the lock's length), a
    /// holder votes with all of it.
    function testFuzz_castVote_weightIsLiquidPlusLocked(uint256 liquid, uint256 locked, uint256 duration) public {
        liquid = bound(liquid, 0, 100_000_000e18);
        locked = bound(locked, 0, 100_000_000e18);
        duration = bound(duration, 0, 365 days);
        _holder(eve, liquid + locked);
        if (locked > 0) _lock(eve, locked, duration);
        vm.warp(block.timestamp + 1);
        Proposal memory p = _paramProposal(Params.POOL_SIGMA_MAX, 0.4e18, "p");
        _propose(alice, p);
        _toVote(p.id);
        assertEq(_vote(eve, p.id, 1), liquid + locked);
    }

    /// @notice Flags accumulate; the proposal is dropped at the first flag that makes the total
    /// reach the flag quorum, never before, and nobody can flag it afterwards.
    function testFuzz_flag_dropsExactlyWhenTheQuorumIsReached(uint256[5] memory weights) public {
        address[5] memory flaggers;
        for (uint256 i; i < 5; ++i) {
            weights[i] = bound(weights[i], 1, 6_000_000e18);
            flaggers[i] = makeAddr(string.concat("flagger", vm.toString(i)));
            _holder(flaggers[i], weights[i]);
        }
        vm.warp(block.timestamp + 1);
        Proposal memory p = _paramProposal(Params.POOL_SIGMA_MAX, 0.4e18, "p");
        _propose(alice, p);
        uint256 treasuryBefore = flock.balanceOf(address(timelock));

        uint256 total;
        bool dropped;
        for (uint256 i; i < 5; ++i) {
            if (dropped) {
                vm.prank(flaggers[i]);
                vm.expectRevert(
                    abi.encodeWithSelector(
                        IFlockGovernor.FlockGovernorFlagWindowClosed.selector, p.id, IGovernor.ProposalState.Canceled
                    )
                );
                governor.flag(p.id);
                continue;
            }
            total += _flag(flaggers[i], p.id);
            dropped = total >= FLAG_QUORUM;
            assertEq(governor.state(p.id) == IGovernor.ProposalState.Canceled, dropped);
            assertEq(governor.bondInfo(p.id).flagWeight, total);
        }
        assertEq(flock.balanceOf(address(timelock)), treasuryBefore + (dropped ? BOND : 0));
        assertEq(governor.bondsHeld(), dropped ? 0 : BOND);
    }

    /// @notice A bond can be claimed exactly when the proposal has left Pending and Active.
    function testFuzz_claimBond_onlyAfterTheVote(uint256 elapsed, bool votedFor) public {
        elapsed = bound(elapsed, 0, 3 * (FLAG_WINDOW + VOTING_PERIOD));
        Proposal memory p = _paramProposal(Params.POOL_SIGMA_MAX, 0.4e18, "p");
        uint256 createdAt = block.timestamp;
        _propose(alice, p);
        if (votedFor) {
            _toVote(p.id);
            _vote(alice, p.id, 1);
            _vote(bob, p.id, 1);
        }
        vm.warp(Math.max(block.timestamp, createdAt + elapsed));
        IGovernor.ProposalState s = governor.state(p.id);
        if (s == IGovernor.ProposalState.Pending || s == IGovernor.ProposalState.Active) {
            vm.expectRevert(abi.encodeWithSelector(IFlockGovernor.FlockGovernorBondLocked.selector, p.id, s));
            governor.claimBond(p.id);
        } else {
            assertEq(governor.claimBond(p.id), BOND);
        }
    }

    /// @notice A setting is accepted exactly within its bounds.
    function testFuzz_settings_acceptedExactlyWithinBounds(uint256 value, uint8 which) public {
        which = uint8(bound(which, 0, 6));
        bytes32[7] memory names = [
            bytes32("votingDelay"),
            "votingPeriod",
            "proposalThreshold",
            "quorumFraction",
            "proposalBond",
            "proposalReward",
            "flagThreshold"
        ];
        (uint256 min, uint256 max) = governor.settingBounds(names[which]);
        // Half the runs near the bounds, where mistakes live.
        if (value % 2 == 0) value = bound(value, min == 0 ? 0 : min - 1, max + 1);
        if (which < 2) value = bound(value, 0, type(uint32).max);
        IFlockGovernor.Settings memory s = _settings();
        if (which == 0) s.votingDelay = uint48(value);
        else if (which == 1) s.votingPeriod = uint32(value);
        else if (which == 2) s.proposalThreshold = value;
        else if (which == 3) s.quorumFraction = value;
        else if (which == 4) s.proposalBond = value;
        else if (which == 5) s.proposalReward = value;
        else s.flagThreshold = value;

        bool within = value >= min && value <= max;
        if (!within) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IFlockGovernor.FlockGovernorSettingOutOfBounds.selector, names[which], value, min, max
                )
            );
        }
        new FlockGovernor(votes, timelock, s);
    }

    /// @notice The flag quorum is the flag threshold's share of the supply, rounded up.
    function testFuzz_propose_flagQuorumIsThresholdOfSupply(uint256 threshold) public {
        threshold = bound(threshold, 0.001e18, 0.5e18);
        IFlockGovernor.Settings memory s = _settings();
        s.flagThreshold = threshold;
        FlockGovernor g = new FlockGovernor(votes, timelock, s);
        Proposal memory p = _paramProposal(Params.POOL_SIGMA_MAX, 0.4e18, "p");
        vm.startPrank(alice);
        flock.approve(address(g), BOND);
        uint256 id = g.propose(p.targets, p.values, p.calldatas, p.description);
        vm.stopPrank();
        assertEq(g.bondInfo(id).flagQuorum, Math.mulDiv(SUPPLY, threshold, 1e18, Math.Rounding.Ceil));
    }
}
