// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {Params} from "../libraries/Params.sol";

/// @title ProtocolConfig
/// @notice The governed protocol parameters, each kept within bounds, plus the protocol roles and
/// the treasury address.
/// @dev OpenZeppelin AccessControl: DEFAULT_ADMIN_ROLE (the governance timelock after deployment)
/// sets values, bounds, the treasury and grants the protocol roles. Besides its own bounds a value
/// must keep related keys consistent: pool.sigmaMin <= pool.sigmaMax and
/// lock.bonusStart <= lock.maxDuration; a value that would break this is rejected with
/// {ConfigValueOutOfBounds} carrying the tighter effective bounds.
contract ProtocolConfig is IProtocolConfig, AccessControl {
    /// @dev A registered parameter. `registered` tells a key set to 0 from an unknown one.
    struct Param {
        uint256 value;
        uint256 min;
        uint256 max;
        bool registered;
    }

    /// @inheritdoc IProtocolConfig
    bytes32 public constant GM_HOLDER_ROLE = keccak256("GM_HOLDER_ROLE");

    /// @inheritdoc IProtocolConfig
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");

    mapping(bytes32 key => Param) private _params;
    address private _treasury;

    /// @param admin Receives DEFAULT_ADMIN_ROLE (the governance timelock; the deployer during set-up).
    /// @param treasury_ Receives fees and slashed FLOCK.
    /// @dev Emits {RoleGranted}, {TreasurySet}, and {ParamBoundsSet} plus {ParamSet} per key.
    /// Requirements: neither address is zero.
    constructor(address admin, address treasury_) {
        if (admin == address(0) || treasury_ == address(0)) revert ConfigZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _treasury = treasury_;
        emit TreasurySet(address(0), treasury_);

        // gmFLOCK lock staking
        _register(Params.LOCK_MAX_DURATION, 365 days, 30 days, 4 * 365 days);
        _register(Params.LOCK_BONUS_START, 30 days, 0, 365 days);
        _register(Params.LOCK_SLOPE, 2.19e18, 0, 10e18);
        _register(Params.REDEEM_FEE, 0.05e18, 0, 0.2e18);
        // delegation pools
        _register(Params.POOL_SIGMA_MIN, 0.02e18, 0, 1e18);
        _register(Params.POOL_SIGMA_MAX, 0.5e18, 0, 1e18);
        _register(Params.POOL_SIGMA_COOLDOWN, 7 days, 0, 90 days);
        _register(Params.POOL_UNDELEGATE_COOLDOWN, 7 days, 0, 90 days);
        // emission
        _register(Params.EMISSION_DAILY_CAP, 1074e18, 0, 1_000_000e18);
        // AI Arena
        _register(Params.ARENA_GAMMA, 0.2e18, 0, 0.5e18);
        _register(Params.ARENA_BETA, 0.5e18, 0, 1e18);
        _register(Params.ARENA_CREATOR_SHARE, 0.05e18, 0, 0.2e18);
        _register(Params.ARENA_VALIDATOR_TOLERANCE, 0.05e18, 0.001e18, 1e18);
        _register(Params.ARENA_VALIDATOR_SLASH, 0.2e18, 0, 1e18);
        _register(Params.ARENA_NODE_SLASH, 0.1e18, 0, 1e18);
        _register(Params.ARENA_CREATOR_SLASH, 0.5e18, 0, 1e18);
        _register(Params.ARENA_RANK_DECAY, 0.8e18, 0, 1e18);
        _register(Params.ARENA_SAMPLE_SIZE, 21, 1, 32);
        _register(Params.ARENA_MIN_CREATOR_STAKE, 100e18, 0, 10_000_000e18);
        _register(Params.ARENA_MIN_STAKE, 1e18, 0, 1_000_000e18);
        _register(Params.ARENA_MIN_PHASE, 1 hours, 1 minutes, 30 days);
        _register(Params.ARENA_MAX_TASK_DURATION, 90 days, 1 days, 365 days);
        // FL Alliance
        _register(Params.ALLIANCE_MIN_CREATOR_STAKE, 100e18, 0, 10_000_000e18);
        _register(Params.ALLIANCE_MIN_STAKE, 1e18, 0, 1_000_000e18);
        _register(Params.ALLIANCE_MIN_PHASE, 5 minutes, 10 seconds, 30 days);
        _register(Params.ALLIANCE_PROPOSER_SLASH, 0.1e18, 0, 1e18);
        _register(Params.ALLIANCE_VOTER_SLASH, 0.05e18, 0, 1e18);
        _register(Params.ALLIANCE_DRAW_TIMEOUT, 1 days, 10 minutes, 30 days);
        _register(Params.MARKET_FEE, 0.05e18, 0, 0.5e18);
        _register(Params.MARKET_HOST_SHARE, 0.5e18, 0, 1e18);
        _register(Params.MARKET_MIN_HOST_STAKE, 10e18, 0, 1_000_000e18);
        _register(Params.MARKET_CHANNEL_TIMEOUT, 1 days, 1 hours, 30 days);
        _register(Params.MARKET_HOST_UNBONDING, 7 days, 0, 90 days);
    }

    /// @inheritdoc IProtocolConfig
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IProtocolConfig
    function get(bytes32 key) external view returns (uint256) {
        Param storage p = _params[key];
        if (!p.registered) revert ConfigUnknownParam(key);
        return p.value;
    }

    /// @inheritdoc IProtocolConfig
    function bounds(bytes32 key) external view returns (uint256 min, uint256 max, bool registered) {
        Param storage p = _params[key];
        return (p.min, p.max, p.registered);
    }

    /// @inheritdoc IProtocolConfig
    function set(bytes32 key, uint256 value) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Param storage p = _params[key];
        if (!p.registered) revert ConfigUnknownParam(key);
        (uint256 min, uint256 max) = _effectiveBounds(key, p.min, p.max);
        if (value < min || value > max) revert ConfigValueOutOfBounds(key, value, min, max);
        uint256 oldValue = p.value;
        p.value = value;
        emit ParamSet(key, oldValue, value);
    }

    /// @inheritdoc IProtocolConfig
    function setBounds(bytes32 key, uint256 min, uint256 max) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (min > max) revert ConfigInvalidBounds(key, min, max);
        Param storage p = _params[key];
        if (p.registered) {
            if (p.value < min || p.value > max) revert ConfigInvalidBounds(key, min, max);
            p.min = min;
            p.max = max;
            emit ParamBoundsSet(key, min, max);
        } else {
            _register(key, min, min, max);
        }
    }

    /// @inheritdoc IProtocolConfig
    function setTreasury(address newTreasury) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (newTreasury == address(0)) revert ConfigZeroAddress();
        address oldTreasury = _treasury;
        _treasury = newTreasury;
        emit TreasurySet(oldTreasury, newTreasury);
    }

    /// @dev Registers `key` at `value` within [min, max]. Emits {ParamBoundsSet} and {ParamSet}.
    function _register(bytes32 key, uint256 value, uint256 min, uint256 max) private {
        _params[key] = Param({value: value, min: min, max: max, registered: true});
        emit ParamBoundsSet(key, min, max);
        emit ParamSet(key, 0, value);
    }

    /// @dev Narrows `key`'s own bounds by the current value of its paired key, so that
    /// sigmaMin <= sigmaMax and bonusStart <= maxDuration always hold. Both pairs are registered
    /// in the constructor and can never be unregistered, so the paired value is always set.
    function _effectiveBounds(bytes32 key, uint256 min, uint256 max) private view returns (uint256, uint256) {
        if (key == Params.POOL_SIGMA_MIN) {
            max = Math.min(max, _params[Params.POOL_SIGMA_MAX].value);
        } else if (key == Params.POOL_SIGMA_MAX) {
            min = Math.max(min, _params[Params.POOL_SIGMA_MIN].value);
        } else if (key == Params.LOCK_BONUS_START) {
            max = Math.min(max, _params[Params.LOCK_MAX_DURATION].value);
        } else if (key == Params.LOCK_MAX_DURATION) {
            min = Math.max(min, _params[Params.LOCK_BONUS_START].value);
        }
        return (min, max);
    }
}
