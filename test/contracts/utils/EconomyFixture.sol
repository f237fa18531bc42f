// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {Emission} from "../../../contracts/emission/Emission.sol";
import {DelegationPools} from "../../../contracts/pools/DelegationPools.sol";
import {Fixture} from "./Fixture.sol";

/// @notice The whole staking economy on top of {Fixture}: the emission (reference schedule: 1074
/// FLOCK/day from now, x0.9 every 30 days) funded with a reserve, and the delegation pools,
/// registered as its gauge and allowed to hold gmFLOCK. `slasher` holds SLASHER_ROLE (it stands in
/// for the Arena and the Alliance).
/// @dev Extend it and call `super.setUp()` first in an overriding `setUp`.
abstract contract EconomyFixture is Fixture {
    uint256 internal constant INITIAL_DAILY = 1074e18;
    uint256 internal constant DECAY = 0.9e18;
    uint256 internal constant DECAY_PERIOD_DAYS = 30;
    uint256 internal constant RESERVE = 300_000e18;
    uint256 internal constant SIGMA = 0.1e18;

    Emission internal emission;
    DelegationPools internal pools;
    uint256 internal start;
    address internal slasher = makeAddr("slasher");

    function setUp() public virtual override {
        super.setUp();
        start = block.timestamp;
        emission = new Emission(IERC20(address(flock)), config, start, INITIAL_DAILY, DECAY, DECAY_PERIOD_DAYS);
        pools = new DelegationPools(IERC20(address(flock)), gm, config, emission);
        config.grantRole(config.GM_HOLDER_ROLE(), address(pools));
        config.grantRole(config.SLASHER_ROLE(), slasher);
        emission.addGauge(address(pools));
        flock.transfer(address(emission), RESERVE);
        vm.label(address(emission), "Emission");
        vm.label(address(pools), "DelegationPools");
    }

    /// @dev Gives `who` `amount` gmFLOCK: funds it with as much FLOCK and locks it for 0 days (multiplier 1).
    function _gmFor(address who, uint256 amount) internal {
        _fund(who, amount);
        _lock(who, amount, 0);
    }

    /// @dev As `operator`: opens a pool with operator share `sigma`.
    function _createPool(address operator, uint256 sigma) internal {
        vm.prank(operator);
        pools.createPool(sigma);
    }

    /// @dev As `who`: gets `amount` fresh gmFLOCK and delegates it to `operator`.
    function _delegate(address who, address operator, uint256 amount) internal returns (uint256 shares) {
        _gmFor(who, amount);
        vm.startPrank(who);
        gm.approve(address(pools), amount);
        shares = pools.delegate(operator, amount);
        vm.stopPrank();
    }

    /// @dev As `from`: gets `amount` FLOCK and pays it into `operator`'s pool as rewards.
    function _notify(address from, address operator, uint256 amount) internal {
        _fund(from, amount);
        vm.startPrank(from);
        flock.approve(address(pools), amount);
        pools.notifyReward(operator, amount);
        vm.stopPrank();
    }
}
