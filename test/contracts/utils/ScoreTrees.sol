// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Builds what a validator's node builds off chain: the positional Merkle tree of its
/// score leaves ({ScoreTree}: leaves padded with zero to 2^depth, inner = keccak256(abi.encode(l, r))).
library ScoreTrees {
    function depth(uint256 n) internal pure returns (uint256 d) {
        while ((uint256(1) << d) < n) ++d;
    }

    /// @dev The root over `leaves` (length n), padded to 2^depth(n).
    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[] memory level = _padded(leaves);
        while (level.length > 1) level = _up(level);
        return level[0];
    }

    /// @dev The siblings of leaf `index`, from the leaf up.
    function proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory p) {
        bytes32[] memory level = _padded(leaves);
        p = new bytes32[](depth(leaves.length));
        for (uint256 i; level.length > 1; ++i) {
            p[i] = level[index ^ 1];
            level = _up(level);
            index >>= 1;
        }
    }

    function _padded(bytes32[] memory leaves) private pure returns (bytes32[] memory level) {
        level = new bytes32[](uint256(1) << depth(leaves.length));
        for (uint256 i; i < leaves.length; ++i) {
            level[i] = leaves[i];
        }
    }

    function _up(bytes32[] memory level) private pure returns (bytes32[] memory next) {
        next = new bytes32[](level.length / 2);
        for (uint256 i; i < next.length; ++i) {
            next[i] = keccak256(abi.encode(level[2 * i], level[2 * i + 1]));
        }
    }
}
