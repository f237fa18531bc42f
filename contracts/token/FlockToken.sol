// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";
import {Votes} from "@openzeppelin/contracts/governance/utils/Votes.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit, IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";

import {IFlockToken} from "../interfaces/IFlockToken.sol";

/// @title FlockToken
/// @notice FLOCK, the protocol's ERC-20: a fixed supply of 1,000,000,000 minted once at genesis,
/// with EIP-2612 permits and ERC20Votes delegation for governance.
/// @dev No owner and no mint function: emission is paid out of a reserve funded from the genesis
/// supply, never by minting. The votes clock is the block timestamp (EIP-6372 `mode=timestamp`),
/// so governance delays and periods are counted in seconds, as on the gmFLOCK votes clock.
contract FlockToken is ERC20, ERC20Permit, ERC20Votes, IFlockToken {
    /// @inheritdoc IFlockToken
    uint256 public constant MAX_SUPPLY = 1_000_000_000e18;

    /// @param genesis The account that receives the whole supply (the deployer's distribution
    /// account); must not be the zero address.
    constructor(address genesis) ERC20("FLock", "FLOCK") ERC20Permit("FLock") {
        _mint(genesis, MAX_SUPPLY);
    }

    /// @notice The votes clock (EIP-6372): the current block timestamp.
    function clock() public view override(IERC6372, Votes) returns (uint48) {
        return Time.timestamp();
    }

    /// @notice The votes clock mode (EIP-6372): timestamps.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override(IERC6372, Votes) returns (string memory) {
        return "mode=timestamp";
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(IERC20Permit, ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @dev Moves voting units along with balances (ERC20Votes).
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
