// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {FlockToken} from "../../../contracts/token/FlockToken.sol";
import {ProtocolConfig} from "../../../contracts/config/ProtocolConfig.sol";
import {GmFlock} from "../../../contracts/staking/GmFlock.sol";

/// @notice The core set-up every contract test starts from: FLOCK (the whole supply minted to this
/// test contract), ProtocolConfig (this test contract as admin, standing in for governance) and
/// GmFlock, plus four named actors and helpers to fund them and lock for them.
/// @dev Extend it and call `super.setUp()` first in an overriding `setUp`.
abstract contract Fixture is Test {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant SUPPLY = 1_000_000_000e18;

    FlockToken internal flock;
    ProtocolConfig internal config;
    GmFlock internal gm;

    address internal treasury = makeAddr("treasury");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal dave = makeAddr("dave");

    function setUp() public virtual {
        flock = new FlockToken(address(this));
        config = new ProtocolConfig(address(this), treasury);
        gm = new GmFlock(IERC20(address(flock)), config);
        vm.label(address(flock), "FLOCK");
        vm.label(address(config), "ProtocolConfig");
        vm.label(address(gm), "gmFLOCK");
    }

    /// @dev Sends `amount` FLOCK from the genesis holder (this contract) to `who`.
    function _fund(address who, uint256 amount) internal {
        flock.transfer(who, amount);
    }

    /// @dev As `who`: approves and locks `amount` FLOCK for `duration` seconds. `who` must hold the FLOCK.
    function _lock(address who, uint256 amount, uint256 duration) internal returns (uint256 positionId) {
        vm.startPrank(who);
        flock.approve(address(gm), amount);
        positionId = gm.lock(amount, duration);
        vm.stopPrank();
    }
}
