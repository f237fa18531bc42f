// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";

import {IFlockGovernor} from "../../../contracts/interfaces/IFlockGovernor.sol";
import {GovernanceFixture} from "../utils/GovernanceFixture.sol";
import {GovernanceHandler} from "./handlers/GovernanceHandler.sol";

/// @notice Invariants of governance (FlockGovernor + FlockVotes + FlockTimelock) under random
/// sequences of valid proposals, flags, votes, cancels, queues, executions, claims, locks and
/// transfers by five holders.
contract GovernanceInvariantTest is GovernanceFixture {
    GovernanceHandler internal handler;
    address[] internal actorList;
    uint256 internal treasuryStart;

    function setUp() public override {
        super.setUp();
        address erin = makeAddr("erin");
        _holder(erin, 12_000_000e18);
        vm.warp(block.timestamp + 1);
        actorList.push(alice);
        actorList.push(bob);
        actorList.push(carol);
        actorList.push(dave);
        actorList.push(erin);

        handler = new GovernanceHandler(flock, gm, config, votes, governor, actorList);
        flock.transfer(address(handler), 100_000_000e18);
        treasuryStart = flock.balanceOf(address(timelock));

        bytes4[] memory selectors = new bytes4[](17);
        selectors[0] = GovernanceHandler.propose.selector;
        selectors[1] = GovernanceHandler.execute.selector; // twice: a proposal goes a long way to get here
        selectors[2] = GovernanceHandler.flag.selector;
        selectors[3] = GovernanceHandler.vote.selector;
        selectors[4] = GovernanceHandler.vote.selector; // twice: votes need several voters to pass
        selectors[5] = GovernanceHandler.cancel.selector;
        selectors[6] = GovernanceHandler.lock.selector;
        selectors[7] = GovernanceHandler.transfer.selector;
        selectors[8] = GovernanceHandler.queue.selector;
        selectors[9] = GovernanceHandler.execute.selector;
        selectors[10] = GovernanceHandler.claimBond.selector;
        selectors[11] = GovernanceHandler.claimReward.selector;
        selectors[12] = GovernanceHandler.fundBudget.selector;
        selectors[13] = GovernanceHandler.attackDropped.selector;
        selectors[14] = GovernanceHandler.warp.selector;
        selectors[15] = GovernanceHandler.warp.selector;
        selectors[16] = GovernanceHandler.vote.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    /// @notice Bond conservation: the bonds the Governor holds are exactly the outstanding bonds
    /// (posted - returned - slashed, and the sum over proposals whose bond is Held); every bond is
    /// settled at most once, and a proposal's bond status matches how it was settled. The
    /// Governor's FLOCK is the bonds plus the reward budget (funded - paid), never less.
    function invariant_bondConservation() public view {
        uint256 outstanding;
        uint256 n = handler.proposalCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.ids(i);
            IFlockGovernor.ProposalBond memory b = governor.bondInfo(id);
            uint256 settled = handler.settlements(id);
            assertLe(settled, 1, "settled at most once");
            if (b.status == IFlockGovernor.BondStatus.Held) {
                outstanding += b.bond;
                assertEq(settled, 0, "held => never settled");
            } else {
                assertEq(settled, 1, "returned or slashed => settled once");
                assertEq(b.status == IFlockGovernor.BondStatus.Slashed, handler.dropped(id), "slashed <=> dropped");
            }
        }
        assertEq(governor.bondsHeld(), outstanding, "bondsHeld = sum of outstanding bonds");
        assertEq(
            governor.bondsHeld(),
            handler.ghostBondsPosted() - handler.ghostBondsReturned() - handler.ghostBondsSlashed(),
            "held = posted - returned - slashed"
        );
        assertEq(
            flock.balanceOf(address(governor)),
            governor.bondsHeld() + REWARD_BUDGET + handler.ghostBudgetFunded() - handler.ghostRewardsPaid(),
            "Governor's FLOCK = bonds + budget"
        );
        assertEq(governor.rewardBudget(), REWARD_BUDGET + handler.ghostBudgetFunded() - handler.ghostRewardsPaid());
    }

    /// @notice Slashed bonds, and only they, reach the treasury (no proposal here moves its funds).
    function invariant_slashesGoToTheTreasury() public view {
        assertEq(flock.balanceOf(address(timelock)), treasuryStart + handler.ghostBondsSlashed());
    }

    /// @notice A flagged-and-dropped proposal is Canceled for ever and never executes; no vote,
    /// queue, execution, bond claim or further flag on it ever succeeded.
    function invariant_droppedNeverExecutes() public view {
        assertEq(handler.ghostDroppedActions(), 0, "no action succeeded on a dropped proposal");
        uint256 n = handler.proposalCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.ids(i);
            if (!handler.dropped(id)) continue;
            assertEq(uint8(governor.state(id)), uint8(IGovernor.ProposalState.Canceled), "dropped => Canceled");
            assertFalse(handler.executed(id), "dropped => never executed");
            assertEq(governor.proposalEta(id), 0, "dropped => never queued");
            (uint256 against, uint256 forVotes, uint256 abstain) = governor.proposalVotes(id);
            assertEq(against + forVotes + abstain, 0, "dropped => no votes");
        }
    }

    /// @notice Votes cast never exceed snapshot power: a proposal's for + against + abstain is
    /// exactly the weight its voters cast, which is their power at the snapshot, which is at most
    /// the power of all holders there and the votes' total supply. Flags likewise stay within the
    /// power at the flag snapshot, and a proposal is dropped exactly when they reach the flag quorum.
    function invariant_votesWithinSnapshotPower() public view {
        uint256 n = handler.proposalCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.ids(i);
            (uint256 against, uint256 forVotes, uint256 abstain) = governor.proposalVotes(id);
            uint256 cast = against + forVotes + abstain;
            assertEq(cast, handler.voteWeight(id), "tally = weights cast");
            assertLe(cast, handler.voterPower(id), "cast <= voters' snapshot power");
            IFlockGovernor.ProposalBond memory b = governor.bondInfo(id);
            assertLe(b.flagWeight, _allPower(b.flagSnapshot), "flags <= power at the flag snapshot");
            assertEq(b.flagWeight >= b.flagQuorum, handler.dropped(id), "dropped <=> flags reached the quorum");
            uint256 snapshot = governor.proposalSnapshot(id);
            if (snapshot < block.timestamp) {
                assertLe(cast, _allPower(snapshot), "cast <= all holders' snapshot power");
                assertLe(cast, votes.getPastTotalSupply(snapshot), "cast <= total supply");
            }
        }
    }

    /// @notice Rewards go only to executed proposals, once each, out of the budget.
    function invariant_rewardsOnlyForExecuted() public view {
        uint256 paid;
        uint256 n = handler.proposalCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.ids(i);
            IFlockGovernor.ProposalBond memory b = governor.bondInfo(id);
            if (!b.rewardClaimed) continue;
            assertEq(uint8(governor.state(id)), uint8(IGovernor.ProposalState.Executed), "rewarded => executed");
            paid += b.reward;
        }
        assertEq(paid, handler.ghostRewardsPaid(), "paid = sum of claimed rewards");
        assertLe(paid, REWARD_BUDGET + handler.ghostBudgetFunded(), "paid <= funded");
    }

    function _allPower(uint256 timepoint) private view returns (uint256 sum) {
        for (uint256 i; i < actorList.length; ++i) {
            sum += votes.getPastVotes(actorList[i], timepoint);
        }
    }

    function afterInvariant() public view {
        string[15] memory names = [
            "propose",
            "flag",
            "drop",
            "vote",
            "cancel",
            "lock",
            "transfer",
            "queue",
            "execute",
            "claimBond",
            "claimReward",
            "fundBudget",
            "attackDropped",
            "warp",
            ""
        ];
        for (uint256 i; i < 14; ++i) {
            console.log(names[i], handler.calls(bytes32(bytes(names[i]))));
        }
    }
}
