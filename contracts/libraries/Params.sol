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
}
