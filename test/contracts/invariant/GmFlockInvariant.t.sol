// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {IGmFlock} from "../../../contracts/interfaces/IGmFlock.sol";
import {Fixture} from "../utils/Fixture.sol";
import {GmFlockHandler} from "./handlers/GmFlockHandler.sol";

/// @notice Invariants of the gmFLOCK subsystem (FLOCK, ProtocolConfig, GmFlock) under random
/// locks, redemptions (with shortfalls), deposits into and withdrawals from a protocol contract,
/// slashing, burns, parameter changes and the passage of time.
contract GmFlockInvariantTest is Fixture {
    uint256 private constant FUND = 10_000_000e18;

    GmFlockHandler private handler;
    address[] private actors;
    uint256 private initialFlock;

    function setUp() public override {
        super.setUp();
        vm.warp(1_700_000_000);
        actors = [alice, bob, carol, dave];
        for (uint256 i; i < actors.length; ++i) {
            _fund(actors[i], FUND);
        }
        initialFlock = FUND * actors.length;

        handler = new GmFlockHandler(flock, config, gm, address(this), actors);
        config.grantRole(config.GM_HOLDER_ROLE(), handler.holder());

        bytes4[] memory selectors = new bytes4[](8);
        selectors[0] = GmFlockHandler.lock.selector;
        selectors[1] = GmFlockHandler.redeem.selector;
        selectors[2] = GmFlockHandler.warp.selector;
        selectors[3] = GmFlockHandler.deposit.selector;
        selectors[4] = GmFlockHandler.withdraw.selector;
        selectors[5] = GmFlockHandler.slash.selector;
        selectors[6] = GmFlockHandler.burn.selector;
        selectors[7] = GmFlockHandler.setParams.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    /// @dev FLOCK held by gmFLOCK is exactly the FLOCK locked in live positions.
    function invariant_flockBalanceEqualsTotalLocked() public view {
        assertEq(flock.balanceOf(address(gm)), gm.totalLocked());
        assertEq(gm.totalLocked(), handler.ghostFlockLocked());
    }

    /// @dev No FLOCK appears or vanishes: the actors' FLOCK, the locked FLOCK and the treasury's sum
    /// to what the actors started with; the treasury holds exactly the fees and the forfeits.
    function invariant_flockConserved() public view {
        uint256 sum = flock.balanceOf(address(gm)) + flock.balanceOf(treasury) + flock.balanceOf(handler.holder());
        for (uint256 i; i < actors.length; ++i) {
            sum += flock.balanceOf(actors[i]);
        }
        assertEq(sum, initialFlock);
        assertEq(flock.balanceOf(treasury), handler.ghostFees() + handler.ghostForfeited());
        assertEq(
            handler.ghostFlockLocked() + handler.ghostFlockReturned() + handler.ghostFees() + handler.ghostForfeited(),
            _sumLockedEver()
        );
    }

    /// @dev gmFLOCK supply is every position's mint less every burn (redemptions, slashes, burns),
    /// and it is all held by the actors and the protocol contract.
    function invariant_gmSupplyEqualsMintedLessBurned() public view {
        assertEq(handler.ghostGmMinted(), _sumGmMintedEver());
        assertEq(gm.totalSupply(), handler.ghostGmMinted() - handler.ghostGmBurned());
        uint256 held = gm.balanceOf(handler.holder());
        for (uint256 i; i < actors.length; ++i) {
            held += gm.balanceOf(actors[i]);
        }
        assertEq(held, gm.totalSupply());
    }

    /// @dev Each live position was minted at its own multiplier: gm = amount * m, m >= 1.
    function invariant_positionsMintedAtTheirMultiplier() public view {
        for (uint256 i; i < actors.length; ++i) {
            uint256 n = gm.positionCount(actors[i]);
            for (uint256 id; id < n; ++id) {
                IGmFlock.Position memory p = gm.position(actors[i], id);
                if (p.amount == 0) continue;
                assertGe(p.multiplier, WAD);
                assertEq(p.gmAmount, uint256(p.amount) * p.multiplier / WAD);
            }
        }
    }

    /// @dev Votes now: each actor's weight is its locked FLOCK (the sum of its live positions) and
    /// the weights add up to the total locked.
    function invariant_votesEqualLocked() public view {
        uint256 sum;
        for (uint256 i; i < actors.length; ++i) {
            address a = actors[i];
            uint256 live = _liveAmount(a);
            assertEq(gm.lockedOf(a), live);
            assertEq(gm.getVotes(a), live);
            assertEq(gm.lockedOf(a), handler.ghostLockedOf(a));
            sum += live;
        }
        assertEq(sum, gm.totalLocked());
    }

    /// @dev Votes in the past: at every second the campaign left, the checkpoints give the locked
    /// FLOCK the handler recorded then, per actor and in total.
    function invariant_pastVotesMatchSnapshots() public view {
        uint256 n = handler.snapshotCount();
        for (uint256 s; s < n; ++s) {
            GmFlockHandler.VoteSnapshot memory snap = handler.snapshot(s);
            assertEq(gm.getPastTotalSupply(snap.time), snap.total);
            for (uint256 i; i < actors.length; ++i) {
                assertEq(gm.getPastVotes(actors[i], snap.time), snap.perActor[i]);
            }
        }
    }

    function afterInvariant() external view {
        console.log("lock      ", handler.calls("lock"));
        console.log("redeem    ", handler.calls("redeem"));
        console.log("warp      ", handler.calls("warp"));
        console.log("deposit   ", handler.calls("deposit"));
        console.log("withdraw  ", handler.calls("withdraw"));
        console.log("slash     ", handler.calls("slash"));
        console.log("burn      ", handler.calls("burn"));
        console.log("setParams ", handler.calls("setParams"));
    }

    // ------------------------------------------------------------------ helpers

    function _liveAmount(address a) private view returns (uint256 sum) {
        uint256 n = gm.positionCount(a);
        for (uint256 id; id < n; ++id) {
            sum += gm.position(a, id).amount;
        }
    }

    function _sumGmMintedEver() private view returns (uint256 sum) {
        for (uint256 i; i < actors.length; ++i) {
            uint256 n = gm.positionCount(actors[i]);
            for (uint256 id; id < n; ++id) {
                sum += gm.position(actors[i], id).gmAmount;
            }
        }
    }

    function _sumLockedEver() private view returns (uint256) {
        // Every FLOCK that left the actors went into gmFLOCK; what is not locked now came back out.
        uint256 held;
        for (uint256 i; i < actors.length; ++i) {
            held += flock.balanceOf(actors[i]);
        }
        return initialFlock - held + handler.ghostFlockReturned();
    }
}
