// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ModelMarket} from "../../../../contracts/market/ModelMarket.sol";
import {IModelMarket} from "../../../../contracts/interfaces/IModelMarket.sol";

/// @notice Drives the model market: callers open and top up channels with two hosts and sign
/// growing cumulative vouchers (some beyond the deposit, some stale); hosts redeem the latest or a
/// stale one; callers start closing and close; time passes; anyone claims for the contributors.
/// Ghosts: the largest voucher each channel's caller signed, what left the market to the
/// treasury, hosts, callers and contributors.
contract ModelMarketHandler is Test {
    ModelMarket internal immutable market;
    IERC20 internal immutable flock;
    uint256 internal immutable modelId;
    address internal immutable treasury;
    address[2] internal hosts;
    uint256[3] internal keys = [uint256(0xA11CE), 0xB0B, 0xCA401];
    address[] public contributors;

    /// @dev channelId => the largest amount its caller signed (and the calls of it).
    mapping(uint256 => uint256) public ghostSigned;
    mapping(uint256 => uint64) public ghostCalls;
    mapping(uint256 => uint256) internal keyOf;
    uint256[] public channels;
    uint256 public ghostToTreasuryAndHosts;
    uint256 public ghostRefunded;
    uint256 public ghostClaimed;

    constructor(ModelMarket market_, IERC20 flock_, uint256 modelId_, address[2] memory hosts_, address[] memory contributors_, address treasury_) {
        market = market_;
        flock = flock_;
        modelId = modelId_;
        hosts = hosts_;
        contributors = contributors_;
        treasury = treasury_;
    }

    function channelCount() external view returns (uint256) {
        return channels.length;
    }

    function contributorCount() external view returns (uint256) {
        return contributors.length;
    }

    function open(uint256 who, uint256 host, uint256 deposit) external {
        uint256 key = keys[who % 3];
        address caller = vm.addr(key);
        deposit = bound(deposit, 1, 100e18);
        deal(address(flock), caller, deposit);
        vm.startPrank(caller);
        flock.approve(address(market), deposit);
        uint256 id = market.open(modelId, hosts[host % 2], deposit);
        vm.stopPrank();
        channels.push(id);
        keyOf[id] = key;
    }

    function topUp(uint256 c, uint256 amount) external {
        if (channels.length == 0) return;
        uint256 id = channels[c % channels.length];
        IModelMarket.ChannelInfo memory ch = market.channel(id);
        if (ch.closeAt != 0 || ch.closed) return;
        amount = bound(amount, 1, 50e18);
        deal(address(flock), ch.caller, amount);
        vm.startPrank(ch.caller);
        flock.approve(address(market), amount);
        market.topUp(id, amount);
        vm.stopPrank();
    }

    /// @dev The caller signs a voucher `step` above the last it signed (or a stale one below it); the host redeems it.
    function redeem(uint256 c, uint256 step, bool stale) external {
        if (channels.length == 0) return;
        uint256 id = channels[c % channels.length];
        IModelMarket.ChannelInfo memory ch = market.channel(id);
        if (ch.closed || (ch.closeAt != 0 && block.timestamp >= ch.closeAt)) return;
        uint256 amount;
        uint64 calls;
        if (stale) {
            amount = ghostSigned[id] / 2;
            calls = ghostCalls[id] / 2;
        } else {
            amount = ghostSigned[id] + bound(step, 1, 30e18);
            calls = ghostCalls[id] + 1;
            ghostSigned[id] = amount;
            ghostCalls[id] = calls;
        }
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[id], market.voucherDigest(id, amount, calls));
        uint256 payable_ = amount < ch.deposit ? amount : ch.deposit;
        uint256 before = flock.balanceOf(address(market));
        vm.prank(ch.host);
        if (payable_ <= ch.redeemed || calls < ch.calls) {
            vm.expectRevert(abi.encodeWithSelector(IModelMarket.MarketNothingToRedeem.selector, id));
            market.redeem(id, amount, calls, abi.encodePacked(r, s, v));
            return;
        }
        market.redeem(id, amount, calls, abi.encodePacked(r, s, v));
        ghostToTreasuryAndHosts += before - flock.balanceOf(address(market));
    }

    function startClose(uint256 c) external {
        if (channels.length == 0) return;
        uint256 id = channels[c % channels.length];
        IModelMarket.ChannelInfo memory ch = market.channel(id);
        if (ch.closeAt != 0 || ch.closed) return;
        vm.prank(ch.caller);
        market.startClose(id);
    }

    function close(uint256 c) external {
        if (channels.length == 0) return;
        uint256 id = channels[c % channels.length];
        IModelMarket.ChannelInfo memory ch = market.channel(id);
        if (ch.closed || ch.closeAt == 0 || block.timestamp < ch.closeAt) return;
        uint256 before = flock.balanceOf(ch.caller);
        vm.prank(ch.caller);
        market.close(id);
        ghostRefunded += flock.balanceOf(ch.caller) - before;
    }

    function warp(uint256 dt) external {
        vm.warp(block.timestamp + bound(dt, 1, 2 days));
    }

    function claim(uint256 who) external {
        address contributor = contributors[who % contributors.length];
        (uint256 own, uint256 pool) = market.claimable(modelId, contributor);
        if (own + pool == 0) return;
        market.claim(modelId, contributor);
        ghostClaimed += own + pool;
    }
}
