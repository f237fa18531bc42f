// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketFixture} from "../utils/MarketFixture.sol";

/// @notice Named gas snapshots (group "market", written to snapshots/market.json) of the model
/// market's operations, each on its own call, on a model registered from a finalized Arena task
/// (one of whose validators has a delegation pool, so a claim may pay into a pool).
contract MarketGasTest is MarketFixture {
    uint256 private modelId;

    function setUp() public override {
        super.setUp();
        modelId = market.registerArenaModel(_finalizedArenaTask(), 0);
    }

    function test_gas_register() public {
        uint256 arenaTask = _finalizedArenaTask();
        market.registerArenaModel(arenaTask, 0);
        vm.snapshotGasLastCall("market", "registerArenaModel");
        uint256 allianceTask = _finishedAllianceTask();
        market.registerAllianceModel(allianceTask);
        vm.snapshotGasLastCall("market", "registerAllianceModel");
    }

    function test_gas_offer_retire_withdraw() public {
        _gmFor(host, HOST_STAKE);
        vm.startPrank(host);
        gm.approve(address(market), HOST_STAKE);
        market.offer(modelId, PRICE, HOST_STAKE, "http://127.0.0.1:8600");
        vm.snapshotGasLastCall("market", "offer_first");
        market.offer(modelId, 2 * PRICE, 0, "https://models.example.org/flock");
        vm.snapshotGasLastCall("market", "offer_update");
        market.retire(modelId);
        vm.snapshotGasLastCall("market", "retire");
        vm.warp(block.timestamp + 7 days);
        market.withdrawStake(modelId);
        vm.snapshotGasLastCall("market", "withdrawStake");
        vm.stopPrank();
    }

    function test_gas_channel() public {
        _offer(modelId, host, PRICE);
        _fund(caller, 20e18);
        vm.startPrank(caller);
        flock.approve(address(market), 20e18);
        uint256 ch = market.open(modelId, host, 10e18);
        vm.snapshotGasLastCall("market", "open");
        market.topUp(ch, 10e18);
        vm.snapshotGasLastCall("market", "topUp");
        vm.stopPrank();
        bytes memory sig = _sign(callerKey, ch, 100 * PRICE, 100);
        vm.prank(host);
        market.redeem(ch, 100 * PRICE, 100, sig);
        vm.snapshotGasLastCall("market", "redeem_first");
        sig = _sign(callerKey, ch, 1000 * PRICE, 1000);
        vm.prank(host);
        market.redeem(ch, 1000 * PRICE, 1000, sig);
        vm.snapshotGasLastCall("market", "redeem_later");
        vm.prank(caller);
        market.startClose(ch);
        vm.snapshotGasLastCall("market", "startClose");
        vm.warp(block.timestamp + 1 days);
        vm.prank(caller);
        market.close(ch);
        vm.snapshotGasLastCall("market", "close");
    }

    function test_gas_claim() public {
        _offer(modelId, host, PRICE);
        uint256 ch = _open(modelId, caller, 10e18);
        _redeem(ch, 5e18, 500);
        market.claim(modelId, _node(0));
        vm.snapshotGasLastCall("market", "claim_winner");
        market.claim(modelId, _validator(0));
        vm.snapshotGasLastCall("market", "claim_validatorWithPool");
    }
}
