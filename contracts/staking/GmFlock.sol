// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";
import {IGmFlock} from "../interfaces/IGmFlock.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {Params} from "../libraries/Params.sol";

/// @title GmFlock
/// @notice gmFLOCK: lock FLOCK for up to lock.maxDuration and receive gmFLOCK at the lock
/// multiplier; redeem the FLOCK after the unlock time for a fee to the treasury.
/// @dev gmFLOCK only moves from or to a holder of the config's GM_HOLDER_ROLE (delegation pools,
/// tasks); minting and burning always work. Governance weight is the FLOCK locked (not the
/// gmFLOCK), checkpointed per account and in total with OpenZeppelin `Checkpoints.Trace208` on the
/// same timestamp clock as FlockToken. Parameters are read from {IProtocolConfig} at each lock and
/// redemption, so a governance change applies to later locks and redemptions only; a position
/// keeps the multiplier it was minted at.
contract GmFlock is IGmFlock, ERC20, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    uint256 private constant _WAD = 1e18;
    /// @dev The multiplier's slope is per 365 days, whatever lock.maxDuration is.
    uint256 private constant _YEAR = 365 days;

    IERC20 private immutable _flock;
    IProtocolConfig private immutable _config;
    /// @dev Cached from the config: it is a constant there.
    bytes32 private immutable _gmHolderRole;

    mapping(address account => Position[]) private _positions;
    mapping(address account => Checkpoints.Trace208) private _lockedCheckpoints;
    Checkpoints.Trace208 private _totalLockedCheckpoints;

    /// @param flock_ The FLOCK token.
    /// @param config_ The protocol configuration (parameters, roles, treasury).
    constructor(IERC20 flock_, IProtocolConfig config_) ERC20("Governance-mining FLOCK", "gmFLOCK") {
        _flock = flock_;
        _config = config_;
        _gmHolderRole = config_.GM_HOLDER_ROLE();
    }

    // ---------------------------------------------------------------- lock / redeem / burn

    /// @inheritdoc IGmFlock
    function lock(uint256 amount, uint256 duration) external nonReentrant returns (uint256 positionId) {
        if (amount == 0) revert GmFlockZeroAmount();
        uint256 maxDuration = _config.get(Params.LOCK_MAX_DURATION);
        if (duration > maxDuration) revert GmFlockLockTooLong(duration, maxDuration);

        uint256 m = _multiplier(duration, maxDuration);
        uint256 gmAmount = Math.mulDiv(amount, m, _WAD);
        uint256 unlockAt = block.timestamp + duration;

        Position[] storage positions = _positions[msg.sender];
        positionId = positions.length;
        positions.push(
            Position({
                amount: SafeCast.toUint128(amount),
                gmAmount: SafeCast.toUint128(gmAmount),
                unlockAt: SafeCast.toUint64(unlockAt),
                multiplier: SafeCast.toUint96(m)
            })
        );
        _moveLocked(msg.sender, amount, true);
        _mint(msg.sender, gmAmount);
        _flock.safeTransferFrom(msg.sender, address(this), amount);

        emit Locked(msg.sender, positionId, amount, gmAmount, unlockAt);
    }

    /// @inheritdoc IGmFlock
    function redeem(uint256 positionId, bool acceptShortfall) external nonReentrant returns (uint256 flockOut) {
        Position[] storage positions = _positions[msg.sender];
        if (positionId >= positions.length || positions[positionId].amount == 0) {
            revert GmFlockUnknownPosition(msg.sender, positionId);
        }
        Position storage pos = positions[positionId];
        if (block.timestamp < pos.unlockAt) revert GmFlockStillLocked(positionId, pos.unlockAt);

        uint256 amount = pos.amount;
        uint256 gmAmount = pos.gmAmount;
        uint256 gmBurned = gmAmount;
        uint256 balance = balanceOf(msg.sender);
        if (balance < gmAmount) {
            if (!acceptShortfall) revert GmFlockInsufficientGm(gmAmount, balance);
            gmBurned = balance;
        }

        // gmAmount >= amount > 0 (the multiplier is at least 1), so the division is safe, and
        // gmBurned <= gmAmount gives released <= amount and fee <= released (fee rate <= 1 by its bounds).
        uint256 released = Math.mulDiv(amount, gmBurned, gmAmount);
        uint256 fee = Math.mulDiv(released, _config.get(Params.REDEEM_FEE), _WAD);
        uint256 forfeited = amount - released;
        flockOut = released - fee;

        pos.amount = 0;
        _moveLocked(msg.sender, amount, false);
        _burn(msg.sender, gmBurned);

        if (flockOut > 0) _flock.safeTransfer(msg.sender, flockOut);
        uint256 toTreasury = fee + forfeited;
        if (toTreasury > 0) _flock.safeTransfer(_config.treasury(), toTreasury);

        emit Redeemed(msg.sender, positionId, gmBurned, flockOut, fee, forfeited);
    }

    /// @inheritdoc IGmFlock
    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IGmFlock
    function multiplier(uint256 duration) external view returns (uint256) {
        return _multiplier(duration, _config.get(Params.LOCK_MAX_DURATION));
    }

    /// @inheritdoc IGmFlock
    function position(address account, uint256 positionId) external view returns (Position memory) {
        Position[] storage positions = _positions[account];
        if (positionId >= positions.length) revert GmFlockUnknownPosition(account, positionId);
        return positions[positionId];
    }

    /// @inheritdoc IGmFlock
    function positionCount(address account) external view returns (uint256) {
        return _positions[account].length;
    }

    /// @inheritdoc IGmFlock
    function lockedOf(address account) external view returns (uint256) {
        return _lockedCheckpoints[account].latest();
    }

    /// @inheritdoc IGmFlock
    function totalLocked() external view returns (uint256) {
        return _totalLockedCheckpoints.latest();
    }

    /// @inheritdoc IGmFlock
    function getVotes(address account) external view returns (uint256) {
        return _lockedCheckpoints[account].latest();
    }

    /// @inheritdoc IGmFlock
    function getPastVotes(address account, uint256 timepoint) external view returns (uint256) {
        return _lockedCheckpoints[account].upperLookupRecent(_validateTimepoint(timepoint));
    }

    /// @inheritdoc IGmFlock
    function getPastTotalSupply(uint256 timepoint) external view returns (uint256) {
        return _totalLockedCheckpoints.upperLookupRecent(_validateTimepoint(timepoint));
    }

    /// @inheritdoc IGmFlock
    function flock() external view returns (IERC20) {
        return _flock;
    }

    /// @inheritdoc IERC6372
    /// @dev The block timestamp, as on FlockToken.
    function clock() public view returns (uint48) {
        return Time.timestamp();
    }

    /// @inheritdoc IERC6372
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=timestamp";
    }

    // ---------------------------------------------------------------- internals

    /// @dev Blocks transfers unless the sender or the receiver holds GM_HOLDER_ROLE; mints and
    /// burns pass.
    function _update(address from, address to, uint256 value) internal override {
        if (
            from != address(0) && to != address(0) && !_config.hasRole(_gmHolderRole, from)
                && !_config.hasRole(_gmHolderRole, to)
        ) revert GmFlockNonTransferable(from, to);
        super._update(from, to, value);
    }

    /// @dev m(t) = 1 for t <= bonusStart, else 1 + slope * (min(t, maxDuration) - bonusStart) / 365 days (WAD).
    function _multiplier(uint256 duration, uint256 maxDuration) private view returns (uint256) {
        uint256 capped = Math.min(duration, maxDuration);
        uint256 bonusStart = _config.get(Params.LOCK_BONUS_START);
        if (capped <= bonusStart) return _WAD;
        return _WAD + Math.mulDiv(_config.get(Params.LOCK_SLOPE), capped - bonusStart, _YEAR);
    }

    /// @dev Adds (`increase`) or removes `amount` of locked FLOCK for `account` and in total, at the current clock.
    function _moveLocked(address account, uint256 amount, bool increase) private {
        Checkpoints.Trace208 storage own = _lockedCheckpoints[account];
        uint48 now_ = clock();
        uint256 ownLocked = own.latest();
        uint256 total = _totalLockedCheckpoints.latest();
        // Removal: `amount` is a live position's, counted in both traces, so no underflow.
        // Addition: checked, and SafeCast bounds the result to uint208.
        own.push(now_, SafeCast.toUint208(increase ? ownLocked + amount : ownLocked - amount));
        _totalLockedCheckpoints.push(now_, SafeCast.toUint208(increase ? total + amount : total - amount));
    }

    /// @dev Reverts unless `timepoint` lies strictly in the past; returns it as a clock value.
    function _validateTimepoint(uint256 timepoint) private view returns (uint48) {
        uint48 now_ = clock();
        if (timepoint >= now_) revert GmFlockFutureLookup(timepoint, now_);
        // timepoint < now_ <= type(uint48).max, so the cast is exact.
        return uint48(timepoint);
    }
}
