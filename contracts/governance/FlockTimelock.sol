// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title FlockTimelock
/// @notice The protocol's governance executor and treasury: the only holder of the config's
/// DEFAULT_ADMIN_ROLE after deployment, and the receiver of fees and slashed FLOCK.
/// @dev OpenZeppelin's TimelockController unchanged; the Governor becomes its only proposer and
/// canceller. Executors may be open (address(0)) so anyone can execute a passed, delayed proposal.
contract FlockTimelock is TimelockController {
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
