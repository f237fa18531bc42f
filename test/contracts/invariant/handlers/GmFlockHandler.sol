// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {FlockToken} from "../../../../contracts/token/FlockToken.sol";
import {ProtocolConfig} from "../../../../contracts/config/ProtocolConfig.sol";
import {GmFlock} from "../../../../contracts/staking/GmFlock.sol";
import {IGmFlock} from "../../../../contracts/interfaces/IGmFlock.sol";
import {Params} from "../../../../contracts/libraries/Params.sol";

/// @notice Drives GmFlock as several actors plus one protocol contract (`holder`, with
/// GM_HOLDER_ROLE, standing in for a delegation pool that may be slashed) and governance (`admin`).
/// Every input is bounded and every call is valid, so the campaign runs with fail_on_revert.
/// @dev Ghost variables record what the contracts should hold; the invariant test compares.
contract GmFlockHandler is Test {
    struct VoteSnapshot {
        uint48 time;
        uint256 total;
        uint256[] perActor;
    }

    FlockToken public immutable flock;
    ProtocolConfig public immutable config;
    GmFlock public immutable gm;
    address public immutable admin;
    address public immutable holder;

    address[] private _actors;

    /// @dev The time the campaign is at; every action runs at it.
    uint256 public currentTime;

    // --- ghosts
    uint256 public ghostGmMinted;
    uint256 public ghostGmBurned;
    uint256 public ghostFlockLocked;
    uint256 public ghostFlockReturned;
    uint256 public ghostFees;
    uint256 public ghostForfeited;
    mapping(address actor => uint256) public ghostLockedOf;
    mapping(address actor => uint256) public ghostHolderDeposits;
    VoteSnapshot[] private _snapshots;

    // --- call counts (printed after the campaign)
    mapping(bytes32 action => uint256) public calls;

    constructor(FlockToken flock_, ProtocolConfig config_, GmFlock gm_, address admin_, address[] memory actors_) {
        flock = flock_;
        config = config_;
        gm = gm_;
        admin = admin_;
        holder = makeAddr("holder");
        _actors = actors_;
        currentTime = block.timestamp;
    }

    modifier atCurrentTime() {
        vm.warp(currentTime);
        _;
    }

    // ------------------------------------------------------------------ actions

    /// @dev Locks part of an actor's FLOCK for a bounded duration (no log: `_bound`, not `bound`).
    function lock(uint256 actorSeed, uint256 amount, uint256 duration) external atCurrentTime {
        address actor = _actor(actorSeed);
        uint256 balance = flock.balanceOf(actor);
        if (balance == 0) return;
        amount = _bound(amount, 1, balance);
        // Half the locks are short (<= 30 days) so that redemptions happen often within a run.
        uint256 maxDuration = config.get(Params.LOCK_MAX_DURATION);
        duration = duration % 2 == 0 ? _bound(duration, 0, 30 days) : _bound(duration, 0, maxDuration);

        uint256 gmBefore = gm.balanceOf(actor);
        vm.startPrank(actor);
        flock.approve(address(gm), amount);
        gm.lock(amount, duration);
        vm.stopPrank();

        ghostGmMinted += gm.balanceOf(actor) - gmBefore;
        ghostFlockLocked += amount;
        ghostLockedOf[actor] += amount;
        calls["lock"]++;
    }

    /// @dev Redeems an unlocked live position of an actor (the first at or after the seed), accepting
    /// a shortfall when the actor holds too little gmFLOCK.
    function redeem(uint256 actorSeed, uint256 positionSeed, bool acceptShortfall) external atCurrentTime {
        address actor = _actor(actorSeed);
        uint256 count = gm.positionCount(actor);
        if (count == 0) return;
        uint256 start = positionSeed % count;
        for (uint256 k; k < count; ++k) {
            uint256 id = (start + k) % count;
            IGmFlock.Position memory p = gm.position(actor, id);
            if (p.amount == 0 || p.unlockAt > block.timestamp) continue;

            bool accept = acceptShortfall || gm.balanceOf(actor) < p.gmAmount;
            uint256 gmBefore = gm.balanceOf(actor);
            uint256 treasuryBefore = flock.balanceOf(config.treasury());
            uint256 released = p.amount * _min(gmBefore, p.gmAmount) / p.gmAmount;

            vm.prank(actor);
            uint256 out = gm.redeem(id, accept);

            uint256 toTreasury = flock.balanceOf(config.treasury()) - treasuryBefore;
            ghostGmBurned += gmBefore - gm.balanceOf(actor);
            ghostFlockReturned += out;
            ghostForfeited += p.amount - released;
            ghostFees += toTreasury - (p.amount - released);
            ghostFlockLocked -= p.amount;
            ghostLockedOf[actor] -= p.amount;
            calls["redeem"]++;
            return;
        }
    }

    /// @dev Moves time forward, first recording everyone's locked FLOCK at the second being left.
    function warp(uint256 seconds_) external atCurrentTime {
        seconds_ = _bound(seconds_, 1, 60 days);
        uint256[] memory perActor = new uint256[](_actors.length);
        for (uint256 i; i < _actors.length; ++i) {
            perActor[i] = ghostLockedOf[_actors[i]];
        }
        _snapshots.push(VoteSnapshot({time: uint48(currentTime), total: ghostFlockLocked, perActor: perActor}));
        currentTime += seconds_;
        vm.warp(currentTime);
        calls["warp"]++;
    }

    /// @dev An actor delegates gmFLOCK into the protocol contract.
    function deposit(uint256 actorSeed, uint256 amount) external atCurrentTime {
        address actor = _actor(actorSeed);
        uint256 balance = gm.balanceOf(actor);
        if (balance == 0) return;
        amount = _bound(amount, 1, balance);
        vm.prank(actor);
        gm.transfer(holder, amount);
        ghostHolderDeposits[actor] += amount;
        calls["deposit"]++;
    }

    /// @dev The protocol contract returns gmFLOCK to an actor, at most what it deposited.
    function withdraw(uint256 actorSeed, uint256 amount) external atCurrentTime {
        address actor = _actor(actorSeed);
        uint256 max = _min(ghostHolderDeposits[actor], gm.balanceOf(holder));
        if (max == 0) return;
        amount = _bound(amount, 1, max);
        vm.prank(holder);
        gm.transfer(actor, amount);
        ghostHolderDeposits[actor] -= amount;
        calls["withdraw"]++;
    }

    /// @dev The protocol contract is slashed: it burns part of its gmFLOCK.
    function slash(uint256 amount) external atCurrentTime {
        uint256 balance = gm.balanceOf(holder);
        if (balance == 0) return;
        amount = _bound(amount, 1, balance);
        vm.prank(holder);
        gm.burn(amount);
        ghostGmBurned += amount;
        calls["slash"]++;
    }

    /// @dev An actor burns some of its own gmFLOCK.
    function burn(uint256 actorSeed, uint256 amount) external atCurrentTime {
        address actor = _actor(actorSeed);
        uint256 balance = gm.balanceOf(actor);
        if (balance == 0) return;
        amount = _bound(amount, 1, balance);
        vm.prank(actor);
        gm.burn(amount);
        ghostGmBurned += amount;
        calls["burn"]++;
    }

    /// @dev Governance changes the lock parameters and the redeem fee, in an order that keeps
    /// bonusStart <= maxDuration at every step.
    function setParams(uint256 slope, uint256 bonusStart, uint256 maxDuration, uint256 fee) external atCurrentTime {
        maxDuration = _bound(maxDuration, 30 days, 4 * 365 days);
        bonusStart = _bound(bonusStart, 0, _min(365 days, maxDuration));
        slope = _bound(slope, 0, 10e18);
        fee = _bound(fee, 0, 0.2e18);
        vm.startPrank(admin);
        if (maxDuration >= config.get(Params.LOCK_BONUS_START)) {
            config.set(Params.LOCK_MAX_DURATION, maxDuration);
            config.set(Params.LOCK_BONUS_START, bonusStart);
        } else {
            config.set(Params.LOCK_BONUS_START, bonusStart);
            config.set(Params.LOCK_MAX_DURATION, maxDuration);
        }
        config.set(Params.LOCK_SLOPE, slope);
        config.set(Params.REDEEM_FEE, fee);
        vm.stopPrank();
        calls["setParams"]++;
    }

    // ------------------------------------------------------------------ views for the invariants

    function actors() external view returns (address[] memory) {
        return _actors;
    }

    function snapshotCount() external view returns (uint256) {
        return _snapshots.length;
    }

    function snapshot(uint256 i) external view returns (VoteSnapshot memory) {
        return _snapshots[i];
    }

    function _actor(uint256 seed) private view returns (address) {
        return _actors[seed % _actors.length];
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
