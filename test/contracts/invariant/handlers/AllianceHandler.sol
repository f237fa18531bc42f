// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {VRFCoordinatorV2_5Mock} from "@chainlink/contracts/src/v0.8/vrf/mocks/VRFCoordinatorV2_5Mock.sol";

import {AllianceRandomness} from "../../../../contracts/alliance/AllianceRandomness.sol";
import {AllianceRoles} from "../../../../contracts/alliance/AllianceRoles.sol";
import {IAlliance} from "../../../../contracts/interfaces/IAlliance.sol";
import {IAllianceTypes} from "../../../../contracts/interfaces/IAllianceTypes.sol";
import {IArenaTypes} from "../../../../contracts/interfaces/IArenaTypes.sol";
import {FlockToken} from "../../../../contracts/token/FlockToken.sol";
import {GmFlock} from "../../../../contracts/staking/GmFlock.sol";

/// @notice Drives the FL Alliance for the invariant campaign: two creators and eight participants
/// (two of them operators of delegation pools) create tasks, join, leave (between and during
/// rounds), commit and reveal updates and votes (the agreed aggregate or another, improved or
/// not, blaming any proposers; or withholding after committing), while anyone starts rounds, the
/// coordinator mock fulfils words, anyone draws, expires, settles in random batches, claims,
/// syncs, and time moves. Every call is valid (the campaign runs with fail_on_revert), so a revert
/// is a bug. Attacks are made inside try/catch and counted when they succeed: a reveal of
/// something not committed, a second claim.
/// @dev Holds FLOCK to fund actors. Checks at each draw that the roles are AllianceRoles.draw of
/// the word and the round's stakes, and that no account sits twice in the round.
contract AllianceHandler is CommonBase, StdCheats, StdUtils {
    struct Reveal {
        uint256 taskId;
        uint256 round;
        address account;
        bool vote;
    }

    IAlliance public alliance;
    FlockToken public flock;
    GmFlock public gm;
    VRFCoordinatorV2_5Mock public coordinator;
    AllianceRandomness public randomness;

    address[] public creators;
    address[] public actors;
    uint256[] public taskIds;

    uint256 public ghostTime;
    /// @dev FLOCK funded by creators; gmFLOCK staked by creators and participants.
    uint256 public ghostFlockIn;
    uint256 public ghostGmIn;
    /// @dev What claims paid: stake back, rewards (pool parts included), refunds.
    uint256 public ghostGmOut;
    uint256 public ghostRewards;
    uint256 public ghostRefunds;
    /// @dev Violations seen (must stay 0).
    uint256 public ghostForgedReveals;
    uint256 public ghostDoubleClaims;
    uint256 public ghostRoleMismatches;
    uint256 public ghostDualRoles;
    uint256 public ghostClaimMismatches;

    mapping(uint256 taskId => mapping(uint256 round => mapping(address => string))) internal _updateCIDs;
    mapping(uint256 taskId => mapping(uint256 round => mapping(address => uint64))) internal _examples;
    mapping(uint256 taskId => mapping(uint256 round => mapping(address => IAllianceTypes.Vote))) internal _votes;
    Reveal[] internal _reveals;

    mapping(bytes32 => uint256) public calls;

    constructor(
        IAlliance alliance_,
        FlockToken flock_,
        GmFlock gm_,
        VRFCoordinatorV2_5Mock coordinator_,
        AllianceRandomness randomness_,
        address[] memory creators_,
        address[] memory actors_
    ) {
        alliance = alliance_;
        flock = flock_;
        gm = gm_;
        coordinator = coordinator_;
        randomness = randomness_;
        creators = creators_;
        actors = actors_;
        ghostTime = block.timestamp;
    }

    modifier useTime() {
        vm.warp(ghostTime);
        _;
    }

    // ================================================================ views for the invariants

    function taskCount() external view returns (uint256) {
        return taskIds.length;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function revealCount() external view returns (uint256) {
        return _reveals.length;
    }

    function revealAt(uint256 i) external view returns (Reveal memory) {
        return _reveals[i];
    }

    function committedVote(uint256 taskId, uint256 round_, address who) external view returns (IAllianceTypes.Vote memory) {
        return _votes[taskId][round_][who];
    }

    function committedUpdate(uint256 taskId, uint256 round_, address who) external view returns (string memory, uint64) {
        return (_updateCIDs[taskId][round_][who], _examples[taskId][round_][who]);
    }

    // ================================================================ time and emission

    function warp(uint256 dt) external {
        ghostTime += _bound(dt, 1 minutes, 3 hours);
        ++calls["warp"];
    }

    /// @notice Moves time by `dt` exactly (the stepper's way past alliance.drawTimeout; not a target).
    function warpBy(uint256 dt) external {
        ghostTime += dt;
    }

    /// @dev Jumps to the next boundary of a random task (its joinEnd, or its round's next phase end).
    function warpToNextPhase(uint256 tSeed) external {
        if (taskIds.length == 0) return;
        uint256 id = taskIds[tSeed % taskIds.length];
        IAllianceTypes.TaskInfo memory t = alliance.task(id);
        uint256 next;
        if (t.status == IAllianceTypes.TaskStatus.Joining) {
            next = t.joinEnd;
        } else if (t.status == IAllianceTypes.TaskStatus.Running) {
            IAllianceTypes.RoundInfo memory r = alliance.round(id, t.round);
            if (r.phase == IAllianceTypes.RoundPhase.ProposeCommit) next = r.proposeCommitEnd;
            else if (r.phase == IAllianceTypes.RoundPhase.ProposeReveal) next = r.proposeRevealEnd;
            else if (r.phase == IAllianceTypes.RoundPhase.VoteCommit) next = r.voteCommitEnd;
            else if (r.phase == IAllianceTypes.RoundPhase.VoteReveal) next = r.voteRevealEnd;
        }
        if (next > ghostTime) ghostTime = next;
        ++calls["warpToNextPhase"];
    }

    function sync() external useTime {
        alliance.sync();
        ++calls["sync"];
    }

    // ================================================================ creators

    function createTask(uint256 cSeed, uint256 roundsSeed, uint256 kSeed, uint256 poolSeed, bool lowerIsBetter)
        external
        useTime
    {
        if (taskIds.length >= 3) return;
        address c = creators[cSeed % creators.length];
        IAllianceTypes.TaskParams memory p;
        p.initialModelCID = "bafy-initial";
        p.specCID = "bafy-spec";
        p.metric = lowerIsBetter ? IArenaTypes.Metric.MSE : IArenaTypes.Metric.Accuracy;
        p.rounds = uint16(_bound(roundsSeed, 1, 3));
        p.proposersPerRound = uint16(_bound(kSeed, 1, 2));
        p.minParticipants = p.proposersPerRound + 1 + uint16(kSeed % 2);
        p.maxParticipants = 6;
        p.joinDuration = 1 hours;
        p.proposeCommitDuration = 30 minutes;
        p.proposeRevealDuration = 30 minutes;
        p.voteCommitDuration = 30 minutes;
        p.voteRevealDuration = 30 minutes;
        p.minStake = 1e18;
        p.creatorStake = 100e18;
        p.rewardPool = poolSeed % 4 == 0 ? 0 : _bound(poolSeed, 1, 1_000e18);
        _gmFor(c, p.creatorStake);
        flock.transfer(c, p.rewardPool);
        vm.startPrank(c);
        gm.approve(address(alliance), p.creatorStake);
        flock.approve(address(alliance), p.rewardPool);
        uint256 id = alliance.createTask(p);
        vm.stopPrank();
        taskIds.push(id);
        ghostGmIn += p.creatorStake;
        ghostFlockIn += p.rewardPool;
        ++calls["createTask"];
    }

    // ================================================================ participants

    function join(uint256 tSeed, uint256 aSeed, uint256 stakeSeed) public useTime {
        if (taskIds.length == 0) return;
        uint256 id = taskIds[tSeed % taskIds.length];
        IAllianceTypes.TaskInfo memory t = alliance.task(id);
        IAllianceTypes.TaskParams memory p = alliance.params(id);
        bool open = t.status == IAllianceTypes.TaskStatus.Joining
            || (t.status == IAllianceTypes.TaskStatus.Running && t.round < p.rounds);
        if (!open || t.participantCount >= p.maxParticipants) return;
        for (uint256 k; k < actors.length; ++k) {
            address a = actors[(aSeed % actors.length + k) % actors.length];
            if (alliance.member(id, a).joinedAt != 0) continue;
            uint256 stake = _bound(stakeSeed, 1e18, 200e18);
            _gmFor(a, stake);
            vm.startPrank(a);
            gm.approve(address(alliance), stake);
            alliance.join(id, stake);
            vm.stopPrank();
            ghostGmIn += stake;
            ++calls["join"];
            return;
        }
    }

    function leave(uint256 tSeed, uint256 aSeed) external useTime {
        if (taskIds.length == 0) return;
        uint256 id = taskIds[tSeed % taskIds.length];
        IAllianceTypes.TaskStatus s = alliance.task(id).status;
        if (s != IAllianceTypes.TaskStatus.Joining && s != IAllianceTypes.TaskStatus.Running) return;
        address a = actors[aSeed % actors.length];
        IAllianceTypes.MemberInfo memory m = alliance.member(id, a);
        if (!m.active || m.leaving) return;
        vm.prank(a);
        alliance.leave(id);
        ++calls["leave"];
    }

    // ================================================================ rounds (anyone)

    function startRound(uint256 tSeed) public useTime {
        if (taskIds.length == 0) return;
        uint256 id = taskIds[tSeed % taskIds.length];
        IAllianceTypes.TaskInfo memory t = alliance.task(id);
        if (t.status == IAllianceTypes.TaskStatus.Joining) {
            if (block.timestamp < t.joinEnd) return;
        } else if (t.status == IAllianceTypes.TaskStatus.Running) {
            if (alliance.round(id, t.round).phase != IAllianceTypes.RoundPhase.Settled) return;
        } else {
            return;
        }
        alliance.startRound(id);
        ++calls["startRound"];
    }

    /// @dev The coordinator mock fulfils the current round's latest request with `word`.
    function fulfil(uint256 tSeed, uint256 word) public useTime {
        (bool ok, uint256 id, uint256 r) = _runningIn(tSeed, IAllianceTypes.RoundPhase.Drawing);
        if (!ok) return;
        bytes32 key = keccak256(abi.encode(address(alliance), id, r));
        (uint256 requestId,,, bool ready) = randomness.requestOf(key);
        if (ready || requestId == 0) return;
        uint256[] memory words = new uint256[](1);
        words[0] = word;
        coordinator.fulfillRandomWordsWithOverride(requestId, address(randomness), words);
        ++calls["fulfil"];
    }

    function drawRoles(uint256 tSeed) public useTime {
        (bool ok, uint256 id, uint256 r) = _runningIn(tSeed, IAllianceTypes.RoundPhase.Drawing);
        if (!ok) return;
        (uint256 word, bool ready) = randomness.wordOf(keccak256(abi.encode(address(alliance), id, r)));
        if (!ready) return;
        (address[] memory accounts, uint256[] memory all) = alliance.participants(id);
        uint256 n = alliance.round(id, r).participants;
        uint256[] memory stakes = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            stakes[i] = all[i];
            for (uint256 j; j < i; ++j) {
                if (accounts[j] == accounts[i]) ++ghostDualRoles;
            }
        }
        alliance.drawRoles(id);
        (, uint256 mask) = AllianceRoles.draw(word, stakes, alliance.params(id).proposersPerRound);
        if (alliance.round(id, r).proposerMask != mask) ++ghostRoleMismatches;
        for (uint256 i; i < n; ++i) {
            (IAllianceTypes.Role role, uint256 index) = alliance.roleOf(id, r, accounts[i]);
            IAllianceTypes.Role want =
                AllianceRoles.isProposer(mask, i) ? IAllianceTypes.Role.Proposer : IAllianceTypes.Role.Voter;
            if (role != want || index != i) ++ghostRoleMismatches;
        }
        ++calls["drawRoles"];
    }

    function expireRound(uint256 tSeed) external useTime {
        (bool ok, uint256 id, uint256 r) = _runningIn(tSeed, IAllianceTypes.RoundPhase.Drawing);
        if (!ok) return;
        (, bool ready) = randomness.wordOf(keccak256(abi.encode(address(alliance), id, r)));
        IAllianceTypes.RoundInfo memory info = alliance.round(id, r);
        if (ready || block.timestamp < info.startedAt + 1 days) return;
        alliance.expireRound(id);
        ++calls["expireRound"];
    }

    function settle(uint256 tSeed, uint256 batch) public useTime {
        (bool ok, uint256 id,) = _runningIn(tSeed, IAllianceTypes.RoundPhase.Settling);
        if (!ok) return;
        alliance.settleRound(id, _bound(batch, 1, 8));
        ++calls["settle"];
    }

    // ================================================================ proposers and voters

    /// @dev Proposers of the round commit an update (each with probability 3/4).
    function commitUpdates(uint256 tSeed, uint256 seed) public useTime {
        (bool ok, uint256 id, uint256 r) = _runningIn(tSeed, IAllianceTypes.RoundPhase.ProposeCommit);
        if (!ok) return;
        (address[] memory accounts,) = alliance.participants(id);
        uint256 mask = alliance.round(id, r).proposerMask;
        for (uint256 i; mask >> i != 0; ++i) {
            if (!AllianceRoles.isProposer(mask, i) || (seed >> i) % 4 == 0) continue;
            _commitUpdate(id, r, accounts[i], seed);
        }
    }

    function _commitUpdate(uint256 id, uint256 r, address a, uint256 seed) internal {
        string memory cid = string.concat("bafy-update-", vm.toString(a), "-", vm.toString(seed % 1000));
        uint64 examples = uint64(1 + (seed >> 8) % 500);
        _updateCIDs[id][r][a] = cid;
        _examples[id][r][a] = examples;
        bytes32 c = keccak256(abi.encode(id, r, cid, examples, a, _salt(a, r)));
        vm.prank(a);
        alliance.commitUpdate(id, c);
        ++calls["commitUpdate"];
    }

    /// @dev Committed proposers reveal (each with probability 7/8), after trying a forged reveal.
    function revealUpdates(uint256 tSeed, uint256 seed) public useTime {
        (bool ok, uint256 id, uint256 r) = _runningIn(tSeed, IAllianceTypes.RoundPhase.ProposeReveal);
        if (!ok) return;
        IAllianceTypes.Update[] memory ups = alliance.updates(id, r);
        for (uint256 j; j < ups.length; ++j) {
            if (!ups[j].committed || ups[j].revealed) continue;
            address a = ups[j].proposer;
            string memory cid = _updateCIDs[id][r][a];
            uint64 examples = _examples[id][r][a];
            if ((seed >> j) % 2 == 0) {
                vm.prank(a);
                try alliance.revealUpdate(id, string.concat(cid, "-forged"), examples, _salt(a, r)) {
                    ++ghostForgedReveals;
                    continue;
                } catch {}
                vm.prank(a);
                try alliance.revealUpdate(id, cid, examples + 1, _salt(a, r)) {
                    ++ghostForgedReveals;
                    continue;
                } catch {}
            }
            if ((seed >> (8 + j)) % 8 == 0) continue; // withholds
            vm.prank(a);
            alliance.revealUpdate(id, cid, examples, _salt(a, r));
            _reveals.push(Reveal(id, r, a, false));
            ++calls["revealUpdate"];
        }
    }

    /// @dev Voters of the round commit a vote (each with probability 7/8): mostly the agreed
    /// aggregate, sometimes another; improved or not; blaming a random subset of the proposers.
    function commitVotes(uint256 tSeed, uint256 seed) public useTime {
        (bool ok, uint256 id, uint256 r) = _runningIn(tSeed, IAllianceTypes.RoundPhase.VoteCommit);
        if (!ok) return;
        (address[] memory accounts,) = alliance.participants(id);
        IAllianceTypes.RoundInfo memory info = alliance.round(id, r);
        for (uint256 i; i < info.participants; ++i) {
            if (AllianceRoles.isProposer(info.proposerMask, i)) continue;
            uint256 s = uint256(keccak256(abi.encode(seed, i)));
            if (s % 8 == 0) continue;
            address a = accounts[i];
            IAllianceTypes.Vote memory v = IAllianceTypes.Vote({
                aggregateCID: (s >> 8) % 5 == 0 ? string.concat("bafy-other-", vm.toString(i)) : string.concat("bafy-agg-", vm.toString(r)),
                previousScore: 0.5e18,
                newScore: (s >> 16) % 4 == 0 ? int256(0.4e18) : int256(0.6e18),
                blame: (s >> 24) % 3 == 0 ? info.proposerMask & (s >> 32) : 0
            });
            _votes[id][r][a] = v;
            vm.prank(a);
            alliance.commitVote(id, keccak256(abi.encode(id, r, v, a, _salt(a, r))));
            ++calls["commitVote"];
        }
    }

    /// @dev Committed voters reveal (each with probability 7/8), after trying a forged reveal.
    function revealVotes(uint256 tSeed, uint256 seed) public useTime {
        (bool ok, uint256 id, uint256 r) = _runningIn(tSeed, IAllianceTypes.RoundPhase.VoteReveal);
        if (!ok) return;
        (address[] memory accounts,) = alliance.participants(id);
        uint256 n = alliance.round(id, r).participants;
        for (uint256 i; i < n; ++i) {
            address a = accounts[i];
            (bool committed, bool revealed,) = alliance.voteOf(id, r, a);
            if (!committed || revealed) continue;
            IAllianceTypes.Vote memory v = _votes[id][r][a];
            if ((seed >> i) % 2 == 0) {
                IAllianceTypes.Vote memory forged =
                    IAllianceTypes.Vote(v.aggregateCID, v.previousScore, v.newScore + 1, v.blame);
                vm.prank(a);
                try alliance.revealVote(id, forged, _salt(a, r)) {
                    ++ghostForgedReveals;
                    continue;
                } catch {}
            }
            if ((seed >> (8 + i)) % 8 == 0) continue; // withholds
            vm.prank(a);
            alliance.revealVote(id, v, _salt(a, r));
            _reveals.push(Reveal(id, r, a, true));
            ++calls["revealVote"];
        }
    }

    // ================================================================ claims

    /// @dev The first account (from `aSeed`, the creator now and then) with something to claim
    /// in the task claims it, then tries to claim again.
    function claim(uint256 tSeed, uint256 aSeed) public useTime {
        if (taskIds.length == 0) return;
        uint256 id = taskIds[tSeed % taskIds.length];
        address creator = alliance.task(id).creator;
        if (aSeed % 5 == 0 && _owes(id, creator)) {
            _claim(id, creator);
            return;
        }
        for (uint256 k; k < actors.length; ++k) {
            address a = actors[(aSeed % actors.length + k) % actors.length];
            if (!_owes(id, a)) continue;
            _claim(id, a);
            return;
        }
    }

    function _owes(uint256 id, address a) internal view returns (bool) {
        (uint256 stake, uint256 reward,, uint256 refund) = alliance.claimable(id, a);
        return stake + reward + refund > 0;
    }

    function _claim(uint256 id, address a) internal {
        (uint256 stake, uint256 reward, uint256 poolReward, uint256 refund) = alliance.claimable(id, a);
        uint256 g = gm.balanceOf(a);
        uint256 f = flock.balanceOf(a);
        vm.prank(a);
        alliance.claim(id);
        if (gm.balanceOf(a) - g != stake || flock.balanceOf(a) - f != reward - poolReward + refund) {
            ++ghostClaimMismatches;
        }
        ghostGmOut += stake;
        ghostRewards += reward;
        ghostRefunds += refund;
        if (reward > 0) ++calls["claimReward"];
        vm.prank(a);
        try alliance.claim(id) {
            ++ghostDoubleClaims;
        } catch {}
        ++calls["claim"];
    }

    /// @notice Records a claim made by the finisher (kept out of the campaign's ghosts otherwise).
    function noteClaim(uint256 stake, uint256 reward, uint256 refund) external {
        ghostGmOut += stake;
        ghostRewards += reward;
        ghostRefunds += refund;
    }

    // ================================================================ internals

    function _salt(address a, uint256 r) internal pure returns (bytes32) {
        return keccak256(abi.encode("alliance-salt", a, r));
    }

    /// @dev A running task (searching from `tSeed`) whose current round is in `phase`.
    function _runningIn(uint256 tSeed, IAllianceTypes.RoundPhase phase)
        internal
        view
        returns (bool ok, uint256 id, uint256 r)
    {
        uint256 n = taskIds.length;
        for (uint256 k; k < n; ++k) {
            id = taskIds[(tSeed % n + k) % n];
            IAllianceTypes.TaskInfo memory t = alliance.task(id);
            if (t.status != IAllianceTypes.TaskStatus.Running) continue;
            r = t.round;
            if (alliance.round(id, r).phase == phase) return (true, id, r);
        }
        return (false, 0, 0);
    }

    function _gmFor(address who, uint256 amount) internal {
        flock.transfer(who, amount);
        vm.startPrank(who);
        flock.approve(address(gm), amount);
        gm.lock(amount, 0);
        vm.stopPrank();
    }
}

/// @notice Does what a random live task calls for next (the campaign's main driver, so that a task
/// usually runs whole rounds within one run): join while it is joining, start, fulfil and draw,
/// the round's commits and reveals, settle, claim.
contract AllianceStepper is CommonBase {
    AllianceHandler internal immutable h;
    IAlliance internal immutable _alliance;

    constructor(AllianceHandler handler_) {
        h = handler_;
        _alliance = handler_.alliance();
    }

    function step(uint256 tSeed, uint256 seed) external {
        uint256 n = h.taskCount();
        if (n == 0) return;
        uint256 t = tSeed % n;
        uint256 id = h.taskIds(t);
        vm.warp(h.ghostTime());
        IAllianceTypes.TaskInfo memory info = _alliance.task(id);
        if (info.status == IAllianceTypes.TaskStatus.Joining) {
            if (info.participantCount < _alliance.params(id).minParticipants + 2 && seed % 4 != 0) {
                h.join(t, seed >> 8, seed >> 16);
                h.join(t, seed >> 24, seed >> 32);
            } else {
                h.warpToNextPhase(t);
                h.startRound(t);
            }
            return;
        }
        if (info.status != IAllianceTypes.TaskStatus.Running) {
            h.claim(t, seed >> 8);
            return;
        }
        IAllianceTypes.RoundPhase ph = _alliance.round(id, info.round).phase;
        if (ph == IAllianceTypes.RoundPhase.Drawing) {
            // Now and then the word does not come, and the round expires.
            if (seed % 8 != 0) {
                h.fulfil(t, seed);
                h.drawRoles(t);
            } else {
                h.warpBy(1 days);
                h.expireRound(t);
            }
            return;
        }
        if (ph == IAllianceTypes.RoundPhase.ProposeCommit) h.commitUpdates(t, seed);
        else if (ph == IAllianceTypes.RoundPhase.ProposeReveal) h.revealUpdates(t, seed);
        else if (ph == IAllianceTypes.RoundPhase.VoteCommit) h.commitVotes(t, seed);
        else if (ph == IAllianceTypes.RoundPhase.VoteReveal) h.revealVotes(t, seed);
        if (ph == IAllianceTypes.RoundPhase.Settling) {
            h.settle(t, seed);
        } else if (ph == IAllianceTypes.RoundPhase.Settled) {
            // Rewards are claimable as soon as a round is settled.
            h.claim(t, seed >> 40);
            if (seed % 4 == 0) h.join(t, seed >> 8, seed >> 16);
            h.startRound(t);
        } else {
            h.warpToNextPhase(t);
        }
    }
}

/// @notice Brings every task to its end with permissionless calls only (start; draw when the word
/// is there, else expire after alliance.drawTimeout; settle at once; start the next), then claims
/// everything for everyone, checking each claim pays what claimable() said. Run inside a state
/// snapshot that the invariant test reverts.
contract AllianceFinisher is CommonBase {
    struct Outcome {
        uint256 unfinished;
        uint256 calls;
        uint256 bound;
        uint256 gmLeft;
        uint256 flockLeft;
        uint256 unstreamed;
        uint256 claimMismatches;
    }

    AllianceHandler internal immutable h;
    IAlliance internal immutable _alliance;
    AllianceRandomness internal immutable _randomness;
    FlockToken internal immutable _flock;
    GmFlock internal immutable _gm;

    constructor(AllianceHandler handler_) {
        h = handler_;
        _alliance = handler_.alliance();
        _randomness = handler_.randomness();
        _flock = handler_.flock();
        _gm = handler_.gm();
    }

    function finishAll() external returns (Outcome memory o) {
        vm.warp(h.ghostTime());
        uint256 tasks = h.taskCount();
        for (uint256 k; k < tasks; ++k) {
            uint256 id = h.taskIds(k);
            uint256 rounds = _alliance.params(id).rounds;
            // Per round: a start, a draw or an expiry, a settlement.
            o.bound += 1 + 3 * rounds;
            o.calls += _finish(id, 4 + 4 * rounds);
            IAllianceTypes.TaskStatus s = _alliance.task(id).status;
            if (s != IAllianceTypes.TaskStatus.Finished && s != IAllianceTypes.TaskStatus.Cancelled) ++o.unfinished;
        }
        for (uint256 k; k < tasks; ++k) {
            uint256 id = h.taskIds(k);
            o.claimMismatches += _claim(id, _alliance.task(id).creator);
            for (uint256 a; a < h.actorCount(); ++a) {
                o.claimMismatches += _claim(id, h.actors(a));
            }
        }
        (uint256 pulled, uint256 taskEmission,,,,,) = _alliance.totals();
        o.gmLeft = _gm.balanceOf(address(_alliance));
        o.flockLeft = _flock.balanceOf(address(_alliance));
        o.unstreamed = pulled - taskEmission;
    }

    /// @dev Drives one task to its end; returns the calls it took (at most `maxSteps` loops).
    function _finish(uint256 id, uint256 maxSteps) internal returns (uint256 calls_) {
        for (uint256 step; step < maxSteps; ++step) {
            IAllianceTypes.TaskInfo memory t = _alliance.task(id);
            if (t.status == IAllianceTypes.TaskStatus.Finished || t.status == IAllianceTypes.TaskStatus.Cancelled) {
                return calls_;
            }
            if (t.status == IAllianceTypes.TaskStatus.Joining) {
                if (block.timestamp < t.joinEnd) vm.warp(t.joinEnd);
                _alliance.startRound(id);
                ++calls_;
                continue;
            }
            IAllianceTypes.RoundInfo memory r = _alliance.round(id, t.round);
            if (r.phase == IAllianceTypes.RoundPhase.Drawing) {
                (, bool ready) = _randomness.wordOf(r.key);
                if (!ready) {
                    if (block.timestamp < r.startedAt + 1 days) vm.warp(r.startedAt + 1 days);
                    _alliance.expireRound(id);
                } else {
                    _alliance.drawRoles(id);
                }
                ++calls_;
            } else if (r.phase == IAllianceTypes.RoundPhase.Settling) {
                _alliance.settleRound(id, type(uint256).max);
                ++calls_;
            } else if (r.phase == IAllianceTypes.RoundPhase.Settled) {
                _alliance.startRound(id);
                ++calls_;
            } else {
                vm.warp(r.voteRevealEnd);
            }
        }
    }

    /// @dev Claims what `a` is owed in task `id`; returns 1 when the claim paid something else
    /// than claimable() said.
    function _claim(uint256 id, address a) internal returns (uint256) {
        (uint256 stake, uint256 reward, uint256 poolReward, uint256 refund) = _alliance.claimable(id, a);
        if (stake + reward + refund == 0) return 0;
        uint256 g = _gm.balanceOf(a);
        uint256 f = _flock.balanceOf(a);
        vm.prank(a);
        _alliance.claim(id);
        h.noteClaim(stake, reward, refund);
        return _gm.balanceOf(a) - g != stake || _flock.balanceOf(a) - f != reward - poolReward + refund ? 1 : 0;
    }
}
