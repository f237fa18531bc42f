// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {Params} from "../../../contracts/libraries/Params.sol";
import {EconomyFixture} from "../utils/EconomyFixture.sol";

/// @notice The reward accumulators and pro-rata slashing against closed forms.
/// @dev Rounding tolerance: every settlement (global -> pool -> delegator) rounds down at most
/// three times (pool earnings, operator cut, per-share increment, delegator credit: 1 wei each),
/// and the reference rounds down once per interval, so a claim may differ from its closed form by
/// a few wei per event; the tests allow 4 wei per event plus 4.
contract DelegationPoolsFuzzTest is EconomyFixture {
    uint256 internal constant DAILY = 1074e18;
    uint256 internal constant SIGMA2 = 0.3e18;
    uint256 internal constant N = 3;

    address internal op = makeAddr("operator");
    address internal op2 = makeAddr("operator2");

    struct Actor {
        address who;
        address operator;
        uint256 amount;
        uint256 enterAt;
        uint256 exitAt;
        bool active;
        uint256 expected;
    }

    function setUp() public override {
        super.setUp();
        _createPool(op, SIGMA);
        _createPool(op2, SIGMA2);
    }

    /// @dev Delegators enter and leave at random times while one day of emission streams; each
    /// one's claim must equal its stake-time share of the stream less its pool's sigma.
    function testFuzz_accumulator_claimsMatchStakeTimeShare(
        uint256 anchorAmount,
        uint256[3] memory amounts,
        uint256[3] memory enterAt,
        uint256[3] memory exitAt,
        bool[3] memory inPool2
    ) public {
        anchorAmount = bound(anchorAmount, 1e15, 1e26);
        address[3] memory whos = [alice, bob, carol];
        Actor[] memory actors = new Actor[](N + 1);
        // The anchor (dave, pool 1) is staked from the start, so the day's emission is released.
        actors[N] = Actor(dave, op, anchorAmount, 0, type(uint256).max, true, 0);
        _delegate(dave, op, anchorAmount);
        for (uint256 i; i < N; ++i) {
            uint256 e = bound(enterAt[i], 0, 1 days);
            uint256 x = bound(exitAt[i], e, 1 days + 1); // past 1 day: never leaves
            actors[i] = Actor(
                whos[i],
                inPool2[i] ? op2 : op,
                bound(amounts[i], 1e15, 1e26),
                e,
                x == 1 days + 1 ? type(uint256).max : x,
                false,
                0
            );
        }

        // Day 0's emission streams over [t0, t0 + 1 day); nothing after.
        uint256 t0 = start + 1 days;
        vm.warp(t0);
        pools.sync();
        config.set(Params.EMISSION_DAILY_CAP, 0);
        (uint256 rate,,,) = pools.stream();

        uint256 events;
        uint256 t; // seconds since t0
        while (true) {
            // Next event time among pending entries and exits.
            uint256 next = type(uint256).max;
            for (uint256 i; i < N; ++i) {
                if (!actors[i].active && actors[i].enterAt != type(uint256).max && actors[i].enterAt < next) {
                    next = actors[i].enterAt;
                }
                if (actors[i].active && actors[i].exitAt < next) next = actors[i].exitAt;
            }
            uint256 end = next < 1 days ? next : 1 days;
            _accrue(actors, rate, end - t);
            t = end;
            if (next == type(uint256).max) break;
            vm.warp(t0 + next);
            for (uint256 i; i < N; ++i) {
                Actor memory a = actors[i];
                if (!a.active && a.enterAt == next) {
                    _delegate(a.who, a.operator, a.amount);
                    a.active = true;
                    a.enterAt = type(uint256).max; // entered
                    ++events;
                } else if (a.active && a.exitAt == next) {
                    (uint256 shares,) = pools.delegation(a.operator, a.who);
                    vm.prank(a.who);
                    pools.undelegate(a.operator, shares);
                    a.active = false;
                    a.exitAt = type(uint256).max;
                    ++events;
                }
            }
        }

        vm.warp(t0 + 1 days + 1);
        uint256 tolerance = 4 * events + 8;
        uint256 paid;
        for (uint256 i; i <= N; ++i) {
            Actor memory a = actors[i];
            uint256 sigma = a.operator == op ? SIGMA : SIGMA2;
            uint256 expected = a.expected - Math.mulDiv(a.expected, sigma, WAD);
            vm.prank(a.who);
            uint256 claimed = pools.claim(a.operator);
            assertApproxEqAbs(claimed, expected, tolerance, "claim = stake-time share less sigma");
            paid += claimed;
        }
        vm.prank(op);
        paid += pools.claimCommission();
        vm.prank(op2);
        paid += pools.claimCommission();
        assertLe(paid, DAILY, "never more than the stream");
        assertApproxEqAbs(paid, DAILY, tolerance * 2, "the whole stream is paid");
    }

    /// @dev Credits every active actor with its share of `rate * dt` (rate scaled by 1e36).
    function _accrue(Actor[] memory actors, uint256 rate, uint256 dt) internal pure {
        if (dt == 0) return;
        uint256 total;
        for (uint256 i; i < actors.length; ++i) {
            if (actors[i].active) total += actors[i].amount;
        }
        for (uint256 i; i < actors.length; ++i) {
            if (actors[i].active) actors[i].expected += Math.mulDiv(rate * dt, actors[i].amount, total * 1e36);
        }
    }

    /// @dev notifyReward pays delegators exactly by shares.
    function testFuzz_notifyReward_sharesByStake(uint256 a, uint256 b, uint256 reward) public {
        a = bound(a, 1, 1e26);
        b = bound(b, 1, 1e26);
        reward = bound(reward, 1, 1e25);
        _delegate(alice, op, a);
        _delegate(bob, op, b);
        _notify(carol, op, reward);
        uint256 cut = reward * SIGMA / WAD;
        uint256 rest = reward - cut;
        vm.prank(alice);
        uint256 ca = pools.claim(op);
        vm.prank(bob);
        uint256 cb = pools.claim(op);
        vm.prank(op);
        uint256 cc = pools.claimCommission();
        assertEq(cc, cut);
        assertApproxEqAbs(ca, Math.mulDiv(rest, a, a + b), 1);
        assertApproxEqAbs(cb, Math.mulDiv(rest, b, a + b), 1);
        assertLe(ca + cb + cc, reward);
    }

    /// @dev A slash takes the same fraction from every delegator, active or unbonding.
    function testFuzz_slash_keepsStakeRatios(uint256 a, uint256 b, uint256 c, uint256 u, uint256 s) public {
        a = bound(a, 1e12, 1e26);
        b = bound(b, 1e12, 1e26);
        c = bound(c, 1e12, 1e26);
        u = bound(u, 1, c);
        _delegate(alice, op, a);
        _delegate(bob, op, b);
        _delegate(carol, op, c);
        vm.prank(carol);
        pools.undelegate(op, u);

        uint256 activeBefore = a + b + c - u;
        uint256 unbondingBefore = u;
        s = bound(s, 1, activeBefore + unbondingBefore);
        vm.prank(slasher);
        pools.slash(op, s, address(0));

        uint256 activeAfter = pools.pool(op).totalStake;
        uint256 unbondingAfter = pools.pool(op).unbondingStake;
        assertEq(activeAfter + unbondingAfter, activeBefore + unbondingBefore - s, "slashes exactly s");
        assertEq(gm.balanceOf(address(pools)), activeAfter + unbondingAfter);

        // Active delegators: stake_i = a_i * activeAfter / activeBefore, rounded down.
        (, uint256 sa) = pools.delegation(op, alice);
        (, uint256 sb) = pools.delegation(op, bob);
        (, uint256 sc) = pools.delegation(op, carol);
        assertEq(sa, Math.mulDiv(a, activeAfter, activeBefore));
        assertEq(sb, Math.mulDiv(b, activeAfter, activeBefore));
        assertEq(sc, Math.mulDiv(c - u, activeAfter, activeBefore));
        // Same ratio between delegators (cross-multiplied, rounding of one wei each side).
        assertApproxEqAbs(sa * b, sb * a, a + b);

        // Unbonding lost the same fraction as active stake (one side rounded by at most one wei).
        (, uint256 ua,) = pools.unbonding(op, carol);
        assertEq(ua, unbondingAfter);
        assertApproxEqAbs(
            (unbondingBefore - unbondingAfter) * activeBefore,
            (activeBefore - activeAfter) * unbondingBefore,
            activeBefore + unbondingBefore
        );
    }

    /// @dev New shares never take value from existing delegators, whatever the share price.
    function testFuzz_delegate_roundsInPoolFavour(uint256 a, uint256 s, uint256 x) public {
        a = bound(a, 1e6, 1e26);
        s = bound(s, 0, a - 1);
        x = bound(x, 1e6, 1e26);
        _delegate(alice, op, a);
        if (s > 0) {
            vm.prank(slasher);
            pools.slash(op, s, address(0));
        }
        (, uint256 aliceBefore) = pools.delegation(op, alice);
        _delegate(bob, op, x);
        (, uint256 aliceAfter) = pools.delegation(op, alice);
        (, uint256 bobStake) = pools.delegation(op, bob);
        assertGe(aliceAfter, aliceBefore);
        assertLe(bobStake, x);
        assertLe(aliceAfter + bobStake, pools.poolStake(op));
    }
}
