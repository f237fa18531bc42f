// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IModelMarket} from "../../../../contracts/interfaces/IModelMarket.sol";
import {ModelMarket} from "../../../../contracts/market/ModelMarket.sol";

/// @notice Drives the model market over one registered model through whole host and channel
/// lifecycles: hosts offer (update, add stake, re-activate), retire and withdraw their stake;
/// callers whose keys it knows open, top up, sign cumulative vouchers (a third beyond the
/// deposit), start closing and close; anyone claims a contributor's revenue; time passes. Valid
/// calls only, except the vouchers that must fail (replayed, stale, more FLOCK for fewer calls,
/// beyond a fully redeemed deposit, redeemed after the window): those run in try/catch and are
/// counted if they succeed, so the campaign keeps fail_on_revert.
/// @dev Ghost variables record what the market should hold; the invariant test compares.
contract MarketLifecycleHandler is Test {
    ModelMarket public immutable market;
    IERC20 public immutable flock;
    IERC20 public immutable gm;
    address public immutable treasury;
    uint256 public immutable modelId;

    address[] private _hosts;
    uint256[] private _keys;
    address[] private _callers;
    address[] private _contributors;

    /// @dev The time the campaign is at; every action runs at it.
    uint256 public currentTime;
    uint256 private immutable _treasuryStart;

    // --- ghosts
    uint256 public ghostDeposited;
    uint256 public ghostRefunded;
    uint256 public ghostFees;
    uint256 public ghostHostPaid;
    uint256 public ghostRevenue;
    uint256 public ghostRedeemed;
    uint256 public ghostPaidOut;
    uint256 public ghostStake;
    /// @dev Bad vouchers the market accepted (must stay 0), and how many were tried.
    uint256 public ghostBadAccepted;
    uint256 public ghostBadTried;
    mapping(uint256 channelId => uint256) public maxSigned;
    mapping(uint256 channelId => uint64) public maxSignedCalls;
    mapping(uint256 channelId => uint256) public ghostRefundOf;
    uint256[] private _channelIds;

    // --- call counts (printed after the campaign)
    mapping(bytes32 action => uint256) public calls;

    constructor(
        ModelMarket market_,
        IERC20 flock_,
        IERC20 gm_,
        address treasury_,
        uint256 modelId_,
        address[] memory hosts_,
        uint256[] memory keys_,
        address[] memory contributors_,
        uint256 stake_
    ) {
        market = market_;
        flock = flock_;
        gm = gm_;
        treasury = treasury_;
        modelId = modelId_;
        _hosts = hosts_;
        _keys = keys_;
        for (uint256 i; i < keys_.length; ++i) {
            _callers.push(vm.addr(keys_[i]));
        }
        _contributors = contributors_;
        ghostStake = stake_;
        currentTime = block.timestamp;
        _treasuryStart = flock_.balanceOf(treasury_);
    }

    modifier atCurrentTime() {
        vm.warp(currentTime);
        _;
    }

    // ------------------------------------------------------------------ views for the test

    function channelIds() external view returns (uint256[] memory) {
        return _channelIds;
    }

    function hosts() external view returns (address[] memory) {
        return _hosts;
    }

    function contributors() external view returns (address[] memory) {
        return _contributors;
    }

    function treasuryGain() external view returns (uint256) {
        return flock.balanceOf(treasury) - _treasuryStart;
    }

    // ------------------------------------------------------------------ hosts

    /// @dev Creates, updates or re-activates a host's offer, adding some of its gmFLOCK.
    function offer(uint256 hostSeed, uint256 price, uint256 stake) external atCurrentTime {
        address h = _hosts[hostSeed % _hosts.length];
        uint256 current = market.offerOf(modelId, h).stake;
        uint256 min = 10e18;
        uint256 lo = current >= min ? 0 : min - current;
        uint256 available = gm.balanceOf(h);
        if (available < lo) return;
        stake = _bound(stake, lo, available);
        price = _bound(price, 1, 1e18);
        vm.prank(h);
        market.offer(modelId, price, stake, "http://host:8600");
        ghostStake += stake;
        ++calls["offer"];
    }

    function retire(uint256 hostSeed) external atCurrentTime {
        address h = _hosts[hostSeed % _hosts.length];
        if (!market.offerOf(modelId, h).active) return;
        vm.prank(h);
        market.retire(modelId);
        ++calls["retire"];
    }

    function withdrawStake(uint256 hostSeed) external atCurrentTime {
        address h = _hosts[hostSeed % _hosts.length];
        IModelMarket.OfferInfo memory o = market.offerOf(modelId, h);
        if (o.active || o.unlockAt == 0 || o.stake == 0 || block.timestamp < o.unlockAt) return;
        vm.prank(h);
        market.withdrawStake(modelId);
        ghostStake -= o.stake;
        ++calls["withdrawStake"];
    }

    // ------------------------------------------------------------------ callers

    function open(uint256 callerSeed, uint256 hostSeed, uint256 deposit) external atCurrentTime {
        address c = _callers[callerSeed % _callers.length];
        address h = _hosts[hostSeed % _hosts.length];
        if (!market.offerOf(modelId, h).active) return;
        deposit = _bound(deposit, 1, 1_000e18);
        vm.prank(c);
        uint256 id = market.open(modelId, h, deposit);
        _channelIds.push(id);
        ghostDeposited += deposit;
        ++calls["open"];
    }

    function topUp(uint256 channelSeed, uint256 amount) external atCurrentTime {
        (bool found, uint256 id, IModelMarket.ChannelInfo memory ch) = _pick(channelSeed);
        if (!found || ch.closeAt != 0 || ch.closed) return;
        amount = _bound(amount, 1, 500e18);
        vm.prank(ch.caller);
        market.topUp(id, amount);
        ghostDeposited += amount;
        ++calls["topUp"];
    }

    /// @dev The caller signs a voucher for more than it signed before (a third of the time beyond
    /// the deposit) and the host redeems it; or, by `mode` or when the channel cannot pay, the
    /// host tries a bad one.
    function redeem(uint256 channelSeed, uint256 more, uint256 moreCalls, uint256 mode) external atCurrentTime {
        (bool found, uint256 id, IModelMarket.ChannelInfo memory ch) = _pick(channelSeed);
        if (!found) return;
        bool window = !ch.closed && (ch.closeAt == 0 || block.timestamp < ch.closeAt);
        mode = mode % 8;
        if (!window || mode == 0) return _tryBad(id, ch, more, moreCalls, mode);
        if (ch.redeemed >= ch.deposit) return _tryBad(id, ch, more, moreCalls, 7);
        uint256 base = maxSigned[id] > ch.redeemed ? maxSigned[id] : ch.redeemed;
        uint256 amount = mode % 3 == 0
            ? base + _bound(more, 1, 2 * ch.deposit)
            : base + _bound(more, 1, ch.deposit - ch.redeemed);
        uint64 n = maxSignedCalls[id] + uint64(_bound(moreCalls, 0, 50));
        if (n > maxSignedCalls[id]) maxSignedCalls[id] = n;
        bytes memory sig = _sign(ch.caller, id, amount, n);

        uint256 treasuryBefore = flock.balanceOf(treasury);
        uint256 hostBefore = flock.balanceOf(ch.host);
        uint256 revenueBefore = market.model(modelId).revenue;
        vm.prank(ch.host);
        market.redeem(id, amount, n, sig);
        ghostRedeemed += market.channel(id).redeemed - ch.redeemed;
        ghostFees += flock.balanceOf(treasury) - treasuryBefore;
        ghostHostPaid += flock.balanceOf(ch.host) - hostBefore;
        ghostRevenue += market.model(modelId).revenue - revenueBefore;
        ++calls[amount > ch.deposit ? bytes32("redeemBeyond") : bytes32("redeem")];
    }

    function startClose(uint256 channelSeed) external atCurrentTime {
        (bool found, uint256 id, IModelMarket.ChannelInfo memory ch) = _pick(channelSeed);
        if (!found || ch.closeAt != 0 || ch.closed) return;
        vm.prank(ch.caller);
        market.startClose(id);
        ++calls["startClose"];
    }

    function close(uint256 channelSeed) external atCurrentTime {
        (bool found, uint256 id, IModelMarket.ChannelInfo memory ch) = _pick(channelSeed);
        if (!found || ch.closed || ch.closeAt == 0 || block.timestamp < ch.closeAt) return;
        uint256 before = flock.balanceOf(ch.caller);
        vm.prank(ch.caller);
        market.close(id);
        uint256 refund = flock.balanceOf(ch.caller) - before;
        ghostRefunded += refund;
        ghostRefundOf[id] = refund;
        ++calls["close"];
    }

    // ------------------------------------------------------------------ contributors and time

    function claim(uint256 contributorSeed) external atCurrentTime {
        address a = _contributors[contributorSeed % _contributors.length];
        (uint256 own, uint256 pool) = market.claimable(modelId, a);
        if (own + pool == 0) return;
        uint256 before = flock.balanceOf(a);
        market.claim(modelId, a);
        assertEq(flock.balanceOf(a) - before, own, "own part");
        ghostPaidOut += own + pool;
        ++calls["claim"];
    }

    function warp(uint256 secs) external {
        currentTime += _bound(secs, 1 minutes, 3 days);
        ++calls["warp"];
    }

    // ------------------------------------------------------------------ helpers

    /// @dev Bad vouchers, all signed by the channel's caller: any voucher after the window, one
    /// beyond a fully redeemed deposit, more FLOCK for fewer calls, a replayed or stale one.
    function _tryBad(uint256 id, IModelMarket.ChannelInfo memory ch, uint256 more, uint256 moreCalls, uint256 mode) private {
        bool window = !ch.closed && (ch.closeAt == 0 || block.timestamp < ch.closeAt);
        uint256 amount;
        uint64 n = uint64(ch.calls);
        if (!window) {
            amount = ch.redeemed + _bound(more, 1, 100e18);
            n += uint64(_bound(moreCalls, 0, 5));
        } else if (mode == 7) {
            amount = ch.redeemed + _bound(more, 1, 100e18);
            n += 1;
        } else if (ch.calls > 0 && more % 2 == 0) {
            amount = ch.redeemed + _bound(more, 1, 100e18);
            n -= 1;
        } else {
            amount = _bound(more, 0, ch.redeemed);
        }
        bytes memory sig = _sign(ch.caller, id, amount, n);
        ++ghostBadTried;
        vm.prank(ch.host);
        try market.redeem(id, amount, n, sig) {
            ++ghostBadAccepted;
        } catch {}
        ++calls["redeemBad"];
    }

    /// @dev Every voucher a caller signs counts, the bad ones too: the market may never pay beyond
    /// the largest.
    function _sign(address who, uint256 id, uint256 amount, uint64 n) private returns (bytes memory) {
        uint256 key;
        for (uint256 i; i < _callers.length; ++i) {
            if (_callers[i] == who) key = _keys[i];
        }
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, market.voucherDigest(id, amount, n));
        if (amount > maxSigned[id]) maxSigned[id] = amount;
        if (n > maxSignedCalls[id]) maxSignedCalls[id] = n;
        return abi.encodePacked(r, s, v);
    }

    function _pick(uint256 seed) private view returns (bool, uint256, IModelMarket.ChannelInfo memory ch) {
        if (_channelIds.length == 0) return (false, 0, ch);
        uint256 id = _channelIds[seed % _channelIds.length];
        return (true, id, market.channel(id));
    }
}
