// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

/// @title IFlockToken
/// @notice FLOCK, the protocol's ERC-20: a fixed supply minted once at genesis, with EIP-2612
/// permits and ERC20Votes delegation (EIP-5805) on a timestamp clock (EIP-6372 `mode=timestamp`).
interface IFlockToken is IERC20Metadata, IERC20Permit, IERC5805 {
    /// @notice The whole supply, minted to the genesis account at deployment; nothing is minted later.
    /// @return 1,000,000,000 FLOCK, in wei.
    function MAX_SUPPLY() external view returns (uint256);
}
