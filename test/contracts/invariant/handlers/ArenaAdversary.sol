// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IArena} from "../../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../../contracts/interfaces/IArenaTypes.sol";
import {FlockToken} from "../../../../contracts/token/FlockToken.sol";
import {GmFlock} from "../../../../contracts/staking/GmFlock.sol";
import {ArenaHandler, ArenaHandlerLib} from "./ArenaHandler.sol";

/// @notice A stranger for the Arena invariant campaign: sends the permissionless settlement calls
/// with arbitrary arguments (random submission ids, some unknown or not eligible, in random order
/// and lengths; batch sizes from 0 to huge) to any task in any phase, and claims and cancels it has
/// no right to. Each call runs in try/catch (the campaign runs with fail_on_revert) and is counted;
/// the ones that succeed change the Arena's state like anyone's would, which is the point: the
/// liveness invariant then proves every task can still be finished.
contract ArenaGriefer is CommonBase {
    ArenaHandler internal immutable h;
    IArena internal immutable _arena;

    mapping(bytes32 => uint256) public calls;

    constructor(ArenaHandler handler_) {
        h = handler_;
        _arena = handler_.arena();
    }

    function _task(uint256 tSeed) internal returns (bool, uint256) {
        uint256 n = h.taskCount();
        if (n == 0) return (false, 0);
        vm.warp(h.ghostTime());
        return (true, h.taskIds(tSeed % n));
    }

    /// @dev A task being ranked (Finalizing, consensus pass over) if there is one, from `tSeed` on.
    function _rankingTask(uint256 tSeed) internal returns (bool, uint256) {
        uint256 n = h.taskCount();
        vm.warp(h.ghostTime());
        for (uint256 k; k < n; ++k) {
            uint256 id = h.taskIds((tSeed % n + k) % n);
            if (_arena.phase(id) == IArenaTypes.Phase.Finalizing && _arena.settlement(id).consensusDone) {
                return (true, id);
            }
        }
        return (false, 0);
    }

    /// @notice rank(task, ids) with 1..8 ids in random order: each an eligible or ranked submission
    /// half of the time, else any id in [0, nodeCount] (the last one unknown). Mostly aimed at a
    /// task being ranked, else at any task.
    function rankAnything(uint256 tSeed, uint256 idsSeed) external {
        (bool ok, uint256 id) = _rankingTask(tSeed);
        if (!ok || idsSeed % 5 == 0) (ok, id) = _task(tSeed);
        if (!ok) return;
        uint256 count = _arena.task(id).nodeCount;
        uint256[] memory above = ArenaHandlerLib.hint(_arena, id);
        uint256 len = 1 + idsSeed % 8;
        uint256[] memory ids = new uint256[](len);
        for (uint256 k; k < len; ++k) {
            uint256 r = uint256(keccak256(abi.encode(idsSeed, k)));
            ids[k] = r % 2 == 0 && above.length > 0 ? above[(r >> 8) % above.length] : (r >> 8) % (count + 1);
        }
        try _arena.rank(id, ids) {
            ++calls["rank ok"];
        } catch {
            ++calls["rank reverted"];
        }
    }

    /// @notice A wrong ranking on purpose, on a task being ranked: the submissions above the
    /// baseline worst first (every one after the first cuts the ranking back), or a single one.
    function rankBackwards(uint256 tSeed, bool single) external {
        (bool ok, uint256 id) = _rankingTask(tSeed);
        if (!ok) return;
        uint256[] memory best = ArenaHandlerLib.hint(_arena, id);
        if (best.length == 0) return;
        uint256[] memory ids = new uint256[](single ? 1 : best.length);
        for (uint256 k; k < ids.length; ++k) {
            // A single one: any but the best (when there is a choice).
            ids[k] = single ? best[best.length == 1 ? 0 : 1 + tSeed % (best.length - 1)] : best[best.length - 1 - k];
        }
        try _arena.rank(id, ids) {
            ++calls["rankBackwards ok"];
        } catch {
            ++calls["rankBackwards reverted"];
        }
    }

    /// @notice finalize(task, batch) with any batch size, zero and huge included.
    function finalizeAnything(uint256 tSeed, uint256 batch) external {
        (bool ok, uint256 id) = _task(tSeed);
        if (!ok) return;
        if (batch % 3 == 0) batch = 0; // now and then zero
        try _arena.finalize(id, batch) {
            ++calls["finalize ok"];
        } catch {
            ++calls["finalize reverted"];
        }
    }

    /// @notice The chain's clock goes back for a moment (a devnet restarted from a state dump):
    /// the Arena and the pools sync there and someone finalizes a task; then the clock returns.
    function clockBack(uint256 tSeed, uint256 dt) external {
        (bool ok, uint256 id) = _task(tSeed);
        if (!ok) return;
        uint256 time = h.ghostTime();
        dt = 1 + dt % 2 days;
        if (dt >= time) return;
        vm.warp(time - dt);
        try _arena.sync() {} catch {
            ++calls["sync in the past reverted"]; // must stay 0
        }
        try h.pools().sync() {} catch {
            ++calls["sync in the past reverted"];
        }
        try _arena.finalize(id, 4) {
            ++calls["finalize in the past ok"];
        } catch {}
        vm.warp(time);
    }

    /// @notice cancel and claim by someone with no role, and drawSeed, on any task.
    function meddle(uint256 tSeed) external {
        (bool ok, uint256 id) = _task(tSeed);
        if (!ok) return;
        try _arena.cancel(id) {
            ++calls["cancel ok"];
        } catch {}
        try _arena.claim(id) {
            ++calls["stranger claim ok"]; // must stay 0
        } catch {}
        try _arena.drawSeed(id) {} catch {}
    }
}

/// @notice Drives every task of the campaign to its end with permissionless calls only, and then
/// claims every role: the liveness invariant calls it inside a state snapshot and reverts it
/// afterwards. It warps to the latest task end, syncs, cancels or finalizes each task in batches
/// of {BATCH} and ranks the whole order (every submission above the baseline, best first) in
/// slices of {BATCH}; any revert fails the invariant.
contract ArenaFinisher is CommonBase {
    uint256 public constant BATCH = 4;

    struct Outcome {
        uint256 tasks;
        uint256 calls;
        uint256 bound;
        uint256 unfinished;
        uint256 gmLeft;
        uint256 flockLeft;
        uint256 unstreamed;
        uint256 dustBound;
    }

    /// @notice A claim paid something other than what claimable() announced.
    error FinisherClaimMismatch(uint256 taskId, address account);

    ArenaHandler internal immutable h;
    IArena internal immutable _arena;
    FlockToken internal immutable _flock;
    GmFlock internal immutable _gm;

    constructor(ArenaHandler handler_) {
        h = handler_;
        _arena = handler_.arena();
        _flock = handler_.flock();
        _gm = handler_.gm();
    }

    function finishAll() external returns (Outcome memory o) {
        o.tasks = h.taskCount();
        uint256 latest = h.ghostTime();
        for (uint256 k; k < o.tasks; ++k) {
            uint256 end = _arena.task(h.taskIds(k)).scoreRevealEnd;
            if (end > latest) latest = end;
        }
        vm.warp(latest);
        do {
            ++o.calls;
        } while (!_arena.sync() && o.calls < 64);
        o.bound = 4; // the syncs: a few days of epochs are at most a few walks
        for (uint256 k; k < o.tasks; ++k) {
            uint256 id = h.taskIds(k);
            uint256 n = _arena.task(id).nodeCount;
            o.bound += 1 + 2 * Math.ceilDiv(n, BATCH);
            o.calls += _finish(id);
            IArenaTypes.Phase ph = _arena.phase(id);
            if (ph != IArenaTypes.Phase.Finalized && ph != IArenaTypes.Phase.Cancelled) ++o.unfinished;
        }
        for (uint256 k; k < o.tasks; ++k) {
            uint256 id = h.taskIds(k);
            o.dustBound += _claimAll(id);
        }
        (uint256 pulled, uint256 taskEmission,,,) = _arena.totals();
        o.gmLeft = _gm.balanceOf(address(_arena));
        o.flockLeft = _flock.balanceOf(address(_arena));
        o.unstreamed = pulled - taskEmission;
    }

    /// @notice What the Arena owes for a task now: gmFLOCK (stakes, less what slashing burned) and
    /// FLOCK (a finished task: what its unclaimed roles can claim; a task being settled: its
    /// fixed pot; an earlier one: its fees, bounty and the emission it has earned so far), the
    /// emission credited to it while it earns (zero once closed: then it is in the Arena's
    /// totals), and the rounding dust it may leave (a wei per node and validator).
    function owed(uint256 id)
        external
        view
        returns (uint256 gmOwed, uint256 flockOwed, uint256 creditedOpen, uint256 dust)
    {
        IArena.TaskInfo memory t = _arena.task(id);
        dust = t.nodeCount + t.validatorCount;
        if (t.phase == IArenaTypes.Phase.Finalized || t.phase == IArenaTypes.Phase.Cancelled) {
            (gmOwed, flockOwed) = _claimable(id, t.creator);
            for (uint256 i; i < t.nodeCount; ++i) {
                (uint256 g, uint256 f) = _claimable(id, _arena.submission(id, i).account);
                (gmOwed, flockOwed) = (gmOwed + g, flockOwed + f);
            }
            for (uint256 j; j < t.validatorCount; ++j) {
                (uint256 g, uint256 f) = _claimable(id, _arena.validator(id, j).account);
                (gmOwed, flockOwed) = (gmOwed + g, flockOwed + f);
            }
            return (gmOwed, flockOwed, 0, dust);
        }
        IArena.TaskRules memory r = _arena.taskRules(id);
        gmOwed = t.creatorStake;
        for (uint256 i; i < t.nodeCount; ++i) {
            IArena.SubmissionInfo memory s = _arena.submission(id, i);
            gmOwed += s.slashed ? s.ownStake - Math.mulDiv(s.ownStake, r.nodeSlash, 1e18) : s.ownStake;
        }
        for (uint256 j; j < t.validatorCount; ++j) {
            IArena.ValidatorInfo memory v = _arena.validator(id, j);
            gmOwed += v.ownStake - v.slashedStake;
        }
        IArena.SettlementInfo memory st = _arena.settlement(id);
        if (st.started) {
            flockOwed = st.nodeReward + st.validatorReward + st.creatorReward;
        } else {
            creditedOpen = t.accruedEmission;
            flockOwed = t.registrationFee * t.nodeCount + t.bounty + creditedOpen;
        }
    }

    function _claimable(uint256 id, address a) internal view returns (uint256 gmAmount, uint256 flockAmount) {
        (uint256 stake, uint256 reward, uint256 refund) = _arena.claimable(id, a);
        return (stake, reward + refund);
    }

    /// @dev Cancels or finalizes the task, then ranks it; returns the calls it took.
    function _finish(uint256 id) internal returns (uint256 calls) {
        IArenaTypes.Phase ph = _arena.phase(id);
        if (ph != IArenaTypes.Phase.Finalizing) return 0;
        if (!_arena.task(id).validationRevealed) {
            _arena.cancel(id);
            return 1;
        }
        // The first call may cancel the task instead (its validation set rejected as unusable).
        while (_arena.phase(id) == IArenaTypes.Phase.Finalizing && !_arena.settlement(id).consensusDone) {
            _arena.finalize(id, BATCH);
            ++calls;
        }
        if (_arena.phase(id) != IArenaTypes.Phase.Finalizing) return calls;
        uint256[] memory full = ArenaHandlerLib.hint(_arena, id);
        for (uint256 from; from < full.length; from += BATCH) {
            uint256 len = Math.min(BATCH, full.length - from);
            uint256[] memory slice = new uint256[](len);
            for (uint256 i; i < len; ++i) {
                slice[i] = full[from + i];
            }
            _arena.rank(id, slice);
            ++calls;
        }
    }

    /// @dev Claims every unclaimed role of a finished task, checking each pays what claimable()
    /// announced; returns the rounding dust the task may leave (a wei per paid node or validator).
    function _claimAll(uint256 id) internal returns (uint256 dust) {
        IArena.TaskInfo memory t = _arena.task(id);
        if (t.phase != IArenaTypes.Phase.Finalized && t.phase != IArenaTypes.Phase.Cancelled) return 0;
        dust = t.nodeCount + t.validatorCount;
        _claim(id, t.creator);
        for (uint256 i; i < t.nodeCount; ++i) {
            IArena.SubmissionInfo memory s = _arena.submission(id, i);
            if (!s.claimed) _claim(id, s.account);
        }
        for (uint256 j; j < t.validatorCount; ++j) {
            IArena.ValidatorInfo memory v = _arena.validator(id, j);
            if (!v.claimed) _claim(id, v.account);
        }
    }

    function _claim(uint256 id, address a) internal {
        (uint256 stake, uint256 reward, uint256 refund) = _arena.claimable(id, a);
        if (stake + reward + refund == 0) return; // the creator, claimed already
        uint256 poolPart = ArenaHandlerLib.poolPart(_arena, id, a, reward);
        uint256 gmBefore = _gm.balanceOf(a);
        uint256 flockBefore = _flock.balanceOf(a);
        vm.prank(a);
        _arena.claim(id);
        if (_gm.balanceOf(a) - gmBefore != stake || _flock.balanceOf(a) - flockBefore != reward - poolPart + refund) {
            revert FinisherClaimMismatch(id, a);
        }
    }
}
