// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketFixture} from "../utils/MarketFixture.sol";

/// @notice Named gas snapshots (group "market", written to snapshots/market.json) of the model
/// market's operations, each on its own call, on a model registered from a finalized Arena task
/// (one of whose validators has a delegation pool, so a claim may pay into a pool), with every
/// contract's storage marked cold (`vm.cool`) just before the measured call, as in a fresh
/// transaction (the figures of the other gas files are measured so too).
contract MarketGasTest is MarketFixture {
    uint256 private modelId;

    function setUp() public override {
        super.setUp();
        modelId = market.registerArenaModel(_finalizedArenaTask(), 0);
    }

    function _coolAll() internal {
        vm.cool(address(market));
        vm.cool(address(arena));
        vm.cool(address(settlementModule));
        vm.cool(address(rankingModule));
        vm.cool(address(lensModule));
        vm.cool(address(alliance));
        vm.cool(address(allianceSettlement));
        vm.cool(address(allianceLens));
        vm.cool(address(pools));
        vm.cool(address(emission));
        vm.cool(address(gm));
        vm.cool(address(flock));
        vm.cool(address(config));
    }

    function test_gas_register() public {
        uint256 arenaTask = _finalizedArenaTask();
        _coolAll();
        market.registerArenaModel(arenaTask, 0);
        vm.snapshotGasLastCall("market", "registerArenaModel");
        uint256 allianceTask = _finishedAllianceTask();
        _coolAll();
        market.registerAllianceModel(allianceTask);
        vm.snapshotGasLastCall("market", "registerAllianceModel");
    }

    function test_gas_offer_retire_withdraw() public {
        _gmFor(host, HOST_STAKE);
        vm.startPrank(host);
        gm.approve(address(market), HOST_STAKE);
        _coolAll();
        market.offer(modelId, PRICE, HOST_STAKE, "http://127.0.0.1:8600");
        vm.snapshotGasLastCall("market", "offer_first");
        _coolAll();
        market.offer(modelId, 2 * PRICE, 0, "https://models.example.org/flock");
        vm.snapshotGasLastCall("market", "offer_update");
        _coolAll();
        market.retire(modelId);
        vm.snapshotGasLastCall("market", "retire");
        vm.warp(block.timestamp + 7 days);
        _coolAll();
        market.withdrawStake(modelId);
        vm.snapshotGasLastCall("market", "withdrawStake");
        vm.stopPrank();
    }

    function test_gas_channel() public {
        _offer(modelId, host, PRICE);
        _fund(caller, 20e18);
        vm.startPrank(caller);
        flock.approve(address(market), 20e18);
        _coolAll();
        uint256 ch = market.open(modelId, host, 10e18);
        vm.snapshotGasLastCall("market", "open");
        _coolAll();
        market.topUp(ch, 10e18);
        vm.snapshotGasLastCall("market", "topUp");
        vm.stopPrank();
        bytes memory sig = _sign(callerKey, ch, 100 * PRICE, 100);
        _coolAll();
        vm.prank(host);
        market.redeem(ch, 100 * PRICE, 100, sig);
        vm.snapshotGasLastCall("market", "redeem_first");
        sig = _sign(callerKey, ch, 1000 * PRICE, 1000);
        _coolAll();
        vm.prank(host);
        market.redeem(ch, 1000 * PRICE, 1000, sig);
        vm.snapshotGasLastCall("market", "redeem_later");
        _coolAll();
        vm.prank(caller);
        market.startClose(ch);
        vm.snapshotGasLastCall("market", "startClose");
        vm.warp(block.timestamp + 1 days);
        _coolAll();
        vm.prank(caller);
        market.close(ch);
        vm.snapshotGasLastCall("market", "close");
    }

    function test_gas_claim() public {
        _offer(modelId, host, PRICE);
        uint256 ch = _open(modelId, caller, 10e18);
        _redeem(ch, 5e18, 500);
        _coolAll();
        market.claim(modelId, _node(0));
        vm.snapshotGasLastCall("market", "claim_winner");
        _coolAll();
        market.claim(modelId, _validator(0));
        vm.snapshotGasLastCall("market", "claim_validatorWithPool");
    }
}
