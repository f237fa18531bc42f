// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";

import {FlockToken} from "../../../../contracts/token/FlockToken.sol";
import {GmFlock} from "../../../../contracts/staking/GmFlock.sol";
import {ProtocolConfig} from "../../../../contracts/config/ProtocolConfig.sol";
import {FlockVotes} from "../../../../contracts/governance/FlockVotes.sol";
import {FlockGovernor} from "../../../../contracts/governance/FlockGovernor.sol";
import {IFlockGovernor} from "../../../../contracts/interfaces/IFlockGovernor.sol";
import {Params} from "../../../../contracts/libraries/Params.sol";

/// @notice Drives governance for the invariant campaign: five holders propose (each proposal sets
/// pool.sigmaCooldown), flag, vote, cancel, lock FLOCK into gmFLOCK and move FLOCK between them,
/// while anyone queues, executes, claims bonds and rewards, tops up the reward budget and lets
/// time pass. Inputs are bounded and every call is valid (the campaign runs with fail_on_revert),
/// so a revert is a bug; attacks on dropped proposals run inside try/catch and count successes.
/// @dev Holds FLOCK to fund proposers' bonds and the reward budget. Ghost variables record every
/// bond posted, returned and slashed, every vote's weight and each voter's snapshot power.
contract GovernanceHandler is CommonBase, StdCheats, StdUtils {
    uint256 public constant MAX_PROPOSALS = 40;

    FlockToken public flock;
    GmFlock public gm;
    ProtocolConfig public config;
    FlockVotes public votes;
    FlockGovernor public governor;
    address public timelock;

    address[] public actors;
    uint256[] public ids;
    mapping(uint256 id => uint256) public valueOf;
    mapping(uint256 id => uint256) public indexOf;

    /// @dev The campaign's clock: every call starts by warping to it.
    uint256 public ghostTime;
    uint256 public ghostBondsPosted;
    uint256 public ghostBondsReturned;
    uint256 public ghostBondsSlashed;
    uint256 public ghostBudgetFunded;
    uint256 public ghostRewardsPaid;
    /// @dev Successful vote, queue, execute or claim on a dropped proposal: must stay 0.
    uint256 public ghostDroppedActions;
    mapping(uint256 id => uint256) public settlements;
    mapping(uint256 id => bool) public dropped;
    mapping(uint256 id => bool) public executed;
    mapping(uint256 id => uint256) public voteWeight;
    mapping(uint256 id => uint256) public voterPower;

    /// @dev Calls that did something (not the early returns), by handler function.
    mapping(bytes32 => uint256) public calls;

    constructor(
        FlockToken flock_,
        GmFlock gm_,
        ProtocolConfig config_,
        FlockVotes votes_,
        FlockGovernor governor_,
        address[] memory actors_
    ) {
        flock = flock_;
        gm = gm_;
        config = config_;
        votes = votes_;
        governor = governor_;
        timelock = governor_.timelock();
        actors = actors_;
        ghostTime = block.timestamp;
    }

    modifier useTime() {
        vm.warp(ghostTime);
        _;
    }

    // ---------------------------------------------------------------- holders

    function propose(uint256 actorSeed, uint256 value) external useTime {
        if (ids.length >= MAX_PROPOSALS) return;
        address who = _actor(actorSeed);
        if (votes.getPastVotes(who, ghostTime - 1) < governor.proposalThreshold()) return;
        uint256 bond = governor.proposalBond();
        if (flock.balanceOf(who) < bond) flock.transfer(who, bond);
        value = _bound(value, 0, 90 days);
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory description) =
            _proposal(value, ids.length);
        vm.startPrank(who);
        flock.approve(address(governor), bond);
        uint256 id = governor.propose(targets, values, calldatas, description);
        vm.stopPrank();
        indexOf[id] = ids.length;
        ids.push(id);
        valueOf[id] = value;
        ghostBondsPosted += bond;
        ++calls["propose"];
    }

    function flag(uint256 actorSeed, uint256 idSeed) external useTime {
        if (ids.length == 0) return;
        uint256 id = _id(idSeed);
        address who = _actor(actorSeed);
        if (governor.state(id) != IGovernor.ProposalState.Pending || governor.hasFlagged(id, who)) return;
        IFlockGovernor.ProposalBond memory b = governor.bondInfo(id);
        if (votes.getPastVotes(who, b.flagSnapshot) == 0) return;
        vm.prank(who);
        governor.flag(id);
        if (governor.bondInfo(id).status == IFlockGovernor.BondStatus.Slashed) {
            dropped[id] = true;
            ghostBondsSlashed += b.bond;
            ++settlements[id];
            ++calls["drop"];
        }
        ++calls["flag"];
    }

    function vote(uint256 actorSeed, uint256 idSeed, uint8 support) external useTime {
        uint256 id = _pick(idSeed, _bit(IGovernor.ProposalState.Pending) | _bit(IGovernor.ProposalState.Active));
        if (id == 0) return;
        address who = _actor(actorSeed);
        // Half the time, wait for the vote to open.
        if (governor.state(id) == IGovernor.ProposalState.Pending && support % 2 == 0) {
            _warpTo(governor.proposalSnapshot(id) + 1);
        }
        if (governor.state(id) != IGovernor.ProposalState.Active || governor.hasVoted(id, who)) return;
        uint256 power = votes.getPastVotes(who, governor.proposalSnapshot(id));
        // Mostly for, so that proposals pass and the later stages run.
        uint8[5] memory choice = [1, 1, 1, 0, 2];
        vm.prank(who);
        voteWeight[id] += governor.castVote(id, choice[support % 5]);
        voterPower[id] += power;
        ++calls["vote"];
    }

    function cancel(uint256 idSeed, uint256 mode) external useTime {
        if (ids.length == 0 || mode % 4 != 0) return; // rarely: a proposer seldom withdraws
        uint256 id = _id(idSeed);
        if (governor.state(id) != IGovernor.ProposalState.Pending || governor.bondInfo(id).flagWeight > 0) return;
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory description) =
            _proposal(valueOf[id], indexOf[id]);
        vm.prank(governor.proposalProposer(id));
        governor.cancel(targets, values, calldatas, keccak256(bytes(description)));
        ++calls["cancel"];
    }

    function lock(uint256 actorSeed, uint256 amount, uint256 duration) external useTime {
        address who = _actor(actorSeed);
        uint256 balance = flock.balanceOf(who);
        if (balance == 0) return;
        amount = _bound(amount, 1, balance);
        vm.startPrank(who);
        flock.approve(address(gm), amount);
        gm.lock(amount, _bound(duration, 0, 365 days));
        vm.stopPrank();
        ++calls["lock"];
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external useTime {
        address from = _actor(fromSeed);
        address to = _actor(toSeed);
        uint256 balance = flock.balanceOf(from);
        if (balance == 0 || from == to) return;
        amount = _bound(amount, 1, balance);
        vm.prank(from);
        flock.transfer(to, amount);
        ++calls["transfer"];
    }

    // ---------------------------------------------------------------- anyone

    function queue(uint256 idSeed) external useTime {
        uint256 id = _pick(idSeed, _bit(IGovernor.ProposalState.Active) | _bit(IGovernor.ProposalState.Succeeded));
        if (id == 0) return;
        // Wait for the end of an open vote.
        if (governor.state(id) == IGovernor.ProposalState.Active) _warpTo(governor.proposalDeadline(id) + 1);
        if (governor.state(id) != IGovernor.ProposalState.Succeeded) return;
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory description) =
            _proposal(valueOf[id], indexOf[id]);
        governor.queue(targets, values, calldatas, keccak256(bytes(description)));
        ++calls["queue"];
    }

    function execute(uint256 idSeed) external useTime {
        uint256 id = _pick(idSeed, _bit(IGovernor.ProposalState.Queued));
        if (id == 0) return;
        uint256 eta = governor.proposalEta(id);
        if (ghostTime < eta) _warpTo(eta);
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory description) =
            _proposal(valueOf[id], indexOf[id]);
        governor.execute(targets, values, calldatas, keccak256(bytes(description)));
        executed[id] = true;
        require(config.get(Params.POOL_SIGMA_COOLDOWN) == valueOf[id], "executed proposal applied");
        ++calls["execute"];
    }

    function claimBond(uint256 idSeed) external useTime {
        uint256 id = _pick(idSeed, ~(_bit(IGovernor.ProposalState.Pending) | _bit(IGovernor.ProposalState.Active)));
        if (id == 0) return;
        IGovernor.ProposalState s = governor.state(id);
        IFlockGovernor.ProposalBond memory b = governor.bondInfo(id);
        if (b.status != IFlockGovernor.BondStatus.Held) return;
        if (s == IGovernor.ProposalState.Pending || s == IGovernor.ProposalState.Active) return;
        address proposer = governor.proposalProposer(id);
        uint256 before = flock.balanceOf(proposer);
        uint256 paid = governor.claimBond(id);
        require(paid == b.bond && flock.balanceOf(proposer) == before + paid, "bond returned to the proposer");
        ghostBondsReturned += paid;
        ++settlements[id];
        ++calls["claimBond"];
    }

    function claimReward(uint256 idSeed) external useTime {
        uint256 id = _pick(idSeed, _bit(IGovernor.ProposalState.Executed));
        if (id == 0) return;
        IFlockGovernor.ProposalBond memory b = governor.bondInfo(id);
        if (b.rewardClaimed || b.reward == 0 || b.reward > governor.rewardBudget()) return;
        ghostRewardsPaid += governor.claimReward(id);
        ++calls["claimReward"];
    }

    function fundBudget(uint256 amount) external useTime {
        amount = _bound(amount, 1, 5_000e18);
        flock.transfer(address(governor), amount);
        ghostBudgetFunded += amount;
        ++calls["fundBudget"];
    }

    /// @dev Tries everything on a dropped proposal; any success is counted (and must never happen).
    function attackDropped(uint256 idSeed, uint256 actorSeed) external useTime {
        if (ids.length == 0) return;
        uint256 id = _id(idSeed);
        if (!dropped[id]) return;
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory description) =
            _proposal(valueOf[id], indexOf[id]);
        bytes32 descriptionHash = keccak256(bytes(description));
        vm.prank(_actor(actorSeed));
        try governor.castVote(id, 1) {
            ++ghostDroppedActions;
        } catch {}
        try governor.queue(targets, values, calldatas, descriptionHash) {
            ++ghostDroppedActions;
        } catch {}
        try governor.execute(targets, values, calldatas, descriptionHash) {
            ++ghostDroppedActions;
        } catch {}
        try governor.claimBond(id) {
            ++ghostDroppedActions;
        } catch {}
        try governor.flag(id) {
            ++ghostDroppedActions;
        } catch {}
        ++calls["attackDropped"];
    }

    function warp(uint256 dt) external {
        _warpTo(ghostTime + _bound(dt, 1 hours, 4 days));
        ++calls["warp"];
    }

    // ---------------------------------------------------------------- helpers for the invariants

    function proposalCount() external view returns (uint256) {
        return ids.length;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function _proposal(uint256 value, uint256 n)
        private
        view
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory description)
    {
        targets = new address[](1);
        targets[0] = address(config);
        values = new uint256[](1);
        calldatas = new bytes[](1);
        calldatas[0] = abi.encodeCall(config.set, (Params.POOL_SIGMA_COOLDOWN, value));
        description = string.concat("Set pool.sigmaCooldown, proposal #", vm.toString(n));
    }

    function _warpTo(uint256 t) private {
        ghostTime = t;
        vm.warp(t);
    }

    function _actor(uint256 seed) private view returns (address) {
        return actors[seed % actors.length];
    }

    function _id(uint256 seed) private view returns (uint256) {
        return ids[seed % ids.length];
    }

    /// @dev The first proposal from `seed` on whose state is in `states` (a bitmap), or 0.
    function _pick(uint256 seed, uint256 states) private view returns (uint256) {
        uint256 n = ids.length;
        for (uint256 i; i < n; ++i) {
            uint256 id = ids[(seed % n + i) % n];
            if (_bit(governor.state(id)) & states != 0) return id;
        }
        return 0;
    }

    function _bit(IGovernor.ProposalState s) private pure returns (uint256) {
        return 1 << uint8(s);
    }
}
