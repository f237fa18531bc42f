// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IProtocolConfig} from "../../../contracts/interfaces/IProtocolConfig.sol";
import {ProtocolConfig} from "../../../contracts/config/ProtocolConfig.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {Fixture} from "../utils/Fixture.sol";

contract ProtocolConfigTest is Fixture {
    bytes32 private constant NEW_KEY = bytes32("test.unregistered");
    bytes32 private constant ADMIN = 0x00;

    // ------------------------------------------------------------------ constructor

    function test_constructor_registersEveryDefault() public view {
        _assertParam(Params.LOCK_MAX_DURATION, 365 days, 30 days, 4 * 365 days);
        _assertParam(Params.LOCK_BONUS_START, 30 days, 0, 365 days);
        _assertParam(Params.LOCK_SLOPE, 2.19e18, 0, 10e18);
        _assertParam(Params.REDEEM_FEE, 0.05e18, 0, 0.2e18);
        _assertParam(Params.POOL_SIGMA_MIN, 0.02e18, 0, 1e18);
        _assertParam(Params.POOL_SIGMA_MAX, 0.5e18, 0, 1e18);
        _assertParam(Params.POOL_SIGMA_COOLDOWN, 7 days, 0, 90 days);
        _assertParam(Params.POOL_UNDELEGATE_COOLDOWN, 7 days, 0, 90 days);
        _assertParam(Params.EMISSION_DAILY_CAP, 1074e18, 0, 1_000_000e18);
        _assertParam(Params.ARENA_GAMMA, 0.2e18, 0, 0.5e18);
        _assertParam(Params.ARENA_BETA, 0.5e18, 0, 1e18);
        _assertParam(Params.ARENA_CREATOR_SHARE, 0.05e18, 0, 0.2e18);
        _assertParam(Params.ARENA_VALIDATOR_TOLERANCE, 0.05e18, 0.001e18, 1e18);
        _assertParam(Params.ARENA_VALIDATOR_SLASH, 0.2e18, 0, 1e18);
        _assertParam(Params.ARENA_NODE_SLASH, 0.1e18, 0, 1e18);
        _assertParam(Params.ARENA_CREATOR_SLASH, 0.5e18, 0, 1e18);
        _assertParam(Params.ARENA_RANK_DECAY, 0.8e18, 0, 1e18);
        _assertParam(Params.ARENA_SAMPLE_SIZE, 21, 1, 32);
        _assertParam(Params.ARENA_MIN_CREATOR_STAKE, 100e18, 0, 10_000_000e18);
        _assertParam(Params.ARENA_MIN_STAKE, 1e18, 0, 1_000_000e18);
        _assertParam(Params.ARENA_MIN_PHASE, 1 hours, 1 minutes, 30 days);
        _assertParam(Params.ARENA_MAX_TASK_DURATION, 90 days, 1 days, 365 days);
        _assertParam(Params.ALLIANCE_MIN_CREATOR_STAKE, 100e18, 0, 10_000_000e18);
        _assertParam(Params.ALLIANCE_MIN_STAKE, 1e18, 0, 1_000_000e18);
        _assertParam(Params.ALLIANCE_MIN_PHASE, 5 minutes, 10 seconds, 30 days);
        _assertParam(Params.ALLIANCE_PROPOSER_SLASH, 0.1e18, 0, 1e18);
        _assertParam(Params.ALLIANCE_VOTER_SLASH, 0.05e18, 0, 1e18);
        _assertParam(Params.ALLIANCE_DRAW_TIMEOUT, 1 days, 10 minutes, 30 days);
    }

    function test_constructor_grantsAdminAndSetsTreasury() public view {
        assertTrue(config.hasRole(ADMIN, address(this)));
        assertEq(config.DEFAULT_ADMIN_ROLE(), ADMIN);
        assertEq(config.treasury(), treasury);
    }

    function test_constructor_emitsTreasuryAndParamEvents() public {
        vm.expectEmit(true, true, false, false);
        emit IProtocolConfig.TreasurySet(address(0), treasury);
        vm.expectEmit(true, false, false, true);
        emit IProtocolConfig.ParamBoundsSet(Params.LOCK_MAX_DURATION, 30 days, 4 * 365 days);
        vm.expectEmit(true, false, false, true);
        emit IProtocolConfig.ParamSet(Params.LOCK_MAX_DURATION, 0, 365 days);
        new ProtocolConfig(alice, treasury);
    }

    function test_RevertWhen_constructorAdminIsZero() public {
        vm.expectRevert(IProtocolConfig.ConfigZeroAddress.selector);
        new ProtocolConfig(address(0), treasury);
    }

    function test_RevertWhen_constructorTreasuryIsZero() public {
        vm.expectRevert(IProtocolConfig.ConfigZeroAddress.selector);
        new ProtocolConfig(alice, address(0));
    }

    function test_roles_areNamedHashes() public view {
        assertEq(config.GM_HOLDER_ROLE(), keccak256("GM_HOLDER_ROLE"));
        assertEq(config.SLASHER_ROLE(), keccak256("SLASHER_ROLE"));
    }

    // ------------------------------------------------------------------ get / bounds

    function test_get_returnsValue() public view {
        assertEq(config.get(Params.LOCK_SLOPE), 2.19e18);
    }

    function test_RevertWhen_getUnknownKey() public {
        vm.expectRevert(abi.encodeWithSelector(IProtocolConfig.ConfigUnknownParam.selector, NEW_KEY));
        config.get(NEW_KEY);
    }

    function test_bounds_unknownKeyIsUnregistered() public view {
        (uint256 min, uint256 max, bool registered) = config.bounds(NEW_KEY);
        assertEq(min, 0);
        assertEq(max, 0);
        assertFalse(registered);
    }

    // ------------------------------------------------------------------ set

    function test_set_updatesValueAndEmits() public {
        vm.expectEmit(true, false, false, true, address(config));
        emit IProtocolConfig.ParamSet(Params.REDEEM_FEE, 0.05e18, 0.1e18);
        config.set(Params.REDEEM_FEE, 0.1e18);
        assertEq(config.get(Params.REDEEM_FEE), 0.1e18);
    }

    function test_set_acceptsBothBoundsInclusive() public {
        config.set(Params.REDEEM_FEE, 0);
        assertEq(config.get(Params.REDEEM_FEE), 0);
        config.set(Params.REDEEM_FEE, 0.2e18);
        assertEq(config.get(Params.REDEEM_FEE), 0.2e18);
    }

    function test_RevertWhen_setAboveMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.ConfigValueOutOfBounds.selector, Params.REDEEM_FEE, 0.2e18 + 1, 0, 0.2e18
            )
        );
        config.set(Params.REDEEM_FEE, 0.2e18 + 1);
    }

    function test_RevertWhen_setBelowMin() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.ConfigValueOutOfBounds.selector,
                Params.LOCK_MAX_DURATION,
                29 days,
                30 days,
                4 * 365 days
            )
        );
        config.set(Params.LOCK_MAX_DURATION, 29 days);
    }

    function test_RevertWhen_setUnknownKey() public {
        vm.expectRevert(abi.encodeWithSelector(IProtocolConfig.ConfigUnknownParam.selector, NEW_KEY));
        config.set(NEW_KEY, 1);
    }

    function test_RevertWhen_setCallerNotAdmin() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, ADMIN));
        config.set(Params.REDEEM_FEE, 0);
    }

    function test_set_sigmaMinMayEqualSigmaMax() public {
        config.set(Params.POOL_SIGMA_MIN, 0.5e18);
        assertEq(config.get(Params.POOL_SIGMA_MIN), config.get(Params.POOL_SIGMA_MAX));
    }

    function test_RevertWhen_setSigmaMinAboveSigmaMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.ConfigValueOutOfBounds.selector, Params.POOL_SIGMA_MIN, 0.6e18, 0, 0.5e18
            )
        );
        config.set(Params.POOL_SIGMA_MIN, 0.6e18);
    }

    function test_RevertWhen_setSigmaMaxBelowSigmaMin() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.ConfigValueOutOfBounds.selector, Params.POOL_SIGMA_MAX, 0.01e18, 0.02e18, 1e18
            )
        );
        config.set(Params.POOL_SIGMA_MAX, 0.01e18);
    }

    function test_RevertWhen_setBonusStartAboveMaxDuration() public {
        config.set(Params.LOCK_MAX_DURATION, 60 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.ConfigValueOutOfBounds.selector, Params.LOCK_BONUS_START, 61 days, 0, 60 days
            )
        );
        config.set(Params.LOCK_BONUS_START, 61 days);
    }

    function test_RevertWhen_setMaxDurationBelowBonusStart() public {
        config.set(Params.LOCK_BONUS_START, 100 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.ConfigValueOutOfBounds.selector,
                Params.LOCK_MAX_DURATION,
                99 days,
                100 days,
                4 * 365 days
            )
        );
        config.set(Params.LOCK_MAX_DURATION, 99 days);
    }

    // ------------------------------------------------------------------ setBounds

    function test_setBounds_newKeyStartsAtMin() public {
        vm.expectEmit(true, false, false, true, address(config));
        emit IProtocolConfig.ParamBoundsSet(NEW_KEY, 0.1e18, 0.4e18);
        vm.expectEmit(true, false, false, true, address(config));
        emit IProtocolConfig.ParamSet(NEW_KEY, 0, 0.1e18);
        config.setBounds(NEW_KEY, 0.1e18, 0.4e18);

        _assertParam(NEW_KEY, 0.1e18, 0.1e18, 0.4e18);
        config.set(NEW_KEY, 0.4e18);
        assertEq(config.get(NEW_KEY), 0.4e18);
    }

    function test_setBounds_existingKeyKeepsValue() public {
        vm.expectEmit(true, false, false, true, address(config));
        emit IProtocolConfig.ParamBoundsSet(Params.REDEEM_FEE, 0.01e18, 0.05e18);
        config.setBounds(Params.REDEEM_FEE, 0.01e18, 0.05e18);
        _assertParam(Params.REDEEM_FEE, 0.05e18, 0.01e18, 0.05e18);
    }

    function test_setBounds_minEqualsMaxPinsTheValue() public {
        config.setBounds(Params.REDEEM_FEE, 0.05e18, 0.05e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProtocolConfig.ConfigValueOutOfBounds.selector, Params.REDEEM_FEE, 0.04e18, 0.05e18, 0.05e18
            )
        );
        config.set(Params.REDEEM_FEE, 0.04e18);
    }

    function test_RevertWhen_setBoundsInverted() public {
        vm.expectRevert(abi.encodeWithSelector(IProtocolConfig.ConfigInvalidBounds.selector, NEW_KEY, 2, 1));
        config.setBounds(NEW_KEY, 2, 1);
    }

    function test_RevertWhen_setBoundsExcludeCurrentValue() public {
        vm.expectRevert(
            abi.encodeWithSelector(IProtocolConfig.ConfigInvalidBounds.selector, Params.REDEEM_FEE, 0.06e18, 0.1e18)
        );
        config.setBounds(Params.REDEEM_FEE, 0.06e18, 0.1e18);
    }

    function test_RevertWhen_setBoundsCallerNotAdmin() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, ADMIN));
        config.setBounds(NEW_KEY, 0, 1);
    }

    // ------------------------------------------------------------------ treasury

    function test_setTreasury_updatesAndEmits() public {
        vm.expectEmit(true, true, false, false, address(config));
        emit IProtocolConfig.TreasurySet(treasury, bob);
        config.setTreasury(bob);
        assertEq(config.treasury(), bob);
    }

    function test_RevertWhen_setTreasuryZero() public {
        vm.expectRevert(IProtocolConfig.ConfigZeroAddress.selector);
        config.setTreasury(address(0));
    }

    function test_RevertWhen_setTreasuryCallerNotAdmin() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, ADMIN));
        config.setTreasury(alice);
    }

    // ------------------------------------------------------------------ roles

    function test_grantRole_adminGrantsProtocolRoles() public {
        config.grantRole(config.GM_HOLDER_ROLE(), bob);
        config.grantRole(config.SLASHER_ROLE(), carol);
        assertTrue(config.hasRole(config.GM_HOLDER_ROLE(), bob));
        assertTrue(config.hasRole(config.SLASHER_ROLE(), carol));
        config.revokeRole(config.GM_HOLDER_ROLE(), bob);
        assertFalse(config.hasRole(config.GM_HOLDER_ROLE(), bob));
    }

    function test_RevertWhen_grantRoleCallerNotAdmin() public {
        bytes32 role = config.GM_HOLDER_ROLE();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, ADMIN));
        config.grantRole(role, alice);
    }

    function test_supportsInterface_accessControl() public view {
        assertTrue(config.supportsInterface(type(IAccessControl).interfaceId));
    }

    function test_grantRole_adminHandsOverToGovernance() public {
        config.grantRole(ADMIN, dave);
        config.renounceRole(ADMIN, address(this));
        vm.prank(dave);
        config.set(Params.REDEEM_FEE, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, address(this), ADMIN)
        );
        config.set(Params.REDEEM_FEE, 0.1e18);
    }

    // ------------------------------------------------------------------ fuzz

    function testFuzz_set_acceptsExactlyTheBounds(uint256 value) public {
        (uint256 min, uint256 max,) = config.bounds(Params.EMISSION_DAILY_CAP);
        if (value < min || value > max) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IProtocolConfig.ConfigValueOutOfBounds.selector, Params.EMISSION_DAILY_CAP, value, min, max
                )
            );
            config.set(Params.EMISSION_DAILY_CAP, value);
        } else {
            config.set(Params.EMISSION_DAILY_CAP, value);
            assertEq(config.get(Params.EMISSION_DAILY_CAP), value);
        }
    }

    function testFuzz_set_keepsSigmaMinAtMostSigmaMax(uint256 sigmaMin, uint256 sigmaMax) public {
        sigmaMin = bound(sigmaMin, 0, 1e18);
        sigmaMax = bound(sigmaMax, 0, 1e18);
        try config.set(Params.POOL_SIGMA_MAX, sigmaMax) {} catch {}
        try config.set(Params.POOL_SIGMA_MIN, sigmaMin) {} catch {}
        assertLe(config.get(Params.POOL_SIGMA_MIN), config.get(Params.POOL_SIGMA_MAX));
    }

    // ------------------------------------------------------------------ helpers

    function _assertParam(bytes32 key, uint256 value, uint256 min, uint256 max) private view {
        (uint256 lo, uint256 hi, bool registered) = config.bounds(key);
        assertTrue(registered, "registered");
        assertEq(config.get(key), value, "value");
        assertEq(lo, min, "min");
        assertEq(hi, max, "max");
    }
}
