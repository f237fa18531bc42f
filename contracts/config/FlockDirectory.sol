// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IFlockDirectory} from "../interfaces/IFlockDirectory.sol";

/// @title FlockDirectory
/// @notice The one address an operator shares: it names every contract of one flock deployment,
/// so another home or operator reads the rest from the chain (`flock deployment use <address>`).
/// @dev `flock deploy` creates it through the deterministic CREATE2 proxy with the salt
/// `keccak256("flock.directory", index)` and the deployer as constructor argument, so its address
/// depends only on the deployer and a small index: anyone can tell from the chain alone whether a
/// key has deployed flock (index 0 published) and where a forced second copy goes (the next index).
/// Anyone may create the contract at that address first, but only `deployer` can publish into it,
/// once: squatting the address gains nothing and blocks nobody. Entries are bounded
/// ({MAX_ENTRIES}), so {publish} and {entries} cost a bounded amount of gas.
contract FlockDirectory is IFlockDirectory {
    /// @inheritdoc IFlockDirectory
    /// @dev 13 core contracts plus the genesis vesting wallets.
    uint256 public constant MAX_ENTRIES = 64;

    /// @inheritdoc IFlockDirectory
    uint256 public constant MAX_NAME_BYTES = 64;

    /// @inheritdoc IFlockDirectory
    address public immutable deployer;

    /// @inheritdoc IFlockDirectory
    uint64 public startBlock;

    /// @inheritdoc IFlockDirectory
    bool public published;

    string[] private _names;
    address[] private _addresses;
    mapping(bytes32 nameHash => address) private _byName;

    /// @param deployer_ The account that deploys the protocol and publishes here.
    constructor(address deployer_) {
        deployer = deployer_;
    }

    /// @inheritdoc IFlockDirectory
    function publish(string[] calldata names, address[] calldata addresses, uint64 startBlock_) external {
        if (msg.sender != deployer) revert DirectoryNotDeployer(msg.sender);
        if (published) revert DirectoryAlreadyPublished();
        if (names.length != addresses.length) revert DirectoryLengthMismatch(names.length, addresses.length);
        if (names.length > MAX_ENTRIES) revert DirectoryTooManyEntries(names.length, MAX_ENTRIES);
        for (uint256 i; i < names.length; ++i) {
            uint256 len = bytes(names[i]).length;
            if (len == 0 || len > MAX_NAME_BYTES) revert DirectoryBadName(i);
            if (addresses[i] == address(0)) revert DirectoryZeroAddress(names[i]);
            bytes32 key = keccak256(bytes(names[i]));
            if (_byName[key] != address(0)) revert DirectoryDuplicateName(names[i]);
            _byName[key] = addresses[i];
            _names.push(names[i]);
            _addresses.push(addresses[i]);
        }
        published = true;
        startBlock = startBlock_;
        emit DirectoryPublished(msg.sender, startBlock_, names, addresses);
    }

    /// @inheritdoc IFlockDirectory
    function entries() external view returns (string[] memory names, address[] memory addresses) {
        return (_names, _addresses);
    }

    /// @inheritdoc IFlockDirectory
    function addressOf(string calldata name) external view returns (address) {
        return _byName[keccak256(bytes(name))];
    }
}
