// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IEmission} from "../interfaces/IEmission.sol";
import {IEmissionGauge} from "../interfaces/IEmissionGauge.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {Params} from "../libraries/Params.sol";

/// @title Emission
/// @notice Releases the daily FLOCK emission out of a reserve this contract holds, to a short list
/// of gauges (the delegation pools, the Arena, the Alliance), in proportion to their stake.
/// Nothing is ever minted: the reserve is funded once (a plain transfer) and emission stops when
/// it runs dry.
/// @dev Schedule: day d = (t - start) / 1 day emits initialDaily * decay^(d / decayPeriodDays),
/// capped per day by the governed `emission.dailyCap`. A day is released once it is over (day d
/// is processed when currentDay > d). {advance} is permissionless and bounded: it processes at
/// most {MAX_DAYS_PER_ADVANCE} days and walks them one decay period at a time (all days of a period
/// emit the same amount), so its cost is O(gauges + periods), never O(days). Gauges are protocol
/// contracts added by governance; one whose `emissionWeight` reverts blocks {advance} until
/// governance removes it.
///
/// Rounding (all toward the reserve, so the schedule is never overspent):
/// - `decay^k` is computed by squaring with each WAD product rounded down, so it is at most the
///   exact power and below it by less than 2k wei of WAD (see {_wpow});
/// - {scheduledForDay} rounds `initialDaily * decay^k / WAD` down;
/// - {scheduledThrough} sums full periods as a geometric series rounded up, so it is never below
///   the sum of {scheduledForDay} over the same days; it exceeds that sum by less than
///   2k · initialDaily · P / ((1 - decay) · 1e18) + P · k · (2k · initialDaily / 1e18 + 1) wei for
///   k full periods of P days (under 1e9 wei, i.e. 1e-9 FLOCK, over a century at the reference
///   values; measured: 7.3e6 wei). The margin grows as 1 / (1 - decay), so a decay very close to
///   1.0 loosens it; decay == 1.0 exactly is summed without division;
/// - each gauge's share of a release is rounded down (Math.mulDiv); the dust stays in the reserve.
contract Emission is IEmission, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 private constant WAD = 1e18;

    /// @inheritdoc IEmission
    uint256 public constant MAX_GAUGES = 8;

    /// @inheritdoc IEmission
    uint256 public constant MAX_DAYS_PER_ADVANCE = 366;

    IERC20 private immutable _flock;
    IProtocolConfig private immutable _config;
    uint256 private immutable _start;
    uint256 private immutable _initialDaily;
    uint256 private immutable _decay;
    uint256 private immutable _decayPeriodDays;

    uint256 private _nextDay;
    uint256 private _totalReleased;
    uint256 private _totalPulled;
    /// @dev Released to gauges and not yet pulled; the reserve is the balance less this.
    uint256 private _owed;

    address[] private _gauges;
    mapping(address gauge => bool) private _isGauge;
    mapping(address gauge => uint256) private _accrued;

    /// @param flock_ The FLOCK token the reserve is held in.
    /// @param config_ The protocol config (daily cap, admin role).
    /// @param start_ Unix time at which day 0 begins.
    /// @param initialDaily_ FLOCK (wei) emitted per day during the first period.
    /// @param decay_ Factor applied once per period (WAD, e.g. 0.9e18); at most 1e18.
    /// @param decayPeriodDays_ Days per decay period (e.g. 30); not zero.
    constructor(
        IERC20 flock_,
        IProtocolConfig config_,
        uint256 start_,
        uint256 initialDaily_,
        uint256 decay_,
        uint256 decayPeriodDays_
    ) {
        if (decay_ > WAD || decayPeriodDays_ == 0) {
            revert EmissionInvalidSchedule(decay_, decayPeriodDays_);
        }
        _flock = flock_;
        _config = config_;
        _start = start_;
        _initialDaily = initialDaily_;
        _decay = decay_;
        _decayPeriodDays = decayPeriodDays_;
    }

    // ---------------------------------------------------------------- mutators

    /// @inheritdoc IEmission
    /// @dev The whole call uses the gauges' weights and the daily cap read now, for every day it
    /// processes. Emits {EmissionAdvanced} when at least one day is processed.
    function advance() external nonReentrant returns (uint256 released) {
        return _advance();
    }

    /// @inheritdoc IEmission
    /// @dev Any address may call; one that has accrued nothing gets nothing (a removed gauge still
    /// collects what it accrued). Emits {EmissionPulled} when something is paid.
    function pull() external nonReentrant returns (uint256 amount) {
        _advance();
        amount = _accrued[msg.sender];
        if (amount == 0) return 0;
        _accrued[msg.sender] = 0;
        _owed -= amount;
        _totalPulled += amount;
        emit EmissionPulled(msg.sender, amount);
        _flock.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IEmission
    function addGauge(address gauge) external {
        _checkAdmin();
        if (gauge == address(0) || _isGauge[gauge]) revert EmissionGaugeState(gauge);
        if (_gauges.length >= MAX_GAUGES) revert EmissionTooManyGauges(MAX_GAUGES);
        _isGauge[gauge] = true;
        _gauges.push(gauge);
        emit GaugeAdded(gauge);
    }

    /// @inheritdoc IEmission
    /// @dev Days already processed keep their split; the gauge may still {pull} what it accrued.
    /// Emits {GaugeRemoved}. Requirements: caller has the config's DEFAULT_ADMIN_ROLE; `gauge` is registered.
    function removeGauge(address gauge) external {
        _checkAdmin();
        if (!_isGauge[gauge]) revert EmissionGaugeState(gauge);
        _isGauge[gauge] = false;
        uint256 n = _gauges.length;
        // Bounded by MAX_GAUGES.
        for (uint256 i; i < n; ++i) {
            if (_gauges[i] == gauge) {
                _gauges[i] = _gauges[n - 1];
                _gauges.pop();
                break;
            }
        }
        emit GaugeRemoved(gauge);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IEmission
    function currentDay() public view returns (uint256) {
        return block.timestamp <= _start ? 0 : (block.timestamp - _start) / 1 days;
    }

    /// @inheritdoc IEmission
    function nextDay() external view returns (uint256) {
        return _nextDay;
    }

    /// @inheritdoc IEmission
    /// @dev initialDaily * decay^(day / decayPeriodDays), the power rounded down at each WAD
    /// product and the final product rounded down.
    function scheduledForDay(uint256 day) public view returns (uint256) {
        return Math.mulDiv(_initialDaily, _wpow(_decay, day / _decayPeriodDays), WAD);
    }

    /// @inheritdoc IEmission
    /// @dev With k = day / P full periods and r = day % P days into the next:
    /// initialDaily * P * (1 - decay^k) / (1 - decay), rounded up, plus r * scheduledForDay(k * P).
    /// Never below the per-day sum of {scheduledForDay}; see the contract notes for the margin.
    function scheduledThrough(uint256 day) external view returns (uint256) {
        uint256 p = _decayPeriodDays;
        uint256 k = day / p;
        uint256 full;
        if (_decay == WAD) {
            full = _initialDaily * p * k;
        } else {
            full = Math.mulDiv(_initialDaily * p, WAD - _wpow(_decay, k), WAD - _decay, Math.Rounding.Ceil);
        }
        return full + (day - k * p) * scheduledForDay(k * p);
    }

    /// @inheritdoc IEmission
    function totalReleased() external view returns (uint256) {
        return _totalReleased;
    }

    /// @inheritdoc IEmission
    function totalPulled() external view returns (uint256) {
        return _totalPulled;
    }

    /// @inheritdoc IEmission
    function accrued(address gauge) external view returns (uint256) {
        return _accrued[gauge];
    }

    /// @inheritdoc IEmission
    function reserve() public view returns (uint256) {
        uint256 balance = _flock.balanceOf(address(this));
        return balance > _owed ? balance - _owed : 0;
    }

    /// @inheritdoc IEmission
    function gauges() external view returns (address[] memory) {
        return _gauges;
    }

    /// @inheritdoc IEmission
    function isGauge(address gauge) external view returns (bool) {
        return _isGauge[gauge];
    }

    /// @inheritdoc IEmission
    function flock() external view returns (IERC20) {
        return _flock;
    }

    /// @inheritdoc IEmission
    function config() external view returns (IProtocolConfig) {
        return _config;
    }

    /// @inheritdoc IEmission
    function start() external view returns (uint256) {
        return _start;
    }

    /// @inheritdoc IEmission
    function initialDaily() external view returns (uint256) {
        return _initialDaily;
    }

    /// @inheritdoc IEmission
    function decay() external view returns (uint256) {
        return _decay;
    }

    /// @inheritdoc IEmission
    function decayPeriodDays() external view returns (uint256) {
        return _decayPeriodDays;
    }

    // ---------------------------------------------------------------- internals

    /// @dev Processes days [nextDay, min(currentDay, nextDay + MAX_DAYS_PER_ADVANCE)).
    function _advance() private returns (uint256 released) {
        uint256 from = _nextDay;
        uint256 to = currentDay();
        if (to > from + MAX_DAYS_PER_ADVANCE) to = from + MAX_DAYS_PER_ADVANCE;
        if (to <= from) return 0;
        _nextDay = to;

        address[] memory gs = _gauges;
        uint256 n = gs.length;
        uint256[] memory weights = new uint256[](n);
        uint256 totalWeight;
        for (uint256 i; i < n; ++i) {
            weights[i] = IEmissionGauge(gs[i]).emissionWeight();
            totalWeight += weights[i];
        }

        if (totalWeight > 0) {
            uint256 due = _scheduledRelease(from, to, _config.get(Params.EMISSION_DAILY_CAP));
            uint256 available = reserve();
            if (due > available) due = available;
            if (due > 0) {
                for (uint256 i; i < n; ++i) {
                    uint256 share = Math.mulDiv(due, weights[i], totalWeight);
                    if (share == 0) continue;
                    _accrued[gs[i]] += share;
                    released += share;
                }
                // released <= due <= reserve, so _owed stays <= balance.
                _owed += released;
                _totalReleased += released;
            }
        }
        emit EmissionAdvanced(from, to, released);
    }

    /// @dev Sum over days [from, to) of min(scheduledForDay(d), cap), one period at a time.
    function _scheduledRelease(uint256 from, uint256 to, uint256 cap) private view returns (uint256 total) {
        uint256 p = _decayPeriodDays;
        uint256 d = from;
        while (d < to) {
            uint256 periodEnd = (d / p + 1) * p;
            uint256 end = periodEnd < to ? periodEnd : to;
            uint256 daily = scheduledForDay(d);
            if (daily > cap) daily = cap;
            // The schedule never grows (decay <= 1): once a day emits nothing, so do all later ones.
            if (daily == 0) break;
            total += daily * (end - d);
            d = end;
        }
    }

    /// @dev x^n for a WAD x <= 1e18, by squaring (O(log n)), each product rounded down. The result
    /// is at most the exact power: a product of operands short by e1 and e2 wei is short by at most
    /// e1 + e2 + 1 (operands are <= 1.0), so the total shortfall stays below 2n wei of WAD.
    function _wpow(uint256 x, uint256 n) private pure returns (uint256 result) {
        result = WAD;
        // x <= WAD, so every product is below 1e36: no overflow.
        while (n > 0) {
            if (n & 1 == 1) result = (result * x) / WAD;
            n >>= 1;
            if (n > 0) x = (x * x) / WAD;
            if (x == 0 || result == 0) return n == 0 ? result : 0;
        }
    }

    /// @dev OpenZeppelin AccessControl's DEFAULT_ADMIN_ROLE is 0x00 (IAccessControl does not expose a getter).
    function _checkAdmin() private view {
        if (!_config.hasRole(bytes32(0), msg.sender)) revert EmissionUnauthorized(msg.sender);
    }
}
