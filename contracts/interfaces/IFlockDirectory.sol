// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IFlockDirectory
/// @notice The one address an operator shares: it names every contract of one flock deployment,
/// so another home or operator reads the rest from the chain (`flock deployment use <address>`).
/// @dev Written once, by its deployer; read by anyone.
interface IFlockDirectory {
    /// @notice Thrown when an account other than the deployer publishes.
    /// @param caller The account that tried.
    error DirectoryNotDeployer(address caller);

    /// @notice Thrown when the directory is published a second time.
    error DirectoryAlreadyPublished();

    /// @notice Thrown when names and addresses differ in length.
    /// @param names The number of names.
    /// @param addresses The number of addresses.
    error DirectoryLengthMismatch(uint256 names, uint256 addresses);

    /// @notice Thrown when more than MAX_ENTRIES contracts are published.
    /// @param count The number given.
    /// @param max The most allowed.
    error DirectoryTooManyEntries(uint256 count, uint256 max);

    /// @notice Thrown when a name is empty or longer than MAX_NAME_BYTES.
    /// @param index The position of the name.
    error DirectoryBadName(uint256 index);

    /// @notice Thrown when a name appears twice.
    /// @param name The repeated name.
    error DirectoryDuplicateName(string name);

    /// @notice Thrown when a contract's address is zero.
    /// @param name The contract's name.
    error DirectoryZeroAddress(string name);

    /// @notice Emitted once, when the deployment's contracts are published.
    /// @param deployer The publishing deployer.
    /// @param startBlock Block of the deployment's first transaction.
    /// @param names The contracts' names, e.g. FlockToken.
    /// @param addresses The contracts' addresses, in the order of `names`.
    event DirectoryPublished(address indexed deployer, uint64 startBlock, string[] names, address[] addresses);

    /// @notice The most contracts one directory names.
    /// @return The bound on entries.
    function MAX_ENTRIES() external view returns (uint256);

    /// @notice The longest contract name, in bytes.
    /// @return The bound on a name's length.
    function MAX_NAME_BYTES() external view returns (uint256);

    /// @notice The only account that may publish.
    /// @return The deployer's address.
    function deployer() external view returns (address);

    /// @notice Block of the deployment's first transaction: event scans start here.
    /// @return The block number (0 before publishing).
    function startBlock() external view returns (uint64);

    /// @notice True once the deployment's contracts are published; a directory is written once.
    /// @return Whether {publish} has run.
    function published() external view returns (bool);

    /// @notice Names the deployment's contracts, once.
    /// @dev Requirements: the caller is the deployer; not yet published; names and addresses of
    /// equal length, at most MAX_ENTRIES; names non-empty, at most MAX_NAME_BYTES, unique; no
    /// zero address. Emits {DirectoryPublished}.
    /// @param names The contracts' names.
    /// @param addresses The contracts' addresses, in the order of `names`.
    /// @param startBlock_ Block of the deployment's first transaction.
    function publish(string[] calldata names, address[] calldata addresses, uint64 startBlock_) external;

    /// @notice Every published contract. Empty before {publish}.
    /// @return names The contracts' names.
    /// @return addresses Their addresses: names[i] is at addresses[i].
    function entries() external view returns (string[] memory names, address[] memory addresses);

    /// @notice The address published under `name`, or zero when there is none.
    /// @param name A contract name, e.g. FlockToken.
    /// @return The contract's address.
    function addressOf(string calldata name) external view returns (address);
}
