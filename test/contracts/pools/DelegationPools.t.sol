// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IDelegationPools} from "../../../contracts/interfaces/IDelegationPools.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {EconomyFixture} from "../utils/EconomyFixture.sol";

contract DelegationPoolsTest is EconomyFixture {
    uint256 internal constant DAILY = 1074e18;

    address internal op = makeAddr("operator");
    address internal op2 = makeAddr("operator2");

    function setUp() public override {
        super.setUp();
        _createPool(op, SIGMA);
    }

    /// @dev Warps to the start of `day` and syncs, so the pools pull the days before and stream them.
    function _syncAtDay(uint256 day) internal {
        vm.warp(start + day * 1 days);
        pools.sync();
    }

    // ---------------------------------------------------------------- constructor / views

    function test_constructor_wiresDependencies() public view {
        assertEq(address(pools.flock()), address(flock));
        assertEq(address(pools.gm()), address(gm));
        assertEq(address(pools.config()), address(config));
        assertEq(address(pools.emission()), address(emission));
        assertEq(pools.PRECISION(), 1e36);
        assertEq(pools.REWARD_DURATION(), 1 days);
    }

    // ---------------------------------------------------------------- createPool

    function test_createPool_opensPool() public {
        vm.warp(start + 5);
        vm.expectEmit(address(pools));
        emit IDelegationPools.PoolCreated(op2, 0.2e18);
        _createPool(op2, 0.2e18);
        IDelegationPools.PoolInfo memory p = pools.pool(op2);
        assertTrue(p.exists);
        assertEq(p.sigma, 0.2e18);
        assertEq(p.sigmaChangedAt, start + 5);
        assertEq(p.frozenUntil, 0);
        assertEq(p.totalStake, 0);
        assertEq(p.totalShares, 0);
        assertEq(pools.poolStake(op2), 0);
    }

    function test_createPool_acceptsBounds() public {
        _createPool(op2, 0.02e18);
        _createPool(alice, 0.5e18);
        assertEq(pools.pool(op2).sigma, 0.02e18);
        assertEq(pools.pool(alice).sigma, 0.5e18);
    }

    function test_RevertWhen_createPoolTwice() public {
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsAlreadyExists.selector, op));
        _createPool(op, SIGMA);
    }

    function test_RevertWhen_createPoolSigmaBelowMin() public {
        vm.expectRevert(
            abi.encodeWithSelector(IDelegationPools.PoolsSigmaOutOfBounds.selector, 0.01e18, 0.02e18, 0.5e18)
        );
        _createPool(op2, 0.01e18);
    }

    function test_RevertWhen_createPoolSigmaAboveMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(IDelegationPools.PoolsSigmaOutOfBounds.selector, 0.6e18, 0.02e18, 0.5e18)
        );
        _createPool(op2, 0.6e18);
    }

    // ---------------------------------------------------------------- setSigma

    function test_setSigma_changesAfterCooldown() public {
        vm.warp(start + 7 days);
        vm.expectEmit(address(pools));
        emit IDelegationPools.SigmaChanged(op, SIGMA, 0.3e18);
        vm.prank(op);
        pools.setSigma(0.3e18);
        assertEq(pools.pool(op).sigma, 0.3e18);
        assertEq(pools.pool(op).sigmaChangedAt, start + 7 days);
    }

    function test_RevertWhen_setSigmaBeforeCooldown() public {
        vm.warp(start + 7 days - 1);
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsSigmaCooldown.selector, start + 7 days));
        vm.prank(op);
        pools.setSigma(0.3e18);
    }

    function test_RevertWhen_setSigmaAgainBeforeCooldown() public {
        vm.warp(start + 7 days);
        vm.prank(op);
        pools.setSigma(0.3e18);
        vm.warp(start + 10 days);
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsSigmaCooldown.selector, start + 14 days));
        vm.prank(op);
        pools.setSigma(0.2e18);
    }

    function test_RevertWhen_setSigmaFrozen() public {
        vm.prank(slasher);
        pools.freeze(op, start + 30 days);
        vm.warp(start + 20 days);
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsFrozen.selector, start + 30 days));
        vm.prank(op);
        pools.setSigma(0.3e18);
        vm.warp(start + 30 days);
        vm.prank(op);
        pools.setSigma(0.3e18);
    }

    function test_RevertWhen_setSigmaOutOfBounds() public {
        vm.warp(start + 7 days);
        vm.expectRevert(
            abi.encodeWithSelector(IDelegationPools.PoolsSigmaOutOfBounds.selector, 0.51e18, 0.02e18, 0.5e18)
        );
        vm.prank(op);
        pools.setSigma(0.51e18);
    }

    function test_RevertWhen_setSigmaNoPool() public {
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnknownPool.selector, op2));
        vm.prank(op2);
        pools.setSigma(0.3e18);
    }

    function test_setSigma_settlesEarnedRewardsAtOldSigma() public {
        config.set(Params.POOL_SIGMA_COOLDOWN, 0);
        _delegate(alice, op, 1000e18);
        _syncAtDay(1); // streams day 0 over [1 d, 2 d)
        config.set(Params.EMISSION_DAILY_CAP, 0); // nothing more afterwards
        vm.warp(start + 1 days + 12 hours);
        vm.prank(op);
        pools.setSigma(0.5e18);
        vm.warp(start + 3 days);
        // First half at 10%, second half at 50%.
        uint256 expected = DAILY / 2 * 0.1e18 / 1e18 + DAILY / 2 * 0.5e18 / 1e18;
        assertApproxEqAbs(pools.pendingCommission(op), expected, 10);
        assertApproxEqAbs(pools.pendingRewards(op, alice), DAILY - expected, 10);
    }

    // ---------------------------------------------------------------- delegate

    function test_delegate_firstMintsOneToOne() public {
        _gmFor(alice, 100e18);
        vm.startPrank(alice);
        gm.approve(address(pools), 100e18);
        vm.expectEmit(address(pools));
        emit IDelegationPools.Delegated(alice, op, 100e18, 100e18);
        uint256 shares = pools.delegate(op, 100e18);
        vm.stopPrank();
        assertEq(shares, 100e18);
        (uint256 s, uint256 stake) = pools.delegation(op, alice);
        assertEq(s, 100e18);
        assertEq(stake, 100e18);
        assertEq(pools.poolStake(op), 100e18);
        assertEq(pools.pool(op).totalShares, 100e18);
        assertEq(pools.totalPooledStake(), 100e18);
        assertEq(pools.emissionWeight(), 100e18);
        assertEq(gm.balanceOf(address(pools)), 100e18);
        assertEq(gm.balanceOf(alice), 0);
    }

    function test_delegate_laterMintsProRataRoundedDown() public {
        _delegate(alice, op, 100e18);
        vm.prank(slasher);
        pools.slash(op, 30e18, address(0)); // 70 stake for 100 shares
        uint256 shares = _delegate(bob, op, 7e18 + 1);
        assertEq(shares, uint256(7e18 + 1) * 100e18 / 70e18);
        assertEq(pools.poolStake(op), 77e18 + 1);
        (, uint256 stake) = pools.delegation(op, bob);
        assertLe(stake, 7e18 + 1);
        assertApproxEqAbs(stake, 7e18 + 1, 1);
    }

    function test_delegate_addsToPosition() public {
        _delegate(alice, op, 100e18);
        _delegate(alice, op, 50e18);
        (uint256 s,) = pools.delegation(op, alice);
        assertEq(s, 150e18);
    }

    function test_RevertWhen_delegateZero() public {
        vm.expectRevert(IDelegationPools.PoolsZeroAmount.selector);
        vm.prank(alice);
        pools.delegate(op, 0);
    }

    function test_RevertWhen_delegateUnknownPool() public {
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnknownPool.selector, op2));
        vm.prank(alice);
        pools.delegate(op2, 1e18);
    }

    function test_RevertWhen_delegateInsolventPool() public {
        _delegate(alice, op, 100e18);
        vm.prank(slasher);
        pools.slash(op, 100e18, address(0));
        _gmFor(bob, 10e18);
        vm.startPrank(bob);
        gm.approve(address(pools), 10e18);
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsInsolvent.selector, op));
        pools.delegate(op, 10e18);
        vm.stopPrank();
    }

    function test_RevertWhen_delegateWithoutApproval() public {
        _gmFor(alice, 10e18);
        vm.prank(alice);
        vm.expectRevert();
        pools.delegate(op, 10e18);
    }

    // ---------------------------------------------------------------- undelegate

    function test_undelegate_movesStakeToUnbonding() public {
        _delegate(alice, op, 100e18);
        vm.warp(start + 1 hours);
        vm.expectEmit(address(pools));
        emit IDelegationPools.UndelegationRequested(alice, op, 40e18, 40e18, start + 1 hours + 7 days);
        vm.prank(alice);
        uint256 amount = pools.undelegate(op, 40e18);
        assertEq(amount, 40e18);
        (uint256 s, uint256 stake) = pools.delegation(op, alice);
        assertEq(s, 60e18);
        assertEq(stake, 60e18);
        (uint256 us, uint256 ua, uint256 readyAt) = pools.unbonding(op, alice);
        assertEq(us, 40e18);
        assertEq(ua, 40e18);
        assertEq(readyAt, start + 1 hours + 7 days);
        IDelegationPools.PoolInfo memory p = pools.pool(op);
        assertEq(p.totalStake, 60e18);
        assertEq(p.totalShares, 60e18);
        assertEq(p.unbondingStake, 40e18);
        assertEq(p.unbondingShares, 40e18);
        assertEq(pools.totalPooledStake(), 60e18);
        assertEq(gm.balanceOf(address(pools)), 100e18);
    }

    function test_undelegate_againRestartsCooldown() public {
        _delegate(alice, op, 100e18);
        vm.prank(alice);
        pools.undelegate(op, 10e18);
        vm.warp(start + 3 days);
        vm.prank(alice);
        pools.undelegate(op, 10e18);
        (uint256 us, uint256 ua, uint256 readyAt) = pools.unbonding(op, alice);
        assertEq(us, 20e18);
        assertEq(ua, 20e18);
        assertEq(readyAt, start + 10 days);
    }

    function test_undelegate_stopsEarning() public {
        _delegate(alice, op, 100e18);
        _delegate(bob, op, 100e18);
        vm.prank(bob);
        pools.undelegate(op, 100e18);
        _notify(carol, op, 1000e18);
        assertEq(pools.pendingRewards(op, bob), 0);
        assertEq(pools.pendingRewards(op, alice), 900e18);
    }

    function test_undelegate_keepsEarnedRewards() public {
        _delegate(alice, op, 100e18);
        _notify(carol, op, 1000e18);
        vm.prank(alice);
        pools.undelegate(op, 100e18);
        assertEq(pools.pendingRewards(op, alice), 900e18);
        vm.prank(alice);
        assertEq(pools.claim(op), 900e18);
    }

    function test_undelegate_fromInsolventPoolBurnsWorthlessShares() public {
        _delegate(alice, op, 100e18);
        vm.prank(slasher);
        pools.slash(op, 100e18, address(0));
        vm.prank(alice);
        assertEq(pools.undelegate(op, 100e18), 0);
        IDelegationPools.PoolInfo memory p = pools.pool(op);
        assertEq(p.totalShares, 0);
        // The pool is usable again.
        assertEq(_delegate(bob, op, 5e18), 5e18);
    }

    function test_RevertWhen_undelegateZero() public {
        vm.expectRevert(IDelegationPools.PoolsZeroAmount.selector);
        vm.prank(alice);
        pools.undelegate(op, 0);
    }

    function test_RevertWhen_undelegateMoreThanHeld() public {
        _delegate(alice, op, 100e18);
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsInsufficientShares.selector, 100e18 + 1, 100e18));
        vm.prank(alice);
        pools.undelegate(op, 100e18 + 1);
    }

    function test_RevertWhen_undelegateUnknownPool() public {
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnknownPool.selector, op2));
        vm.prank(alice);
        pools.undelegate(op2, 1);
    }

    // ---------------------------------------------------------------- withdraw

    function test_withdraw_returnsGmAfterCooldown() public {
        _delegate(alice, op, 100e18);
        vm.prank(alice);
        pools.undelegate(op, 100e18);
        vm.warp(start + 7 days);
        vm.expectEmit(address(pools));
        emit IDelegationPools.Withdrawn(alice, op, 100e18);
        vm.prank(alice);
        assertEq(pools.withdraw(op), 100e18);
        assertEq(gm.balanceOf(alice), 100e18);
        assertEq(gm.balanceOf(address(pools)), 0);
        (uint256 us,,) = pools.unbonding(op, alice);
        assertEq(us, 0);
        assertEq(pools.pool(op).unbondingStake, 0);
        assertEq(pools.pool(op).unbondingShares, 0);
    }

    function test_withdraw_afterSlashPaysLess() public {
        _delegate(alice, op, 100e18);
        _delegate(bob, op, 100e18);
        vm.prank(alice);
        pools.undelegate(op, 100e18);
        vm.prank(slasher);
        pools.slash(op, 50e18, address(0)); // 25% of everything
        vm.warp(start + 7 days);
        vm.prank(alice);
        assertEq(pools.withdraw(op), 75e18);
        (, uint256 bobStake) = pools.delegation(op, bob);
        assertEq(bobStake, 75e18);
    }

    function test_withdraw_bucketEmptiedBySlashStartsNewGeneration() public {
        _delegate(alice, op, 100e18);
        vm.prank(alice);
        pools.undelegate(op, 100e18); // everything unbonding
        vm.prank(slasher);
        pools.slash(op, 100e18, address(0));
        (uint256 us, uint256 ua,) = pools.unbonding(op, alice);
        assertEq(us, 0);
        assertEq(ua, 0);
        assertEq(pools.pool(op).unbondingShares, 0);
        // A new undelegation is not diluted by the worthless old shares.
        _delegate(bob, op, 10e18);
        vm.prank(bob);
        pools.undelegate(op, 10e18);
        vm.warp(start + 7 days);
        vm.prank(bob);
        assertEq(pools.withdraw(op), 10e18);
        vm.expectRevert(IDelegationPools.PoolsNothingToWithdraw.selector);
        vm.prank(alice);
        pools.withdraw(op);
    }

    function test_RevertWhen_withdrawBeforeCooldown() public {
        _delegate(alice, op, 100e18);
        vm.prank(alice);
        pools.undelegate(op, 100e18);
        vm.warp(start + 7 days - 1);
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnbonding.selector, start + 7 days));
        vm.prank(alice);
        pools.withdraw(op);
    }

    function test_RevertWhen_withdrawNothing() public {
        vm.expectRevert(IDelegationPools.PoolsNothingToWithdraw.selector);
        vm.prank(alice);
        pools.withdraw(op);
    }

    function test_RevertWhen_withdrawUnknownPool() public {
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnknownPool.selector, op2));
        vm.prank(alice);
        pools.withdraw(op2);
    }

    // ---------------------------------------------------------------- sync / emission stream

    function test_sync_streamsPulledEmission() public {
        _delegate(alice, op, 100e18);
        vm.warp(start + 1 days);
        uint256 rate = DAILY * 1e36 / 1 days;
        vm.expectEmit(address(pools));
        emit IDelegationPools.EmissionStreamed(DAILY, DAILY / 1 days, start + 2 days);
        pools.sync();
        (uint256 r, uint256 finish, uint256 last,) = pools.stream();
        assertEq(r, rate);
        assertEq(finish, start + 2 days);
        assertEq(last, start + 1 days);
        assertEq(pools.totalStreamed(), DAILY);
        assertEq(flock.balanceOf(address(pools)), DAILY);
        assertEq(emission.accrued(address(pools)), 0);
    }

    function test_sync_withoutNewEmissionKeepsStream() public {
        _delegate(alice, op, 100e18);
        _syncAtDay(1);
        vm.recordLogs();
        vm.warp(start + 1 days + 1 hours);
        pools.sync();
        assertEq(vm.getRecordedLogs().length, 0);
        (, uint256 finish,,) = pools.stream();
        assertEq(finish, start + 2 days);
    }

    function test_sync_addsLeftoverToNextStream() public {
        _delegate(alice, op, 100e18);
        vm.warp(start + 1 days + 12 hours);
        pools.sync(); // day 0 streams over [1.5 d, 2.5 d)
        vm.warp(start + 2 days); // day 1 done: half of day 0 left
        pools.sync();
        (uint256 r, uint256 finish,,) = pools.stream();
        assertEq(finish, start + 3 days);
        assertApproxEqAbs(r * 1 days / 1e36, DAILY + DAILY / 2, 5);
        vm.warp(start + 3 days);
        config.set(Params.EMISSION_DAILY_CAP, 0);
        uint256 total = pools.pendingRewards(op, alice) + pools.pendingCommission(op);
        assertApproxEqAbs(total, 2 * DAILY, 10);
    }

    function test_sync_pausesStreamWithoutStake() public {
        _delegate(alice, op, 100e18);
        _syncAtDay(1);
        config.set(Params.EMISSION_DAILY_CAP, 0);
        vm.warp(start + 1 days + 6 hours);
        vm.prank(alice);
        pools.undelegate(op, 100e18); // a quarter streamed
        vm.warp(start + 10 days); // nobody staked for a long while: nothing is lost
        _delegate(bob, op, 100e18);
        vm.warp(start + 10 days + 18 hours); // the remaining three quarters stream to bob
        uint256 a = pools.pendingRewards(op, alice);
        uint256 b = pools.pendingRewards(op, bob);
        uint256 c = pools.pendingCommission(op);
        assertApproxEqAbs(a, DAILY / 4 * 0.9e18 / 1e18, 10);
        assertApproxEqAbs(b, DAILY * 3 / 4 * 0.9e18 / 1e18, 10);
        assertApproxEqAbs(a + b + c, DAILY, 10);
    }

    function test_sync_noStakeNoRelease() public {
        vm.warp(start + 3 days);
        pools.sync();
        assertEq(pools.totalStreamed(), 0);
        assertEq(emission.totalReleased(), 0);
        assertEq(emission.nextDay(), 3);
    }

    // ---------------------------------------------------------------- claim

    function test_claim_paysEmissionShare() public {
        _delegate(alice, op, 100e18);
        _syncAtDay(1);
        vm.warp(start + 2 days);
        uint256 pending = pools.pendingRewards(op, alice);
        assertApproxEqAbs(pending, DAILY * 9 / 10, 10);
        vm.expectEmit(address(pools));
        emit IDelegationPools.RewardsClaimed(alice, op, pending);
        vm.prank(alice);
        assertEq(pools.claim(op), pending);
        assertEq(flock.balanceOf(alice), pending);
        assertEq(pools.pendingRewards(op, alice), 0);
    }

    function test_claim_sharesByStake() public {
        _delegate(alice, op, 100e18);
        _delegate(bob, op, 300e18);
        _notify(carol, op, 1000e18);
        vm.prank(alice);
        assertEq(pools.claim(op), 225e18);
        vm.prank(bob);
        assertEq(pools.claim(op), 675e18);
    }

    function test_claim_twoPoolsSplitEmissionByStake() public {
        _createPool(op2, 0.5e18);
        _delegate(alice, op, 100e18);
        _delegate(bob, op2, 300e18);
        _syncAtDay(1);
        vm.warp(start + 2 days);
        assertApproxEqAbs(pools.pendingRewards(op, alice), DAILY / 4 * 9 / 10, 10);
        assertApproxEqAbs(pools.pendingRewards(op2, bob), DAILY * 3 / 4 / 2, 10);
        assertApproxEqAbs(pools.pendingCommission(op2), DAILY * 3 / 4 / 2, 10);
    }

    function test_claim_nothingPaysNothing() public {
        vm.recordLogs();
        vm.prank(alice);
        assertEq(pools.claim(op), 0);
        assertEq(vm.getRecordedLogs().length, 0);
    }

    function test_RevertWhen_claimUnknownPool() public {
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnknownPool.selector, op2));
        vm.prank(alice);
        pools.claim(op2);
    }

    // ---------------------------------------------------------------- claimCommission

    function test_claimCommission_paysOperatorCut() public {
        _delegate(alice, op, 100e18);
        _notify(carol, op, 1000e18);
        assertEq(pools.pendingCommission(op), 100e18);
        vm.expectEmit(address(pools));
        emit IDelegationPools.CommissionClaimed(op, 100e18);
        vm.prank(op);
        assertEq(pools.claimCommission(), 100e18);
        assertEq(flock.balanceOf(op), 100e18);
        assertEq(pools.pendingCommission(op), 0);
    }

    function test_claimCommission_includesEmissionCut() public {
        _delegate(alice, op, 100e18);
        _syncAtDay(1);
        vm.warp(start + 2 days);
        vm.prank(op);
        assertApproxEqAbs(pools.claimCommission(), DAILY / 10, 10);
    }

    function test_claimCommission_nothingPaysNothing() public {
        vm.prank(op);
        assertEq(pools.claimCommission(), 0);
    }

    function test_RevertWhen_claimCommissionNoPool() public {
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnknownPool.selector, op2));
        vm.prank(op2);
        pools.claimCommission();
    }

    // ---------------------------------------------------------------- notifyReward

    function test_notifyReward_splitsSigma() public {
        _delegate(alice, op, 100e18);
        _fund(carol, 1000e18);
        vm.startPrank(carol);
        flock.approve(address(pools), 1000e18);
        vm.expectEmit(address(pools));
        emit IDelegationPools.RewardNotified(op, carol, 1000e18, 100e18);
        pools.notifyReward(op, 1000e18);
        vm.stopPrank();
        assertEq(pools.pendingCommission(op), 100e18);
        assertEq(pools.pendingRewards(op, alice), 900e18);
        assertEq(flock.balanceOf(address(pools)), 1000e18);
    }

    function test_notifyReward_emptyPoolPaysOperator() public {
        _notify(carol, op, 1000e18);
        assertEq(pools.pendingCommission(op), 1000e18);
    }

    function test_notifyReward_notForLaterDelegators() public {
        _delegate(alice, op, 100e18);
        _notify(carol, op, 1000e18);
        _delegate(bob, op, 100e18);
        assertEq(pools.pendingRewards(op, bob), 0);
        assertEq(pools.pendingRewards(op, alice), 900e18);
    }

    function test_RevertWhen_notifyRewardZero() public {
        vm.expectRevert(IDelegationPools.PoolsZeroAmount.selector);
        pools.notifyReward(op, 0);
    }

    function test_RevertWhen_notifyRewardUnknownPool() public {
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnknownPool.selector, op2));
        pools.notifyReward(op2, 1);
    }

    // ---------------------------------------------------------------- slash

    function test_slash_burnsProRataAcrossActiveAndUnbonding() public {
        _delegate(alice, op, 300e18);
        _delegate(bob, op, 100e18);
        vm.prank(bob);
        pools.undelegate(op, 100e18);
        uint256 gmSupply = gm.totalSupply();
        vm.expectEmit(address(pools));
        emit IDelegationPools.PoolSlashed(op, slasher, 40e18, address(0));
        vm.prank(slasher);
        pools.slash(op, 40e18, address(0));
        IDelegationPools.PoolInfo memory p = pools.pool(op);
        assertEq(p.totalStake, 270e18);
        assertEq(p.unbondingStake, 90e18);
        assertEq(p.totalShares, 300e18);
        assertEq(pools.totalPooledStake(), 270e18);
        assertEq(gm.totalSupply(), gmSupply - 40e18);
        assertEq(gm.balanceOf(address(pools)), 360e18);
        (, uint256 aliceStake) = pools.delegation(op, alice);
        (, uint256 bobAmount,) = pools.unbonding(op, bob);
        assertEq(aliceStake, 270e18);
        assertEq(bobAmount, 90e18);
    }

    function test_slash_sendsToRecipient() public {
        _delegate(alice, op, 100e18);
        vm.prank(slasher);
        pools.slash(op, 10e18, treasury);
        assertEq(gm.balanceOf(treasury), 10e18);
        assertEq(pools.poolStake(op), 90e18);
    }

    function test_slash_settlesRewardsFirst() public {
        _delegate(alice, op, 100e18);
        _syncAtDay(1);
        config.set(Params.EMISSION_DAILY_CAP, 0);
        vm.warp(start + 1 days + 12 hours);
        vm.prank(slasher);
        pools.slash(op, 100e18, address(0)); // no stake left: the rest of the stream pauses
        vm.warp(start + 3 days);
        assertApproxEqAbs(pools.pendingRewards(op, alice), DAILY / 2 * 9 / 10, 10);
    }

    function test_RevertWhen_slashNotSlasher() public {
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnauthorized.selector, alice));
        vm.prank(alice);
        pools.slash(op, 1, address(0));
    }

    function test_RevertWhen_slashTooLarge() public {
        _delegate(alice, op, 100e18);
        vm.prank(alice);
        pools.undelegate(op, 40e18);
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsSlashTooLarge.selector, 100e18 + 1, 100e18));
        vm.prank(slasher);
        pools.slash(op, 100e18 + 1, address(0));
    }

    function test_RevertWhen_slashZero() public {
        vm.expectRevert(IDelegationPools.PoolsZeroAmount.selector);
        vm.prank(slasher);
        pools.slash(op, 0, address(0));
    }

    function test_RevertWhen_slashUnknownPool() public {
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnknownPool.selector, op2));
        vm.prank(slasher);
        pools.slash(op2, 1, address(0));
    }

    // ---------------------------------------------------------------- freeze

    function test_freeze_setsAndNeverShortens() public {
        vm.expectEmit(address(pools));
        emit IDelegationPools.PoolFrozen(op, start + 10 days);
        vm.prank(slasher);
        pools.freeze(op, start + 10 days);
        assertEq(pools.pool(op).frozenUntil, start + 10 days);

        vm.recordLogs();
        vm.prank(slasher);
        pools.freeze(op, start + 5 days);
        assertEq(vm.getRecordedLogs().length, 0);
        assertEq(pools.pool(op).frozenUntil, start + 10 days);
    }

    function test_RevertWhen_freezeNotSlasher() public {
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnauthorized.selector, op));
        vm.prank(op);
        pools.freeze(op, start + 10 days);
    }

    function test_RevertWhen_freezeUnknownPool() public {
        vm.expectRevert(abi.encodeWithSelector(IDelegationPools.PoolsUnknownPool.selector, op2));
        vm.prank(slasher);
        pools.freeze(op2, start + 10 days);
    }

    // ---------------------------------------------------------------- views

    function test_pendingRewards_equalsClaimMidStream() public {
        _delegate(alice, op, 100e18);
        _delegate(bob, op, 50e18);
        _syncAtDay(1);
        vm.warp(start + 1 days + 7 hours);
        uint256 pending = pools.pendingRewards(op, bob);
        vm.prank(bob);
        assertEq(pools.claim(op), pending);
    }

    function test_views_unknownPoolReadsEmpty() public view {
        assertFalse(pools.pool(op2).exists);
        assertEq(pools.pendingRewards(op2, alice), 0);
        assertEq(pools.pendingCommission(op2), 0);
        (uint256 s, uint256 stake) = pools.delegation(op2, alice);
        assertEq(s + stake, 0);
    }
}
