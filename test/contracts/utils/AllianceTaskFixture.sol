// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {VRFCoordinatorV2_5Mock} from "@chainlink/contracts/src/v0.8/vrf/mocks/VRFCoordinatorV2_5Mock.sol";

import {Alliance} from "../../../contracts/alliance/Alliance.sol";
import {AllianceLens} from "../../../contracts/alliance/AllianceLens.sol";
import {AllianceRandomness} from "../../../contracts/alliance/AllianceRandomness.sol";
import {AllianceRoles} from "../../../contracts/alliance/AllianceRoles.sol";
import {AllianceSettlement} from "../../../contracts/alliance/AllianceSettlement.sol";
import {AllianceStorage} from "../../../contracts/alliance/AllianceStorage.sol";
import {IAlliance} from "../../../contracts/interfaces/IAlliance.sol";
import {IAllianceRandomness} from "../../../contracts/interfaces/IAllianceRandomness.sol";
import {IAllianceTypes} from "../../../contracts/interfaces/IAllianceTypes.sol";
import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {ArenaFixture} from "../arena/ArenaFixture.sol";

/// @notice The whole protocol for the FL Alliance: the staking economy and the Arena of
/// {ArenaFixture}, Chainlink's VRF v2.5 coordinator mock with a funded subscription, an
/// {AllianceRandomness} consumer whose requester is the Alliance, and the Alliance (its two
/// modules, its roles, registered as a gauge of the emission), with helpers that walk a task
/// through its rounds: create, join N accounts, start, fulfil a chosen word, draw, commit and
/// reveal updates and votes, settle.
/// @dev Extend it and call `super.setUp()` first. `alliance` is the Alliance typed as {IAlliance}
/// (actions implemented by the Alliance, views served by its lens through the fallback).
abstract contract AllianceTaskFixture is ArenaFixture {
    uint256 internal constant JOIN = 1 days;
    uint256 internal constant ROUND_PHASE = 1 hours;
    uint256 internal constant A_CREATOR_STAKE = 100e18;
    uint256 internal constant A_MIN_STAKE = 10e18;
    uint256 internal constant POOL = 1_000e18;
    bytes32 internal constant KEY_HASH = keccak256("flock.devnet.keyHash");
    uint64 internal constant REQUEST_TIMEOUT = 1 hours;

    IAlliance internal alliance;
    AllianceSettlement internal allianceSettlement;
    AllianceLens internal allianceLens;
    VRFCoordinatorV2_5Mock internal coordinator;
    AllianceRandomness internal randomness;
    uint256 internal subId;
    address internal vrfOwner = makeAddr("vrfOwner");
    address internal allianceCreator = makeAddr("allianceCreator");
    address internal anyone = makeAddr("anyone");

    function setUp() public virtual override {
        super.setUp();
        coordinator = new VRFCoordinatorV2_5Mock(0.1 ether, 1 gwei, 4e15);
        subId = coordinator.createSubscription();
        coordinator.fundSubscription(subId, 1_000_000 ether);
        vm.prank(vrfOwner);
        randomness = new AllianceRandomness(address(coordinator), _vrfConfig());
        coordinator.addConsumer(subId, address(randomness));

        IERC20 token = IERC20(address(flock));
        IArena arena_ = arena;
        allianceSettlement = new AllianceSettlement(token, gm, config, emission, pools, randomness, arena_);
        allianceLens = new AllianceLens(token, gm, config, emission, pools, randomness, arena_);
        Alliance impl = new Alliance(
            token,
            gm,
            config,
            emission,
            pools,
            randomness,
            arena_,
            AllianceStorage(allianceSettlement),
            AllianceStorage(allianceLens)
        );
        alliance = IAlliance(address(impl));
        vm.prank(vrfOwner);
        randomness.setRequester(address(alliance));
        config.grantRole(config.GM_HOLDER_ROLE(), address(alliance));
        config.grantRole(config.SLASHER_ROLE(), address(alliance));
        emission.addGauge(address(alliance));
        vm.label(address(alliance), "Alliance");
        vm.label(address(allianceSettlement), "AllianceSettlement");
        vm.label(address(allianceLens), "AllianceLens");
        vm.label(address(randomness), "AllianceRandomness");
        vm.label(address(coordinator), "VRFCoordinatorV2_5Mock");
    }

    function _vrfConfig() internal view returns (IAllianceRandomness.Config memory) {
        return IAllianceRandomness.Config({
            keyHash: KEY_HASH,
            subscriptionId: subId,
            callbackGasLimit: 100_000,
            requestConfirmations: 3,
            nativePayment: false,
            requestTimeout: REQUEST_TIMEOUT
        });
    }

    // ---------------------------------------------------------------- actors

    function _member(uint256 i) internal pure returns (address) {
        return address(uint160(0x30000 + i));
    }

    function _updateCID(address who, uint256 round_) internal pure returns (string memory) {
        return string.concat("bafy-update-", _itoa(uint160(who)), "-", _itoa(round_));
    }

    function _aggregateCID(uint256 round_) internal pure returns (string memory) {
        return string.concat("bafy-aggregate-", _itoa(round_));
    }

    // ---------------------------------------------------------------- tasks

    /// @dev A FedAvg task of `rounds` rounds, k = 2, 4 to 20 participants, phases of an hour,
    /// creator stake 100, participant minimum 10, reward pool `pool`, scored by accuracy.
    function _allianceParams(uint16 rounds, uint256 pool) internal pure returns (IAllianceTypes.TaskParams memory p) {
        p.initialModelCID = "bafy-initial-model";
        p.specCID = "bafy-alliance-spec";
        p.metric = IArenaTypes.Metric.Accuracy;
        p.rounds = rounds;
        p.proposersPerRound = 2;
        p.minParticipants = 4;
        p.maxParticipants = 20;
        p.joinDuration = uint64(JOIN);
        p.proposeCommitDuration = uint64(ROUND_PHASE);
        p.proposeRevealDuration = uint64(ROUND_PHASE);
        p.voteCommitDuration = uint64(ROUND_PHASE);
        p.voteRevealDuration = uint64(ROUND_PHASE);
        p.minStake = A_MIN_STAKE;
        p.creatorStake = A_CREATOR_STAKE;
        p.rewardPool = pool;
        p.aggregation = IAllianceTypes.Aggregation({rule: IAllianceTypes.Rule.FedAvg, f: 0, m: 0, beta: 0});
    }

    /// @dev As `allianceCreator`: funds, approves and creates a task with `p`.
    function _createAllianceTask(IAllianceTypes.TaskParams memory p) internal returns (uint256 taskId) {
        _fundCreator(allianceCreator, p);
        vm.prank(allianceCreator);
        taskId = alliance.createTask(p);
    }

    function _fundCreator(address who, IAllianceTypes.TaskParams memory p) internal {
        if (p.creatorStake > 0) _gmFor(who, p.creatorStake);
        if (p.rewardPool > 0) _fund(who, p.rewardPool);
        vm.startPrank(who);
        gm.approve(address(alliance), p.creatorStake);
        flock.approve(address(alliance), p.rewardPool);
        vm.stopPrank();
    }

    /// @dev A default task of `rounds` rounds and a reward pool of `pool`, joined by `n` members
    /// (`_member(0..n-1)`) with stakes 10, 20, 30, ... (x1e18).
    function _taskWithMembers(uint16 rounds, uint256 pool, uint256 n) internal returns (uint256 taskId) {
        IAllianceTypes.TaskParams memory p = _allianceParams(rounds, pool);
        if (n > p.maxParticipants) p.maxParticipants = uint16(n);
        taskId = _createAllianceTask(p);
        for (uint256 i; i < n; ++i) {
            _joinAs(taskId, _member(i), (i + 1) * 10e18);
        }
    }

    function _joinAs(uint256 taskId, address who, uint256 stake) internal {
        _gmFor(who, stake);
        vm.startPrank(who);
        gm.approve(address(alliance), stake);
        alliance.join(taskId, stake);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- rounds

    function _roundNow(uint256 taskId) internal view returns (uint256) {
        return alliance.task(taskId).round;
    }

    function _key(uint256 taskId, uint256 round_) internal view returns (bytes32) {
        return keccak256(abi.encode(address(alliance), taskId, round_));
    }

    /// @dev Starts the next round (warping to joinEnd before round 1).
    function _start(uint256 taskId) internal {
        _warpTo(alliance.task(taskId).joinEnd);
        vm.prank(anyone);
        alliance.startRound(taskId);
    }

    /// @dev The coordinator mock fulfils the current round's latest request with `word`.
    function _fulfil(uint256 taskId, uint256 word) internal {
        (uint256 requestId,,,) = randomness.requestOf(_key(taskId, _roundNow(taskId)));
        uint256[] memory words = new uint256[](1);
        words[0] = word;
        coordinator.fulfillRandomWordsWithOverride(requestId, address(randomness), words);
    }

    /// @dev Starts the next round, fulfils `word` and draws the roles.
    function _startAndDraw(uint256 taskId, uint256 word) internal {
        _start(taskId);
        _fulfil(taskId, word);
        vm.prank(anyone);
        alliance.drawRoles(taskId);
    }

    /// @dev The current round's proposers and voters (accounts), in index order.
    function _roles(uint256 taskId) internal view returns (address[] memory proposers, address[] memory voters) {
        uint256 r = _roundNow(taskId);
        IAllianceTypes.RoundInfo memory info = alliance.round(taskId, r);
        (address[] memory accounts,) = alliance.participants(taskId);
        uint256 n = info.participants;
        uint256 k;
        for (uint256 i; i < n; ++i) {
            if (AllianceRoles.isProposer(info.proposerMask, i)) ++k;
        }
        proposers = new address[](k);
        voters = new address[](n - k);
        uint256 a;
        uint256 b;
        for (uint256 i; i < n; ++i) {
            if (AllianceRoles.isProposer(info.proposerMask, i)) proposers[a++] = accounts[i];
            else voters[b++] = accounts[i];
        }
    }

    function _indexOf(uint256 taskId, address who) internal view returns (uint256) {
        return alliance.member(taskId, who).index;
    }

    function _toPhaseEnd(uint256 taskId, IAllianceTypes.RoundPhase phase) internal {
        IAllianceTypes.RoundInfo memory info = alliance.round(taskId, _roundNow(taskId));
        if (phase == IAllianceTypes.RoundPhase.ProposeCommit) _warpTo(info.proposeCommitEnd);
        else if (phase == IAllianceTypes.RoundPhase.ProposeReveal) _warpTo(info.proposeRevealEnd);
        else if (phase == IAllianceTypes.RoundPhase.VoteCommit) _warpTo(info.voteCommitEnd);
        else if (phase == IAllianceTypes.RoundPhase.VoteReveal) _warpTo(info.voteRevealEnd);
    }

    function _toProposeReveal(uint256 taskId) internal {
        _toPhaseEnd(taskId, IAllianceTypes.RoundPhase.ProposeCommit);
    }

    function _toVoteCommit(uint256 taskId) internal {
        _toPhaseEnd(taskId, IAllianceTypes.RoundPhase.ProposeReveal);
    }

    function _toVoteReveal(uint256 taskId) internal {
        _toPhaseEnd(taskId, IAllianceTypes.RoundPhase.VoteCommit);
    }

    function _toSettling(uint256 taskId) internal {
        _toPhaseEnd(taskId, IAllianceTypes.RoundPhase.VoteReveal);
    }

    // ---------------------------------------------------------------- commit-reveal

    function _updateSalt(address who, uint256 round_) internal pure returns (bytes32) {
        return keccak256(abi.encode("update-salt", who, round_));
    }

    function _voteSalt(address who, uint256 round_) internal pure returns (bytes32) {
        return keccak256(abi.encode("vote-salt", who, round_));
    }

    function _commitUpdateAs(uint256 taskId, address who, string memory cid, uint64 examples) internal {
        uint256 r = _roundNow(taskId);
        bytes32 c = keccak256(abi.encode(taskId, r, cid, examples, who, _updateSalt(who, r)));
        vm.prank(who);
        alliance.commitUpdate(taskId, c);
    }

    function _revealUpdateAs(uint256 taskId, address who, string memory cid, uint64 examples) internal {
        uint256 r = _roundNow(taskId);
        vm.prank(who);
        alliance.revealUpdate(taskId, cid, examples, _updateSalt(who, r));
    }

    function _vote(string memory cid, int256 previous, int256 next, uint256 blame)
        internal
        pure
        returns (IAllianceTypes.Vote memory)
    {
        return IAllianceTypes.Vote({aggregateCID: cid, previousScore: previous, newScore: next, blame: blame});
    }

    function _commitVoteAs(uint256 taskId, address who, IAllianceTypes.Vote memory v) internal {
        uint256 r = _roundNow(taskId);
        bytes32 c = keccak256(abi.encode(taskId, r, v, who, _voteSalt(who, r)));
        vm.prank(who);
        alliance.commitVote(taskId, c);
    }

    function _revealVoteAs(uint256 taskId, address who, IAllianceTypes.Vote memory v) internal {
        uint256 r = _roundNow(taskId);
        vm.prank(who);
        alliance.revealVote(taskId, v, _voteSalt(who, r));
    }

    /// @dev Every proposer commits and reveals its update, every voter commits and reveals the same
    /// aggregate scored `previous` -> `next` blaming `blame`; leaves the round Settling.
    function _playRound(uint256 taskId, int256 previous, int256 next, uint256 blame) internal {
        uint256 r = _roundNow(taskId);
        (address[] memory ps, address[] memory vs) = _roles(taskId);
        for (uint256 i; i < ps.length; ++i) {
            _commitUpdateAs(taskId, ps[i], _updateCID(ps[i], r), uint64(100 + i));
        }
        _toProposeReveal(taskId);
        for (uint256 i; i < ps.length; ++i) {
            _revealUpdateAs(taskId, ps[i], _updateCID(ps[i], r), uint64(100 + i));
        }
        _toVoteCommit(taskId);
        IAllianceTypes.Vote memory v = _vote(_aggregateCID(r), previous, next, blame);
        for (uint256 i; i < vs.length; ++i) {
            _commitVoteAs(taskId, vs[i], v);
        }
        _toVoteReveal(taskId);
        for (uint256 i; i < vs.length; ++i) {
            _revealVoteAs(taskId, vs[i], v);
        }
        _toSettling(taskId);
    }

    /// @dev Settles the current round in one call.
    function _settleAll(uint256 taskId) internal {
        vm.prank(anyone);
        alliance.settleRound(taskId, type(uint256).max);
    }

    /// @dev Starts, draws with `word`, plays an honest improving round and settles it.
    function _honestRound(uint256 taskId, uint256 word) internal {
        _startAndDraw(taskId, word);
        _playRound(taskId, 0.80e18, 0.85e18, 0);
        _settleAll(taskId);
    }

    function _claimAlliance(uint256 taskId, address who) internal {
        vm.prank(who);
        alliance.claim(taskId);
    }
}
