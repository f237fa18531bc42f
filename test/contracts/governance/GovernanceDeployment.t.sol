// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {GovernanceFixture} from "../utils/GovernanceFixture.sol";

/// @notice After deployment the timelock alone administers the protocol: it is the only holder of
/// DEFAULT_ADMIN_ROLE on the config and on itself, and the Governor is its only proposer and
/// canceller. Checked twice: by hasRole on every account the fixture knows, and by replaying every
/// RoleGranted/RoleRevoked event recorded during set-up (which would also show an account the
/// fixture does not know).
contract GovernanceDeploymentTest is GovernanceFixture {
    bytes32 private constant ADMIN = bytes32(0);
    /// @dev The fixture's treasury before governance took over.
    address private formerTreasury = makeAddr("treasury");

    function _known() private view returns (address[] memory a) {
        a = new address[](17);
        a[0] = deployer;
        a[1] = alice;
        a[2] = bob;
        a[3] = carol;
        a[4] = dave;
        a[5] = eve;
        a[6] = slasher;
        a[7] = formerTreasury;
        a[8] = address(flock);
        a[9] = address(config);
        a[10] = address(gm);
        a[11] = address(emission);
        a[12] = address(pools);
        a[13] = address(votes);
        a[14] = address(governor);
        a[15] = address(timelock);
        a[16] = address(0);
    }

    function test_setup_onlyTimelockHoldsAdminRoles() public view {
        address[] memory accounts = _known();
        for (uint256 i; i < accounts.length; ++i) {
            address a = accounts[i];
            assertEq(config.hasRole(ADMIN, a), a == address(timelock), "config admin");
            assertEq(timelock.hasRole(ADMIN, a), a == address(timelock), "timelock admin");
            assertEq(timelock.hasRole(timelock.PROPOSER_ROLE(), a), a == address(governor), "proposer");
            assertEq(timelock.hasRole(timelock.CANCELLER_ROLE(), a), a == address(governor), "canceller");
            assertEq(timelock.hasRole(timelock.EXECUTOR_ROLE(), a), a == address(0), "executor (open)");
        }
        assertEq(config.treasury(), address(timelock), "the timelock is the treasury");
        assertEq(governor.timelock(), address(timelock));
        assertEq(address(governor.token()), address(votes));
    }

    function test_setup_roleLogShowsNoOtherAdmin() public view {
        assertGt(roleLog.length, 0, "role events were recorded");
        _assertOnly(address(config), ADMIN, address(timelock));
        _assertOnly(address(timelock), ADMIN, address(timelock));
        _assertOnly(address(timelock), timelock.PROPOSER_ROLE(), address(governor));
        _assertOnly(address(timelock), timelock.CANCELLER_ROLE(), address(governor));
        _assertOnly(address(timelock), timelock.EXECUTOR_ROLE(), address(0));
        // The deployer held both admin roles during set-up, and gave them up.
        assertTrue(_everGranted(address(config), ADMIN, deployer), "deployer was config admin");
        assertTrue(_everGranted(address(timelock), ADMIN, deployer), "deployer was timelock admin");
        // Every role event came from the config or the timelock.
        for (uint256 i; i < roleLog.length; ++i) {
            assertTrue(roleLog[i].emitter == address(config) || roleLog[i].emitter == address(timelock), "emitter");
        }
    }

    function test_setup_protocolRolesUnchanged() public view {
        // The protocol roles of the economy are not admin roles and stay where the economy put them.
        _assertOnly(address(config), config.GM_HOLDER_ROLE(), address(pools));
        _assertOnly(address(config), config.SLASHER_ROLE(), slasher);
    }

    function test_RevertWhen_deployerSetsAParameter() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, deployer, ADMIN)
        );
        config.set(Params.POOL_SIGMA_MAX, 0.4e18);
    }

    function test_RevertWhen_deployerSchedulesOnTheTimelock() public {
        bytes32 proposer = timelock.PROPOSER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, deployer, proposer)
        );
        timelock.schedule(address(config), 0, "", bytes32(0), bytes32(0), TIMELOCK_DELAY);
    }

    function test_RevertWhen_deployerGrantsItselfARole() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, deployer, ADMIN)
        );
        timelock.grantRole(ADMIN, deployer);
    }

    function test_timelockSetsParameters() public {
        vm.prank(address(timelock));
        config.set(Params.POOL_SIGMA_MAX, 0.4e18);
        assertEq(config.get(Params.POOL_SIGMA_MAX), 0.4e18);
    }

    function _assertOnly(address emitter, bytes32 role, address expected) private view {
        address[] memory holders = _holdersAfterSetup(emitter, role);
        assertEq(holders.length, 1, "exactly one holder");
        assertEq(holders[0], expected, "the expected holder");
    }

    function _everGranted(address emitter, bytes32 role, address account) private view returns (bool) {
        for (uint256 i; i < roleLog.length; ++i) {
            if (
                roleLog[i].emitter == emitter && roleLog[i].role == role && roleLog[i].account == account
                    && roleLog[i].granted
            ) {
                return true;
            }
        }
        return false;
    }
}
