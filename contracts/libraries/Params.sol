// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Params
/// @notice Keys of the governed protocol parameters held by {ProtocolConfig}.
/// @dev Keys are short ASCII names packed into bytes32 (`bytes32("lock.slope")`), so events and
/// the CLI (`flock propose --set lock.slope=...`, ethers `encodeBytes32String`) read the same name.
/// Units: fractions and multipliers are WAD (1e18 = 1.0 = 100%), durations are seconds, amounts
/// are token wei. Later components (Arena, Alliance, governance) add their keys here.
library Params {
    // --- gmFLOCK lock staking ---
    /// @notice Longest lock; also where the multiplier stops growing (365 days).
    bytes32 internal constant LOCK_MAX_DURATION = bytes32("lock.maxDuration");
    /// @notice Locks up to this long get no bonus (30 days).
    bytes32 internal constant LOCK_BONUS_START = bytes32("lock.bonusStart");
    /// @notice Multiplier gained per 365 days locked beyond the bonus start (WAD, 2.19e18).
    bytes32 internal constant LOCK_SLOPE = bytes32("lock.slope");
    /// @notice Share of redeemed FLOCK paid to the treasury (WAD, 0.05e18).
    bytes32 internal constant REDEEM_FEE = bytes32("redeem.fee");

    // --- delegation pools ---
    /// @notice Lowest operator share sigma a pool may set (WAD).
    bytes32 internal constant POOL_SIGMA_MIN = bytes32("pool.sigmaMin");
    /// @notice Highest operator share sigma a pool may set (WAD).
    bytes32 internal constant POOL_SIGMA_MAX = bytes32("pool.sigmaMax");
    /// @notice Time an operator must wait between two sigma changes (seconds).
    bytes32 internal constant POOL_SIGMA_COOLDOWN = bytes32("pool.sigmaCooldown");
    /// @notice Time between an undelegation request and the withdrawal (seconds).
    bytes32 internal constant POOL_UNDELEGATE_COOLDOWN = bytes32("pool.undelegateCooldown");

    // --- emission ---
    /// @notice Most FLOCK released per day, whatever the schedule says (wei).
    bytes32 internal constant EMISSION_DAILY_CAP = bytes32("emission.dailyCap");

    // --- AI Arena (each task reads these once, at its creation) ---
    /// @notice Floor of each side's share of a task's rewards:
    /// R_nodes = R * (gamma + (1 - 2 gamma) * T / (T + V)) (WAD, 0.2e18; at most 0.5e18).
    bytes32 internal constant ARENA_GAMMA = bytes32("arena.gamma");
    /// @notice Exponent of stake in a task's share of the Arena's emission, stake^beta (WAD, 0.5e18).
    bytes32 internal constant ARENA_BETA = bytes32("arena.beta");
    /// @notice Share of a task's emission paid to its creator (WAD, 0.05e18).
    bytes32 internal constant ARENA_CREATOR_SHARE = bytes32("arena.creatorShare");
    /// @notice Relative distance from consensus beyond which a validator is slashed (WAD, 0.05e18 = 5%).
    bytes32 internal constant ARENA_VALIDATOR_TOLERANCE = bytes32("arena.validatorTolerance");
    /// @notice Fraction of a validator's stake (own and pool) slashed for deviating or not
    /// revealing (WAD, 0.1e18).
    bytes32 internal constant ARENA_VALIDATOR_SLASH = bytes32("arena.validatorSlash");
    /// @notice Fraction of a training node's stake (own and pool) slashed for an invalid model
    /// (WAD, 0.1e18).
    bytes32 internal constant ARENA_NODE_SLASH = bytes32("arena.nodeSlash");
    /// @notice Fraction of a creator's stake slashed for not revealing the validation set (WAD, 0.5e18).
    bytes32 internal constant ARENA_CREATOR_SLASH = bytes32("arena.creatorSlash");
    /// @notice Ratio of the geometric series over ranks that pays training nodes (WAD, 0.8e18).
    bytes32 internal constant ARENA_RANK_DECAY = bytes32("arena.rankDecay");
    /// @notice k: validators drawn per submission when a task has more than k (count, 21; at most 32).
    bytes32 internal constant ARENA_SAMPLE_SIZE = bytes32("arena.sampleSize");
    /// @notice Least gmFLOCK a task creator stakes (wei, 100e18).
    bytes32 internal constant ARENA_MIN_CREATOR_STAKE = bytes32("arena.minCreatorStake");
    /// @notice Floor of the per-task node and validator stake minimums (wei, 1e18).
    bytes32 internal constant ARENA_MIN_STAKE = bytes32("arena.minStake");
    /// @notice Shortest phase of a task (seconds, 1 hour).
    bytes32 internal constant ARENA_MIN_PHASE = bytes32("arena.minPhase");
    /// @notice Longest task, all four phases together (seconds, 90 days).
    bytes32 internal constant ARENA_MAX_TASK_DURATION = bytes32("arena.maxTaskDuration");

    // --- FL Alliance (each task reads these once, at its creation) ---
    /// @notice Least gmFLOCK an Alliance task creator stakes (wei, 100e18).
    bytes32 internal constant ALLIANCE_MIN_CREATOR_STAKE = bytes32("alliance.minCreatorStake");
    /// @notice Floor of the per-task participant stake minimum of the Alliance (wei, 1e18).
    bytes32 internal constant ALLIANCE_MIN_STAKE = bytes32("alliance.minStake");
    /// @notice Shortest join window or round phase of an Alliance task (seconds, 5 minutes).
    bytes32 internal constant ALLIANCE_MIN_PHASE = bytes32("alliance.minPhase");
    /// @notice Fraction of an Alliance proposer's stake (own and pool) slashed for a committed update
    /// it did not reveal or an update a stake majority of the voters blamed (WAD, 0.1e18).
    bytes32 internal constant ALLIANCE_PROPOSER_SLASH = bytes32("alliance.proposerSlash");
    /// @notice Fraction of an Alliance voter's stake (own and pool) slashed for a committed vote it
    /// did not reveal or an aggregate other than the one a stake majority revealed (WAD, 0.05e18).
    bytes32 internal constant ALLIANCE_VOTER_SLASH = bytes32("alliance.voterSlash");
    /// @notice Time after an Alliance round starts from which anyone may end its task when the
    /// round's random word has not come (seconds, 1 day).
    bytes32 internal constant ALLIANCE_DRAW_TIMEOUT = bytes32("alliance.drawTimeout");

    // --- model market (fee and host share are fixed in a channel when it opens) ---
    /// @notice Share of each redemption paid to the treasury (WAD, 0.05e18).
    bytes32 internal constant MARKET_FEE = bytes32("market.fee");
    /// @notice Share of each redemption paid to the host; the rest after the fee goes to the model's contributors (WAD, 0.5e18).
    bytes32 internal constant MARKET_HOST_SHARE = bytes32("market.hostShare");
    /// @notice Least gmFLOCK a host stakes to offer a model (wei, 10e18).
    bytes32 internal constant MARKET_MIN_HOST_STAKE = bytes32("market.minHostStake");
    /// @notice The host's window to redeem after a caller starts closing a channel (seconds).
    bytes32 internal constant MARKET_CHANNEL_TIMEOUT = bytes32("market.channelTimeout");
    /// @notice Time a retired host offer's stake stays locked (seconds).
    bytes32 internal constant MARKET_HOST_UNBONDING = bytes32("market.hostUnbonding");
}
