// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {VestingWallet} from "@openzeppelin/contracts/finance/VestingWallet.sol";
import {VestingWalletCliff} from "@openzeppelin/contracts/finance/VestingWalletCliff.sol";

/// @title FlockVestingWallet
/// @notice Holds one genesis allocation of FLOCK (team, investors, foundation) and releases it
/// linearly from `start` to `start + duration`, nothing before the cliff at `start + cliffSeconds`.
/// OpenZeppelin's VestingWalletCliff, unchanged; this contract only fixes its constructor.
/// @dev Properties the genesis plan relies on:
/// - Tokens held here do not vote. VestingWallet has no way to call `delegate` on the token, so
///   its balance never has a delegatee and counts for nobody; released tokens vote once their
///   holder delegates them. Locked allocations therefore cannot swing governance.
/// - Anyone may call `release(token)`: it always pays the beneficiary (the Ownable owner), never
///   the caller, so a keeper or the deployer can push vested tokens out.
/// - The owner may `transferOwnership` (e.g. to a new key or a multisig); the new owner receives
///   every later release. `renounceOwnership` would send later releases to the zero address,
///   which FLOCK refuses, locking the rest here for good.
/// - The schedule applies to the wallet's whole balance plus what it released, so tokens sent
///   here later vest on the same curve (an already-past point releases them at once).
/// - Reverts as the base contracts do: `OwnableInvalidOwner(0)` for a zero beneficiary,
///   `InvalidCliffDuration` when the cliff is longer than the duration.
contract FlockVestingWallet is VestingWalletCliff {
    /// @param beneficiary Receives every release (the Ownable owner); must not be the zero address.
    /// @param startTimestamp Unix time (seconds) at which vesting begins.
    /// @param durationSeconds Seconds from the start until everything is vested; 0 vests all at the start.
    /// @param cliffSeconds Seconds from the start before anything is releasable; at most `durationSeconds`.
    /// @dev Parameters are not named `start`/`duration`: those would shadow the inherited getters.
    constructor(address beneficiary, uint64 startTimestamp, uint64 durationSeconds, uint64 cliffSeconds)
        VestingWallet(beneficiary, startTimestamp, durationSeconds)
        VestingWalletCliff(cliffSeconds)
    {}
}
