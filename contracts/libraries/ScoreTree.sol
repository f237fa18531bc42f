// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ScoreTree
/// @notice A positional Merkle tree over one leaf per item (ids 0..n-1, padded with zero leaves to
/// 2^depth): a validator commits to all its scores at once with the root and later opens only the
/// ones that count. Positional, so the leaf of an item can only be opened at its own index: one
/// root cannot hide two candidate scores for one item. Inner node = keccak256(abi.encode(left, right)).
library ScoreTree {
    /// @notice The depth of a tree over `n` items: the least d with 2^d >= n (0 for n <= 1).
    function depth(uint256 n) internal pure returns (uint256 d) {
        while ((uint256(1) << d) < n) ++d;
    }

    /// @notice Whether `proof` (siblings from the leaf up, exactly `d` of them) opens `leaf` at
    /// `index` under `root`.
    function verify(bytes32 root, bytes32 leaf, uint256 index, bytes32[] calldata proof, uint256 d)
        internal
        pure
        returns (bool)
    {
        if (proof.length != d || index >> d != 0) return false;
        bytes32 h = leaf;
        for (uint256 i; i < d; ++i) {
            h = (index >> i) & 1 == 0 ? keccak256(abi.encode(h, proof[i])) : keccak256(abi.encode(proof[i], h));
        }
        return h == root;
    }
}
