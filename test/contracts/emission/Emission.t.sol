// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {Emission} from "../../../contracts/emission/Emission.sol";
import {IEmission} from "../../../contracts/interfaces/IEmission.sol";
import {IEmissionGauge} from "../../../contracts/interfaces/IEmissionGauge.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {EconomyFixture} from "../utils/EconomyFixture.sol";

/// @dev A gauge whose weight a test sets, and which can pull for itself.
contract MockGauge is IEmissionGauge {
    uint256 public emissionWeight;
    IEmission private immutable _emission;

    constructor(IEmission emission_) {
        _emission = emission_;
    }

    function setWeight(uint256 w) external {
        emissionWeight = w;
    }

    function pull() external returns (uint256) {
        return _emission.pull();
    }
}

contract EmissionTest is EconomyFixture {
    MockGauge internal g1;
    MockGauge internal g2;

    function setUp() public override {
        super.setUp();
        g1 = new MockGauge(emission);
        g2 = new MockGauge(emission);
    }

    // ---------------------------------------------------------------- constructor

    function test_constructor_setsSchedule() public view {
        assertEq(address(emission.flock()), address(flock));
        assertEq(address(emission.config()), address(config));
        assertEq(emission.start(), start);
        assertEq(emission.initialDaily(), INITIAL_DAILY);
        assertEq(emission.decay(), DECAY);
        assertEq(emission.decayPeriodDays(), DECAY_PERIOD_DAYS);
        assertEq(emission.nextDay(), 0);
        assertEq(emission.reserve(), RESERVE);
    }

    function test_RevertWhen_constructorDecayAboveOne() public {
        vm.expectRevert(abi.encodeWithSelector(IEmission.EmissionInvalidSchedule.selector, 1e18 + 1, 30));
        new Emission(IERC20(address(flock)), config, start, INITIAL_DAILY, 1e18 + 1, 30);
    }

    function test_RevertWhen_constructorZeroPeriod() public {
        vm.expectRevert(abi.encodeWithSelector(IEmission.EmissionInvalidSchedule.selector, DECAY, 0));
        new Emission(IERC20(address(flock)), config, start, INITIAL_DAILY, DECAY, 0);
    }

    // ---------------------------------------------------------------- schedule

    function test_currentDay_countsWholeDaysFromStart() public {
        assertEq(emission.currentDay(), 0);
        vm.warp(start + 1 days - 1);
        assertEq(emission.currentDay(), 0);
        vm.warp(start + 1 days);
        assertEq(emission.currentDay(), 1);
        vm.warp(start + 45 days + 3 hours);
        assertEq(emission.currentDay(), 45);
    }

    function test_currentDay_isZeroBeforeStart() public {
        Emission later = new Emission(IERC20(address(flock)), config, start + 10 days, INITIAL_DAILY, DECAY, 30);
        assertEq(later.currentDay(), 0);
    }

    function test_scheduledForDay_decaysEveryPeriod() public view {
        assertEq(emission.scheduledForDay(0), 1074e18);
        assertEq(emission.scheduledForDay(29), 1074e18);
        assertEq(emission.scheduledForDay(30), 966.6e18);
        assertEq(emission.scheduledForDay(59), 966.6e18);
        assertEq(emission.scheduledForDay(60), 869.94e18);
        assertEq(emission.scheduledForDay(90), 782.946e18);
    }

    function test_scheduledForDay_reachesZeroEventually() public view {
        // 0.9^k < 1e-21 (1074e18 * 0.9^k < 1 wei) for k around 460.
        assertEq(emission.scheduledForDay(30 * 1000), 0);
        assertEq(emission.scheduledForDay(type(uint256).max), 0);
    }

    function test_scheduledForDay_constantWhenDecayIsOne() public {
        Emission flat = new Emission(IERC20(address(flock)), config, start, 100e18, 1e18, 7);
        assertEq(flat.scheduledForDay(0), 100e18);
        assertEq(flat.scheduledForDay(7000), 100e18);
        assertEq(flat.scheduledThrough(7001), 7001 * 100e18);
    }

    function test_scheduledThrough_sumsFullAndPartialPeriods() public view {
        assertEq(emission.scheduledThrough(0), 0);
        assertEq(emission.scheduledThrough(1), 1074e18);
        assertEq(emission.scheduledThrough(30), 32_220e18);
        assertEq(emission.scheduledThrough(45), 32_220e18 + 15 * 966.6e18);
        assertEq(emission.scheduledThrough(60), 32_220e18 + 30 * 966.6e18);
    }

    function test_scheduledThrough_approachesGeometricLimit() public view {
        // initialDaily * 30 / (1 - 0.9) = 322,200 FLOCK in all.
        uint256 all = emission.scheduledThrough(30 * 2000);
        assertLe(all, 322_200e18 + 1e9);
        assertGe(all, 322_200e18 - 1e9);
    }

    // ---------------------------------------------------------------- advance

    function test_advance_nothingDuringDayZero() public {
        _addGauge(g1, 1);
        vm.warp(start + 1 days - 1);
        assertEq(emission.advance(), 0);
        assertEq(emission.nextDay(), 0);
    }

    function test_advance_releasesCompletedDays() public {
        _addGauge(g1, 1);
        vm.warp(start + 3 days + 5 hours);
        vm.expectEmit(address(emission));
        emit IEmission.EmissionAdvanced(0, 3, 3 * 1074e18);
        assertEq(emission.advance(), 3 * 1074e18);
        assertEq(emission.nextDay(), 3);
        assertEq(emission.accrued(address(g1)), 3 * 1074e18);
        assertEq(emission.totalReleased(), 3 * 1074e18);
        assertEq(emission.reserve(), RESERVE - 3 * 1074e18);
        // Same day again: nothing more.
        assertEq(emission.advance(), 0);
    }

    function test_advance_acrossDecayPeriods() public {
        _addGauge(g1, 1);
        vm.warp(start + 45 days);
        assertEq(emission.advance(), 30 * 1074e18 + 15 * 966.6e18);
        assertEq(emission.totalReleased(), emission.scheduledThrough(45));
    }

    function test_advance_zeroWeightReleasesNothingButMarksDays() public {
        _addGauge(g1, 0);
        vm.warp(start + 5 days);
        vm.expectEmit(address(emission));
        emit IEmission.EmissionAdvanced(0, 5, 0);
        assertEq(emission.advance(), 0);
        assertEq(emission.nextDay(), 5);
        assertEq(emission.reserve(), RESERVE);
        // Weight arrives: only the new days are released.
        g1.setWeight(1);
        vm.warp(start + 6 days);
        assertEq(emission.advance(), 1074e18);
    }

    function test_advance_noGaugesReleasesNothing() public {
        emission.removeGauge(address(pools));
        vm.warp(start + 2 days);
        assertEq(emission.advance(), 0);
        assertEq(emission.nextDay(), 2);
    }

    function test_advance_boundedByMaxDays() public {
        _addGauge(g1, 1);
        vm.warp(start + 1000 days);
        emission.advance();
        assertEq(emission.nextDay(), emission.MAX_DAYS_PER_ADVANCE());
        emission.advance();
        assertEq(emission.nextDay(), 2 * emission.MAX_DAYS_PER_ADVANCE());
        emission.advance();
        assertEq(emission.nextDay(), 1000);
    }

    function test_advance_appliesDailyCap() public {
        _addGauge(g1, 1);
        config.set(Params.EMISSION_DAILY_CAP, 1000e18);
        vm.warp(start + 31 days);
        // 30 days capped at 1000, then day 30 at 966.6 (below the cap).
        assertEq(emission.advance(), 30 * 1000e18 + 966.6e18);
    }

    function test_advance_zeroCapReleasesNothing() public {
        _addGauge(g1, 1);
        config.set(Params.EMISSION_DAILY_CAP, 0);
        vm.warp(start + 10 days);
        assertEq(emission.advance(), 0);
        assertEq(emission.nextDay(), 10);
    }

    function test_advance_limitedByReserve() public {
        Emission small = new Emission(IERC20(address(flock)), config, start, INITIAL_DAILY, DECAY, 30);
        MockGauge g = new MockGauge(small);
        g.setWeight(1);
        small.addGauge(address(g));
        flock.transfer(address(small), 2500e18);
        vm.warp(start + 10 days);
        assertEq(small.advance(), 2500e18);
        assertEq(small.reserve(), 0);
        vm.warp(start + 20 days);
        assertEq(small.advance(), 0);
        // Topping up the reserve resumes emission for later days only.
        flock.transfer(address(small), 10_000e18);
        vm.warp(start + 21 days);
        assertEq(small.advance(), 1074e18);
    }

    function test_advance_splitsByWeightDustStays() public {
        _addGauge(g1, 1);
        _addGauge(g2, 2);
        vm.warp(start + 1 days);
        uint256 released = emission.advance();
        // 1074e18 is divisible by 3.
        assertEq(emission.accrued(address(g1)), 358e18);
        assertEq(emission.accrued(address(g2)), 716e18);
        assertEq(released, 1074e18);

        g1.setWeight(1);
        g2.setWeight(1e30); // g1's share of a day rounds to 1 wei or less
        vm.warp(start + 2 days);
        released = emission.advance();
        uint256 a1 = emission.accrued(address(g1)) - 358e18;
        uint256 a2 = emission.accrued(address(g2)) - 716e18;
        assertEq(a1 + a2, released);
        assertLe(released, 1074e18);
        assertEq(emission.reserve(), RESERVE - emission.totalReleased());
    }

    // ---------------------------------------------------------------- pull

    function test_pull_paysAccrued() public {
        _addGauge(g1, 1);
        vm.warp(start + 2 days);
        vm.expectEmit(address(emission));
        emit IEmission.EmissionPulled(address(g1), 2 * 1074e18);
        assertEq(g1.pull(), 2 * 1074e18);
        assertEq(flock.balanceOf(address(g1)), 2 * 1074e18);
        assertEq(emission.accrued(address(g1)), 0);
        assertEq(emission.totalPulled(), 2 * 1074e18);
        assertEq(emission.reserve(), RESERVE - 2 * 1074e18);
        assertEq(flock.balanceOf(address(emission)), RESERVE - 2 * 1074e18);
    }

    function test_pull_nothingAccruedPaysNothing() public {
        vm.recordLogs();
        vm.prank(alice);
        assertEq(emission.pull(), 0);
        assertEq(vm.getRecordedLogs().length, 0);
    }

    function test_pull_advancesFirst() public {
        _addGauge(g1, 1);
        vm.warp(start + 1 days);
        assertEq(g1.pull(), 1074e18);
        assertEq(emission.nextDay(), 1);
    }

    function test_pull_removedGaugeKeepsAccrued() public {
        _addGauge(g1, 1);
        vm.warp(start + 1 days);
        emission.advance();
        emission.removeGauge(address(g1));
        vm.warp(start + 2 days);
        assertEq(g1.pull(), 1074e18);
    }

    // ---------------------------------------------------------------- gauges

    function test_addGauge_registers() public {
        vm.expectEmit(address(emission));
        emit IEmission.GaugeAdded(address(g1));
        emission.addGauge(address(g1));
        address[] memory gs = emission.gauges();
        assertEq(gs.length, 2);
        assertEq(gs[1], address(g1));
        assertTrue(emission.isGauge(address(g1)));
    }

    function test_RevertWhen_addGaugeNotAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(IEmission.EmissionUnauthorized.selector, alice));
        vm.prank(alice);
        emission.addGauge(address(g1));
    }

    function test_RevertWhen_addGaugeTwice() public {
        emission.addGauge(address(g1));
        vm.expectRevert(abi.encodeWithSelector(IEmission.EmissionGaugeState.selector, address(g1)));
        emission.addGauge(address(g1));
    }

    function test_RevertWhen_addGaugeZero() public {
        vm.expectRevert(abi.encodeWithSelector(IEmission.EmissionGaugeState.selector, address(0)));
        emission.addGauge(address(0));
    }

    function test_RevertWhen_addGaugeTooMany() public {
        for (uint256 i = 1; i < emission.MAX_GAUGES(); ++i) {
            emission.addGauge(address(new MockGauge(emission)));
        }
        address extra = address(new MockGauge(emission));
        vm.expectRevert(abi.encodeWithSelector(IEmission.EmissionTooManyGauges.selector, 8));
        emission.addGauge(extra);
    }

    function test_addGauge_adminGrantedLaterMayManage() public {
        config.grantRole(bytes32(0), alice);
        vm.prank(alice);
        emission.addGauge(address(g1));
        assertTrue(emission.isGauge(address(g1)));
    }

    function test_removeGauge_unregisters() public {
        emission.addGauge(address(g1));
        emission.addGauge(address(g2));
        vm.expectEmit(address(emission));
        emit IEmission.GaugeRemoved(address(pools));
        emission.removeGauge(address(pools));
        address[] memory gs = emission.gauges();
        assertEq(gs.length, 2);
        assertEq(gs[0], address(g2));
        assertEq(gs[1], address(g1));
        assertFalse(emission.isGauge(address(pools)));
    }

    function test_RevertWhen_removeGaugeUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IEmission.EmissionGaugeState.selector, address(g1)));
        emission.removeGauge(address(g1));
    }

    function test_RevertWhen_removeGaugeNotAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(IEmission.EmissionUnauthorized.selector, bob));
        vm.prank(bob);
        emission.removeGauge(address(pools));
    }

    // ---------------------------------------------------------------- views

    function test_reserve_isBalanceLessOwed() public {
        _addGauge(g1, 1);
        vm.warp(start + 1 days);
        emission.advance();
        assertEq(flock.balanceOf(address(emission)), RESERVE);
        assertEq(emission.reserve(), RESERVE - 1074e18);
    }

    function _addGauge(MockGauge g, uint256 weight) internal {
        g.setWeight(weight);
        emission.addGauge(address(g));
    }
}
