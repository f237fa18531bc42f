// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";

import {IArena} from "../../../contracts/interfaces/IArena.sol";
import {IArenaTypes} from "../../../contracts/interfaces/IArenaTypes.sol";
import {ArenaFixture} from "../arena/ArenaFixture.sol";

/// @notice The Arena's incentive simulation: seeded rounds of real tasks on the real contracts at
/// the default parameters (20 nodes, validators of unequal stake), with a group of validators
/// holding 30% of the validator stake playing one attack per scenario. It measures what each side
/// earns per unit of stake (rewards less slashed stake), how often the truly best model ranks
/// first, and how often an honest validator is slashed, and asserts the issue's thresholds.
/// @dev SIM_TASKS (env, default 40) sets the tasks per scenario: `npm test` runs the default,
/// `npm run sim` a long run whose `SIM|` lines scripts/sim-table.mjs turns into the table of
/// docs/INCENTIVES.md. Everything is seeded (SIM_SEED, default 1): a run is reproducible.
contract ArenaSimTest is ArenaFixture {
    enum Attack {
        None,
        Lazy,
        Accomplice,
        ConditionalAccomplice,
        CopyPrevious
    }

    struct Scenario {
        string name;
        Attack attack;
        bool mse;
        uint256 validators;
        /// @dev Split the first honest validator into this many equal identities (sybil check).
        uint256 sybils;
        /// @dev Split node 0 into this many nodes of equal stake submitting the same model.
        uint256 nodeSybils;
    }

    struct Tally {
        uint256 tasks;
        uint256 bestFirst;
        uint256 accompliceFirst;
        int256 honestEarned;
        uint256 honestStake;
        int256 attackerEarned;
        uint256 attackerStake;
        uint256 honestSlashed;
        uint256 honestValidatorTasks;
        int256 sybilEarned;
        uint256 sybilStake;
        uint256 sybilCounted;
        int256 nodeSybilEarned;
        uint256 nodeSybilStake;
    }

    uint256 internal constant NODES = 20;
    uint256 internal constant NODE_STAKE = 1_000e18;
    uint256 internal constant BOUNTY = 2_000e18;

    uint256 internal _seed;
    uint256 internal _tasks;
    /// @dev Per scenario run: validator stakes, who attacks, the previous task's consensus.
    uint256[] internal _stakes;
    bool[] internal _attacker;
    int256[NODES] internal _previous;
    uint256 internal _runs;
    /// @dev Nodes of the run: NODES, plus node 0's sybil copies (ids NODES..), same model as node 0.
    uint256 internal _nodeCount;

    function setUp() public override {
        super.setUp();
        _seed = vm.envOr("SIM_SEED", uint256(1));
        _tasks = vm.envOr("SIM_TASKS", uint256(40));
    }

    // ================================================================ the scenarios

    /// @dev Honest noise of +-1% absolute on accuracy never slashes an honest validator.
    function test_sim_honestOnly() public {
        Tally memory t = _run(Scenario("honest", Attack.None, false, 12, 0, 0));
        _assertHonestWins(t);
        assertEq(t.honestSlashed, 0, "an honest validator was slashed");
    }

    function test_sim_lazy30() public {
        Tally memory t = _run(Scenario("lazy 30%", Attack.Lazy, false, 12, 0, 0));
        _assertHonestWins(t);
    }

    function test_sim_accomplice30() public {
        Tally memory t = _run(Scenario("colluding 30%", Attack.Accomplice, false, 12, 0, 0));
        _assertHonestWins(t);
    }

    function test_sim_conditionalAccomplice30() public {
        Tally memory t = _run(Scenario("colluding where majority 30%", Attack.ConditionalAccomplice, false, 12, 0, 0));
        _assertHonestWins(t);
    }

    function test_sim_copyPrevious30() public {
        Tally memory t = _run(Scenario("copying previous 30%", Attack.CopyPrevious, false, 12, 0, 0));
        _assertHonestWins(t);
    }

    function test_sim_sampled_accomplice30() public {
        Tally memory t = _run(Scenario("colluding 30%, 32 validators", Attack.Accomplice, false, 32, 0, 0));
        _assertHonestWins(t);
    }

    function test_sim_sampled_lazy30() public {
        Tally memory t = _run(Scenario("lazy 30%, 32 validators", Attack.Lazy, false, 32, 0, 0));
        _assertHonestWins(t);
    }

    /// @dev Honest noise of +-0.001 on an MSE of 0.015-0.1 (tolerance 0.005, the creator's).
    function test_sim_mseNoiseNeverSlashesHonest() public {
        Tally memory t = _run(Scenario("honest, MSE", Attack.None, true, 12, 0, 0));
        assertEq(t.honestSlashed, 0, "an honest validator was slashed");
        assertGe(t.bestFirst * 100, t.tasks * 95, "best model first");
    }

    /// @dev One validator's stake as 4 identities earns no more per stake, and weighs no more in
    /// the samples, than the same stake whole (24 validators: the task samples).
    function test_sim_sybilValidatorsGainNothing() public {
        Tally memory whole = _run(Scenario("one stake whole", Attack.None, false, 24, 1, 0));
        Tally memory split = _run(Scenario("one stake as 4 sybils", Attack.None, false, 24, 4, 0));
        // Per unit of stake, within 5% (rounding and the samples' luck).
        assertLe(split.sybilEarned * int256(whole.sybilStake) * 100, whole.sybilEarned * int256(split.sybilStake) * 105);
        assertLe(split.sybilCounted * 100, whole.sybilCounted * 105, "sample influence");
    }

    /// @dev One model submitted by 4 nodes (the stake split 4 ways) earns no more than by one
    /// node with the whole stake: identical models get identical scores, hence one dense rank.
    function test_sim_sybilNodesGainNothing() public {
        Tally memory whole = _run(Scenario("one model, one node", Attack.None, false, 12, 0, 1));
        Tally memory split = _run(Scenario("one model, 4 sybil nodes", Attack.None, false, 12, 0, 4));
        assertEq(whole.nodeSybilStake, split.nodeSybilStake);
        // Fees aside (3 more), the split earns at most what the whole does (rounding: 1 wei a node).
        assertLe(split.nodeSybilEarned, whole.nodeSybilEarned + 4);
    }

    // ================================================================ assertions

    /// @dev Under attack: honest validators earn at least twice what the group earns per unit of
    /// stake, and the truly best model ranks first in >= 95% of tasks. (An honest validator may
    /// still be outvoted where the group captures a sample: that costs it only its part.)
    function _assertHonestWins(Tally memory t) internal pure {
        assertGe(t.bestFirst * 100, t.tasks * 95, "best model first in >= 95% of tasks");
        assertGt(t.honestEarned, 0);
        if (t.attackerStake > 0 && t.attackerEarned > 0) {
            // honest / honestStake >= 2 * attacker / attackerStake, cross-multiplied.
            assertGe(
                t.honestEarned * int256(t.attackerStake), 2 * t.attackerEarned * int256(t.honestStake), "honest >= 2x"
            );
        }
    }

    // ================================================================ one scenario

    function _run(Scenario memory sc) internal returns (Tally memory t) {
        ++_runs;
        uint256 total = sc.validators + (sc.sybils > 1 ? sc.sybils - 1 : 0);
        _nodeCount = NODES + (sc.nodeSybils > 1 ? sc.nodeSybils - 1 : 0);
        delete _stakes;
        delete _attacker;
        uint256 sum;
        for (uint256 j; j < sc.validators; ++j) {
            uint256 s = 1_000e18 * (1 + _rand(j, 0x5a) % 20);
            _stakes.push(s);
            _attacker.push(false);
            sum += s;
        }
        if (sc.attack != Attack.None) {
            // Attackers: the last 30% of the validators, their stakes scaled so that the group
            // holds exactly 30% of the validator stake (3/7 of the honest stake).
            uint256 first = sc.validators - (sc.validators * 3) / 10;
            uint256 group;
            for (uint256 j = first; j < sc.validators; ++j) {
                _attacker[j] = true;
                group += _stakes[j];
            }
            uint256 honestStake = sum - group;
            for (uint256 j = first; j < sc.validators; ++j) {
                _stakes[j] = (_stakes[j] * 3 * honestStake) / (7 * group);
            }
        }
        if (sc.sybils > 1) {
            // Validator 0 (honest) as `sybils` identities of equal stake.
            uint256 part = _stakes[0] / sc.sybils;
            _stakes[0] = part;
            for (uint256 m = 1; m < sc.sybils; ++m) {
                _stakes.push(part);
                _attacker.push(false);
            }
        }
        for (uint256 i; i < NODES; ++i) {
            _previous[i] = sc.mse ? int256(0.05e18) : int256(0.75e18);
        }
        for (uint256 k; k < _tasks; ++k) {
            // Each task in its own call frame: its memory is freed when it returns.
            t = this.runTask(sc, total, k, t);
        }
        console.log(
            string.concat(
                "SIM|",
                sc.name,
                "|",
                vm.toString(t.tasks),
                "|",
                vm.toString(t.bestFirst),
                "|",
                vm.toString(t.accompliceFirst),
                "|",
                vm.toString(t.honestStake == 0 ? int256(0) : t.honestEarned * 1e18 / int256(t.honestStake)),
                "|",
                vm.toString(t.attackerStake == 0 ? int256(0) : t.attackerEarned * 1e18 / int256(t.attackerStake)),
                "|",
                vm.toString(t.honestSlashed),
                "|",
                vm.toString(t.honestValidatorTasks),
                "|",
                vm.toString(t.sybilStake == 0 ? int256(0) : t.sybilEarned * 1e18 / int256(t.sybilStake)),
                "|",
                vm.toString(t.sybilCounted / 1e18)
            )
        );
    }

    /// @dev The actors of run r: fresh addresses per run so nothing carries over.
    function _v(uint256 j) internal view returns (address) {
        return address(uint160(0x300000 + _runs * 0x1000 + j));
    }

    function _n(uint256 i) internal view returns (address) {
        return address(uint160(0x400000 + _runs * 0x1000 + i));
    }

    /// @dev The model node i submits: its own, or node 0's for a sybil copy.
    function _model(uint256 i) internal pure returns (uint256) {
        return i < NODES ? i : 0;
    }

    function _nodeStake(Scenario memory sc) internal pure returns (uint256) {
        return sc.nodeSybils > 1 ? NODE_STAKE / sc.nodeSybils : NODE_STAKE;
    }

    function _isSybil(Scenario memory sc, uint256 j) internal pure returns (bool) {
        return sc.sybils > 0 && (j == 0 || (sc.sybils > 1 && j >= sc.validators));
    }

    /// @dev One task, as an external call (see {_run}).
    function runTask(Scenario memory sc, uint256 total, uint256 k, Tally memory t) external returns (Tally memory) {
        _task(sc, total, k, t);
        return t;
    }

    function _task(Scenario memory sc, uint256 total, uint256 k, Tally memory t) internal {
        // Qualities 0.02 apart in a seeded order (accuracy 0.55..0.93; MSE 0.015..0.0955).
        int256[NODES] memory q;
        uint256[NODES] memory perm = _perm(k);
        for (uint256 i; i < NODES; ++i) {
            q[i] = sc.mse ? int256(0.015e18 + perm[i] * 0.0045e18) : int256(0.55e18 + perm[i] * 0.02e18);
        }
        uint256 accomplice = _argRank(perm, NODES / 2); // a mediocre model
        uint256 id = _openTask(sc, total);
        int256[][] memory scores = _commitAll(sc, id, total, k, q, accomplice);
        _toScoreReveal(id);
        arena.drawSeed(id);
        _revealAll(sc, id, total, scores, accomplice, t);
        _toFinalizing(id);
        _finalizeAll(id);

        ++t.tasks;
        uint256 best = _argBest(q, sc.mse);
        if (arena.submission(id, best).rank == 0 && _alone(id, best)) ++t.bestFirst;
        IArena.SubmissionInfo memory a = arena.submission(id, accomplice);
        if (a.status == IArenaTypes.SubmissionStatus.Ranked && a.rank == 0) ++t.accompliceFirst;
        for (uint256 i; i < NODES; ++i) {
            _previous[i] = arena.submission(id, i).consensus;
            if (sc.mse) _previous[i] = -_previous[i];
        }
        _account(sc, id, total, t);
    }

    function _openTask(Scenario memory sc, uint256 total) internal returns (uint256 id) {
        IArena.TaskParams memory p = _params();
        (p.submitDuration, p.revealDuration, p.scoreCommitDuration, p.scoreRevealDuration) =
            (6 hours, 6 hours, 6 hours, 6 hours);
        // A generous creator: validators' reward is ~1% of their stake per task, well above any
        // real emission rate, so that attacks are tried where they pay best.
        p.bounty = BOUNTY;
        if (sc.mse) {
            p.metric = IArenaTypes.Metric.MSE;
            p.baselineScore = 0.2e18;
            p.scoreTolerance = 0.005e18;
        }
        id = _createTask(p);
        for (uint256 i; i < _nodeCount; ++i) {
            _registerNode(id, _n(i), i == 0 || i >= NODES ? _nodeStake(sc) : NODE_STAKE);
            _commitModel(id, _n(i), _modelCID(_model(i)));
        }
        for (uint256 j; j < total; ++j) {
            _registerValidator(id, _v(j), _stakes[j]);
        }
        _toReveal(id);
        for (uint256 i; i < _nodeCount; ++i) {
            _revealModel(id, _n(i), _modelCID(_model(i)));
        }
        _revealValidation(id);
        _toScoreCommit(id);
    }

    function _commitAll(
        Scenario memory sc,
        uint256 id,
        uint256 total,
        uint256 k,
        int256[NODES] memory q,
        uint256 accomplice
    ) internal returns (int256[][] memory scores) {
        scores = new int256[][](total);
        for (uint256 j; j < total; ++j) {
            scores[j] = new int256[](_nodeCount);
            for (uint256 i; i < _nodeCount; ++i) {
                scores[j][i] = _score(sc, j, i, k, q, accomplice);
                _leaves[id][j][i] = keccak256(abi.encode(id, i, _v(j), scores[j][i], false, _scoreSalt(_v(j), i)));
            }
            bytes32 root = _scoreRoot(id, j);
            vm.prank(_v(j));
            arena.commitScores(id, root);
        }
    }

    function _revealAll(
        Scenario memory sc,
        uint256 id,
        uint256 total,
        int256[][] memory scores,
        uint256 accomplice,
        Tally memory t
    ) internal {
        bool captured = sc.attack == Attack.ConditionalAccomplice && _groupHoldsMajority(id, total, accomplice);
        for (uint256 i; i < _nodeCount; ++i) {
            for (uint256 j; j < total; ++j) {
                (bool counted,) = arena.assignment(id, i, j);
                if (!counted) continue;
                if (_isSybil(sc, j)) t.sybilCounted += _stakes[j];
                // The conditional group withholds where it cannot win.
                bool withhold = _attacker[j] && sc.attack == Attack.ConditionalAccomplice && i == accomplice;
                if (withhold && !captured) continue;
                _revealScore(id, j, i, scores[j][i], false);
            }
        }
    }

    function _account(Scenario memory sc, uint256 id, uint256 total, Tally memory t) internal {
        if (sc.nodeSybils > 0) {
            for (uint256 i; i < _nodeCount; ++i) {
                if (i != 0 && i < NODES) continue;
                (, uint256 reward,) = arena.claimable(id, _n(i));
                t.nodeSybilEarned += int256(reward) - int256(FEE);
                t.nodeSybilStake += _nodeStake(sc);
            }
        }
        for (uint256 j; j < total; ++j) {
            IArena.ValidatorInfo memory info = arena.validator(id, j);
            (, uint256 reward,) = arena.claimable(id, _v(j));
            int256 earned = int256(reward) - int256(info.slashedStake);
            if (_attacker[j]) {
                t.attackerEarned += earned;
                t.attackerStake += _stakes[j];
            } else {
                t.honestEarned += earned;
                t.honestStake += _stakes[j];
                ++t.honestValidatorTasks;
                if (info.slashed) ++t.honestSlashed;
            }
            if (_isSybil(sc, j)) {
                t.sybilEarned += earned;
                t.sybilStake += _stakes[j];
            }
            _claim(id, _v(j));
        }
    }

    /// @dev What validator j reports for submission i.
    function _score(Scenario memory sc, uint256 j, uint256 i, uint256 k, int256[NODES] memory q, uint256 accomplice)
        internal
        view
        returns (int256)
    {
        int256 noiseRange = sc.mse ? int256(0.001e18) : int256(0.01e18);
        // Noise per validator and model: a validator scores identical models identically.
        uint256 m = _model(i);
        int256 honest = q[m] + int256(_rand(j * 1000 + m, k) % uint256(2 * noiseRange + 1)) - noiseRange;
        if (!_attacker[j]) return honest;
        if (sc.attack == Attack.Lazy) {
            return int256(_rand(j * 1000 + i, k + 0xbeef) % (sc.mse ? 0.2e18 : 1e18));
        }
        if (sc.attack == Attack.Accomplice || sc.attack == Attack.ConditionalAccomplice) {
            if (m == accomplice) return sc.mse ? int256(0.001e18) : int256(0.99e18);
            return honest;
        }
        if (sc.attack == Attack.CopyPrevious) return _previous[m];
        return honest;
    }

    /// @dev Whether the attackers hold more than half of the counted weight of submission `i`.
    function _groupHoldsMajority(uint256 id, uint256 total, uint256 i) internal view returns (bool) {
        uint256 group;
        uint256 all;
        for (uint256 j; j < total; ++j) {
            (bool counted,) = arena.assignment(id, i, j);
            if (!counted) continue;
            all += _stakes[j];
            if (_attacker[j]) group += _stakes[j];
        }
        return 2 * group > all;
    }

    /// @dev Whether no other submission shares `id`'s first rank.
    function _alone(uint256 taskId, uint256 id) internal view returns (bool) {
        for (uint256 i; i < NODES; ++i) {
            if (i != id && arena.submission(taskId, i).status == IArenaTypes.SubmissionStatus.Ranked) {
                if (arena.submission(taskId, i).rank == 0) return false;
            }
        }
        return true;
    }

    function _argBest(int256[NODES] memory q, bool lowerIsBetter) internal pure returns (uint256 b) {
        for (uint256 i = 1; i < NODES; ++i) {
            if (lowerIsBetter ? q[i] < q[b] : q[i] > q[b]) b = i;
        }
    }

    function _argRank(uint256[NODES] memory perm, uint256 r) internal pure returns (uint256) {
        for (uint256 i; i < NODES; ++i) {
            if (perm[i] == r) return i;
        }
        return 0;
    }

    /// @dev A seeded permutation of 0..NODES-1 for task k (Fisher-Yates).
    function _perm(uint256 k) internal view returns (uint256[NODES] memory p) {
        for (uint256 i; i < NODES; ++i) {
            p[i] = i;
        }
        for (uint256 i = NODES - 1; i > 0; --i) {
            uint256 j = _rand(i, k + 0x9e37) % (i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
    }

    /// @dev Independent of the run: two scenarios see the same stakes, qualities and noise, so a
    /// paired comparison (the sybil check) differs only in what it changes.
    function _rand(uint256 a, uint256 b) internal view returns (uint256) {
        return uint256(keccak256(abi.encode(_seed, a, b)));
    }
}
