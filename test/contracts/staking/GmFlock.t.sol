// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IGmFlock} from "../../../contracts/interfaces/IGmFlock.sol";
import {GmFlock} from "../../../contracts/staking/GmFlock.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {Fixture} from "../utils/Fixture.sol";

/// @dev A FLOCK stand-in that calls back into gmFLOCK from inside `transferFrom` / `transfer`.
contract ReentrantToken is ERC20 {
    GmFlock public target;
    bytes public payload;

    constructor() ERC20("Reentrant", "RE") {
        _mint(msg.sender, 1e30);
    }

    function arm(GmFlock target_, bytes calldata payload_) external {
        target = target_;
        payload = payload_;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (address(target) != address(0) && payload.length > 0) {
            (bool ok, bytes memory ret) = address(target).call(payload);
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(ret, 0x20), mload(ret))
                }
            }
        }
    }
}

contract GmFlockTest is Fixture {
    uint256 private constant YEAR = 365 days;
    address private pool = makeAddr("pool");

    function setUp() public override {
        super.setUp();
        config.grantRole(config.GM_HOLDER_ROLE(), pool);
        vm.label(pool, "pool");
        vm.warp(1_700_000_000);
        _fund(alice, 1_000_000e18);
        _fund(bob, 1_000_000e18);
    }

    // ------------------------------------------------------------------ constructor / metadata

    function test_constructor_setsMetadataAndToken() public view {
        assertEq(gm.name(), "Governance-mining FLOCK");
        assertEq(gm.symbol(), "gmFLOCK");
        assertEq(gm.decimals(), 18);
        assertEq(address(gm.flock()), address(flock));
        assertEq(gm.totalSupply(), 0);
    }

    function test_clock_isBlockTimestamp() public view {
        assertEq(gm.clock(), 1_700_000_000);
        assertEq(gm.CLOCK_MODE(), "mode=timestamp");
        assertEq(gm.clock(), flock.clock(), "same clock as FLOCK");
    }

    // ------------------------------------------------------------------ multiplier

    function test_multiplier_isOneUpToBonusStart() public view {
        assertEq(gm.multiplier(0), WAD);
        assertEq(gm.multiplier(1 days), WAD);
        assertEq(gm.multiplier(30 days), WAD);
    }

    function test_multiplier_growsLinearlyAfterBonusStart() public view {
        // 2.19 * 1 day / 365 days = 0.006 exactly
        assertEq(gm.multiplier(31 days), 1.006e18);
        assertEq(gm.multiplier(200 days), WAD + 2.19e18 * 170 / 365);
    }

    function test_multiplier_is301PercentAtAYear() public view {
        assertEq(gm.multiplier(YEAR), 3.01e18);
    }

    function test_multiplier_capsAtMaxDuration() public view {
        assertEq(gm.multiplier(YEAR + 1), 3.01e18);
        assertEq(gm.multiplier(10 * YEAR), 3.01e18);
    }

    function test_multiplier_followsGovernedParameters() public {
        config.set(Params.LOCK_SLOPE, 1e18);
        config.set(Params.LOCK_BONUS_START, 0);
        config.set(Params.LOCK_MAX_DURATION, 2 * YEAR);
        assertEq(gm.multiplier(2 * YEAR), 3e18);
        assertEq(gm.multiplier(YEAR / 2), 1.5e18);
    }

    function test_multiplier_fitsThePositionAtExtremeParameters() public {
        config.set(Params.LOCK_SLOPE, 10e18);
        config.set(Params.LOCK_BONUS_START, 0);
        config.set(Params.LOCK_MAX_DURATION, 4 * YEAR);
        assertEq(gm.multiplier(4 * YEAR), 41e18);
        uint256 id = _lock(alice, 1e18, 4 * YEAR);
        assertEq(gm.position(alice, id).multiplier, 41e18);
        assertEq(gm.balanceOf(alice), 41e18);
    }

    // ------------------------------------------------------------------ lock

    function test_lock_mints301GmForHundredFlockOverAYear() public {
        uint256 id = _lock(alice, 100e18, YEAR);
        assertEq(id, 0);
        assertEq(gm.balanceOf(alice), 301e18);
        assertEq(gm.totalSupply(), 301e18);
    }

    function test_lock_storesPositionAndMovesFlock() public {
        uint256 before = flock.balanceOf(alice);
        uint256 id = _lock(alice, 50e18, 90 days);

        IGmFlock.Position memory p = gm.position(alice, id);
        assertEq(p.amount, 50e18);
        assertEq(p.gmAmount, gm.balanceOf(alice));
        assertEq(p.unlockAt, block.timestamp + 90 days);
        assertEq(p.multiplier, gm.multiplier(90 days));
        assertEq(gm.positionCount(alice), 1);
        assertEq(gm.lockedOf(alice), 50e18);
        assertEq(gm.totalLocked(), 50e18);
        assertEq(flock.balanceOf(alice), before - 50e18);
        assertEq(flock.balanceOf(address(gm)), 50e18);
    }

    function test_lock_noBonusAtBonusStart() public {
        _lock(alice, 7e18, 30 days);
        assertEq(gm.balanceOf(alice), 7e18);
    }

    function test_lock_zeroDurationRedeemsAtOnce() public {
        uint256 id = _lock(alice, 10e18, 0);
        vm.prank(alice);
        assertEq(gm.redeem(id, false), 9.5e18);
    }

    function test_lock_emitsLockedAndTransfer() public {
        vm.prank(alice);
        flock.approve(address(gm), 100e18);
        vm.expectEmit(true, true, false, true, address(gm));
        emit IERC20.Transfer(address(0), alice, 301e18);
        vm.expectEmit(true, true, false, true, address(gm));
        emit IGmFlock.Locked(alice, 0, 100e18, 301e18, block.timestamp + YEAR);
        vm.prank(alice);
        gm.lock(100e18, YEAR);
    }

    function test_lock_numbersPositionsPerAccount() public {
        assertEq(_lock(alice, 1e18, 0), 0);
        assertEq(_lock(alice, 1e18, 0), 1);
        assertEq(_lock(bob, 1e18, 0), 0);
        assertEq(_lock(alice, 1e18, 0), 2);
        assertEq(gm.positionCount(alice), 3);
        assertEq(gm.positionCount(bob), 1);
        assertEq(gm.lockedOf(alice), 3e18);
        assertEq(gm.totalLocked(), 4e18);
    }

    function test_lock_keepsMultiplierOfEarlierPositionsWhenParametersChange() public {
        uint256 id = _lock(alice, 100e18, YEAR);
        config.set(Params.LOCK_SLOPE, 0);
        assertEq(gm.position(alice, id).multiplier, 3.01e18);
        _lock(bob, 100e18, YEAR);
        assertEq(gm.balanceOf(bob), 100e18);
    }

    function test_RevertWhen_lockZeroAmount() public {
        vm.prank(alice);
        vm.expectRevert(IGmFlock.GmFlockZeroAmount.selector);
        gm.lock(0, YEAR);
    }

    function test_RevertWhen_lockLongerThanMaxDuration() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IGmFlock.GmFlockLockTooLong.selector, YEAR + 1, YEAR));
        gm.lock(1e18, YEAR + 1);
    }

    function test_RevertWhen_lockWithoutApproval() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(gm), 0, 1e18));
        gm.lock(1e18, 0);
    }

    function test_RevertWhen_lockMoreThanBalance() public {
        vm.startPrank(carol);
        flock.approve(address(gm), 1e18);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, carol, 0, 1e18));
        gm.lock(1e18, 0);
        vm.stopPrank();
    }

    function test_RevertWhen_lockReentered() public {
        ReentrantToken token = new ReentrantToken();
        GmFlock gm2 = new GmFlock(IERC20(address(token)), config);
        token.approve(address(gm2), type(uint256).max);
        token.arm(gm2, abi.encodeCall(IGmFlock.lock, (1, 0)));
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        gm2.lock(1e18, 0);
    }

    // ------------------------------------------------------------------ redeem

    function test_redeem_returnsAmountLessFee() public {
        uint256 id = _lock(alice, 100e18, YEAR);
        uint256 before = flock.balanceOf(alice);
        vm.warp(block.timestamp + YEAR);

        vm.prank(alice);
        uint256 out = gm.redeem(id, false);

        assertEq(out, 95e18);
        assertEq(flock.balanceOf(alice), before + 95e18);
        assertEq(flock.balanceOf(treasury), 5e18);
        assertEq(flock.balanceOf(address(gm)), 0);
        assertEq(gm.balanceOf(alice), 0);
        assertEq(gm.totalSupply(), 0);
        assertEq(gm.lockedOf(alice), 0);
        assertEq(gm.totalLocked(), 0);
        assertEq(gm.position(alice, id).amount, 0, "position closed");
        assertEq(gm.position(alice, id).gmAmount, 301e18, "history kept");
    }

    function test_redeem_emitsRedeemedAndBurn() public {
        uint256 id = _lock(alice, 100e18, YEAR);
        vm.warp(block.timestamp + YEAR);
        vm.expectEmit(true, true, false, true, address(gm));
        emit IERC20.Transfer(alice, address(0), 301e18);
        vm.expectEmit(true, true, false, true, address(gm));
        emit IGmFlock.Redeemed(alice, id, 301e18, 95e18, 5e18, 0);
        vm.prank(alice);
        gm.redeem(id, false);
    }

    function test_redeem_withoutFeeReturnsEverything() public {
        config.set(Params.REDEEM_FEE, 0);
        uint256 id = _lock(alice, 100e18, 0);
        vm.prank(alice);
        assertEq(gm.redeem(id, false), 100e18);
        assertEq(flock.balanceOf(treasury), 0);
    }

    function test_redeem_paysTheTreasuryOfTheMoment() public {
        uint256 id = _lock(alice, 100e18, 0);
        config.setTreasury(dave);
        vm.prank(alice);
        gm.redeem(id, false);
        assertEq(flock.balanceOf(dave), 5e18);
        assertEq(flock.balanceOf(treasury), 0);
    }

    function test_redeem_acceptShortfallWithFullBalanceBurnsOnlyThePosition() public {
        _lock(alice, 10e18, 0);
        uint256 id = _lock(alice, 100e18, YEAR);
        vm.warp(block.timestamp + YEAR);
        vm.prank(alice);
        gm.redeem(id, true);
        assertEq(gm.balanceOf(alice), 10e18, "the other position's gmFLOCK stays");
        assertEq(flock.balanceOf(treasury), 5e18, "nothing forfeited");
    }

    function test_redeem_shortfallForfeitsProRata() public {
        uint256 id = _lock(alice, 100e18, YEAR);
        // alice delegates 100 gmFLOCK into a pool, which is slashed and burns it
        vm.prank(alice);
        gm.transfer(pool, 100e18);
        vm.prank(pool);
        gm.burn(100e18);
        vm.warp(block.timestamp + YEAR);

        uint256 released = Math.mulDiv(100e18, 201e18, 301e18);
        uint256 fee = released * 5 / 100;
        uint256 forfeited = 100e18 - released;
        uint256 before = flock.balanceOf(alice);

        vm.expectEmit(true, true, false, true, address(gm));
        emit IGmFlock.Redeemed(alice, id, 201e18, released - fee, fee, forfeited);
        vm.prank(alice);
        uint256 out = gm.redeem(id, true);

        assertEq(out, released - fee);
        assertEq(flock.balanceOf(alice), before + out);
        assertEq(flock.balanceOf(treasury), fee + forfeited);
        assertEq(out + fee + forfeited, 100e18);
        assertEq(flock.balanceOf(address(gm)), 0);
        assertEq(gm.totalSupply(), 0);
    }

    function test_redeem_shortfallWithNoGmForfeitsEverything() public {
        uint256 id = _lock(alice, 100e18, 0);
        vm.prank(alice);
        gm.transfer(pool, 100e18);
        vm.prank(alice);
        uint256 out = gm.redeem(id, true);
        assertEq(out, 0);
        assertEq(flock.balanceOf(treasury), 100e18);
        assertEq(gm.totalLocked(), 0);
        assertEq(gm.balanceOf(pool), 100e18, "the pool's gmFLOCK is now unbacked");
    }

    function test_RevertWhen_redeemShortfallNotAccepted() public {
        uint256 id = _lock(alice, 100e18, 0);
        vm.prank(alice);
        gm.transfer(pool, 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IGmFlock.GmFlockInsufficientGm.selector, 100e18, 100e18 - 1));
        gm.redeem(id, false);
    }

    function test_RevertWhen_redeemStillLocked() public {
        uint256 id = _lock(alice, 1e18, 60 days);
        uint256 unlockAt = block.timestamp + 60 days;
        vm.warp(unlockAt - 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IGmFlock.GmFlockStillLocked.selector, id, unlockAt));
        gm.redeem(id, false);
        vm.warp(unlockAt);
        vm.prank(alice);
        gm.redeem(id, false);
    }

    function test_RevertWhen_redeemUnknownPosition() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IGmFlock.GmFlockUnknownPosition.selector, alice, 0));
        gm.redeem(0, false);
    }

    function test_RevertWhen_redeemTwice() public {
        uint256 id = _lock(alice, 1e18, 0);
        vm.prank(alice);
        gm.redeem(id, false);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IGmFlock.GmFlockUnknownPosition.selector, alice, id));
        gm.redeem(id, false);
    }

    function test_RevertWhen_redeemAnotherAccountsPosition() public {
        _lock(alice, 1e18, 0);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IGmFlock.GmFlockUnknownPosition.selector, bob, 0));
        gm.redeem(0, false);
    }

    function test_RevertWhen_redeemReentered() public {
        ReentrantToken token = new ReentrantToken();
        GmFlock gm2 = new GmFlock(IERC20(address(token)), config);
        token.approve(address(gm2), type(uint256).max);
        uint256 id = gm2.lock(1e18, 0);
        token.arm(gm2, abi.encodeCall(IGmFlock.redeem, (id, false)));
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        gm2.redeem(id, false);
    }

    // ------------------------------------------------------------------ burn

    function test_burn_burnsCallerBalance() public {
        _lock(alice, 10e18, 0);
        vm.expectEmit(true, true, false, true, address(gm));
        emit IERC20.Transfer(alice, address(0), 4e18);
        vm.prank(alice);
        gm.burn(4e18);
        assertEq(gm.balanceOf(alice), 6e18);
        assertEq(gm.totalSupply(), 6e18);
        assertEq(gm.totalLocked(), 10e18, "the FLOCK stays locked until redeemed");
    }

    function test_RevertWhen_burnExceedsBalance() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 0, 1));
        gm.burn(1);
    }

    // ------------------------------------------------------------------ transfer rules

    function test_transfer_toGmHolderAllowed() public {
        _lock(alice, 10e18, 0);
        vm.prank(alice);
        assertTrue(gm.transfer(pool, 4e18));
        assertEq(gm.balanceOf(pool), 4e18);
    }

    function test_transfer_fromGmHolderAllowed() public {
        _lock(alice, 10e18, 0);
        vm.prank(alice);
        gm.transfer(pool, 4e18);
        vm.prank(pool);
        gm.transfer(bob, 4e18);
        assertEq(gm.balanceOf(bob), 4e18);
    }

    function test_transferFrom_byGmHolderPullsApprovedGm() public {
        _lock(alice, 10e18, 0);
        vm.prank(alice);
        gm.approve(pool, 10e18);
        vm.prank(pool);
        gm.transferFrom(alice, pool, 10e18);
        assertEq(gm.balanceOf(pool), 10e18);
    }

    function test_RevertWhen_transferBetweenUsers() public {
        _lock(alice, 10e18, 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IGmFlock.GmFlockNonTransferable.selector, alice, bob));
        gm.transfer(bob, 1);
    }

    function test_RevertWhen_transferFromBetweenUsers() public {
        _lock(alice, 10e18, 0);
        vm.prank(alice);
        gm.approve(bob, 10e18);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IGmFlock.GmFlockNonTransferable.selector, alice, bob));
        gm.transferFrom(alice, bob, 1);
    }

    function test_RevertWhen_transferToRevokedHolder() public {
        _lock(alice, 10e18, 0);
        config.revokeRole(config.GM_HOLDER_ROLE(), pool);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IGmFlock.GmFlockNonTransferable.selector, alice, pool));
        gm.transfer(pool, 1);
    }

    // ------------------------------------------------------------------ votes

    function test_getVotes_equalsLockedFlockNotGm() public {
        _lock(alice, 100e18, YEAR);
        assertEq(gm.getVotes(alice), 100e18);
        assertEq(gm.lockedOf(alice), 100e18);
    }

    function test_getVotes_unchangedByMovingGmToAPool() public {
        _lock(alice, 100e18, YEAR);
        vm.prank(alice);
        gm.transfer(pool, 301e18);
        assertEq(gm.getVotes(alice), 100e18);
        assertEq(gm.getVotes(pool), 0);
    }

    function test_getPastVotes_isZeroBeforeTheLock() public {
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 10);
        _lock(alice, 100e18, YEAR);
        vm.warp(t0 + 20);
        assertEq(gm.getPastVotes(alice, t0 + 9), 0);
        assertEq(gm.getPastTotalSupply(t0 + 9), 0);
    }

    function test_getPastVotes_weighsTheLockAtLaterTimestamps() public {
        uint256 t0 = block.timestamp;
        _lock(alice, 100e18, 0);
        vm.warp(t0 + 100);
        _lock(alice, 50e18, 0);
        _lock(bob, 7e18, 0);
        vm.warp(t0 + 200);
        vm.prank(alice);
        gm.redeem(0, false);
        vm.warp(t0 + 300);

        assertEq(gm.getPastVotes(alice, t0), 100e18);
        assertEq(gm.getPastVotes(alice, t0 + 99), 100e18);
        assertEq(gm.getPastVotes(alice, t0 + 100), 150e18);
        assertEq(gm.getPastVotes(alice, t0 + 200), 50e18);
        assertEq(gm.getPastVotes(bob, t0 + 150), 7e18);
        assertEq(gm.getPastTotalSupply(t0 + 50), 100e18);
        assertEq(gm.getPastTotalSupply(t0 + 150), 157e18);
        assertEq(gm.getPastTotalSupply(t0 + 250), 57e18);
    }

    function test_RevertWhen_getPastVotesAtCurrentTimepoint() public {
        vm.expectRevert(
            abi.encodeWithSelector(IGmFlock.GmFlockFutureLookup.selector, block.timestamp, uint48(block.timestamp))
        );
        gm.getPastVotes(alice, block.timestamp);
    }

    function test_RevertWhen_getPastTotalSupplyInTheFuture() public {
        vm.expectRevert(
            abi.encodeWithSelector(IGmFlock.GmFlockFutureLookup.selector, block.timestamp + 1, uint48(block.timestamp))
        );
        gm.getPastTotalSupply(block.timestamp + 1);
    }

    // ------------------------------------------------------------------ position views

    function test_RevertWhen_positionUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IGmFlock.GmFlockUnknownPosition.selector, alice, 0));
        gm.position(alice, 0);
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev Reference: m = (365d * WAD + slope * (t' - bonusStart)) / 365d with t' = min(t, max), in
    /// one rational division instead of the contract's WAD + mulDiv(...). Exact, so equal.
    function testFuzz_multiplier_matchesClosedForm(uint256 duration, uint256 slope, uint256 bonusStart) public {
        slope = bound(slope, 0, 10e18);
        bonusStart = bound(bonusStart, 0, YEAR);
        duration = bound(duration, 0, 2 * YEAR);
        config.set(Params.LOCK_SLOPE, slope);
        config.set(Params.LOCK_BONUS_START, bonusStart);

        uint256 t = duration < YEAR ? duration : YEAR;
        uint256 expected = t <= bonusStart ? WAD : (YEAR * WAD + slope * (t - bonusStart)) / YEAR;
        assertEq(gm.multiplier(duration), expected);
    }

    /// @dev With the default parameters m(t) = 1 + 0.006 * (days beyond 30), exact to the second:
    /// 2.19e18 / 365 days = 6e15 / 1 day.
    function testFuzz_multiplier_defaultIsSixThousandthsPerDay(uint256 duration) public view {
        duration = bound(duration, 30 days, YEAR);
        uint256 expected = WAD + (6e15 * (duration - 30 days)) / 1 days;
        assertEq(gm.multiplier(duration), expected);
    }

    function testFuzz_multiplier_isMonotonic(uint256 d1, uint256 d2) public view {
        d1 = bound(d1, 0, 2 * YEAR);
        d2 = bound(d2, d1, 2 * YEAR);
        assertLe(gm.multiplier(d1), gm.multiplier(d2));
        assertGe(gm.multiplier(d1), WAD);
        assertLe(gm.multiplier(d2), 3.01e18);
    }

    function testFuzz_lock_mintsAmountTimesMultiplier(uint256 amount, uint256 duration) public {
        amount = bound(amount, 1, 1_000_000e18);
        duration = bound(duration, 0, YEAR);
        uint256 m = gm.multiplier(duration);
        _lock(alice, amount, duration);
        assertEq(gm.balanceOf(alice), amount * m / WAD);
        assertGe(gm.balanceOf(alice), amount);
    }

    /// @dev Round trip: out == amount - floor(amount * fee / WAD) exactly, i.e. within 1 wei of the
    /// real-valued amount * (1 - fee) (the fee rounds down, in the redeemer's favour).
    function testFuzz_lockRedeem_roundTripReturnsAmountLessFee(uint256 amount, uint256 duration, uint256 fee) public {
        amount = bound(amount, 1, 1_000_000e18);
        duration = bound(duration, 0, YEAR);
        fee = bound(fee, 0, 0.2e18);
        config.set(Params.REDEEM_FEE, fee);

        uint256 before = flock.balanceOf(alice);
        uint256 id = _lock(alice, amount, duration);
        vm.warp(block.timestamp + duration);
        vm.prank(alice);
        uint256 out = gm.redeem(id, false);

        assertEq(out, amount - amount * fee / WAD);
        assertApproxEqAbs(out * WAD, amount * (WAD - fee), WAD, "within 1 wei");
        assertEq(flock.balanceOf(alice), before - amount + out);
        assertEq(flock.balanceOf(treasury), amount - out);
        assertEq(gm.balanceOf(alice), 0);
    }

    /// @dev Whatever part of the gmFLOCK is lost, out + fee + forfeited == amount, and the FLOCK
    /// split between owner and treasury is exactly the position.
    function testFuzz_redeem_splitsTheWholeAmount(uint256 amount, uint256 duration, uint256 lost, uint256 fee) public {
        amount = bound(amount, 1, 1_000_000e18);
        duration = bound(duration, 0, YEAR);
        fee = bound(fee, 0, 0.2e18);
        config.set(Params.REDEEM_FEE, fee);
        uint256 id = _lock(alice, amount, duration);
        uint256 gmAmount = gm.balanceOf(alice);
        lost = bound(lost, 0, gmAmount);
        vm.prank(alice);
        gm.transfer(pool, lost);
        vm.warp(block.timestamp + duration);

        uint256 aliceBefore = flock.balanceOf(alice);
        vm.recordLogs();
        vm.prank(alice);
        uint256 out = gm.redeem(id, true);

        (uint256 burned, uint256 flockOut, uint256 feePaid, uint256 forfeited) = _lastRedeemed();
        assertEq(burned, gmAmount - lost);
        assertEq(flockOut, out);
        assertEq(out + feePaid + forfeited, amount);
        assertEq(forfeited, amount - Math.mulDiv(amount, gmAmount - lost, gmAmount));
        assertEq(feePaid, Math.mulDiv(amount - forfeited, fee, WAD));
        assertEq(flock.balanceOf(alice) - aliceBefore, out);
        assertEq(flock.balanceOf(treasury), feePaid + forfeited);
        assertEq(flock.balanceOf(address(gm)), 0);
    }

    // ------------------------------------------------------------------ helpers

    function _lastRedeemed() private returns (uint256 burned, uint256 flockOut, uint256 fee, uint256 forfeited) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = logs.length; i > 0; --i) {
            if (logs[i - 1].emitter == address(gm) && logs[i - 1].topics[0] == IGmFlock.Redeemed.selector) {
                return abi.decode(logs[i - 1].data, (uint256, uint256, uint256, uint256));
            }
        }
        revert("no Redeemed event");
    }
}
