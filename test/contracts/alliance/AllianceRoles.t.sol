// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {AllianceRoles} from "../../../contracts/alliance/AllianceRoles.sol";
import {AllianceRolesHarness} from "../utils/AllianceFixture.sol";

/// @notice AllianceRoles: the fixture written by the TypeScript twin, fuzzed properties, the
/// bounds, and a loose statistical check that draws follow stake.
contract AllianceRolesTest is Test {
    AllianceRolesHarness private harness;

    function setUp() public {
        harness = new AllianceRolesHarness();
    }

    // ---- The cross-check with src/protocol/alliance/roles.ts ----

    function test_draw_matchesTypeScriptFixture() public view {
        string memory json = vm.readFile("test/contracts/fixtures/alliance-roles.json");
        uint256 count = vm.parseJsonUint(json, ".count");
        assertGe(count, 30, "a few dozen vectors");
        for (uint256 v; v < count; ++v) {
            string memory at = string.concat(".vectors[", vm.toString(v), "]");
            uint256 word = vm.parseJsonUint(json, string.concat(at, ".word"));
            uint256[] memory stakes = vm.parseJsonUintArray(json, string.concat(at, ".stakes"));
            uint256 k = vm.parseJsonUint(json, string.concat(at, ".k"));
            uint256[] memory expected = vm.parseJsonUintArray(json, string.concat(at, ".proposers"));
            uint256[] memory got = AllianceRoles.proposers(word, stakes, k);
            assertEq(got, expected, string.concat("vector ", vm.toString(v)));
        }
    }

    // ---- Units ----

    function test_draw_drawsEveryPositiveStakeWhenKIsAll() public pure {
        uint256[] memory stakes = _stakes6();
        (uint256[] memory idx, uint256 mask) = AllianceRoles.draw(7, stakes, 4);
        assertEq(idx.length, 4);
        assertEq(mask, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5));
        assertTrue(AllianceRoles.isProposer(mask, 3));
        assertFalse(AllianceRoles.isProposer(mask, 1));
        assertFalse(AllianceRoles.isProposer(mask, 300));
    }

    function test_draw_kZeroDrawsNobody() public pure {
        (uint256[] memory idx, uint256 mask) = AllianceRoles.draw(1, _stakes6(), 0);
        assertEq(idx.length, 0);
        assertEq(mask, 0);
    }

    function test_RevertWhen_draw_tooManyParticipants() public {
        uint256[] memory stakes = new uint256[](257);
        for (uint256 i; i < 257; ++i) stakes[i] = 1;
        vm.expectRevert(abi.encodeWithSelector(AllianceRoles.AllianceRolesTooManyParticipants.selector, 257, 256));
        harness.draw(1, stakes, 1);
    }

    function test_RevertWhen_draw_kAbovePositiveStakes() public {
        vm.expectRevert(abi.encodeWithSelector(AllianceRoles.AllianceRolesTooManyProposers.selector, 5, 4));
        harness.draw(1, _stakes6(), 5);
    }

    function test_RevertWhen_draw_kAboveMaxProposers() public {
        uint256[] memory stakes = new uint256[](100);
        for (uint256 i; i < 100; ++i) stakes[i] = 1;
        vm.expectRevert(abi.encodeWithSelector(AllianceRoles.AllianceRolesTooManyProposers.selector, 65, 64));
        harness.draw(1, stakes, 65);
    }

    function test_RevertWhen_draw_allStakesZero() public {
        uint256[] memory stakes = new uint256[](3);
        vm.expectRevert(abi.encodeWithSelector(AllianceRoles.AllianceRolesTooManyProposers.selector, 1, 0));
        harness.draw(1, stakes, 1);
    }

    // ---- Fuzz ----

    function testFuzz_draw_distinctPositiveDeterministic(uint256 word, uint256[] memory raw, uint256 k) public pure {
        uint256 n = bound(raw.length, 1, 256);
        uint256[] memory stakes = new uint256[](n);
        uint256 positive;
        for (uint256 i; i < n; ++i) {
            uint256 r = i < raw.length ? raw[i] : uint256(keccak256(abi.encode(word, i)));
            // About a quarter zero; the rest up to 1e27 (a total supply's order), so the sum fits.
            stakes[i] = r % 4 == 0 ? 0 : (r >> 2) % 1e27 + 1;
            if (stakes[i] != 0) ++positive;
        }
        vm.assume(positive > 0);
        k = bound(k, 0, positive < 64 ? positive : 64);
        (uint256[] memory idx, uint256 mask) = AllianceRoles.draw(word, stakes, k);
        assertEq(idx.length, k);
        uint256 seen;
        for (uint256 i; i < k; ++i) {
            assertLt(idx[i], n);
            assertGt(stakes[idx[i]], 0, "a zero stake was drawn");
            assertEq((seen >> idx[i]) & 1, 0, "drawn twice");
            seen |= 1 << idx[i];
        }
        assertEq(seen, mask);
        (uint256[] memory again,) = AllianceRoles.draw(word, stakes, k);
        assertEq(again, idx);
    }

    /// @dev Loose statistics: over 2,000 words the first draw lands on each participant with a
    /// frequency within 4 points of its stake share (the sampling error is about 1.1 points).
    function test_draw_firstDrawFollowsStake() public pure {
        uint256[] memory stakes = _stakes6();
        uint256[6] memory counts;
        uint256 n = 2_000;
        for (uint256 w; w < n; ++w) {
            uint256[] memory idx = AllianceRoles.proposers(uint256(keccak256(abi.encode("stat", w))), stakes, 1);
            ++counts[idx[0]];
        }
        uint256 total = 105;
        for (uint256 i; i < 6; ++i) {
            uint256 expected = (n * stakes[i]) / total;
            assertApproxEqAbs(counts[i], expected, (n * 4) / 100, "frequency follows stake");
        }
        assertEq(counts[1], 0);
        assertEq(counts[4], 0);
    }

    /// @dev Without replacement: with k = 2 every positive stake is sometimes drawn, a dominant one
    /// nearly always, and never the same participant twice (checked in the fuzz test).
    function test_draw_withoutReplacementGivesSmallStakesASecondChance() public pure {
        uint256[] memory stakes = new uint256[](3);
        stakes[0] = 1_000;
        stakes[1] = 1;
        stakes[2] = 1;
        uint256 dominant;
        uint256 n = 500;
        for (uint256 w; w < n; ++w) {
            (, uint256 mask) = AllianceRoles.draw(w, stakes, 2);
            if (mask & 1 == 1) ++dominant;
        }
        assertGe(dominant, n - 5);
    }

    function _stakes6() private pure returns (uint256[] memory s) {
        s = new uint256[](6);
        (s[0], s[1], s[2], s[3], s[4], s[5]) = (10, 0, 30, 60, 0, 5);
    }
}
