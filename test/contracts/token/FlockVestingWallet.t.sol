// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {VestingWallet} from "@openzeppelin/contracts/finance/VestingWallet.sol";
import {VestingWalletCliff} from "@openzeppelin/contracts/finance/VestingWalletCliff.sol";
import {FlockVestingWallet} from "../../../contracts/token/FlockVestingWallet.sol";
import {Fixture} from "../utils/Fixture.sol";

/// @notice The genesis vesting wallet with the real FLOCK token: the schedule (cliff, linear, end),
/// who gets paid, and that locked tokens carry no votes.
contract FlockVestingWalletTest is Fixture {
    uint64 internal constant START = 1_800_000_000; // 2027-01-15, well after the fixture's timestamp
    uint64 internal constant YEAR = 365 days;
    uint64 internal constant DURATION = 4 * YEAR;
    uint64 internal constant CLIFF = YEAR;
    uint256 internal constant AMOUNT = 60_000_000e18;

    FlockVestingWallet internal wallet;

    function setUp() public override {
        super.setUp();
        wallet = new FlockVestingWallet(alice, START, DURATION, CLIFF);
        _fund(address(wallet), AMOUNT);
    }

    // ------------------------------------------------------------------ constructor

    function test_constructor_setsScheduleAndOwner() public view {
        assertEq(wallet.owner(), alice);
        assertEq(wallet.start(), START);
        assertEq(wallet.duration(), DURATION);
        assertEq(wallet.cliff(), START + CLIFF);
        assertEq(wallet.end(), START + DURATION);
    }

    function test_RevertWhen_cliffLongerThanDuration() public {
        vm.expectRevert(abi.encodeWithSelector(VestingWalletCliff.InvalidCliffDuration.selector, DURATION + 1, DURATION));
        new FlockVestingWallet(alice, START, DURATION, DURATION + 1);
    }

    function test_RevertWhen_beneficiaryIsZero() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableInvalidOwner.selector, address(0)));
        new FlockVestingWallet(address(0), START, DURATION, CLIFF);
    }

    // ------------------------------------------------------------------ schedule

    function test_nothingReleasableBeforeCliff() public {
        vm.warp(START - 1);
        assertEq(wallet.releasable(address(flock)), 0);
        vm.warp(START + CLIFF - 1);
        assertEq(wallet.releasable(address(flock)), 0);
        // Releasing before the cliff moves nothing (and does not revert).
        wallet.release(address(flock));
        assertEq(flock.balanceOf(alice), 0);
        assertEq(flock.balanceOf(address(wallet)), AMOUNT);
    }

    function test_linearAfterCliff() public {
        // At the cliff the whole first year vests at once: the schedule is linear from `start`.
        vm.warp(START + CLIFF);
        assertEq(wallet.releasable(address(flock)), AMOUNT / 4);
        vm.warp(START + DURATION / 2);
        assertEq(wallet.releasable(address(flock)), AMOUNT / 2);
        vm.warp(START + 3 * YEAR);
        assertEq(wallet.releasable(address(flock)), (AMOUNT * 3) / 4);
        vm.warp(START + DURATION - 1);
        assertEq(wallet.releasable(address(flock)), (AMOUNT * (DURATION - 1)) / DURATION);
    }

    function test_allReleasableAtEnd() public {
        vm.warp(START + DURATION);
        assertEq(wallet.releasable(address(flock)), AMOUNT);
        wallet.release(address(flock));
        assertEq(flock.balanceOf(alice), AMOUNT);
        assertEq(flock.balanceOf(address(wallet)), 0);
        vm.warp(START + DURATION + 10 * YEAR);
        assertEq(wallet.releasable(address(flock)), 0);
    }

    // ------------------------------------------------------------------ release

    function test_release_byAnyonePaysBeneficiary() public {
        vm.warp(START + DURATION / 2);
        vm.expectEmit(true, false, false, true, address(wallet));
        emit VestingWallet.ERC20Released(address(flock), AMOUNT / 2);
        vm.prank(carol);
        wallet.release(address(flock));
        assertEq(flock.balanceOf(alice), AMOUNT / 2);
        assertEq(flock.balanceOf(carol), 0);
        assertEq(wallet.released(address(flock)), AMOUNT / 2);
        assertEq(wallet.releasable(address(flock)), 0);

        // The rest keeps vesting on the same curve after a partial release.
        vm.warp(START + 3 * YEAR);
        assertEq(wallet.releasable(address(flock)), AMOUNT / 4);
    }

    function test_transferOwnership_redirectsLaterReleases() public {
        vm.prank(alice);
        wallet.transferOwnership(bob);
        assertEq(wallet.owner(), bob);
        vm.warp(START + DURATION);
        wallet.release(address(flock));
        assertEq(flock.balanceOf(bob), AMOUNT);
        assertEq(flock.balanceOf(alice), 0);
    }

    function test_RevertWhen_nonOwnerTransfersOwnership() public {
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, carol));
        wallet.transferOwnership(carol);
    }

    // ------------------------------------------------------------------ votes

    function test_vestedTokensCarryNoVotes() public {
        // The genesis holder self-delegates before funding a second wallet: the FLOCK it moves
        // into the wallet leaves its votes and lands with nobody.
        flock.delegate(address(this));
        uint256 before = flock.getVotes(address(this));
        FlockVestingWallet other = new FlockVestingWallet(bob, START, DURATION, CLIFF);
        _fund(address(other), AMOUNT);
        assertEq(flock.getVotes(address(this)), before - AMOUNT);

        vm.prank(alice);
        flock.delegate(alice);
        assertEq(flock.delegates(address(wallet)), address(0));
        assertEq(flock.getVotes(address(wallet)), 0);
        assertEq(flock.getVotes(alice), 0);

        // The wallet has no way to delegate: it has no `delegate` function and its receive()
        // only takes plain ETH, so the call fails.
        (bool ok,) = address(wallet).call(abi.encodeWithSignature("delegate(address)", address(wallet)));
        assertFalse(ok);

        // Released tokens vote for the beneficiary's delegate.
        vm.warp(START + DURATION / 2);
        wallet.release(address(flock));
        assertEq(flock.getVotes(alice), AMOUNT / 2);
        assertEq(flock.getVotes(address(wallet)), 0);
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev For any schedule and amount: what was released plus what is releasable never exceeds
    /// the allocation, and it never decreases over time, across a release in between.
    function testFuzz_vestedIsBoundedAndMonotone(
        uint64 start,
        uint64 cliffSeconds,
        uint64 duration,
        uint256 amount,
        uint64 t0,
        uint64 t1
    ) public {
        start = uint64(bound(start, block.timestamp, uint256(type(uint40).max)));
        duration = uint64(bound(duration, 0, 20 * YEAR));
        cliffSeconds = uint64(bound(cliffSeconds, 0, duration));
        amount = bound(amount, 1, SUPPLY - AMOUNT); // setUp already vested AMOUNT
        uint256 horizon = uint256(start) + duration + YEAR;
        t0 = uint64(bound(t0, block.timestamp, horizon));
        t1 = uint64(bound(t1, t0, horizon));

        FlockVestingWallet w = new FlockVestingWallet(dave, start, duration, cliffSeconds);
        _fund(address(w), amount);

        vm.warp(t0);
        uint256 vested0 = w.released(address(flock)) + w.releasable(address(flock));
        assertLe(vested0, amount);
        if (t0 < uint256(start) + cliffSeconds) assertEq(vested0, 0);
        w.release(address(flock));
        assertEq(flock.balanceOf(dave), vested0);

        vm.warp(t1);
        uint256 vested1 = w.released(address(flock)) + w.releasable(address(flock));
        assertLe(vested1, amount);
        assertGe(vested1, vested0);
        if (t1 >= uint256(start) + duration) assertEq(vested1, amount);
        assertEq(flock.balanceOf(dave) + flock.balanceOf(address(w)), amount);
    }
}
