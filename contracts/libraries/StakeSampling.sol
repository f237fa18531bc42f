// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title StakeSampling
/// @notice Stake-weighted sampling on a line: each member joins with an interval as long as its
/// stake, and draw j of item i picks the point keccak256(seed, i, j) mod the line's length; the
/// member whose interval holds it is drawn. Linear in stake, so splitting a stake across many
/// identities neither gains nor loses expected draws. Shared by the Arena (validators drawn per
/// submission) and the Alliance.
/// @dev Members join in order, so the intervals' starts increase with the join index: the owner of
/// a point is found by binary search over the join order, O(log n) reads. A member proves a draw
/// in O(1) from its own (lo, weight), which the caller keeps.
library StakeSampling {
    /// @dev A line. `entries[i]` packs member i's interval start (high 224 bits) and the caller's
    /// id for it (low 32 bits).
    struct Line {
        uint128 total;
        uint32 count;
        mapping(uint256 index => uint256) entries;
    }

    /// @notice Appends `member` with an interval of length `weight` (> 0); returns its start.
    function join(Line storage line, uint256 member, uint256 weight) internal returns (uint256 lo) {
        lo = line.total;
        uint256 n = line.count;
        line.entries[n] = (lo << 32) | uint32(member);
        line.count = uint32(n + 1);
        line.total = uint128(lo + weight); // the caller's stakes fit uint128
    }

    /// @notice The point of draw `j` of `item` on a line of length `total` (> 0).
    function point(bytes32 seed, uint256 item, uint256 j, uint256 total) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, item, j))) % total;
    }

    /// @notice Whether the interval [lo, lo + weight) holds draw `j` of `item`.
    function holds(bytes32 seed, uint256 item, uint256 j, uint256 total, uint256 lo, uint256 weight)
        internal
        pure
        returns (bool)
    {
        uint256 p = point(seed, item, j, total);
        return p >= lo && p < lo + weight;
    }

    /// @notice The draws among 0..k-1 of `item` that land in [lo, lo + weight), as a bit mask.
    function drawsOf(bytes32 seed, uint256 item, uint256 k, uint256 total, uint256 lo, uint256 weight)
        internal
        pure
        returns (uint256 mask)
    {
        for (uint256 j; j < k; ++j) {
            if (holds(seed, item, j, total, lo, weight)) mask |= 1 << j;
        }
    }

    /// @notice The number of draws in a bit mask.
    function count(uint256 mask) internal pure returns (uint256 n) {
        for (; mask != 0; mask &= mask - 1) ++n;
    }

    /// @notice The member whose interval holds point `p` (< the line's total).
    function ownerOf(Line storage line, uint256 p) internal view returns (uint256) {
        uint256 lo;
        uint256 hi = line.count - 1;
        // The last entry whose start is <= p.
        while (lo < hi) {
            uint256 mid = (lo + hi + 1) >> 1;
            if (line.entries[mid] >> 32 <= p) lo = mid;
            else hi = mid - 1;
        }
        return uint32(line.entries[lo]);
    }

    /// @notice The member at join index `i`.
    function memberAt(Line storage line, uint256 i) internal view returns (uint256) {
        return uint32(line.entries[i]);
    }
}
