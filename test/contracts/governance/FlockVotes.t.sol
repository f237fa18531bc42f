// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {Votes} from "@openzeppelin/contracts/governance/utils/Votes.sol";

import {FlockToken} from "../../../contracts/token/FlockToken.sol";
import {GmFlock} from "../../../contracts/staking/GmFlock.sol";
import {FlockVotes} from "../../../contracts/governance/FlockVotes.sol";
import {IFlockVotes} from "../../../contracts/interfaces/IFlockVotes.sol";
import {IGmFlock} from "../../../contracts/interfaces/IGmFlock.sol";
import {GovernanceFixture} from "../utils/GovernanceFixture.sol";

/// @dev A gmFLOCK stand-in on another clock.
contract BlockClockGm {
    address public flock;

    constructor(address flock_) {
        flock = flock_;
    }

    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=blocknumber&from=default";
    }
}

/// @notice FlockVotes: an account's weight is its delegated FLOCK plus the FLOCK it locked, at any
/// past time; the total is FLOCK's supply; delegation happens on the token.
contract FlockVotesTest is GovernanceFixture {
    function test_constructor_readsBothTokens() public view {
        assertEq(address(votes.flock()), address(flock));
        assertEq(address(votes.gmFlock()), address(gm));
        assertEq(votes.CLOCK_MODE(), "mode=timestamp");
        assertEq(votes.clock(), block.timestamp);
    }

    function test_getVotes_sumsDelegatedAndLockedFlock() public {
        _lock(alice, 10_000_000e18, 365 days);
        assertEq(flock.getVotes(alice), ALICE_FLOCK - 10_000_000e18);
        assertEq(gm.getVotes(alice), 10_000_000e18);
        assertEq(votes.getVotes(alice), ALICE_FLOCK, "locking never costs a vote");
    }

    function test_getPastVotes_readsEachTimepoint() public {
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 10);
        _lock(bob, 5_000_000e18, 0);
        vm.warp(t0 + 20);
        vm.prank(bob);
        flock.transfer(eve, 1_000_000e18);
        vm.warp(t0 + 30);
        assertEq(votes.getPastVotes(bob, t0), BOB_FLOCK);
        assertEq(votes.getPastVotes(bob, t0 + 10), BOB_FLOCK);
        assertEq(votes.getPastVotes(bob, t0 + 20), BOB_FLOCK - 1_000_000e18);
        assertEq(votes.getPastVotes(eve, t0 + 20), 0, "eve never delegated");
    }

    function test_getVotes_lockedFlockCountsWithoutDelegation() public {
        _fund(eve, 1_000e18);
        assertEq(votes.getVotes(eve), 0, "liquid FLOCK needs delegation");
        _lock(eve, 400e18, 0);
        assertEq(votes.getVotes(eve), 400e18, "locked FLOCK counts for the locker directly");
        vm.prank(eve);
        flock.delegate(eve);
        assertEq(votes.getVotes(eve), 1_000e18);
    }

    function test_getVotes_lockedFlockStaysWithTheLockerWhenGmIsDelegatedToAPool() public {
        address op = makeAddr("operator");
        _createPool(op, SIGMA);
        _delegate(eve, op, 1_000e18);
        assertEq(gm.balanceOf(eve), 0, "the gmFLOCK sits in the pool");
        assertEq(votes.getVotes(eve), 1_000e18);
        assertEq(votes.getVotes(address(pools)), 0);
    }

    function test_getPastTotalSupply_isFlockSupply() public {
        _lock(carol, CAROL_FLOCK, 365 days);
        vm.warp(block.timestamp + 1);
        assertEq(votes.getPastTotalSupply(block.timestamp - 1), SUPPLY, "locked FLOCK is not counted twice");
    }

    function test_delegates_readsTheToken() public view {
        assertEq(votes.delegates(alice), alice);
        assertEq(votes.delegates(eve), address(0));
    }

    function test_RevertWhen_delegate() public {
        vm.expectRevert(abi.encodeWithSelector(IFlockVotes.FlockVotesDelegateOnToken.selector, address(flock)));
        votes.delegate(alice);
        vm.expectRevert(abi.encodeWithSelector(IFlockVotes.FlockVotesDelegateOnToken.selector, address(flock)));
        votes.delegateBySig(alice, 0, block.timestamp, 27, bytes32(0), bytes32(0));
    }

    function test_RevertWhen_lookingUpThePresent() public {
        vm.expectRevert(abi.encodeWithSelector(Votes.ERC5805FutureLookup.selector, block.timestamp, block.timestamp));
        votes.getPastVotes(alice, block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(Votes.ERC5805FutureLookup.selector, block.timestamp, block.timestamp));
        votes.getPastTotalSupply(block.timestamp);
    }

    function test_RevertWhen_gmLocksAnotherToken() public {
        FlockToken other = new FlockToken(address(this));
        GmFlock otherGm = new GmFlock(IERC20(address(other)), config);
        vm.expectRevert(
            abi.encodeWithSelector(IFlockVotes.FlockVotesTokenMismatch.selector, address(flock), address(other))
        );
        new FlockVotes(IERC5805(address(flock)), otherGm);
    }

    function test_RevertWhen_clocksDiffer() public {
        BlockClockGm odd = new BlockClockGm(address(flock));
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlockVotes.FlockVotesClockMismatch.selector, "mode=timestamp", "mode=blocknumber&from=default"
            )
        );
        new FlockVotes(IERC5805(address(flock)), IGmFlock(address(odd)));
    }

    function testFuzz_getPastVotes_isDelegatedPlusLocked(
        uint256 liquid,
        uint256 locked,
        uint256 duration,
        bool delegated
    ) public {
        liquid = bound(liquid, 0, 1e27 / 4);
        locked = bound(locked, 1, 1e27 / 4);
        duration = bound(duration, 0, 365 days);
        _fund(eve, liquid + locked);
        if (delegated) {
            vm.prank(eve);
            flock.delegate(eve);
        }
        _lock(eve, locked, duration);
        vm.warp(block.timestamp + 1);
        uint256 expected = (delegated ? liquid : 0) + locked;
        assertEq(votes.getPastVotes(eve, block.timestamp - 1), expected);
        assertEq(votes.getVotes(eve), expected);
        assertEq(
            votes.getPastVotes(eve, block.timestamp - 1),
            flock.getPastVotes(eve, block.timestamp - 1) + gm.getPastVotes(eve, block.timestamp - 1)
        );
    }
}
