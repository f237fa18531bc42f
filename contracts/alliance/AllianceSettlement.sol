// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IAllianceRandomness} from "../interfaces/IAllianceRandomness.sol";
import {IArena} from "../interfaces/IArena.sol";
import {IArenaTypes} from "../interfaces/IArenaTypes.sol";
import {IDelegationPools} from "../interfaces/IDelegationPools.sol";
import {IEmission} from "../interfaces/IEmission.sol";
import {IGmFlock} from "../interfaces/IGmFlock.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {Params} from "../libraries/Params.sol";
import {StakeEscrow} from "../libraries/StakeEscrow.sol";
import {AllianceStorage} from "./AllianceStorage.sol";

/// @title AllianceSettlement
/// @notice The FL Alliance's cold mutators: task creation, the start and expiry of rounds, and
/// their settlement. It runs only in the Alliance's context: deployed on its own and handed to the
/// Alliance's constructor, it is delegatecalled by {Alliance-createTask}, {Alliance-startRound},
/// {Alliance-expireRound} and {Alliance-settleRound} (behind the Alliance's
/// reentrancy guard), so it reads and writes the Alliance's storage and emits the Alliance's
/// events. Split out only to keep each contract under the 24 KB code size limit; see {Alliance}
/// for the design and {IAllianceActions} for each function's behaviour.
/// @custom:serves IAllianceActions
contract AllianceSettlement is AllianceStorage {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice Thrown when the module is called directly rather than through the Alliance.
    error AllianceSettlementDirectCall();

    /// @dev What settling one participant needs, read once per call.
    struct Ctx {
        uint256 taskId;
        uint256 round;
        uint256 mask;
        uint256 voterStake;
        uint256 totalStake;
        uint256 reward;
        bytes32 winner;
        bool accepted;
        bool majority;
        bool higherIsBetter;
        uint256 proposerSlash;
        uint256 voterSlash;
        // Accumulated over the batch.
        uint256 paid;
        uint256 cutEffective;
        uint256 cutOwn;
        uint256 removeMask;
    }

    address private immutable _self;

    /// @dev Deploy with the Alliance's own first seven constructor arguments (the Alliance checks).
    constructor(
        IERC20 flock_,
        IGmFlock gm_,
        IProtocolConfig config_,
        IEmission emission_,
        IDelegationPools pools_,
        IAllianceRandomness randomness_,
        IArena arena_
    ) AllianceStorage(flock_, gm_, config_, emission_, pools_, randomness_, arena_) {
        _self = address(this);
    }

    modifier onlyDelegated() {
        if (address(this) == _self) revert AllianceSettlementDirectCall();
        _;
    }

    // ================================================================ creation

    /// @notice See {IAllianceActions-createTask}.
    /// @dev Reads alliance.proposerSlash, alliance.voterSlash and alliance.drawTimeout into the task.
    function createTask(TaskParams calldata p) external onlyDelegated returns (uint256 taskId) {
        string memory initial = _checkTaskParams(p);
        _sync();
        taskId = ++_taskCount;
        _params[taskId] = p;
        if (p.fromArena) _params[taskId].initialModelCID = initial;

        Task storage t = _tasks[taskId];
        uint256 now_ = _now();
        t.creator = msg.sender;
        t.status = TaskStatus.Joining;
        t.higherIsBetter = p.metric == IArenaTypes.Metric.Accuracy || p.metric == IArenaTypes.Metric.F1;
        t.createdAt = uint64(now_);
        t.joinEnd = uint64(now_ + p.joinDuration); // joinDuration <= MAX_DURATION
        // Fractions are bounded by 1e18 and the timeout by 30 days in the config.
        t.proposerSlash = uint64(_config.get(Params.ALLIANCE_PROPOSER_SLASH));
        t.voterSlash = uint64(_config.get(Params.ALLIANCE_VOTER_SLASH));
        t.drawTimeout = uint64(_config.get(Params.ALLIANCE_DRAW_TIMEOUT));
        t.globalModelCID = initial;
        _totalFunded += p.rewardPool;
        _changeStake(t, p.creatorStake, p.creatorStake, true);
        emit TaskCreated(taskId, msg.sender, initial, p.specCID, p.rounds, p.creatorStake, p.rewardPool);

        if (p.creatorStake > 0) IERC20(address(_gm)).safeTransferFrom(msg.sender, address(this), p.creatorStake);
        if (p.rewardPool > 0) _flock.safeTransferFrom(msg.sender, address(this), p.rewardPool);
    }

    // ================================================================ rounds

    /// @notice See {IAllianceActions-startRound}.
    function startRound(uint256 taskId) external onlyDelegated {
        Task storage t = _task(taskId);
        TaskStatus status = t.status;
        uint256 r = t.round;
        if (status == TaskStatus.Joining) {
            if (_now() < t.joinEnd) revert AllianceNotInStatus(taskId, status);
        } else if (status == TaskStatus.Running) {
            Round storage current = _rounds[taskId][r];
            if (!current.settled) revert AllianceNotInPhase(taskId, r, _phase(taskId, current));
        } else {
            revert AllianceNotInStatus(taskId, status);
        }
        _sync();
        // From the highest index down: the last entry, which takes each removed place, is never
        // one to remove.
        for (uint256 mask = t.removeMask; mask != 0; mask = t.removeMask) {
            _removeAt(taskId, t, Math.log2(mask));
        }
        uint256 count = t.participantCount;
        if (count < _params[taskId].minParticipants) {
            if (status == TaskStatus.Joining) _cancel(taskId, t);
            else _finish(taskId, t, true);
            return;
        }
        ++r;
        t.round = uint16(r); // at most rounds <= MAX_ROUNDS
        t.status = TaskStatus.Running;
        Round storage rd = _rounds[taskId][r];
        rd.startedAt = uint64(_now());
        rd.n = uint16(count);
        bytes32 key = _key(taskId, r);
        emit RoundStarted(taskId, r, key, count);
        _requestWord(taskId, r, key);
    }

    /// @notice See {IAllianceActions-expireRound}.
    function expireRound(uint256 taskId) external onlyDelegated {
        (Task storage t, Round storage rd, uint256 r) = _current(taskId, RoundPhase.Drawing);
        uint256 expiresAt = uint256(rd.startedAt) + t.drawTimeout;
        if (_now() < expiresAt) revert AllianceDrawNotExpired(taskId, expiresAt);
        (, bool ready) = _randomness.wordOf(_key(taskId, r));
        if (ready) revert AllianceWordReady(taskId, r);
        rd.settled = true;
        rd.expired = true;
        _finish(taskId, t, true);
    }

    /// @notice See {IAllianceActions-settleRound}.
    function settleRound(uint256 taskId, uint256 maxParticipants)
        external
        onlyDelegated
        returns (uint256 settled, bool done)
    {
        (Task storage t, Round storage rd, uint256 r) = _current(taskId, RoundPhase.Settling);
        if (maxParticipants == 0) revert AllianceBadBatch();
        if (!rd.resultFixed) _fixResult(taskId, t, rd, r);

        Ctx memory c = _context(taskId, t, rd, r);
        uint256 from = rd.settledCount;
        uint256 n = rd.n;
        uint256 to = n - from < maxParticipants ? n : from + maxParticipants;
        for (uint256 i = from; i < to; ++i) {
            _settleOne(c, i);
        }
        rd.settledCount = uint16(to);
        settled = to - from;
        if (c.paid > 0) {
            rd.paid += uint128(c.paid); // at most the round's reward
            t.allocated += uint128(c.paid);
        }
        if (c.cutEffective > 0) _changeStake(t, c.cutEffective, c.cutOwn, false);
        if (c.removeMask != 0) t.removeMask |= c.removeMask;
        if (to == n) {
            rd.settled = true;
            done = true;
            emit RoundSettled(taskId, r, rd.paid);
            if (r == _params[taskId].rounds) _finish(taskId, t, false);
        }
    }

    // ================================================================ internals: creation

    /// @dev Checks a task's parameters; returns its initial model (the Arena winner's when `fromArena`).
    function _checkTaskParams(TaskParams calldata p) private view returns (string memory initial) {
        _checkCID(p.specCID);
        if (p.rounds == 0 || p.rounds > MAX_ROUNDS) revert AllianceBadParams("rounds");
        uint256 k = p.proposersPerRound;
        if (k == 0 || k > MAX_PROPOSERS) revert AllianceBadParams("proposersPerRound");
        if (p.minParticipants <= k || p.minParticipants > p.maxParticipants || p.maxParticipants > MAX_PARTICIPANTS) {
            revert AllianceBadParams("participants");
        }
        uint256 minPhase = _config.get(Params.ALLIANCE_MIN_PHASE);
        _checkDuration(p.joinDuration, minPhase);
        _checkDuration(p.proposeCommitDuration, minPhase);
        _checkDuration(p.proposeRevealDuration, minPhase);
        _checkDuration(p.voteCommitDuration, minPhase);
        _checkDuration(p.voteRevealDuration, minPhase);
        uint256 minStake = Math.max(_config.get(Params.ALLIANCE_MIN_STAKE), 1);
        if (p.minStake < minStake) revert AllianceStakeTooLow(p.minStake, minStake);
        uint256 minCreator = _config.get(Params.ALLIANCE_MIN_CREATOR_STAKE);
        if (p.creatorStake < minCreator) revert AllianceStakeTooLow(p.creatorStake, minCreator);
        _checkAggregation(p.aggregation, k);
        if (p.privacy.clipNorm == 0 && p.privacy.noiseMultiplier != 0) revert AllianceBadParams("privacy");
        if (p.fromArena) return _arenaWinner(p.arenaTaskId, p.arenaSubmissionId);
        _checkCID(p.initialModelCID);
        return p.initialModelCID;
    }

    function _checkDuration(uint256 duration, uint256 minPhase) private pure {
        if (duration < minPhase || duration == 0 || duration > MAX_DURATION) revert AllianceBadParams("duration");
    }

    /// @dev The rule's parameters must fit k (as src/tasks/alliance-spec.ts checks them).
    function _checkAggregation(Aggregation calldata a, uint256 k) private pure {
        uint256 f = a.f;
        Rule rule = a.rule;
        bool ok = true;
        if (rule == Rule.FedTrimmedAvg) {
            ok = a.beta < WAD / 2 && 2 * ((uint256(a.beta) * k) / WAD) < k;
        } else if (rule == Rule.Krum || rule == Rule.MultiKrum) {
            ok = k > 2 * f + 2 && (rule == Rule.Krum || (a.m >= 1 && a.m <= k));
        } else if (rule == Rule.Bulyan) {
            ok = k >= 4 * f + 3;
        }
        if (!ok) revert AllianceBadParams("aggregation");
    }

    /// @dev The model of a finalized Arena task's first-ranked submission.
    function _arenaWinner(uint256 arenaTaskId, uint256 submissionId) private view returns (string memory) {
        IArena arena = _arena;
        if (address(arena) == address(0) || arena.phase(arenaTaskId) != IArenaTypes.Phase.Finalized) {
            revert AllianceNotArenaWinner(arenaTaskId, submissionId);
        }
        IArenaTypes.SubmissionInfo memory s = arena.submission(arenaTaskId, submissionId);
        if (s.status != IArenaTypes.SubmissionStatus.Ranked || s.rank != 0) {
            revert AllianceNotArenaWinner(arenaTaskId, submissionId);
        }
        return s.modelCID;
    }

    // ================================================================ internals: rounds

    /// @dev Requests the round's word. A refusal leaves the round Drawing (expireRound ends the task
    /// after alliance.drawTimeout); a call that starves the request of gas reverts instead.
    function _requestWord(uint256 taskId, uint256 r, bytes32 key) private {
        uint256 gasBefore = gasleft();
        try _randomness.requestWord(key) {}
        catch (bytes memory reason) {
            // Out of gas at some depth of the request (each call keeps back 1/64, so a few levels
            // leave well under 1/8), not a refusal (which reverts early and cheaply): the caller
            // gave too little gas, and the whole call reverts.
            if (gasleft() < gasBefore / 8) {
                assembly ("memory-safe") {
                    revert(add(reason, 32), mload(reason))
                }
            }
            emit RandomnessRequestFailed(taskId, r, reason);
        }
    }

    /// @dev Fixes the round's result and reward, after bringing the task's emission up to now.
    function _fixResult(uint256 taskId, Task storage t, Round storage rd, uint256 r) private {
        _sync();
        _checkpoint(t);
        bytes32 w = rd.winner;
        uint256 improved = w == 0 ? 0 : _tallies[taskId][r][w].improved;
        bool accepted = improved * 2 > rd.voterStake;
        TaskParams storage p = _params[taskId];
        // allocated <= funded + earned: each round pays at most its share of what was left.
        uint256 reward = (p.rewardPool + t.emissionEarned - t.allocated) / (p.rounds - r + 1);
        rd.resultFixed = true;
        rd.improvedStake = uint128(improved);
        rd.accepted = accepted;
        rd.reward = reward.toUint128();
        string memory cid = w == 0 ? "" : _cids[w];
        if (accepted) {
            t.globalModelCID = cid;
            ++t.roundsAccepted;
        }
        emit RoundResult(taskId, r, accepted, cid, reward);
    }

    function _context(uint256 taskId, Task storage t, Round storage rd, uint256 r) private view returns (Ctx memory c) {
        c.taskId = taskId;
        c.round = r;
        c.mask = rd.proposerMask;
        c.voterStake = rd.voterStake;
        c.totalStake = uint256(rd.proposerStake) + rd.voterStake;
        c.reward = rd.reward;
        c.winner = rd.winner;
        c.accepted = rd.accepted;
        c.majority = 2 * uint256(rd.winningStake) > c.voterStake;
        c.higherIsBetter = t.higherIsBetter;
        c.proposerSlash = t.proposerSlash;
        c.voterSlash = t.voterSlash;
    }

    /// @dev Settles participant `i` of the round (see {IAllianceTypes-Outcome}).
    function _settleOne(Ctx memory c, uint256 i) private {
        uint256 e = _list[c.taskId][i];
        address account = address(uint160(e));
        uint256 stake = e >> 160;
        Role role;
        Outcome o; // Unpaid
        uint256 fraction;
        if ((c.mask >> i) & 1 == 1) {
            role = Role.Proposer;
            Proposal storage u = _proposals[c.taskId][c.round][i];
            if (u.commitment == 0) {
                // Nothing committed: nothing withheld.
            } else if (u.examples == 0) {
                (o, fraction) = (Outcome.ProposerNoReveal, c.proposerSlash);
            } else if (2 * uint256(u.blameStake) > c.voterStake) {
                (o, fraction) = (Outcome.ProposerBlamed, c.proposerSlash);
            } else if (c.accepted) {
                o = Outcome.Paid;
                // The model market's contributor shares: updates paid in accepted rounds.
                ++_members[c.taskId][account].acceptedUpdates;
                ++_tasks[c.taskId].acceptedUpdates;
            }
        } else {
            role = Role.Voter;
            Ballot storage b = _ballots[c.taskId][c.round][account];
            bytes32 h = b.cidHash;
            if (b.commitment == 0) {
                // Nothing committed.
            } else if (h == 0) {
                (o, fraction) = (Outcome.VoterNoReveal, c.voterSlash);
            } else if (h != c.winner) {
                if (c.majority) (o, fraction) = (Outcome.VoterWrongAggregate, c.voterSlash);
            } else {
                // The round's result as its verdict: improved when accepted, not when failed.
                if (_improved(c.higherIsBetter, b.previousScore, b.newScore) == c.accepted) o = Outcome.Paid;
            }
        }
        uint256 reward;
        uint256 ownCut;
        uint256 poolCut;
        if (o == Outcome.Paid) {
            reward = _credit(c, account, stake);
        } else if (fraction > 0) {
            (ownCut, poolCut) = _slash(c, i, account, stake, fraction);
        }
        emit ParticipantSettled(c.taskId, c.round, account, role, o, reward, ownCut, poolCut);
        if (ownCut > 0 || poolCut > 0) StakeEscrow.burn(_gm, _pools, account, ownCut, poolCut);
    }

    /// @dev Credits R * stake / (proposer stake + voter stake), rounded down; the pool's part in
    /// proportion pool / (own + pool).
    function _credit(Ctx memory c, address account, uint256 stake) private returns (uint256 reward) {
        reward = Math.mulDiv(c.reward, stake, c.totalStake);
        if (reward == 0) return 0;
        Member storage m = _members[c.taskId][account];
        m.rewardOwed += uint128(reward); // at most the task's funds
        m.rewardEarned += uint128(reward);
        uint256 pool = m.poolStake;
        if (pool > 0) m.poolRewardOwed += uint128(Math.mulDiv(reward, pool, stake)); // stake = own + pool
        c.paid += reward;
    }

    /// @dev Slashes `fraction` of participant `i`'s own and pool stake: returns the own gmFLOCK to
    /// burn and the pool's to slash (capped by what the pool still holds). Its counted stake drops
    /// by the uncapped amounts; at no stake left it is removed at the next start.
    function _slash(Ctx memory c, uint256 i, address account, uint256 stake, uint256 fraction)
        private
        returns (uint256 ownCut, uint256 poolSlashed)
    {
        Member storage m = _members[c.taskId][account];
        uint256 own = m.ownStake;
        uint256 pool = m.poolStake;
        (ownCut, poolSlashed) = StakeEscrow.slashAmounts(_pools, account, own, pool, fraction);
        uint256 poolCut = Math.mulDiv(pool, fraction, WAD);
        m.ownStake = uint128(own - ownCut);
        m.poolStake = uint128(pool - poolCut);
        m.slashed += uint128(ownCut + poolSlashed);
        uint256 left = stake - ownCut - poolCut; // stake = own + pool
        _setEntry(c.taskId, i, account, left);
        if (left == 0) c.removeMask |= 1 << i;
        c.cutEffective += ownCut + poolCut;
        c.cutOwn += ownCut;
        _totalSlashed += ownCut;
    }

    // ================================================================ internals: the end

    /// @dev Stops the task earning: brings its emission up to now and takes its weight out.
    function _stopEarning(Task storage t) private returns (uint256 earned) {
        _checkpoint(t);
        _totalWeight -= t.stake;
        _totalStake -= t.ownStake;
        earned = t.emissionEarned;
        _totalTaskEmission += earned;
    }

    /// @dev Finishes the task: the creator's refund is the unspent rest * funded / (funded +
    /// emission); the rest of it goes to the treasury.
    function _finish(uint256 taskId, Task storage t, bool early) private {
        uint256 earned = _stopEarning(t);
        t.status = TaskStatus.Finished;
        uint256 funded = _params[taskId].rewardPool;
        uint256 leftover = funded + earned - t.allocated;
        uint256 refund = funded + earned == 0 ? 0 : Math.mulDiv(leftover, funded, funded + earned);
        t.refund = refund.toUint128();
        emit TaskFinished(taskId, t.roundsAccepted, t.globalModelCID, early);
        _toTreasury(leftover - refund);
    }

    /// @dev Cancels the task before round 1: stakes and the reward pool go back, its emission to
    /// the treasury.
    function _cancel(uint256 taskId, Task storage t) private {
        uint256 earned = _stopEarning(t);
        t.status = TaskStatus.Cancelled;
        emit TaskCancelled(taskId);
        _toTreasury(earned);
    }
}
