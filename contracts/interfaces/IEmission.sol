// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IEmission
/// @notice Pays the daily emission out of a reserve funded at genesis; nothing is ever minted.
/// @dev Day d (counted from `start`) emits min(dailyCap, initialDaily * decay^(d / decayPeriodDays)).
/// Anyone may advance: the released amount of each elapsed day is split across the registered
/// gauges by their emission weight at the time of the advance, and each gauge pulls its share.
/// A day advanced while no gauge has weight releases nothing (its FLOCK stays in the reserve).
/// Each advance processes a bounded number of days; call again to catch up further.
interface IEmission {
    /// @notice Thrown when a non-admin manages gauges.
    /// @param caller The caller.
    error EmissionUnauthorized(address caller);

    /// @notice Thrown when a gauge is added twice or removed while unknown.
    /// @param gauge The gauge.
    error EmissionGaugeState(address gauge);

    /// @notice Thrown when the gauge list is full.
    /// @param max The most gauges allowed.
    error EmissionTooManyGauges(uint256 max);

    /// @notice Thrown at deployment when the schedule cannot be computed (decay above 1.0 or a zero period).
    /// @param decay The decay factor per period (WAD).
    /// @param decayPeriodDays The period length in days.
    error EmissionInvalidSchedule(uint256 decay, uint256 decayPeriodDays);

    /// @notice Emitted when days are processed.
    /// @param fromDay First day processed.
    /// @param toDay One past the last day processed.
    /// @param released FLOCK released to gauges.
    event EmissionAdvanced(uint256 fromDay, uint256 toDay, uint256 released);

    /// @notice Emitted when a gauge is added.
    /// @param gauge The gauge.
    event GaugeAdded(address indexed gauge);

    /// @notice Emitted when a gauge is removed (what it accrued stays claimable).
    /// @param gauge The gauge.
    event GaugeRemoved(address indexed gauge);

    /// @notice Emitted when a gauge pulls its accrued emission.
    /// @param gauge The gauge.
    /// @param amount FLOCK paid.
    event EmissionPulled(address indexed gauge, uint256 amount);

    /// @notice Processes elapsed days (at most a bounded number per call).
    /// @dev Emits {EmissionAdvanced} when at least one day is processed. Never reverts for lack of days.
    /// @return released FLOCK released by this call.
    function advance() external returns (uint256 released);

    /// @notice Pays the caller (a gauge) what it has accrued, after advancing.
    /// @dev Emits {EmissionPulled}.
    /// @return amount FLOCK paid.
    function pull() external returns (uint256 amount);

    /// @notice Adds a gauge. Requirements: caller has the config's DEFAULT_ADMIN_ROLE; fewer than the maximum.
    function addGauge(address gauge) external;

    /// @notice Removes a gauge. Requirements: caller has the config's DEFAULT_ADMIN_ROLE.
    function removeGauge(address gauge) external;

    /// @notice The day index now (0 on the start day).
    function currentDay() external view returns (uint256);

    /// @notice The first day not yet processed.
    function nextDay() external view returns (uint256);

    /// @notice The schedule's emission for `day`, before the daily cap.
    function scheduledForDay(uint256 day) external view returns (uint256);

    /// @notice The schedule's total for days [0, day), before the cap (closed form).
    function scheduledThrough(uint256 day) external view returns (uint256);

    /// @notice FLOCK released to gauges so far.
    function totalReleased() external view returns (uint256);

    /// @notice FLOCK pulled by gauges so far.
    function totalPulled() external view returns (uint256);

    /// @notice FLOCK accrued to `gauge` and not yet pulled.
    function accrued(address gauge) external view returns (uint256);

    /// @notice FLOCK still in the reserve (balance less what gauges may still pull).
    function reserve() external view returns (uint256);

    /// @notice The registered gauges.
    function gauges() external view returns (address[] memory);
}
