// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ArenaMath} from "../../../contracts/arena/ArenaMath.sol";
import {WeightedMedian} from "../../../contracts/libraries/WeightedMedian.sol";

/// @dev Calls the library through an external function, so reverts can be expected.
contract ArenaMathHarness {
    function powWad(uint256 x, uint256 beta) external pure returns (uint256) {
        return ArenaMath.powWad(x, beta);
    }

    function weightedMedian(int256[] memory values, uint256[] memory weights) external pure returns (int256) {
        (int256 lower,) = WeightedMedian.bounds(values, weights, values.length);
        return lower;
    }

    function weightedMedianBounds(int256[] memory values, uint256[] memory weights)
        external
        pure
        returns (int256, int256)
    {
        return WeightedMedian.bounds(values, weights, values.length);
    }
}

/// @notice Unit and fuzz tests of {ArenaMath}: the power against known values and sqrt, the
/// stake-weighted median against a reference (brute force over candidates), the distance.
contract ArenaMathTest is Test {
    ArenaMathHarness internal h = new ArenaMathHarness();

    // ================================================================ powWad

    function test_powWad_exactCases() public view {
        assertEq(h.powWad(0, 0.5e18), 0);
        assertEq(h.powWad(123e18, 1e18), 123e18);
        assertEq(h.powWad(123e18, 0), 1e18);
    }

    function test_powWad_knownValues() public view {
        assertApproxEqRel(h.powWad(4e18, 0.5e18), 2e18, 1e3);
        assertApproxEqRel(h.powWad(1e18, 0.5e18), 1e18, 1e3);
        assertApproxEqRel(h.powWad(0.25e18, 0.5e18), 0.5e18, 1e3);
        assertApproxEqRel(h.powWad(8e18, uint256(1e18) / 3), 2e18, 1e4);
        assertApproxEqRel(h.powWad(1_000_000e18, 0.5e18), 1_000e18, 1e3);
        assertApproxEqAbs(h.powWad(1, 0.5e18), 1e9, 1); // 1e-18 ^ 0.5 = 1e-9 (an integer result: 1 wei off)
    }

    function test_log2Wad_knownValues() public pure {
        assertEq(ArenaMath.log2Wad(1e18), 0);
        assertEq(ArenaMath.log2Wad(2e18), 1e18);
        assertEq(ArenaMath.log2Wad(0.5e18), -1e18);
        assertApproxEqAbs(ArenaMath.log2Wad(3e18), 1584962500721156181, 100);
    }

    function test_RevertWhen_exp2Overflows() public {
        vm.expectRevert(abi.encodeWithSelector(ArenaMath.ArenaMathExpOverflow.selector, int256(190e18)));
        this.exp2(190e18);
    }

    function exp2(int256 e) external pure returns (uint256) {
        return ArenaMath.exp2Wad(e);
    }

    function test_exp2Wad_knownValues() public pure {
        assertEq(ArenaMath.exp2Wad(0), 1e18);
        assertEq(ArenaMath.exp2Wad(3e18), 8e18);
        assertEq(ArenaMath.exp2Wad(-1e18), 0.5e18);
        assertApproxEqRel(ArenaMath.exp2Wad(0.5e18), 1414213562373095048, 1e3);
    }

    /// @dev stake^0.5 matches the integer square root to 1e-15.
    function testFuzz_powWad_halfIsSqrt(uint256 x) public view {
        x = bound(x, 1e9, 1e30);
        uint256 expected = Math.sqrt(x * 1e18);
        assertApproxEqRel(h.powWad(x, 0.5e18), expected, 1e3);
    }

    /// @dev Monotonic in the stake (what task weights need), for any beta.
    function testFuzz_powWad_monotonic(uint256 x, uint256 y, uint256 beta) public view {
        x = bound(x, 1, 1e30);
        y = bound(y, x, 1e30);
        beta = bound(beta, 0, 1e18);
        uint256 px = h.powWad(x, beta);
        uint256 py = h.powWad(y, beta);
        // Rounding may cost a relative 1e-15 where x and y are adjacent.
        assertGe(py + py / 1e15 + 1, px);
    }

    // ================================================================ weightedMedian

    /// @dev Reference: the smallest candidate v with weight(values <= v) * 2 >= total.
    function _reference(int256[] memory v, uint256[] memory w) internal pure returns (int256 best) {
        uint256 total;
        for (uint256 i; i < v.length; ++i) {
            total += w[i];
        }
        bool found;
        for (uint256 i; i < v.length; ++i) {
            uint256 below;
            for (uint256 j; j < v.length; ++j) {
                if (v[j] <= v[i]) below += w[j];
            }
            if (2 * below >= total && (!found || v[i] < best)) {
                best = v[i];
                found = true;
            }
        }
    }

    function test_weightedMedian_examples() public view {
        int256[] memory v = new int256[](3);
        uint256[] memory w = new uint256[](3);
        (v[0], v[1], v[2]) = (int256(0.8e18), int256(0.82e18), int256(0.81e18));
        (w[0], w[1], w[2]) = (10, 20, 40);
        assertEq(h.weightedMedian(v, w), 0.81e18);
        // A heavy validator alone decides.
        (w[0], w[1], w[2]) = (100, 1, 1);
        assertEq(h.weightedMedian(v, w), 0.8e18);
        // Exactly half: the lower of the two.
        int256[] memory v2 = new int256[](2);
        uint256[] memory w2 = new uint256[](2);
        (v2[0], v2[1]) = (int256(5), int256(3));
        (w2[0], w2[1]) = (7, 7);
        assertEq(h.weightedMedian(v2, w2), 3);
        // Invalid (the minimum) wins a majority.
        (v[0], v[1], v[2]) = (type(int128).min, type(int128).min, int256(1e18));
        (w[0], w[1], w[2]) = (1, 1, 1);
        assertEq(h.weightedMedian(v, w), type(int128).min);
    }

    function test_RevertWhen_weightedMedianWithoutWeight() public {
        int256[] memory v = new int256[](2);
        uint256[] memory w = new uint256[](2);
        vm.expectRevert(WeightedMedian.WeightedMedianNoWeight.selector);
        h.weightedMedian(v, w);
    }

    function testFuzz_weightedMedian_matchesReference(uint256 seed, uint8 n) public view {
        n = uint8(bound(n, 1, 32));
        int256[] memory v = new int256[](n);
        uint256[] memory w = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            // Few distinct values so ties happen; sometimes the invalid mark.
            v[i] = r % 7 == 0 ? int256(type(int128).min) : int256(r % 11) * 1e17 - 5e17;
            w[i] = (r >> 128) % 1e24 + 1;
        }
        assertEq(h.weightedMedian(v, w), _reference(v, w));
    }

    /// @dev Reference: the largest candidate v with weight(values >= v) * 2 >= total.
    function _referenceUpper(int256[] memory v, uint256[] memory w) internal pure returns (int256 best) {
        uint256 total;
        for (uint256 i; i < v.length; ++i) {
            total += w[i];
        }
        bool found;
        for (uint256 i; i < v.length; ++i) {
            if (w[i] == 0) continue;
            uint256 above;
            for (uint256 j; j < v.length; ++j) {
                if (v[j] >= v[i]) above += w[j];
            }
            if (2 * above >= total && (!found || v[i] > best)) {
                best = v[i];
                found = true;
            }
        }
    }

    function test_weightedMedianBounds_examples() public view {
        int256[] memory v = new int256[](2);
        uint256[] memory w = new uint256[](2);
        (v[0], v[1]) = (int256(5), int256(3));
        (w[0], w[1]) = (7, 7);
        (int256 lo, int256 hi) = h.weightedMedianBounds(v, w);
        assertEq(lo, 3);
        assertEq(hi, 5);
        // A strict majority: one median.
        (w[0], w[1]) = (7, 8);
        (lo, hi) = h.weightedMedianBounds(v, w);
        assertEq(lo, 3);
        assertEq(hi, 3);
        // Invalid against a score, half and half.
        (v[0], v[1]) = (type(int128).min, 0.9e18);
        (w[0], w[1]) = (10e18, 10e18);
        (lo, hi) = h.weightedMedianBounds(v, w);
        assertEq(lo, type(int128).min);
        assertEq(hi, 0.9e18);
        // Equal values on both sides of the half: no tie.
        int256[] memory v3 = new int256[](3);
        uint256[] memory w3 = new uint256[](3);
        (v3[0], v3[1], v3[2]) = (int256(1), int256(2), int256(2));
        (w3[0], w3[1], w3[2]) = (2, 1, 1);
        (lo, hi) = h.weightedMedianBounds(v3, w3);
        assertEq(lo, 1);
        assertEq(hi, 2);
        (w3[0], w3[1], w3[2]) = (1, 1, 2);
        (lo, hi) = h.weightedMedianBounds(v3, w3);
        assertEq(lo, 2);
        assertEq(hi, 2);
    }

    /// @notice Both medians match brute force, also with zero weights in the mix.
    function testFuzz_weightedMedianBounds_matchReference(uint256 seed, uint8 n) public view {
        n = uint8(bound(n, 1, 32));
        int256[] memory v = new int256[](n);
        uint256[] memory w = new uint256[](n);
        bool any;
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            v[i] = r % 7 == 0 ? int256(type(int128).min) : int256(r % 11) * 1e17 - 5e17;
            // Small weights so exact halves are common; now and then a zero.
            w[i] = (r >> 128) % 5;
            any = any || w[i] > 0;
        }
        if (!any) w[0] = 1;
        (int256 lo, int256 hi) = h.weightedMedianBounds(v, w);
        assertEq(lo, _reference(v, w));
        assertEq(hi, _referenceUpper(v, w));
        assertLe(lo, hi);
    }

    function testFuzz_weightedMedian_leavesInputsUntouched(int256 a, int256 b, int256 c) public pure {
        int256[] memory v = new int256[](3);
        uint256[] memory w = new uint256[](3);
        (v[0], v[1], v[2]) = (a, b, c);
        (w[0], w[1], w[2]) = (1, 2, 3);
        WeightedMedian.bounds(v, w, 3);
        assertEq(v[0], a);
        assertEq(v[1], b);
        assertEq(v[2], c);
    }
}
