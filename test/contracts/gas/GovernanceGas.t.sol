// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Params} from "../../../contracts/libraries/Params.sol";
import {GovernanceFixture} from "../utils/GovernanceFixture.sol";

/// @notice Named gas snapshots (group "governance", written to snapshots/governance.json) of the
/// governance operations, each measured on its own call with every contract's storage marked cold
/// (`vm.cool`) just before it, as in a fresh transaction. Another proposal is already live (its
/// bond held, its votes cast), so counters are non-zero as in steady use; the proposer and the
/// flaggers already hold balances.
/// @dev `propose` includes OpenZeppelin's proposal bookkeeping, the bond pull and the flag-quorum
/// lookup; `flag_drop` is the flag that reaches the flag quorum (drop + slash transfer);
/// `execute` runs a `config.set` through the timelock.
contract GovernanceGasTest is GovernanceFixture {
    Proposal internal p;
    Proposal internal other;

    function setUp() public override {
        super.setUp();
        other = _paramProposal(Params.POOL_SIGMA_COOLDOWN, 3 days, "An earlier proposal");
        _propose(bob, other);
        _flag(dave, other.id);
        _toVote(other.id);
        _vote(bob, other.id, 1);
        p = _paramProposal(Params.POOL_SIGMA_MAX, 0.4e18, "Raise the highest pool share to 40%");
        vm.prank(alice);
        flock.approve(address(governor), BOND);
    }

    function _coolAll() internal {
        vm.cool(address(governor));
        vm.cool(address(timelock));
        vm.cool(address(votes));
        vm.cool(address(flock));
        vm.cool(address(gm));
        vm.cool(address(config));
    }

    function test_gas_propose() public {
        _coolAll();
        vm.prank(alice);
        governor.propose(p.targets, p.values, p.calldatas, p.description);
        vm.snapshotGasLastCall("governance", "propose");
    }

    function test_gas_flag() public {
        _propose(alice, p);
        _coolAll();
        vm.prank(dave);
        governor.flag(p.id);
        vm.snapshotGasLastCall("governance", "flag");
    }

    function test_gas_flagThatDrops() public {
        _propose(alice, p);
        _flag(dave, p.id);
        _coolAll();
        vm.prank(carol);
        governor.flag(p.id);
        vm.snapshotGasLastCall("governance", "flag_drop");
    }

    function test_gas_castVote_first() public {
        _propose(alice, p);
        _toVote(p.id);
        _coolAll();
        vm.prank(alice);
        governor.castVote(p.id, 1);
        vm.snapshotGasLastCall("governance", "castVote_first");
    }

    function test_gas_castVote() public {
        _propose(alice, p);
        _toVote(p.id);
        _vote(carol, p.id, 1);
        _coolAll();
        vm.prank(alice);
        governor.castVote(p.id, 1);
        vm.snapshotGasLastCall("governance", "castVote");
    }

    function test_gas_cancel() public {
        _propose(alice, p);
        _coolAll();
        vm.prank(alice);
        governor.cancel(p.targets, p.values, p.calldatas, p.descriptionHash);
        vm.snapshotGasLastCall("governance", "cancel");
    }

    function test_gas_queue() public {
        _propose(alice, p);
        _pass(p.id);
        _coolAll();
        governor.queue(p.targets, p.values, p.calldatas, p.descriptionHash);
        vm.snapshotGasLastCall("governance", "queue");
    }

    function test_gas_execute() public {
        _propose(alice, p);
        _pass(p.id);
        _queue(p);
        vm.warp(block.timestamp + TIMELOCK_DELAY);
        _coolAll();
        governor.execute(p.targets, p.values, p.calldatas, p.descriptionHash);
        vm.snapshotGasLastCall("governance", "execute");
    }

    function test_gas_claimBond() public {
        _propose(alice, p);
        _pass(p.id);
        _coolAll();
        governor.claimBond(p.id);
        vm.snapshotGasLastCall("governance", "claimBond");
    }

    function test_gas_claimReward() public {
        _enact(p);
        _coolAll();
        governor.claimReward(p.id);
        vm.snapshotGasLastCall("governance", "claimReward");
    }
}
