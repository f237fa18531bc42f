// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IModelMarket} from "../../../contracts/interfaces/IModelMarket.sol";
import {MarketFixture} from "../utils/MarketFixture.sol";
import {ModelMarketHandler} from "./handlers/ModelMarketHandler.sol";

/// @notice Invariants of the model market under any order of opens, top-ups, growing and stale
/// vouchers, redemptions, closings, time and claims (ModelMarketHandler): FLOCK is conserved; a
/// channel never pays more than its deposit nor more than its caller signed; the contributors are
/// never paid more than the revenue, nor any of them more than its share of it; the hosts' stake
/// is held.
/// forge-config: default.invariant.runs = 32
/// forge-config: default.invariant.depth = 40
/// forge-config: ci.invariant.runs = 64
/// forge-config: ci.invariant.depth = 50
contract ModelMarketInvariantTest is MarketFixture {
    ModelMarketHandler private handler;
    uint256 private modelId;
    address private host2 = makeAddr("host2");

    function setUp() public override {
        super.setUp();
        modelId = market.registerArenaModel(_finalizedArenaTask(), 0);
        _offer(modelId, host, PRICE);
        _offer(modelId, host2, 2 * PRICE);
        address[] memory who = new address[](5);
        (who[0], who[1], who[2], who[3], who[4]) = (_node(0), creator, _validator(0), _validator(1), _node(1));
        handler = new ModelMarketHandler(market, IERC20(address(flock)), modelId, [host, host2], who, treasury);
        targetContract(address(handler));
    }

    function invariant_flockConserved() public view {
        (uint256 deposited, uint256 redeemed, uint256 refunded, uint256 revenue, uint256 paidOut) = market.totals();
        assertEq(flock.balanceOf(address(market)), deposited - redeemed - refunded + revenue - paidOut, "market balance");
        assertEq(handler.ghostToTreasuryAndHosts() + revenue, redeemed, "fee + host + revenue == redeemed");
        assertEq(handler.ghostRefunded(), refunded);
        assertEq(handler.ghostClaimed(), paidOut);
    }

    function invariant_channelsPayNoMoreThanDepositedOrSigned() public view {
        for (uint256 i; i < handler.channelCount(); ++i) {
            uint256 id = handler.channels(i);
            IModelMarket.ChannelInfo memory c = market.channel(id);
            assertLe(c.redeemed, c.deposit, "redeemed > deposit");
            assertLe(c.redeemed, handler.ghostSigned(id), "redeemed > signed");
        }
    }

    function invariant_claimsWithinShares() public view {
        IModelMarket.ModelInfo memory m = market.model(modelId);
        uint256 sum;
        for (uint256 i; i < handler.contributorCount(); ++i) {
            address who = handler.contributors(i);
            (uint256 share,) = market.contribution(modelId, who);
            uint256 claimed = market.claimed(modelId, who);
            assertLe(claimed, m.revenue * share / 1e18, "claimed beyond its share");
            sum += claimed;
        }
        (,,,, uint256 paidOut) = market.totals();
        assertEq(sum, paidOut);
        assertLe(paidOut, m.revenue, "paid beyond the revenue");
    }

    function invariant_hostStakeHeld() public view {
        uint256 staked = market.offerOf(modelId, host).stake + market.offerOf(modelId, host2).stake;
        assertEq(gm.balanceOf(address(market)), staked);
    }
}
