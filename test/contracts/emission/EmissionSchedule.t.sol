// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {Emission} from "../../../contracts/emission/Emission.sol";
import {IProtocolConfig} from "../../../contracts/interfaces/IProtocolConfig.sol";

/// @notice The emission curve against independent per-day reference loops.
/// @dev The reference keeps decay^k by one rounded-down WAD product per period (not by squaring),
/// and sums the schedule one day at a time. Tolerances, derived in {Emission}'s notes:
/// - scheduledForDay: the two ways of rounding decay^k differ by less than 2k wei of WAD, so the
///   day's amount differs by at most initialDaily * 2k / 1e18 + 1 wei;
/// - scheduledThrough: never below the per-day sum of scheduledForDay, and above it by at most
///   2k * initialDaily * P / ((1 - decay) * 1e18) + P * k * (2k * initialDaily / 1e18 + 1) wei.
///   At the reference values this is under 1e9 wei (1e-9 FLOCK) over 2,000 days. The margin grows
///   as 1 / (1 - decay) (the closed form divides by it), so the fuzzed schedules keep decay <= 0.99
///   (decay == 1 is exact, see EmissionTest).
contract EmissionScheduleTest is Test {
    uint256 internal constant WAD = 1e18;

    /// @dev The schedule views never touch the token or the config.
    function _deploy(uint256 initialDaily, uint256 decay, uint256 period) internal returns (Emission) {
        return
            new Emission(IERC20(address(1)), IProtocolConfig(address(2)), block.timestamp, initialDaily, decay, period);
    }

    /// @dev decay^k by repeated multiplication, each product rounded down.
    function _refPow(uint256 decay, uint256 k) internal pure returns (uint256 p) {
        p = WAD;
        for (uint256 i; i < k && p > 0; ++i) {
            p = p * decay / WAD;
        }
    }

    /// @dev Sum over days [0, day) of initialDaily * decay^(d / period), one day at a time.
    function _refThrough(uint256 initialDaily, uint256 decay, uint256 period, uint256 day)
        internal
        pure
        returns (uint256 total)
    {
        uint256 p = WAD;
        for (uint256 d; d < day; ++d) {
            if (d > 0 && d % period == 0) p = p * decay / WAD;
            total += initialDaily * p / WAD;
        }
    }

    function _throughTolerance(uint256 initialDaily, uint256 decay, uint256 period, uint256 day)
        internal
        pure
        returns (uint256)
    {
        uint256 k = day / period + 1;
        uint256 oneMinus = WAD - decay;
        uint256 series = oneMinus == 0 ? 0 : 2 * k * initialDaily * period / oneMinus;
        return series + period * k * (2 * k * initialDaily / WAD + 1) + 1;
    }

    function testFuzz_scheduledForDay_matchesReference(uint256 day) public {
        day = bound(day, 0, 30 * 600);
        Emission e = _deploy(1074e18, 0.9e18, 30);
        uint256 k = day / 30;
        uint256 expected = 1074e18 * _refPow(0.9e18, k) / WAD;
        assertApproxEqAbs(e.scheduledForDay(day), expected, 1074e18 * 2 * k / WAD + 1);
    }

    function testFuzz_scheduledThrough_matchesPerDayLoop(uint256 day) public {
        day = bound(day, 0, 2000);
        Emission e = _deploy(1074e18, 0.9e18, 30);
        uint256 ref = _refThrough(1074e18, 0.9e18, 30, day);
        uint256 closed = e.scheduledThrough(day);
        assertApproxEqAbs(closed, ref, 1e9, "reference schedule: within 1e-9 FLOCK");
    }

    function testFuzz_scheduledThrough_neverBelowPerDaySum(uint256 day) public {
        day = bound(day, 0, 400);
        Emission e = _deploy(1074e18, 0.9e18, 30);
        uint256 sum;
        for (uint256 d; d < day; ++d) {
            sum += e.scheduledForDay(d);
        }
        uint256 closed = e.scheduledThrough(day);
        assertGe(closed, sum);
        assertLe(closed - sum, _throughTolerance(1074e18, 0.9e18, 30, day));
    }

    function testFuzz_scheduledThrough_anySchedule(uint256 initialDaily, uint256 decay, uint256 period, uint256 day)
        public
    {
        initialDaily = bound(initialDaily, 0, 1e24);
        decay = bound(decay, 0.5e18, 0.99e18);
        period = bound(period, 1, 60);
        day = bound(day, 0, 600);
        Emission e = _deploy(initialDaily, decay, period);
        uint256 sum;
        for (uint256 d; d < day; ++d) {
            sum += e.scheduledForDay(d);
        }
        uint256 ref = _refThrough(initialDaily, decay, period, day);
        uint256 closed = e.scheduledThrough(day);
        uint256 tol = _throughTolerance(initialDaily, decay, period, day);
        assertGe(closed, sum, "closed form never below the per-day sum");
        assertLe(closed - sum, tol);
        assertApproxEqAbs(closed, ref, tol);
    }

    function testFuzz_scheduledForDay_neverIncreases(uint256 a, uint256 b) public {
        a = bound(a, 0, 1e6);
        b = bound(b, a, 1e6);
        Emission e = _deploy(1074e18, 0.9e18, 30);
        assertGe(e.scheduledForDay(a), e.scheduledForDay(b));
    }
}
