// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IEmissionGauge
/// @notice A protocol contract that earns a share of the daily emission in proportion to its weight
/// (its total stake), e.g. the delegation pools, the Arena and the Alliance.
interface IEmissionGauge {
    /// @notice The gauge's weight now, in gmFLOCK wei of stake.
    function emissionWeight() external view returns (uint256);
}
