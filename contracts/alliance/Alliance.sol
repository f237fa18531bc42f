// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IAllianceActions} from "../interfaces/IAllianceActions.sol";
import {IAllianceBase} from "../interfaces/IAllianceBase.sol";
import {IAllianceRandomness} from "../interfaces/IAllianceRandomness.sol";
import {IArena} from "../interfaces/IArena.sol";
import {IDelegationPools} from "../interfaces/IDelegationPools.sol";
import {IEmission} from "../interfaces/IEmission.sol";
import {IEmissionGauge} from "../interfaces/IEmissionGauge.sol";
import {IGmFlock} from "../interfaces/IGmFlock.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {StakeEscrow} from "../libraries/StakeEscrow.sol";
import {AllianceRoles} from "./AllianceRoles.sol";
import {AllianceStorage} from "./AllianceStorage.sol";

/// @title Alliance
/// @notice The FL Alliance on chain: federated-learning tasks run in rounds whose roles are drawn
/// from verifiable randomness, with commit-reveal of updates and votes, round results, rewards,
/// slashing and claims. Call it through {IAlliance}.
/// @dev Needs GM_HOLDER_ROLE (stakes are gmFLOCK held here) and SLASHER_ROLE (it freezes and
/// slashes delegation pools and pays their task rewards), must be the requester of its
/// {IAllianceRandomness}, and must be registered as a gauge of the {IEmission}.
///
/// Code layout (as the Arena's). One state, three codes (each under the 24 KB limit): this
/// contract holds all state and runs the hot paths itself (join, leave, commit/reveal, claim,
/// sync, drawRoles); the cold mutators (createTask, startRound, expireRound, settleRound) run in
/// {AllianceSettlement} by delegatecall behind the same reentrancy guard; the views run in
/// {AllianceLens}, reached through the fallback. All three inherit {AllianceStorage}, the one
/// storage layout. Deploy the two modules first with the same seven addresses, then the Alliance
/// with them.
///
/// Participants. A task's participant list holds each participant's account and effective stake
/// (own gmFLOCK + its delegation pool's stake counted at joining, less slashes) in one slot. A
/// round fixes its first n entries when it starts: joiners are appended (they take part from the
/// next round), and removals (leavers, participants slashed to no stake) wait for the next
/// startRound, which removes them from the highest index down, the last entry taking each
/// removed place. So the indexes of a round, its proposer mask and its blame masks stay valid
/// until the round is settled, and the roles are the pure function {AllianceRoles} of the word and
/// the round's stakes, in list order. A participant that holds no role in a round under way (it
/// joined during it) or leaves between rounds leaves at once. Each account joins a task once.
///
/// Stake stays slashable while it can be slashed. A participant's own stake is paid back only
/// once it left the list (a leave during a round waits for the round's settlement and the next
/// start) or the task ended. Its pool is frozen at joining and again at each draw of a round it
/// takes part in, until {CLAIM_FREEZE} after that round's last phase, so stake undelegated
/// meanwhile stays in the pool's unbonding bucket, slashable, until the round is settled (a
/// settlement later than that slashes what the pool still holds, as the Arena's finalize does).
/// The pool's part of a reward is paid into the pool for the shares it had at joining, at the
/// sigma recorded then ({IDelegationPools-notifyTaskReward}).
///
/// Rounds. startRound requests the round's word from {IAllianceRandomness} for key
/// keccak256(abi.encode(this, taskId, round)) (a refused request leaves the round to
/// {expireRound}; a call given too little gas for the request reverts instead, so nobody can void
/// a round by starving it). drawRoles draws the k proposers ({AllianceRoles}, O(k x n)), writes
/// each proposer's account to its update record and starts the four timed phases. A reveal adds
/// the voter's stake to its aggregate's tally (and to the improved tally when its new score is no
/// worse than the previous one in the metric's direction, a tie included); the aggregate whose tally first exceeds every
/// other leads, so the winner is known at the last reveal in O(1). Blame is a bit mask of
/// proposers; each blamed proposer's blame stake grows by the voter's stake (at most k per reveal).
///
/// Settlement. The first settleRound brings the task's emission up to now and fixes the round's
/// reward R = (funded + emission earned - allocated) / rounds left and its result; each
/// participant is then settled once, in list order, in batches: paid R * stake / (proposer stake
/// + voter stake) (rounded down: the sum never exceeds R, and what nobody earned stays with the
/// task), slashed (own gmFLOCK burned, pool part through {IDelegationPools-slash}, capped by what
/// the pool still holds), or neither. Voters who revealed the winning aggregate with the verdict
/// the round's result took are paid in a failed round too (they checked it), while its proposers
/// are not. When the last round is settled the task finishes: the creator's refund is the unspent
/// rest * funded / (funded + emission), and the emission's part goes to the treasury.
///
/// Emission. The Alliance pulls its share of the emission and streams it over {REWARD_DURATION}
/// to the earning tasks (from creation to their end) in proportion to their effective stake,
/// creator's included (Synthetix StakingRewards' accumulator, {RewardStream}); a task's emission
/// is brought up to date whenever its stake changes and whenever a round settles. Tasks end by a
/// transaction (the last settlement, a start with too few participants, or expireRound), which
/// takes their weight out at once, so unlike the Arena there is no schedule of task ends to walk
/// and no backlog. Its gauge weight ({emissionWeight}) is the gmFLOCK held for earning tasks.
contract Alliance is IAllianceActions, AllianceStorage, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @dev Cold mutators (createTask, startRound, expireRound, settleRound), run by delegatecall.
    address private immutable _settlement;
    /// @dev The views, run by delegatecall from the fallback.
    address private immutable _lens;

    /// @param flock_ FLOCK: reward pools and rewards.
    /// @param gm_ gmFLOCK: stakes.
    /// @param config_ The protocol config (parameters, roles, treasury).
    /// @param emission_ The emission this contract is a gauge of.
    /// @param pools_ The delegation pools (pool stake, freezing, slashing, rewards).
    /// @param randomness_ The randomness source (its requester must be set to this contract).
    /// @param arena_ The AI Arena whose finalized winners a task may start from (zero: none).
    /// @param settlement_ An {AllianceSettlement} deployed with the same seven addresses.
    /// @param lens_ An {AllianceLens} deployed with the same seven addresses.
    /// @dev Requirements: both modules were deployed with the same seven addresses.
    constructor(
        IERC20 flock_,
        IGmFlock gm_,
        IProtocolConfig config_,
        IEmission emission_,
        IDelegationPools pools_,
        IAllianceRandomness randomness_,
        IArena arena_,
        AllianceStorage settlement_,
        AllianceStorage lens_
    ) AllianceStorage(flock_, gm_, config_, emission_, pools_, randomness_, arena_) {
        _checkModule(settlement_);
        _checkModule(lens_);
        _settlement = address(settlement_);
        _lens = address(lens_);
        _stream.lastUpdate = block.timestamp;
        // Rewards of delegation pools are paid with notifyTaskReward, which pulls FLOCK from here.
        flock_.forceApprove(address(pools_), type(uint256).max);
    }

    /// @notice Serves {IAllianceViews}: runs the call in the lens module (by delegatecall, so it
    /// reads this contract's storage) and returns what it returns; unknown selectors revert there.
    fallback() external {
        address lens = _lens;
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), lens, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    /// @inheritdoc IAllianceActions
    function modules() external view returns (address settlement, address lens) {
        return (_settlement, _lens);
    }

    // ================================================================ cold mutators (settlement module)

    /// @inheritdoc IAllianceActions
    /// @dev Runs in {AllianceSettlement}.
    function createTask(TaskParams calldata) external nonReentrant returns (uint256 taskId) {
        return abi.decode(_delegate(), (uint256));
    }

    /// @inheritdoc IAllianceActions
    /// @dev Runs in {AllianceSettlement}.
    function startRound(uint256) external nonReentrant {
        _delegate();
    }

    /// @inheritdoc IAllianceActions
    /// @dev Runs in {AllianceSettlement}.
    function expireRound(uint256) external nonReentrant {
        _delegate();
    }

    /// @inheritdoc IAllianceActions
    /// @dev Runs in {AllianceSettlement}.
    function settleRound(uint256, uint256) external nonReentrant returns (uint256 settled, bool done) {
        return abi.decode(_delegate(), (uint256, bool));
    }

    // ================================================================ the draw

    /// @inheritdoc IAllianceActions
    function drawRoles(uint256 taskId) external nonReentrant {
        (Task storage t, Round storage rd, uint256 r) = _current(taskId, RoundPhase.Drawing);
        (uint256 word, bool ready) = _randomness.wordOf(_key(taskId, r));
        if (!ready) revert AllianceWordNotReady(taskId, r);
        uint256 mask = _drawProposers(taskId, r, rd, word);
        uint256 now_ = _now();
        rd.drawnAt = uint64(now_);
        (,,, uint256 end) = _ends(taskId, now_);
        emit RolesDrawn(taskId, r, word, mask, end);
        _freezePools(taskId, t.poolMask, rd.n, end + CLAIM_FREEZE);
    }

    // ================================================================ participants

    /// @inheritdoc IAllianceActions
    function join(uint256 taskId, uint256 stake) external nonReentrant {
        Task storage t = _task(taskId);
        TaskParams storage p = _params[taskId];
        TaskStatus status = t.status;
        if (status != TaskStatus.Joining && (status != TaskStatus.Running || t.round >= p.rounds)) {
            revert AllianceNotInStatus(taskId, status);
        }
        Member storage m = _members[taskId][msg.sender];
        if (msg.sender == t.creator || m.joinedAt != 0) revert AllianceAlreadyParticipating(taskId, msg.sender);
        uint256 count = t.participantCount;
        if (count >= p.maxParticipants) revert AllianceFull(taskId, p.maxParticipants);
        if (stake < p.minStake) revert AllianceStakeTooLow(stake, p.minStake);
        _sync();
        // Frozen until CLAIM_FREEZE after the latest end its first round could have if it started
        // now (or at joinEnd); each draw of a round it takes part in extends the freeze.
        (,,, uint256 lastEnd) = _ends(taskId, Math.max(_now(), t.joinEnd) + t.drawTimeout);
        (uint256 poolStake, uint256 sigma) = StakeEscrow.lockPool(_pools, msg.sender, lastEnd + CLAIM_FREEZE);

        uint256 effective = stake + poolStake;
        _setEntry(taskId, count, msg.sender, effective);
        m.ownStake = stake.toUint128();
        m.poolStake = poolStake.toUint128();
        m.index = uint16(count);
        m.active = true;
        m.firstRound = t.round + 1;
        m.joinedAt = uint64(block.timestamp);
        if (poolStake > 0) {
            m.poolSigma = uint64(sigma); // a pool's sigma is at most 1e18
            t.poolMask |= 1 << count;
        }
        t.participantCount = uint16(count + 1);
        _changeStake(t, effective, stake, true);
        emit Joined(taskId, msg.sender, stake, poolStake);

        IERC20(address(_gm)).safeTransferFrom(msg.sender, address(this), stake);
    }

    /// @inheritdoc IAllianceActions
    function leave(uint256 taskId) external nonReentrant {
        Task storage t = _task(taskId);
        TaskStatus status = t.status;
        if (status != TaskStatus.Joining && status != TaskStatus.Running) revert AllianceNotInStatus(taskId, status);
        Member storage m = _members[taskId][msg.sender];
        if (!m.active || m.leaving) revert AllianceNotParticipant(taskId, msg.sender);
        uint256 i = m.index;
        if (status == TaskStatus.Running) {
            Round storage rd = _rounds[taskId][t.round];
            if (!rd.settled && i < rd.n) {
                // It holds a role in the round under way: removed at the next start.
                m.leaving = true;
                t.removeMask |= 1 << i;
                emit LeaveRequested(taskId, msg.sender);
                return;
            }
        }
        _removeAt(taskId, t, i);
    }

    // ================================================================ rounds

    /// @inheritdoc IAllianceActions
    function commitUpdate(uint256 taskId, bytes32 commitment) external nonReentrant {
        (, uint256 r, uint256 i) = _inRole(taskId, RoundPhase.ProposeCommit, Role.Proposer);
        if (commitment == 0) revert AllianceZeroCommitment();
        _proposals[taskId][r][i].commitment = commitment;
        emit UpdateCommitted(taskId, r, msg.sender, commitment);
    }

    /// @inheritdoc IAllianceActions
    function revealUpdate(uint256 taskId, string calldata updateCID, uint64 examples, bytes32 salt)
        external
        nonReentrant
    {
        (, uint256 r, uint256 i) = _inRole(taskId, RoundPhase.ProposeReveal, Role.Proposer);
        Proposal storage u = _proposals[taskId][r][i];
        bytes32 commitment = u.commitment;
        if (commitment == 0 || u.examples != 0) revert AllianceCannotReveal(taskId, msg.sender);
        if (keccak256(abi.encode(taskId, r, updateCID, examples, msg.sender, salt)) != commitment) {
            revert AllianceCommitmentMismatch(taskId, msg.sender);
        }
        _checkCID(updateCID);
        if (examples == 0) revert AllianceZeroExamples();
        u.examples = examples;
        u.updateCID = updateCID;
        emit UpdateRevealed(taskId, r, msg.sender, updateCID, examples);
    }

    /// @inheritdoc IAllianceActions
    function commitVote(uint256 taskId, bytes32 commitment) external nonReentrant {
        (, uint256 r,) = _inRole(taskId, RoundPhase.VoteCommit, Role.Voter);
        if (commitment == 0) revert AllianceZeroCommitment();
        _ballots[taskId][r][msg.sender].commitment = commitment;
        emit VoteCommitted(taskId, r, msg.sender, commitment);
    }

    /// @inheritdoc IAllianceActions
    function revealVote(uint256 taskId, Vote calldata vote, bytes32 salt) external nonReentrant {
        (Round storage rd, uint256 r, uint256 i) = _inRole(taskId, RoundPhase.VoteReveal, Role.Voter);
        if (vote.blame & ~rd.proposerMask != 0) revert AllianceBadBlame(vote.blame);
        bool improved = _openBallot(taskId, r, vote, salt);
        _tally(taskId, r, rd, i, vote, improved);
        emit VoteRevealed(taskId, r, msg.sender, vote.aggregateCID, vote.previousScore, vote.newScore, improved, vote.blame);
    }

    // ================================================================ claims and emission

    /// @inheritdoc IAllianceActions
    function claim(uint256 taskId) external nonReentrant {
        Task storage t = _task(taskId);
        Owed memory o = _owed(taskId, t, msg.sender);
        if (o.stake == 0 && o.reward == 0 && o.refund == 0) revert AllianceNothingToClaim(taskId, msg.sender);
        if (o.creator) {
            t.creatorClaimed = true;
        } else {
            Member storage m = _members[taskId][msg.sender];
            if (o.reward > 0) m.rewardOwed = 0;
            if (o.poolReward > 0) m.poolRewardOwed = 0;
            if (o.stakeDue) m.stakeClaimed = true;
        }
        _totalRewardsPaid += o.reward;
        _totalRefunded += o.refund;
        emit Claimed(taskId, msg.sender, o.stake, o.reward, o.poolReward, o.refund);

        if (o.stake > 0) IERC20(address(_gm)).safeTransfer(msg.sender, o.stake);
        uint256 direct = o.reward - o.poolReward + o.refund;
        if (direct > 0) _flock.safeTransfer(msg.sender, direct);
        if (o.poolReward > 0) _pools.notifyTaskReward(msg.sender, o.poolReward, o.poolSince, o.poolSigma);
    }

    /// @inheritdoc IAllianceActions
    function sync() external nonReentrant {
        _sync();
    }

    /// @inheritdoc IEmissionGauge
    /// @dev The gmFLOCK held for tasks that earn (created and not yet ended): creators' and
    /// participants' own stake, pool stake excluded (the pools are their own gauge).
    function emissionWeight() external view returns (uint256) {
        return _totalStake;
    }

    // ================================================================ internals

    /// @dev Reverts unless `module` was deployed with this contract's seven addresses.
    function _checkModule(AllianceStorage module) private view {
        (bool ok, bytes memory ret) = address(module).staticcall(abi.encodeCall(IAllianceBase.contracts, ()));
        bytes memory mine = abi.encode(_flock, _gm, _config, _emission, _pools, _randomness, _arena);
        if (!ok || keccak256(ret) != keccak256(mine)) revert AllianceModuleMismatch(address(module));
    }

    /// @dev Runs the current call's calldata in {AllianceSettlement} by delegatecall, bubbling reverts.
    function _delegate() private returns (bytes memory ret) {
        bool ok;
        (ok, ret) = _settlement.delegatecall(msg.data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    /// @dev The current round and the caller's index in it, after checking the task runs, the
    /// round is in `phase` and the caller holds `role` in it.
    function _inRole(uint256 taskId, RoundPhase phase, Role role)
        private
        view
        returns (Round storage rd, uint256 r, uint256 i)
    {
        (, rd, r) = _current(taskId, phase);
        Member storage m = _members[taskId][msg.sender];
        if (!m.active) revert AllianceNotParticipant(taskId, msg.sender);
        i = m.index;
        // Indexes below n are the round's: later joiners are appended, removals wait for the next start.
        bool proposes = (rd.proposerMask >> i) & 1 == 1;
        if (i >= rd.n || proposes != (role == Role.Proposer)) revert AllianceWrongRole(taskId, msg.sender, role);
    }

    /// @dev Draws the round's proposers from its word and the stakes of its n participants
    /// ({AllianceRoles}), records each proposer's account and the proposer and voter stakes;
    /// returns the proposer mask.
    function _drawProposers(uint256 taskId, uint256 r, Round storage rd, uint256 word) private returns (uint256 mask) {
        uint256 n = rd.n;
        mapping(uint256 => uint256) storage list = _list[taskId];
        uint256[] memory stakes = new uint256[](n);
        uint256 total;
        for (uint256 i; i < n; ++i) {
            uint256 s = list[i] >> 160;
            stakes[i] = s;
            total += s;
        }
        uint256[] memory drawn;
        (drawn, mask) = AllianceRoles.draw(word, stakes, _params[taskId].proposersPerRound);
        mapping(uint256 => Proposal) storage proposals = _proposals[taskId][r];
        uint256 proposerStake;
        for (uint256 j; j < drawn.length; ++j) {
            uint256 i = drawn[j];
            proposerStake += stakes[i];
            proposals[i].proposer = address(uint160(list[i]));
        }
        rd.proposerMask = mask;
        rd.proposerStake = uint128(proposerStake); // n <= 256 stakes of 96 bits
        rd.voterStake = uint128(total - proposerStake);
    }

    /// @dev Freezes, until `until`, the pools of the round's participants that have one (bits of
    /// `withPool` below n).
    function _freezePools(uint256 taskId, uint256 withPool, uint256 n, uint256 until) private {
        if (n < 256) withPool &= (1 << n) - 1;
        while (withPool != 0) {
            uint256 i = Math.log2(withPool & (~withPool + 1)); // the lowest set bit
            _pools.freeze(address(uint160(_list[taskId][i])), until);
            withPool &= withPool - 1;
        }
    }

    /// @dev Checks the caller's reveal against its commitment and records its ballot; returns
    /// whether its new score beats the previous one in the metric's direction.
    function _openBallot(uint256 taskId, uint256 r, Vote calldata vote, bytes32 salt) private returns (bool improved) {
        Ballot storage b = _ballots[taskId][r][msg.sender];
        bytes32 commitment = b.commitment;
        if (commitment == 0 || b.cidHash != 0) revert AllianceCannotReveal(taskId, msg.sender);
        if (keccak256(abi.encode(taskId, r, vote, msg.sender, salt)) != commitment) {
            revert AllianceCommitmentMismatch(taskId, msg.sender);
        }
        _checkCID(vote.aggregateCID);
        int256 previous = vote.previousScore;
        int256 next = vote.newScore;
        _checkScore(previous);
        _checkScore(next);
        improved = _improved(_tasks[taskId].higherIsBetter, previous, next);
        b.cidHash = keccak256(bytes(vote.aggregateCID));
        b.previousScore = int128(previous); // |score| <= 1e36 < 2^127
        b.newScore = int128(next);
        if (vote.blame != 0) b.blame = vote.blame;
    }

    /// @dev Counts voter `i`'s stake for its aggregate (and its verdict) and for each update it blames.
    function _tally(uint256 taskId, uint256 r, Round storage rd, uint256 i, Vote calldata vote, bool improved) private {
        (, uint256 stake) = _entry(taskId, i);
        bytes32 h = keccak256(bytes(vote.aggregateCID));
        Tally storage tally = _tallies[taskId][r][h];
        uint256 total = tally.stake + stake;
        tally.stake = uint128(total); // at most the round's voter stake
        if (improved) tally.improved += uint128(stake);
        // Strictly more: on a tie the aggregate that reached the stake first keeps the lead.
        if (total > rd.winningStake) {
            rd.winningStake = uint128(total);
            if (rd.winner != h) rd.winner = h;
        }
        if (bytes(_cids[h]).length == 0) _cids[h] = vote.aggregateCID;
        // At most k bits: blame names proposers only.
        mapping(uint256 => Proposal) storage proposals = _proposals[taskId][r];
        uint256 blame = vote.blame;
        while (blame != 0) {
            uint256 j = Math.log2(blame & (~blame + 1)); // the lowest set bit
            proposals[j].blameStake += uint128(stake);
            blame &= blame - 1;
        }
    }

    function _checkScore(int256 score) private pure {
        if (score > MAX_SCORE || score < -MAX_SCORE) revert AllianceScoreOutOfRange(score);
    }
}
