// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title WeightedMedian
/// @notice The stake-weighted median of a few values (a consensus over at most a sample's worth of
/// votes), with both bounds so that a caller can tell an exact 50/50 split from a majority. Shared
/// by the Arena's scoring consensus and the Alliance's vote tallies. Internal and pure; O(n^2)
/// comparisons in memory, meant for n up to a few dozen.
library WeightedMedian {
    /// @notice Thrown when a median is asked of values whose weights are all zero (or of no value).
    error WeightedMedianNoWeight();

    /// @notice The lower and upper stake-weighted medians of the first `n` values. `lower` is the
    /// smallest v such that the weight of values <= v is at least half of the total; `upper` the
    /// largest v such that the weight of values >= v is at least half. They differ exactly when
    /// the weight splits in half between the values up to `lower` and those from `upper` on (a
    /// tie: no value holds a strict majority on both sides); otherwise they are the one median.
    /// Reverts if n == 0 or the total weight is 0.
    /// @dev Insertion sort of copies: the inputs are left untouched.
    function bounds(int256[] memory values, uint256[] memory weights, uint256 n)
        internal
        pure
        returns (int256 lower, int256 upper)
    {
        int256[] memory v = new int256[](n);
        uint256[] memory w = new uint256[](n);
        uint256 total;
        for (uint256 i; i < n; ++i) {
            int256 value = values[i];
            uint256 weight = weights[i];
            total += weight;
            uint256 j = i;
            while (j > 0 && v[j - 1] > value) {
                v[j] = v[j - 1];
                w[j] = w[j - 1];
                --j;
            }
            v[j] = value;
            w[j] = weight;
        }
        if (total == 0) revert WeightedMedianNoWeight();
        uint256 cumulative;
        for (uint256 i; i < n; ++i) {
            cumulative += w[i];
            // cumulative >= total / 2, without rounding: 2 * cumulative >= total.
            if (2 * cumulative >= total) {
                lower = v[i];
                upper = lower;
                if (2 * cumulative == total) {
                    // Exactly half lies at or below `lower`: the upper median is the next value
                    // with weight (the other half is not empty).
                    for (uint256 j = i + 1; j < n; ++j) {
                        if (w[j] > 0) return (lower, v[j]);
                    }
                }
                return (lower, upper);
            }
        }
    }

}
