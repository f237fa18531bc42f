// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IFlockVotes} from "../interfaces/IFlockVotes.sol";
import {IGmFlock} from "../interfaces/IGmFlock.sol";

/// @title FlockVotes
/// @notice The Governor's voting token: FLOCK votes plus FLOCK locked as gmFLOCK, per account and
/// at any past timepoint.
/// @dev Read-only: every view sums FlockToken's ERC20Votes checkpoints and GmFlock's locked-FLOCK
/// checkpoints (both on the timestamp clock); delegation must be done on FlockToken itself.
/// Lookups of the present or the future revert in FLOCK with OpenZeppelin's `ERC5805FutureLookup`,
/// which keeps flash-loaned weight out.
contract FlockVotes is IFlockVotes {
    IERC5805 private immutable _flock;
    IGmFlock private immutable _gm;

    /// @param flock_ The FLOCK token (ERC20Votes, timestamp clock).
    /// @param gm_ The gmFLOCK contract locking that same token.
    /// @dev Requirements: `gm_` locks `flock_`; both use the same EIP-6372 clock mode.
    constructor(IERC5805 flock_, IGmFlock gm_) {
        if (address(gm_.flock()) != address(flock_)) {
            revert FlockVotesTokenMismatch(address(flock_), address(gm_.flock()));
        }
        string memory flockMode = flock_.CLOCK_MODE();
        string memory gmMode = gm_.CLOCK_MODE();
        if (keccak256(bytes(flockMode)) != keccak256(bytes(gmMode))) revert FlockVotesClockMismatch(flockMode, gmMode);
        _flock = flock_;
        _gm = gm_;
    }

    /// @inheritdoc IVotes
    /// @dev FLOCK delegated to `account` plus FLOCK `account` has locked now.
    function getVotes(address account) external view returns (uint256) {
        return _flock.getVotes(account) + _gm.getVotes(account);
    }

    /// @inheritdoc IVotes
    /// @dev FLOCK delegated to `account` plus FLOCK `account` had locked, at `timepoint`.
    /// Requirements: `timepoint` lies in the past (else FLOCK's `ERC5805FutureLookup`).
    function getPastVotes(address account, uint256 timepoint) external view returns (uint256) {
        // FLOCK first, so a lookup of the present fails with OpenZeppelin's error.
        uint256 liquid = _flock.getPastVotes(account, timepoint);
        return liquid + _gm.getPastVotes(account, timepoint);
    }

    /// @inheritdoc IVotes
    /// @dev FLOCK's total supply at `timepoint`; locked FLOCK is part of it already.
    function getPastTotalSupply(uint256 timepoint) external view returns (uint256) {
        return _flock.getPastTotalSupply(timepoint);
    }

    /// @inheritdoc IVotes
    /// @dev The delegate of `account`'s liquid FLOCK; locked FLOCK always counts for the locker.
    function delegates(address account) external view returns (address) {
        return _flock.delegates(account);
    }

    /// @inheritdoc IVotes
    /// @dev Always reverts with {FlockVotesDelegateOnToken}: delegate on FlockToken.
    function delegate(address) external view {
        revert FlockVotesDelegateOnToken(address(_flock));
    }

    /// @inheritdoc IVotes
    /// @dev Always reverts with {FlockVotesDelegateOnToken}: delegate on FlockToken.
    function delegateBySig(address, uint256, uint256, uint8, bytes32, bytes32) external view {
        revert FlockVotesDelegateOnToken(address(_flock));
    }

    /// @inheritdoc IERC6372
    /// @dev FLOCK's clock (the block timestamp).
    function clock() external view returns (uint48) {
        return _flock.clock();
    }

    /// @inheritdoc IERC6372
    /// @dev FLOCK's clock mode (`mode=timestamp`).
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external view returns (string memory) {
        return _flock.CLOCK_MODE();
    }

    /// @inheritdoc IFlockVotes
    function flock() external view returns (IERC5805) {
        return _flock;
    }

    /// @inheritdoc IFlockVotes
    function gmFlock() external view returns (IGmFlock) {
        return _gm;
    }
}
