// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Params} from "../../../contracts/libraries/Params.sol";
import {Fixture} from "../utils/Fixture.sol";

/// @notice Named gas snapshots (group "core", written to snapshots/core.json) of the core
/// operations, each measured on its own call with state as a user would meet it: sender and
/// receiver already hold a balance, so no zero-to-nonzero balance write is counted twice.
contract CoreGasTest is Fixture {
    uint256 private constant YEAR = 365 days;

    function setUp() public override {
        super.setUp();
        vm.warp(1_700_000_000);
        _fund(alice, 1_000e18);
        _fund(bob, 1e18);
    }

    function test_gas_token_transfer() public {
        vm.prank(alice);
        flock.transfer(bob, 10e18);
        vm.snapshotGasLastCall("core", "token_transfer");
    }

    function test_gas_token_transferWithDelegatedVotes() public {
        vm.prank(alice);
        flock.delegate(alice);
        vm.prank(bob);
        flock.delegate(bob);
        vm.warp(block.timestamp + 1);
        vm.prank(alice);
        flock.transfer(bob, 10e18);
        vm.snapshotGasLastCall("core", "token_transfer_delegated");
    }

    function test_gas_token_delegate() public {
        vm.prank(alice);
        flock.delegate(alice);
        vm.snapshotGasLastCall("core", "token_delegate");
    }

    function test_gas_gm_lock() public {
        vm.prank(alice);
        flock.approve(address(gm), 100e18);
        vm.prank(alice);
        gm.lock(100e18, YEAR);
        vm.snapshotGasLastCall("core", "gm_lock");
    }

    function test_gas_gm_lockSecondPosition() public {
        _lock(alice, 100e18, YEAR);
        vm.warp(block.timestamp + 1);
        vm.prank(alice);
        flock.approve(address(gm), 100e18);
        vm.prank(alice);
        gm.lock(100e18, YEAR);
        vm.snapshotGasLastCall("core", "gm_lock_second");
    }

    function test_gas_gm_redeem() public {
        _lock(alice, 100e18, YEAR);
        _lock(alice, 100e18, YEAR);
        vm.warp(block.timestamp + YEAR);
        vm.prank(alice);
        gm.redeem(0, false);
        vm.snapshotGasLastCall("core", "gm_redeem");
    }

    function test_gas_config_set() public {
        config.set(Params.REDEEM_FEE, 0.04e18);
        vm.snapshotGasLastCall("core", "config_set");
    }
}
