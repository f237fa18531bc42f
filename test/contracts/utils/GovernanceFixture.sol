// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";

import {FlockVotes} from "../../../contracts/governance/FlockVotes.sol";
import {FlockTimelock} from "../../../contracts/governance/FlockTimelock.sol";
import {FlockGovernor} from "../../../contracts/governance/FlockGovernor.sol";
import {IFlockGovernor} from "../../../contracts/interfaces/IFlockGovernor.sol";
import {EconomyFixture} from "./EconomyFixture.sol";

/// @notice Governance on top of {EconomyFixture}, deployed as in production: FlockVotes (FLOCK +
/// locked FLOCK), FlockTimelock (open executor, this contract as temporary admin) as the treasury,
/// and FlockGovernor as the timelock's only proposer and canceller; then the config's admin role
/// goes to the timelock and this contract renounces every admin role it held. Four holders are
/// funded and self-delegated: alice and bob 30M FLOCK, carol 20M, dave 5M (quorum 4% = 40M,
/// flag quorum 1% = 10M); eve holds nothing.
/// @dev Extend it and call `super.setUp()` first. Every role event of the whole set-up (config,
/// timelock) is kept in `roleLog` for the deployment tests.
abstract contract GovernanceFixture is EconomyFixture {
    uint48 internal constant FLAG_WINDOW = 2 days; // the Governor's voting delay
    uint32 internal constant VOTING_PERIOD = 5 days;
    uint256 internal constant PROPOSAL_THRESHOLD = 100_000e18;
    uint256 internal constant QUORUM_FRACTION = 0.04e18;
    uint256 internal constant BOND = 10_000e18;
    uint256 internal constant REWARD = 1_000e18;
    uint256 internal constant FLAG_THRESHOLD = 0.01e18;
    uint256 internal constant TIMELOCK_DELAY = 1 days;
    uint256 internal constant TREASURY_FUNDS = 1_000_000e18;
    uint256 internal constant REWARD_BUDGET = 5_000e18;

    uint256 internal constant ALICE_FLOCK = 30_000_000e18;
    uint256 internal constant BOB_FLOCK = 30_000_000e18;
    uint256 internal constant CAROL_FLOCK = 20_000_000e18;
    uint256 internal constant DAVE_FLOCK = 5_000_000e18;

    bytes32 internal constant ROLE_GRANTED = keccak256("RoleGranted(bytes32,address,address)");
    bytes32 internal constant ROLE_REVOKED = keccak256("RoleRevoked(bytes32,address,address)");

    /// @dev One RoleGranted/RoleRevoked event seen during set-up.
    struct RoleEvent {
        address emitter;
        bytes32 role;
        address account;
        bool granted;
    }

    /// @dev A proposal's arguments, kept together to queue, execute or cancel it.
    struct Proposal {
        address[] targets;
        uint256[] values;
        bytes[] calldatas;
        string description;
        bytes32 descriptionHash;
        uint256 id;
    }

    FlockVotes internal votes;
    FlockTimelock internal timelock;
    FlockGovernor internal governor;
    address internal deployer;
    address internal eve = makeAddr("eve");
    RoleEvent[] internal roleLog;

    function setUp() public virtual override {
        vm.recordLogs();
        super.setUp();
        deployer = address(this);

        votes = new FlockVotes(IERC5805(address(flock)), gm);
        address[] memory executors = new address[](1); // address(0): anyone may execute a ready operation
        timelock = new FlockTimelock(TIMELOCK_DELAY, new address[](0), executors, deployer);
        governor = new FlockGovernor(votes, timelock, _settings());

        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governor));
        config.setTreasury(address(timelock));
        treasury = address(timelock);
        config.grantRole(config.DEFAULT_ADMIN_ROLE(), address(timelock));
        config.renounceRole(config.DEFAULT_ADMIN_ROLE(), deployer);
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), deployer);

        _keepRoleLog(vm.getRecordedLogs());

        flock.transfer(address(timelock), TREASURY_FUNDS);
        flock.transfer(address(governor), REWARD_BUDGET);
        _holder(alice, ALICE_FLOCK);
        _holder(bob, BOB_FLOCK);
        _holder(carol, CAROL_FLOCK);
        _holder(dave, DAVE_FLOCK);
        vm.warp(block.timestamp + 1); // the holders' checkpoints lie in the past

        vm.label(address(votes), "FlockVotes");
        vm.label(address(timelock), "FlockTimelock");
        vm.label(address(governor), "FlockGovernor");
    }

    /// @dev The fixture's Governor settings.
    function _settings() internal pure returns (IFlockGovernor.Settings memory) {
        return IFlockGovernor.Settings({
            votingDelay: FLAG_WINDOW,
            votingPeriod: VOTING_PERIOD,
            proposalThreshold: PROPOSAL_THRESHOLD,
            quorumFraction: QUORUM_FRACTION,
            proposalBond: BOND,
            proposalReward: REWARD,
            flagThreshold: FLAG_THRESHOLD
        });
    }

    /// @dev Funds `who` with `amount` FLOCK and self-delegates it.
    function _holder(address who, uint256 amount) internal {
        _fund(who, amount);
        vm.prank(who);
        flock.delegate(who);
    }

    function _keepRoleLog(Vm.Log[] memory logs) private {
        for (uint256 i; i < logs.length; ++i) {
            bytes32 topic0 = logs[i].topics.length > 0 ? logs[i].topics[0] : bytes32(0);
            if (topic0 != ROLE_GRANTED && topic0 != ROLE_REVOKED) continue;
            roleLog.push(
                RoleEvent({
                    emitter: logs[i].emitter,
                    role: logs[i].topics[1],
                    account: address(uint160(uint256(logs[i].topics[2]))),
                    granted: topic0 == ROLE_GRANTED
                })
            );
        }
    }

    // ---------------------------------------------------------------- proposals

    /// @dev A one-call proposal: `target.call(data)` from the timelock.
    function _proposal(address target, bytes memory data, string memory description)
        internal
        view
        returns (Proposal memory p)
    {
        p.targets = new address[](1);
        p.targets[0] = target;
        p.values = new uint256[](1);
        p.calldatas = new bytes[](1);
        p.calldatas[0] = data;
        p.description = description;
        p.descriptionHash = keccak256(bytes(description));
        p.id = governor.hashProposal(p.targets, p.values, p.calldatas, p.descriptionHash);
    }

    /// @dev A proposal to set protocol parameter `key` to `value`.
    function _paramProposal(bytes32 key, uint256 value, string memory description)
        internal
        view
        returns (Proposal memory)
    {
        return _proposal(address(config), abi.encodeCall(config.set, (key, value)), description);
    }

    /// @dev As `who`: approves the bond and proposes `p`.
    function _propose(address who, Proposal memory p) internal returns (uint256 id) {
        vm.startPrank(who);
        flock.approve(address(governor), governor.proposalBond());
        id = governor.propose(p.targets, p.values, p.calldatas, p.description);
        vm.stopPrank();
    }

    /// @dev As `who`: flags `id`.
    function _flag(address who, uint256 id) internal returns (uint256 weight) {
        vm.prank(who);
        weight = governor.flag(id);
    }

    /// @dev As `who`: votes on `id` (0 against, 1 for, 2 abstain).
    function _vote(address who, uint256 id, uint8 support) internal returns (uint256 weight) {
        vm.prank(who);
        weight = governor.castVote(id, support);
    }

    /// @dev Moves time to the first second of `id`'s vote.
    function _toVote(uint256 id) internal {
        vm.warp(governor.proposalSnapshot(id) + 1);
    }

    /// @dev Moves time past `id`'s vote.
    function _toVoteEnd(uint256 id) internal {
        vm.warp(governor.proposalDeadline(id) + 1);
    }

    /// @dev Votes `id` through: alice and bob vote for (60M > quorum), then time passes the deadline.
    function _pass(uint256 id) internal {
        _toVote(id);
        _vote(alice, id, 1);
        _vote(bob, id, 1);
        _toVoteEnd(id);
    }

    function _queue(Proposal memory p) internal {
        governor.queue(p.targets, p.values, p.calldatas, p.descriptionHash);
    }

    function _execute(Proposal memory p) internal {
        governor.execute(p.targets, p.values, p.calldatas, p.descriptionHash);
    }

    /// @dev Runs `p` through governance (alice proposes, alice and bob pass it, anyone queues and,
    /// after the timelock delay, executes).
    function _enact(Proposal memory p) internal {
        _propose(alice, p);
        _pass(p.id);
        _queue(p);
        vm.warp(block.timestamp + TIMELOCK_DELAY);
        _execute(p);
        assertEq(uint8(governor.state(p.id)), uint8(IGovernor.ProposalState.Executed));
    }

    /// @dev Runs a proposal making the timelock call `target` with `data`, up to queueing; returns
    /// it ready to execute (its delay passed).
    function _readyToExecute(address target, bytes memory data, string memory description)
        internal
        returns (Proposal memory p)
    {
        p = _proposal(target, data, description);
        _propose(alice, p);
        _pass(p.id);
        _queue(p);
        vm.warp(block.timestamp + TIMELOCK_DELAY);
    }

    /// @dev Whether `account` held `role` on `emitter` after set-up, by replaying `roleLog`.
    function _heldAfterSetup(address emitter, bytes32 role, address account) internal view returns (bool held) {
        for (uint256 i; i < roleLog.length; ++i) {
            RoleEvent storage e = roleLog[i];
            if (e.emitter == emitter && e.role == role && e.account == account) held = e.granted;
        }
    }

    /// @dev Every account that held `role` on `emitter` after set-up, by replaying `roleLog`.
    function _holdersAfterSetup(address emitter, bytes32 role) internal view returns (address[] memory holders) {
        address[] memory seen = new address[](roleLog.length);
        uint256 n;
        for (uint256 i; i < roleLog.length; ++i) {
            RoleEvent storage e = roleLog[i];
            if (e.emitter != emitter || e.role != role) continue;
            bool known;
            for (uint256 j; j < n; ++j) {
                if (seen[j] == e.account) known = true;
            }
            if (!known) seen[n++] = e.account;
        }
        uint256 m;
        holders = new address[](n);
        for (uint256 j; j < n; ++j) {
            if (_heldAfterSetup(emitter, role, seen[j])) holders[m++] = seen[j];
        }
        assembly ("memory-safe") {
            mstore(holders, m)
        }
    }
}
