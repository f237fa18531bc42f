// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IModelMarket} from "../../../contracts/interfaces/IModelMarket.sol";
import {IAllianceTypes} from "../../../contracts/interfaces/IAllianceTypes.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {Params} from "../../../contracts/libraries/Params.sol";
import {MarketFixture} from "../utils/MarketFixture.sol";

contract ModelMarketTest is MarketFixture {
    // ================================================================ registration

    function test_registerArenaModel_theWinner() public {
        uint256 taskId = _finalizedArenaTask();
        vm.expectEmit(address(market));
        emit IModelMarket.ModelRegistered(1, IModelMarket.Source.Arena, taskId, 0, _modelCID(0));
        vm.prank(stranger);
        uint256 id = market.registerArenaModel(taskId, 0);
        assertEq(id, 1);
        IModelMarket.ModelInfo memory m = market.model(1);
        assertEq(uint8(m.source), uint8(IModelMarket.Source.Arena));
        assertEq(m.modelCID, _modelCID(0));
        assertEq(m.registeredBy, stranger);
        assertEq(market.modelOf(1, taskId, 0), 1);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketAlreadyRegistered.selector, 1));
        market.registerArenaModel(taskId, 0);
    }

    function test_RevertWhen_registerNotTheWinnerOrNotFinalized() public {
        uint256 taskId = _finalizedArenaTask();
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketNotRegistrable.selector, IModelMarket.Source.Arena, taskId, 1));
        market.registerArenaModel(taskId, 1);
        uint256 open = _createDefaultTask();
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketNotRegistrable.selector, IModelMarket.Source.Arena, open, 0));
        market.registerArenaModel(open, 0);
        uint256 running = _taskWithMembers(2, POOL, 4);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketNotRegistrable.selector, IModelMarket.Source.Alliance, running, 0));
        market.registerAllianceModel(running);
    }

    function test_arenaShares_followTheTaskSplit() public {
        uint256 id = _arenaModel();
        IModelMarket.ModelInfo memory m = market.model(id);
        IArenaTypes.SettlementInfo memory s = arena.settlement(m.taskId);
        uint256 whole = s.nodeReward + s.validatorReward + s.creatorReward;
        (uint256 w,) = market.contribution(id, _node(0));
        (uint256 c,) = market.contribution(id, creator);
        (uint256 v0, uint256 pool0) = market.contribution(id, _validator(0));
        (uint256 v1, uint256 pool1) = market.contribution(id, _validator(1));
        (uint256 loser,) = market.contribution(id, _node(1));
        assertEq(w, s.nodeReward * 1e18 / whole);
        assertEq(c, s.creatorReward * 1e18 / whole);
        assertEq(loser, 0, "the loser made another model");
        assertGt(v0, 0);
        assertGt(v1, 0);
        assertLe(w + c + v0 + v1, 1e18);
        assertGe(w + c + v0 + v1, 1e18 - 4);
        // Validator 0 had 5 of its 15 effective stake from its pool.
        assertApproxEqAbs(pool0, uint256(1e18) / 3, 1e3);
        assertEq(pool1, 0);
    }

    function test_allianceModel_sharesByAcceptedUpdates() public {
        uint256 taskId = _finishedAllianceTask();
        IAllianceTypes.TaskInfo memory t = alliance.task(taskId);
        assertEq(uint8(t.status), uint8(IAllianceTypes.TaskStatus.Finished));
        assertEq(t.acceptedUpdates, 4, "two rounds of two paid proposers");
        uint256 id = market.registerAllianceModel(taskId);
        assertEq(market.model(id).modelCID, t.globalModelCID);
        uint256 sum;
        uint256 counted;
        for (uint256 i; i < 4; ++i) {
            IAllianceTypes.MemberInfo memory mi = alliance.member(taskId, _member(i));
            counted += mi.acceptedUpdates;
            (uint256 share,) = market.contribution(id, _member(i));
            assertEq(share, mi.acceptedUpdates * 1e18 / t.acceptedUpdates);
            sum += share;
        }
        assertEq(counted, t.acceptedUpdates);
        assertEq(sum, 1e18);
        (uint256 none,) = market.contribution(id, allianceCreator);
        assertEq(none, 0);
    }

    function test_acceptedUpdates_notCountedForBlamedOrFailedRounds() public {
        uint256 taskId = _taskWithMembers(2, POOL, 4);
        _startAndDraw(taskId, 11);
        _playRound(taskId, 0.85e18, 0.80e18, 0); // worse: the round fails
        _settleAll(taskId);
        assertEq(alliance.task(taskId).acceptedUpdates, 0);
        _startAndDraw(taskId, 12);
        (address[] memory ps,) = _roles(taskId);
        _playRound(taskId, 0.80e18, 0.85e18, 1 << _indexOf(taskId, ps[0])); // proposer 0 blamed by every voter
        _settleAll(taskId);
        assertEq(alliance.task(taskId).acceptedUpdates, 1);
    }

    // ================================================================ hosts

    function test_offer_retire_withdraw() public {
        uint256 id = _arenaModel();
        _offer(id, host, PRICE);
        IModelMarket.OfferInfo memory o = market.offerOf(id, host);
        assertTrue(o.active);
        assertEq(o.stake, HOST_STAKE);
        assertEq(market.hostCount(id), 1);
        assertEq(market.hostAt(id, 0), host);
        vm.prank(host);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketStakeLocked.selector, 0));
        market.withdrawStake(id);
        vm.prank(host);
        market.retire(id);
        uint256 unlockAt = block.timestamp + config.get(Params.MARKET_HOST_UNBONDING);
        assertEq(market.offerOf(id, host).unlockAt, unlockAt);
        vm.prank(host);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketStakeLocked.selector, unlockAt));
        market.withdrawStake(id);
        vm.warp(unlockAt);
        uint256 before = gm.balanceOf(host);
        vm.prank(host);
        market.withdrawStake(id);
        assertEq(gm.balanceOf(host) - before, HOST_STAKE);
        // Offering again re-lists nothing twice.
        _offer(id, host, PRICE);
        assertEq(market.hostCount(id), 1);
    }

    function test_RevertWhen_offerBadOrUnderstaked() public {
        uint256 id = _arenaModel();
        vm.startPrank(host);
        vm.expectRevert(IModelMarket.MarketBadOffer.selector);
        market.offer(id, 0, 0, "http://x");
        vm.expectRevert(IModelMarket.MarketBadOffer.selector);
        market.offer(id, 1, 0, "");
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketStakeTooLow.selector, 0, HOST_STAKE));
        market.offer(id, 1, 0, "http://x");
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketUnknownModel.selector, 7));
        market.offer(7, 1, 0, "http://x");
        vm.stopPrank();
    }

    // ================================================================ channels

    function test_redeem_splitsExactlyAndPaysOnce() public {
        uint256 id = _arenaModel();
        _offer(id, host, PRICE);
        uint256 ch = _open(id, caller, 1e18);
        uint256 amount = 37 * PRICE + 3; // any amount splits to the wei
        uint256 hostBefore = flock.balanceOf(host);
        uint256 treasuryBefore = flock.balanceOf(config.treasury());
        _redeem(ch, amount, 37);
        uint256 fee = amount * 0.05e18 / 1e18;
        uint256 hostAmount = amount * 0.5e18 / 1e18;
        assertEq(flock.balanceOf(config.treasury()) - treasuryBefore, fee);
        assertEq(flock.balanceOf(host) - hostBefore, hostAmount);
        assertEq(market.model(id).revenue, amount - fee - hostAmount);
        assertEq(market.model(id).calls, 37);
        assertEq(market.channel(ch).redeemed, amount);
        // The same voucher again, or an older one: nothing more.
        bytes memory sig = _sign(callerKey, ch, amount, 37);
        vm.prank(host);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketNothingToRedeem.selector, ch));
        market.redeem(ch, amount, 37, sig);
        sig = _sign(callerKey, ch, amount - PRICE, 36);
        vm.prank(host);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketNothingToRedeem.selector, ch));
        market.redeem(ch, amount - PRICE, 36, sig);
        // A later one pays the difference.
        _redeem(ch, amount + PRICE, 38);
        assertEq(market.channel(ch).redeemed, amount + PRICE);
    }

    function test_RevertWhen_redeemForgedForeignOrByStranger() public {
        uint256 id = _arenaModel();
        _offer(id, host, PRICE);
        uint256 ch = _open(id, caller, 1e18);
        uint256 other = _open(id, caller, 1e18);
        bytes memory forged = _sign(0xBAD, ch, 0.5e18, 1);
        vm.prank(host);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketBadSignature.selector, ch));
        market.redeem(ch, 0.5e18, 1, forged);
        // A voucher of another channel (same caller) does not pay this one.
        bytes memory foreign = _sign(callerKey, other, 0.5e18, 1);
        vm.prank(host);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketBadSignature.selector, ch));
        market.redeem(ch, 0.5e18, 1, foreign);
        bytes memory good = _sign(callerKey, ch, 0.5e18, 1);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketNotParty.selector, ch, stranger));
        market.redeem(ch, 0.5e18, 1, good);
    }

    function test_redeem_cappedAtTheDeposit() public {
        uint256 id = _arenaModel();
        _offer(id, host, PRICE);
        uint256 ch = _open(id, caller, 0.1e18);
        _redeem(ch, 5e18, 500);
        assertEq(market.channel(ch).redeemed, 0.1e18);
        (uint256 deposited, uint256 redeemed,,,) = market.totals();
        assertEq(deposited, 0.1e18);
        assertEq(redeemed, 0.1e18);
    }

    function test_close_afterTheHostsWindow() public {
        uint256 id = _arenaModel();
        _offer(id, host, PRICE);
        uint256 ch = _open(id, caller, 1e18);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketChannelNotExpired.selector, ch, 0));
        market.close(ch);
        vm.prank(host);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketNotParty.selector, ch, host));
        market.startClose(ch);
        vm.prank(caller);
        market.startClose(ch);
        uint256 closeAt = block.timestamp + 1 days;
        assertEq(market.channel(ch).closeAt, closeAt);
        // No top-up while closing; the host still redeems within its window.
        _fund(caller, 1);
        vm.startPrank(caller);
        flock.approve(address(market), 1);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketChannelClosing.selector, ch));
        market.topUp(ch, 1);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketChannelNotExpired.selector, ch, closeAt));
        market.close(ch);
        vm.stopPrank();
        vm.warp(closeAt - 1);
        _redeem(ch, 30 * PRICE, 30);
        vm.warp(closeAt);
        bytes memory late = _sign(callerKey, ch, 40 * PRICE, 40);
        vm.prank(host);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketChannelClosing.selector, ch));
        market.redeem(ch, 40 * PRICE, 40, late);
        uint256 before = flock.balanceOf(caller);
        vm.prank(caller);
        market.close(ch);
        assertEq(flock.balanceOf(caller) - before, 1e18 - 30 * PRICE);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketChannelClosing.selector, ch));
        market.close(ch);
    }

    function test_RevertWhen_openWithoutAnActiveOffer() public {
        uint256 id = _arenaModel();
        _fund(caller, 1e18);
        vm.startPrank(caller);
        flock.approve(address(market), 1e18);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketNoOffer.selector, id, host));
        market.open(id, host, 1e18);
        vm.stopPrank();
        _offer(id, host, PRICE);
        vm.prank(host);
        market.retire(id);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketNoOffer.selector, id, host));
        market.open(id, host, 1e18);
    }

    function test_feeAndShare_fixedWhenTheChannelOpens() public {
        uint256 id = _arenaModel();
        _offer(id, host, PRICE);
        uint256 ch = _open(id, caller, 1e18);
        config.set(Params.MARKET_FEE, 0.5e18);
        _redeem(ch, 1e18, 100);
        assertEq(market.model(id).revenue, 1e18 - 0.05e18 - 0.5e18);
    }

    // ================================================================ claims

    function test_claim_eachContributorItsShare_poolPartToThePool() public {
        uint256 id = _arenaModel();
        _offer(id, host, PRICE);
        uint256 ch = _open(id, caller, 10e18);
        _redeem(ch, 7e18 + 13, 700);
        uint256 revenue = market.model(id).revenue;
        address[4] memory who = [_node(0), creator, _validator(0), _validator(1)];
        uint256 paid;
        for (uint256 i; i < who.length; ++i) {
            (uint256 share,) = market.contribution(id, who[i]);
            (uint256 own, uint256 pool) = market.claimable(id, who[i]);
            assertEq(own + pool, revenue * share / 1e18);
            if (share == 0) continue; // e.g. a creator paid nothing by the task (no bounty, no emission)
            uint256 before = flock.balanceOf(who[i]);
            // (The pools' FLOCK balance is no measure: notifyReward also pulls their emission stream.)
            vm.expectEmit(address(market));
            emit IModelMarket.RevenueClaimed(id, who[i], own, pool);
            vm.prank(stranger); // anyone may; the contributor is paid
            market.claim(id, who[i]);
            assertEq(flock.balanceOf(who[i]) - before, own);
            if (who[i] != _validator(0)) assertEq(pool, 0);
            paid += own + pool;
            vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketNothingToClaim.selector, id, who[i]));
            market.claim(id, who[i]);
        }
        assertLe(paid, revenue);
        assertGe(paid, revenue - 4);
        // The delegator of validator 0's pool earns from the model.
        assertGt(pools.pendingRewards(_validator(0), delegator), 0);
        // More revenue: each claims just the new part.
        _redeem(ch, 8e18, 800);
        (uint256 w,) = market.contribution(id, _node(0));
        (uint256 more, uint256 morePool) = market.claimable(id, _node(0));
        assertEq(more + morePool, market.model(id).revenue * w / 1e18 - revenue * w / 1e18);
        (uint256 own0, uint256 pool0) = market.claim(id, _node(0));
        assertEq(own0 + pool0, more + morePool);
    }

    // ================================================================ fuzz

    function testFuzz_voucherNeverPaysMoreThanSignedOrDeposited(uint96 deposit, uint96 amount, uint96 second) public {
        uint256 id = _arenaModel();
        _offer(id, host, PRICE);
        deposit = uint96(bound(deposit, 1, 1e24));
        amount = uint96(bound(amount, 1, type(uint96).max));
        uint256 ch = _open(id, caller, deposit);
        uint256 marketBefore = flock.balanceOf(address(market));
        _redeem(ch, amount, 1);
        uint256 paid = marketBefore - flock.balanceOf(address(market)) + market.model(id).revenue;
        uint256 expected = amount < deposit ? amount : deposit;
        assertEq(paid, expected, "fee + host + revenue == what the voucher pays");
        assertLe(paid, amount);
        assertLe(paid, deposit);
        second = uint96(bound(second, 0, type(uint96).max));
        bytes memory sig = _sign(callerKey, ch, second, 2);
        vm.prank(host);
        if ((second < deposit ? second : deposit) <= expected) vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketNothingToRedeem.selector, ch));
        market.redeem(ch, second, 2, sig);
        assertLe(market.channel(ch).redeemed, deposit);
        assertLe(market.channel(ch).redeemed, amount > second ? amount : second);
    }

    function testFuzz_splitAddsUp(uint256 amount, uint64 fee, uint64 share) public {
        fee = uint64(bound(fee, 0, 0.5e18));
        share = uint64(bound(share, 0, 1e18));
        config.set(Params.MARKET_FEE, fee);
        config.set(Params.MARKET_HOST_SHARE, share);
        uint256 id = _arenaModel();
        _offer(id, host, PRICE);
        amount = bound(amount, 1, 1e26);
        uint256 ch = _open(id, caller, amount);
        uint256 t0 = flock.balanceOf(config.treasury());
        uint256 h0 = flock.balanceOf(host);
        _redeem(ch, amount, 1);
        uint256 f = flock.balanceOf(config.treasury()) - t0;
        uint256 h = flock.balanceOf(host) - h0;
        assertEq(f + h + market.model(id).revenue, amount);
        assertLe(f + h, amount);
    }
}
