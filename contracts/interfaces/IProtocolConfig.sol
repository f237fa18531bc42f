// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

/// @title IProtocolConfig
/// @notice The one place where governed protocol parameters and protocol roles live.
/// @dev Only DEFAULT_ADMIN_ROLE (the governance timelock after deployment) changes anything here.
/// Roles granted to protocol contracts:
/// - GM_HOLDER_ROLE: may send and receive gmFLOCK (gmFLOCK is otherwise non-transferable);
/// - SLASHER_ROLE: may slash and freeze delegation pools (Arena, Alliance).
interface IProtocolConfig is IAccessControl {
    /// @notice Thrown when a parameter key has no registered bounds.
    /// @param key The unknown key.
    error ConfigUnknownParam(bytes32 key);

    /// @notice Thrown when a value lies outside the bounds registered for its key.
    /// @param key The parameter key.
    /// @param value The rejected value.
    /// @param min The lowest accepted value.
    /// @param max The highest accepted value.
    error ConfigValueOutOfBounds(bytes32 key, uint256 value, uint256 min, uint256 max);

    /// @notice Thrown when bounds are inverted or would exclude the current value.
    /// @param key The parameter key.
    /// @param min The proposed lowest value.
    /// @param max The proposed highest value.
    error ConfigInvalidBounds(bytes32 key, uint256 min, uint256 max);

    /// @notice Thrown when the zero address is given where an account is required.
    error ConfigZeroAddress();

    /// @notice Emitted when a parameter changes value.
    /// @param key The parameter key.
    /// @param oldValue The value before.
    /// @param newValue The value after.
    event ParamSet(bytes32 indexed key, uint256 oldValue, uint256 newValue);

    /// @notice Emitted when a parameter's bounds are registered or changed.
    /// @param key The parameter key.
    /// @param min The lowest accepted value.
    /// @param max The highest accepted value.
    event ParamBoundsSet(bytes32 indexed key, uint256 min, uint256 max);

    /// @notice Emitted when the treasury changes.
    /// @param oldTreasury The treasury before.
    /// @param newTreasury The treasury after.
    event TreasurySet(address indexed oldTreasury, address indexed newTreasury);

    /// @notice Role of contracts that may send and receive gmFLOCK.
    /// @return keccak256("GM_HOLDER_ROLE").
    function GM_HOLDER_ROLE() external view returns (bytes32);

    /// @notice Role of contracts that may slash and freeze delegation pools.
    /// @return keccak256("SLASHER_ROLE").
    function SLASHER_ROLE() external view returns (bytes32);

    /// @notice The account that receives fees and slashed FLOCK (the timelock after deployment).
    /// @return The treasury.
    function treasury() external view returns (address);

    /// @notice The value of a parameter. Reverts with {ConfigUnknownParam} if it was never registered.
    /// @param key The parameter key (see {Params}).
    /// @return The value.
    function get(bytes32 key) external view returns (uint256);

    /// @notice The bounds of a parameter; (0, 0) and false if it was never registered.
    /// @param key The parameter key.
    /// @return min The lowest accepted value.
    /// @return max The highest accepted value.
    /// @return registered Whether the key is registered.
    function bounds(bytes32 key) external view returns (uint256 min, uint256 max, bool registered);

    /// @notice Sets a parameter within its bounds.
    /// @dev Emits {ParamSet}. Requirements: caller has DEFAULT_ADMIN_ROLE; key registered; value in bounds.
    /// @param key The parameter key.
    /// @param value The new value.
    function set(bytes32 key, uint256 value) external;

    /// @notice Registers a new parameter or changes the bounds of one; a new key starts at `min`.
    /// @dev Emits {ParamBoundsSet} (and {ParamSet} for a new key). Requirements: caller has
    /// DEFAULT_ADMIN_ROLE; min <= max; the current value of an existing key lies within.
    /// @param key The parameter key.
    /// @param min The lowest value to accept.
    /// @param max The highest value to accept.
    function setBounds(bytes32 key, uint256 min, uint256 max) external;

    /// @notice Changes the treasury.
    /// @dev Emits {TreasurySet}. Requirements: caller has DEFAULT_ADMIN_ROLE; not the zero address.
    /// @param newTreasury The new treasury.
    function setTreasury(address newTreasury) external;
}
