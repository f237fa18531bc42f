// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {IGmFlock} from "./IGmFlock.sol";

/// @title IFlockVotes
/// @notice The governance weight of an account: its FLOCK votes plus the FLOCK it has locked as
/// gmFLOCK, read at any past timepoint on FLOCK's timestamp clock. Staking never costs a holder
/// their vote.
/// @dev A read-only IERC5805 adapter over {FlockToken} (ERC20Votes) and {IGmFlock}; it keeps no
/// state and emits nothing. The two halves count differently:
/// - liquid FLOCK counts only once delegated, as ERC20Votes does: a holder must call
///   `FlockToken.delegate(self)` (or delegate to someone else) for it to count;
/// - locked FLOCK counts for the account that locked it, directly and without delegation, whoever
///   holds the gmFLOCK (a delegation pool, a task).
/// The total supply of votes is FLOCK's total supply: locked FLOCK already sits inside it (on the
/// gmFLOCK contract, which never delegates), so nothing is counted twice.
interface IFlockVotes is IERC5805 {
    /// @notice Thrown by `delegate` and `delegateBySig`: delegation happens on the FLOCK token.
    /// @param flock The FLOCK token, where `delegate` should be called.
    error FlockVotesDelegateOnToken(address flock);

    /// @notice Thrown at deployment when the gmFLOCK contract locks another token than FLOCK.
    /// @param flock The FLOCK token given.
    /// @param gmFlockToken The token gmFLOCK locks.
    error FlockVotesTokenMismatch(address flock, address gmFlockToken);

    /// @notice Thrown at deployment when FLOCK and gmFLOCK do not share a clock mode.
    /// @param flockMode FLOCK's EIP-6372 clock mode.
    /// @param gmFlockMode gmFLOCK's EIP-6372 clock mode.
    error FlockVotesClockMismatch(string flockMode, string gmFlockMode);

    /// @notice The FLOCK token (liquid, delegated votes; the votes clock; the total supply).
    /// @return The token.
    function flock() external view returns (IERC5805);

    /// @notice The gmFLOCK lock staking contract (locked FLOCK, counted for the locker).
    /// @return The gmFLOCK contract.
    function gmFlock() external view returns (IGmFlock);
}
