// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EconomyFixture} from "../utils/EconomyFixture.sol";

/// @notice Named gas snapshots (group "economy", written to snapshots/economy.json) of the emission
/// and delegation-pool operations, each measured on its own call in a live economy: two pools with
/// delegators, an emission stream running, and every contract's storage marked cold (`vm.cool`)
/// just before the measured call, as in a fresh transaction. The set-up runs the economy for a few
/// hours first, so the numbers are the steady state (accumulators and snapshots non-zero), not
/// the one-off zero-to-non-zero writes of the very first claim.
/// @dev Every pools operation includes its {IDelegationPools-sync} (an emission pull that finds no
/// new day unless the test says otherwise).
contract EconomyGasTest is EconomyFixture {
    address internal op = makeAddr("operator");
    address internal op2 = makeAddr("operator2");

    function setUp() public override {
        super.setUp();
        _createPool(op, SIGMA);
        _delegate(alice, op, 1_000e18);
        _delegate(bob, op, 500e18);
        // Day 0's emission streams from day 1; some rewards from a task too.
        vm.warp(start + 1 days);
        pools.sync();
        _notify(carol, op, 100e18);
        // Steady state: every accumulator and snapshot already non-zero, as after the first claims.
        vm.warp(start + 1 days + 3 hours);
        vm.prank(alice);
        pools.claim(op);
        vm.prank(bob);
        pools.claim(op);
        vm.prank(op);
        pools.claimCommission();
        vm.warp(start + 1 days + 6 hours);
        // Holders already hold balances: no zero-to-nonzero balance write is counted.
        _fund(alice, 1e18);
        _fund(op, 1e18);
        _gmFor(bob, 1_000e18);
        _gmFor(dave, 1_000e18);
    }

    function _coolAll() internal {
        vm.cool(address(pools));
        vm.cool(address(emission));
        vm.cool(address(gm));
        vm.cool(address(flock));
        vm.cool(address(config));
    }

    // ---------------------------------------------------------------- emission

    function test_gas_advance_1day() public {
        vm.warp(start + 2 days);
        _coolAll();
        emission.advance();
        vm.snapshotGasLastCall("economy", "emission_advance_1day");
    }

    function test_gas_advance_30days() public {
        vm.warp(start + 31 days);
        _coolAll();
        emission.advance();
        vm.snapshotGasLastCall("economy", "emission_advance_30days");
    }

    function test_gas_advance_366days() public {
        vm.warp(start + 367 days);
        _coolAll();
        emission.advance();
        vm.snapshotGasLastCall("economy", "emission_advance_366days");
    }

    function test_gas_pull() public {
        vm.warp(start + 2 days);
        _coolAll();
        vm.prank(address(pools));
        emission.pull();
        vm.snapshotGasLastCall("economy", "emission_pull");
    }

    // ---------------------------------------------------------------- operators

    function test_gas_createPool() public {
        _coolAll();
        vm.prank(op2);
        pools.createPool(SIGMA);
        vm.snapshotGasLastCall("economy", "pools_createPool");
    }

    function test_gas_setSigma() public {
        vm.warp(start + 8 days); // past the cooldown; days 1..7 to pull
        pools.sync();
        vm.warp(start + 8 days + 1 hours);
        _coolAll();
        vm.prank(op);
        pools.setSigma(0.2e18);
        vm.snapshotGasLastCall("economy", "pools_setSigma");
    }

    function test_gas_claimCommission() public {
        _coolAll();
        vm.prank(op);
        pools.claimCommission();
        vm.snapshotGasLastCall("economy", "pools_claimCommission");
    }

    // ---------------------------------------------------------------- delegators

    function test_gas_delegate_first() public {
        _createPool(op2, SIGMA);
        vm.prank(dave);
        gm.approve(address(pools), 100e18);
        _coolAll();
        vm.prank(dave);
        pools.delegate(op2, 100e18);
        vm.snapshotGasLastCall("economy", "pools_delegate_first");
    }

    function test_gas_delegate_later() public {
        vm.prank(bob);
        gm.approve(address(pools), 100e18);
        _coolAll();
        vm.prank(bob);
        pools.delegate(op, 100e18);
        vm.snapshotGasLastCall("economy", "pools_delegate_later");
    }

    /// @dev The first change after a registration opens a new stretch of share checkpoints: a new
    /// slot in the pool's trace and the delegator's (the other delegate cases rewrite them in place).
    function test_gas_delegate_afterRegistration() public {
        _registerOp();
        vm.prank(bob);
        gm.approve(address(pools), 100e18);
        _coolAll();
        vm.prank(bob);
        pools.delegate(op, 100e18);
        vm.snapshotGasLastCall("economy", "pools_delegate_afterRegistration");
    }

    function test_gas_undelegate_afterRegistration() public {
        _registerOp();
        _coolAll();
        vm.prank(alice);
        pools.undelegate(op, 400e18);
        vm.snapshotGasLastCall("economy", "pools_undelegate_afterRegistration");
    }

    function test_gas_undelegate() public {
        _coolAll();
        vm.prank(alice);
        pools.undelegate(op, 400e18);
        vm.snapshotGasLastCall("economy", "pools_undelegate");
    }

    function test_gas_withdraw() public {
        vm.prank(alice);
        pools.undelegate(op, 400e18);
        vm.warp(start + 8 days + 6 hours);
        pools.sync();
        vm.warp(start + 8 days + 7 hours);
        _coolAll();
        vm.prank(alice);
        pools.withdraw(op);
        vm.snapshotGasLastCall("economy", "pools_withdraw");
    }

    function test_gas_claim() public {
        _coolAll();
        vm.prank(alice);
        pools.claim(op);
        vm.snapshotGasLastCall("economy", "pools_claim");
    }

    // ---------------------------------------------------------------- protocol

    function test_gas_notifyReward() public {
        vm.prank(carol);
        flock.approve(address(pools), 10e18);
        _fund(carol, 10e18);
        _coolAll();
        vm.prank(carol);
        pools.notifyReward(op, 10e18);
        vm.snapshotGasLastCall("economy", "pools_notifyReward");
    }

    /// @dev As the Arena at a registration: freezes op's pool now (the task's `since`), then an hour passes.
    function _registerOp() internal returns (uint256 since) {
        since = block.timestamp;
        vm.prank(slasher);
        pools.freeze(op, since + 10 days);
        vm.warp(since + 1 hours);
    }

    function test_gas_notifyTaskReward() public {
        uint256 since = _registerOp();
        _fund(slasher, 10e18);
        vm.prank(slasher);
        flock.approve(address(pools), 10e18);
        _coolAll();
        vm.prank(slasher);
        pools.notifyTaskReward(op, 10e18, since, SIGMA);
        vm.snapshotGasLastCall("economy", "pools_notifyTaskReward");
    }

    /// @dev `n` task rewards paid into op's pool, for the shares it had at a registration (alice's and bob's).
    function _taskRewards(uint256 n) internal {
        uint256 since = _registerOp();
        _fund(slasher, n * 10e18);
        vm.startPrank(slasher);
        flock.approve(address(pools), n * 10e18);
        for (uint256 i; i < n; ++i) {
            pools.notifyTaskReward(op, 10e18, since, SIGMA);
        }
        vm.stopPrank();
    }

    function test_gas_claimTaskRewards_1entry() public {
        _taskRewards(1);
        _coolAll();
        vm.prank(alice);
        pools.claimTaskRewards(op, 1);
        vm.snapshotGasLastCall("economy", "pools_claimTaskRewards_1entry");
    }

    function test_gas_claimTaskRewards_10entries() public {
        _taskRewards(10);
        _coolAll();
        vm.prank(alice);
        pools.claimTaskRewards(op, 10);
        vm.snapshotGasLastCall("economy", "pools_claimTaskRewards_10entries");
    }

    function test_gas_slash() public {
        vm.prank(bob);
        pools.undelegate(op, 100e18); // some stake unbonding too
        vm.warp(block.timestamp + 1 hours);
        _coolAll();
        vm.prank(slasher);
        pools.slash(op, 50e18, address(0));
        vm.snapshotGasLastCall("economy", "pools_slash");
    }

    function test_gas_freeze() public {
        _coolAll();
        vm.prank(slasher);
        pools.freeze(op, start + 30 days);
        vm.snapshotGasLastCall("economy", "pools_freeze");
    }

    function test_gas_sync_pullsNewDay() public {
        vm.warp(start + 2 days);
        _coolAll();
        pools.sync();
        vm.snapshotGasLastCall("economy", "pools_sync_newDay");
    }

    function test_gas_sync_noNewDay() public {
        _coolAll();
        pools.sync();
        vm.snapshotGasLastCall("economy", "pools_sync_noNewDay");
    }
}
