// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IModelMarket} from "../../../contracts/interfaces/IModelMarket.sol";
import {MarketFixture} from "../utils/MarketFixture.sol";
import {MarketLifecycleHandler} from "./handlers/MarketLifecycleHandler.sol";

/// @notice Invariants of the model market over one registered Arena model (the winner of
/// {MarketFixture-_finalizedArenaTask}: a node, the creator and two validators, one with a
/// delegation pool, share its revenue) through whole lifecycles (MarketLifecycleHandler): three
/// hosts offer, retire and withdraw; three callers open, top up, redeem growing vouchers (some
/// beyond the deposit) and try bad ones (replayed, stale, fewer calls, past the window), close;
/// contributors claim; time passes.
/// forge-config: default.invariant.runs = 32
/// forge-config: default.invariant.depth = 40
/// forge-config: ci.invariant.runs = 64
/// forge-config: ci.invariant.depth = 50
contract ModelMarketLifecycleInvariantTest is MarketFixture {
    uint256 private constant CALLER_FUND = 1_000_000e18;

    MarketLifecycleHandler private handler;
    uint256 private modelId;

    function setUp() public override {
        super.setUp();
        modelId = _arenaModel();

        address[] memory hs = new address[](3);
        hs[0] = host;
        hs[1] = makeAddr("host2");
        hs[2] = makeAddr("host3");
        for (uint256 i; i < hs.length; ++i) {
            _offer(modelId, hs[i], PRICE * (i + 1));
            _gmFor(hs[i], 3 * HOST_STAKE); // to add to the offer, or to offer again after a withdrawal
            vm.prank(hs[i]);
            gm.approve(address(market), type(uint256).max);
        }
        uint256[] memory keys = new uint256[](3);
        keys[0] = callerKey;
        keys[1] = 0xCA11E5;
        keys[2] = 0xCA11E6;
        for (uint256 i; i < keys.length; ++i) {
            address c = vm.addr(keys[i]);
            _fund(c, CALLER_FUND);
            vm.prank(c);
            flock.approve(address(market), type(uint256).max);
        }
        address[] memory cs = new address[](5);
        cs[0] = _node(0);
        cs[1] = creator;
        cs[2] = _validator(0);
        cs[3] = _validator(1);
        cs[4] = _node(1); // no share: never paid

        handler = new MarketLifecycleHandler(
            market, IERC20(address(flock)), IERC20(address(gm)), treasury, modelId, hs, keys, cs, 3 * HOST_STAKE
        );

        bytes4[] memory selectors = new bytes4[](12);
        selectors[0] = MarketLifecycleHandler.offer.selector;
        selectors[1] = MarketLifecycleHandler.retire.selector;
        selectors[2] = MarketLifecycleHandler.withdrawStake.selector;
        selectors[3] = MarketLifecycleHandler.open.selector;
        selectors[4] = MarketLifecycleHandler.open.selector; // twice: channels are what the rest needs
        selectors[5] = MarketLifecycleHandler.topUp.selector;
        selectors[6] = MarketLifecycleHandler.redeem.selector;
        selectors[7] = MarketLifecycleHandler.redeem.selector; // twice: redemptions are what the rest checks
        selectors[8] = MarketLifecycleHandler.startClose.selector;
        selectors[9] = MarketLifecycleHandler.close.selector;
        selectors[10] = MarketLifecycleHandler.claim.selector;
        selectors[11] = MarketLifecycleHandler.warp.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    /// @dev No FLOCK appears or vanishes: the market holds deposits - redeemed - refunded + revenue
    /// - paid out, its totals agree with the handler's and the model's, and nothing is paid out
    /// before it is earned.
    function invariant_flockConserved() public view {
        (uint256 deposited, uint256 redeemed, uint256 refunded, uint256 revenue, uint256 paidOut) = market.totals();
        assertEq(flock.balanceOf(address(market)), deposited - redeemed - refunded + revenue - paidOut);
        assertEq(deposited, handler.ghostDeposited());
        assertEq(redeemed, handler.ghostRedeemed());
        assertEq(refunded, handler.ghostRefunded());
        assertEq(paidOut, handler.ghostPaidOut());
        assertLe(paidOut, revenue);
        assertEq(revenue, market.model(modelId).revenue);
        assertEq(redeemed, market.model(modelId).redeemed);
    }

    /// @dev Every redeemed wei went to the treasury (fee), the host or the contributors' revenue.
    function invariant_splitAccounted() public view {
        (, uint256 redeemed,, uint256 revenue,) = market.totals();
        assertEq(handler.ghostFees() + handler.ghostHostPaid() + handler.ghostRevenue(), redeemed);
        assertEq(handler.ghostRevenue(), revenue);
        assertEq(handler.treasuryGain(), handler.ghostFees());
    }

    /// @dev Each contributor was paid at most its share of the revenue; the claims add up to what
    /// was paid out.
    function invariant_claimsWithinShares() public view {
        address[] memory cs = handler.contributors();
        uint256 revenue = market.model(modelId).revenue;
        uint256 sum;
        for (uint256 i; i < cs.length; ++i) {
            (uint256 share,) = market.contribution(modelId, cs[i]);
            uint256 got = market.claimed(modelId, cs[i]);
            assertLe(got, revenue * share / 1e18);
            sum += got;
        }
        (,,,, uint256 paidOut) = market.totals();
        assertEq(sum, paidOut);
    }

    /// @dev A channel never pays more than its deposit nor more than the largest voucher its caller
    /// signed, nor counts more calls than it signed; a closed channel refunded exactly the rest; no
    /// bad voucher (replayed, stale, fewer calls, past the window, beyond a full deposit) was ever
    /// accepted.
    function invariant_channelsWithinDepositAndVouchers() public view {
        uint256[] memory ids = handler.channelIds();
        uint256 calls;
        for (uint256 i; i < ids.length; ++i) {
            IModelMarket.ChannelInfo memory c = market.channel(ids[i]);
            assertLe(c.redeemed, c.deposit);
            assertLe(c.redeemed, handler.maxSigned(ids[i]));
            assertLe(c.calls, handler.maxSignedCalls(ids[i]));
            if (c.closed) assertEq(handler.ghostRefundOf(ids[i]), c.deposit - c.redeemed);
            calls += c.calls;
        }
        assertEq(market.model(modelId).calls, calls);
        assertEq(handler.ghostBadAccepted(), 0);
    }

    /// @dev The market's gmFLOCK is exactly the offers' stakes, through offers, retirements and
    /// withdrawals.
    function invariant_hostStakeHeld() public view {
        address[] memory hs = handler.hosts();
        uint256 sum;
        for (uint256 i; i < hs.length; ++i) {
            sum += market.offerOf(modelId, hs[i]).stake;
        }
        assertEq(gm.balanceOf(address(market)), sum);
        assertEq(sum, handler.ghostStake());
    }

    function afterInvariant() external view {
        console.log("offer        ", handler.calls("offer"));
        console.log("retire       ", handler.calls("retire"));
        console.log("withdrawStake", handler.calls("withdrawStake"));
        console.log("open         ", handler.calls("open"));
        console.log("topUp        ", handler.calls("topUp"));
        console.log("redeem       ", handler.calls("redeem"));
        console.log("redeemBeyond ", handler.calls("redeemBeyond"));
        console.log("redeemBad    ", handler.calls("redeemBad"));
        console.log("startClose   ", handler.calls("startClose"));
        console.log("close        ", handler.calls("close"));
        console.log("claim        ", handler.calls("claim"));
        console.log("warp         ", handler.calls("warp"));
    }
}
