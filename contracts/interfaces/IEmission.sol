// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IProtocolConfig} from "./IProtocolConfig.sol";

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

    /// @notice Processes elapsed days (at most {MAX_DAYS_PER_ADVANCE} per call), splitting each day's
    /// release across the gauges by their emission weight now. Anyone may call.
    /// @dev Emits {EmissionAdvanced} when at least one day is processed. Never reverts for lack of days.
    /// @return released FLOCK released by this call.
    function advance() external returns (uint256 released);

    /// @notice Pays the caller (a gauge) what it has accrued, after advancing.
    /// @dev Emits {EmissionPulled} when something is paid. Any address may call; one that has
    /// accrued nothing gets nothing.
    /// @return amount FLOCK paid.
    function pull() external returns (uint256 amount);

    /// @notice Adds a gauge; it shares in the days processed from now on.
    /// @dev Emits {GaugeAdded}. Requirements: caller has the config's DEFAULT_ADMIN_ROLE; `gauge` is
    /// not zero and not yet registered; fewer than {MAX_GAUGES} gauges.
    /// @param gauge The gauge, a contract implementing {IEmissionGauge}.
    function addGauge(address gauge) external;

    /// @notice Removes a gauge; what it accrued stays pullable.
    /// @dev Emits {GaugeRemoved}. Requirements: caller has the config's DEFAULT_ADMIN_ROLE; `gauge` is registered.
    /// @param gauge The gauge.
    function removeGauge(address gauge) external;

    /// @notice The day index now (0 on the start day, and before it).
    /// @return The days elapsed since `start()`, rounded down.
    function currentDay() external view returns (uint256);

    /// @notice The first day not yet processed.
    /// @return The day index.
    function nextDay() external view returns (uint256);

    /// @notice The schedule's emission for `day`, before the daily cap.
    /// @param day The day index.
    /// @return FLOCK (wei): initialDaily * decay^(day / decayPeriodDays), rounded down.
    function scheduledForDay(uint256 day) external view returns (uint256);

    /// @notice The schedule's total for days [0, day), before the cap (closed form).
    /// @param day One past the last day counted.
    /// @return FLOCK (wei), rounded up: never below the sum of {scheduledForDay} over those days.
    function scheduledThrough(uint256 day) external view returns (uint256);

    /// @notice FLOCK released to gauges so far.
    /// @return The total (wei).
    function totalReleased() external view returns (uint256);

    /// @notice FLOCK pulled by gauges so far.
    /// @return The total (wei).
    function totalPulled() external view returns (uint256);

    /// @notice FLOCK accrued to `gauge` and not yet pulled.
    /// @param gauge The gauge (registered or removed).
    /// @return The amount (wei).
    function accrued(address gauge) external view returns (uint256);

    /// @notice FLOCK still in the reserve (balance less what gauges may still pull).
    /// @return The amount (wei).
    function reserve() external view returns (uint256);

    /// @notice The registered gauges.
    /// @return The gauges, in no particular order.
    function gauges() external view returns (address[] memory);

    /// @notice Whether `gauge` is registered.
    /// @param gauge The address.
    /// @return True while it is a gauge.
    function isGauge(address gauge) external view returns (bool);

    /// @notice Most gauges registered at once (each advance reads every gauge's weight).
    /// @return The maximum.
    function MAX_GAUGES() external view returns (uint256);

    /// @notice Most days one {advance} processes; a longer backlog needs several calls.
    /// @return The maximum.
    function MAX_DAYS_PER_ADVANCE() external view returns (uint256);

    /// @notice The FLOCK token the reserve is held in.
    /// @return The token.
    function flock() external view returns (IERC20);

    /// @notice The protocol config (daily cap, admin role).
    /// @return The config.
    function config() external view returns (IProtocolConfig);

    /// @notice When day 0 begins.
    /// @return Unix time (seconds).
    function start() external view returns (uint256);

    /// @notice FLOCK emitted per day during the first decay period.
    /// @return The amount (wei).
    function initialDaily() external view returns (uint256);

    /// @notice Factor applied to the daily emission once per decay period.
    /// @return The factor (WAD), at most 1e18.
    function decay() external view returns (uint256);

    /// @notice Days per decay period.
    /// @return The period length (days).
    function decayPeriodDays() external view returns (uint256);
}
