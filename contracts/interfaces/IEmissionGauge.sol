// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IEmissionGauge
/// @notice A protocol contract that earns a share of the daily emission in proportion to its weight
/// (its total stake), e.g. the delegation pools, the Arena and the Alliance.
interface IEmissionGauge {
    /// @notice The gauge's weight now: the gmFLOCK it has staked that earns emission.
    /// @dev {IEmission-advance} splits each day's release by the gauges' weights read at that call.
    /// @return The weight, in gmFLOCK wei.
    function emissionWeight() external view returns (uint256);
}
