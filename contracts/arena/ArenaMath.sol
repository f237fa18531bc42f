// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title ArenaMath
/// @notice Fixed-point helpers of the Arena: a real power for task weights (stake^beta). All
/// internal and pure; every loop is bounded by a constant. (The weighted median of validators'
/// scores is {WeightedMedian}.)
library ArenaMath {
    /// @notice Thrown when 2^e would not fit (e >= 190).
    /// @param e The exponent (WAD).
    error ArenaMathExpOverflow(int256 e);

    uint256 internal constant WAD = 1e18;
    int256 private constant _IWAD = 1e18;
    /// @dev ln(2) in WAD, rounded down (0.693147180559945309417...).
    uint256 private constant _LN2 = 693147180559945309;

    /// @notice (x / 1e18)^beta * 1e18: x a WAD amount (e.g. stake in wei read as tokens), beta a
    /// WAD exponent in [0, 1e18]. Exact for beta = 0 (1e18), beta = 1e18 (x) and x = 0 (0);
    /// otherwise 2^(beta * log2(x)) with a relative error below 1e-15, plus 1 wei of final truncation.
    /// @dev The result fits easily: x < 2^128 gives (x / 1e18)^beta < 2^69, times 1e18.
    function powWad(uint256 x, uint256 beta) internal pure returns (uint256) {
        if (x == 0) return 0;
        if (beta == WAD) return x;
        if (beta == 0) return WAD;
        // |log2Wad(x)| < 256e18 and beta <= 1e18: the product fits int256.
        return exp2Wad((log2Wad(x) * int256(beta)) / _IWAD);
    }

    /// @notice log2(x / 1e18) as a signed WAD, for x > 0 (rounded toward minus infinity in the
    /// last of 60 fractional bits).
    /// @dev Normalises x to y = x / 2^n in [1, 2) (WAD), then reads the fractional bits of log2(y)
    /// one at a time by squaring (y^2 >= 2 sets the bit): 60 iterations, each exact to 1 wei.
    function log2Wad(uint256 x) internal pure returns (int256 r) {
        // floor(log2(x / 1e18)) is Math.log2(x) - 60 or - 59 (log2(1e18) = 59.79...).
        int256 n = int256(Math.log2(x)) - 60;
        uint256 y = n >= 0 ? x >> uint256(n) : x << uint256(-n);
        if (y >= 2 * WAD) {
            y >>= 1;
            ++n;
        }
        r = n * _IWAD;
        // y in [1e18, 2e18): y * y < 4e36, no overflow.
        for (uint256 bit = WAD / 2; bit > 0; bit >>= 1) {
            y = (y * y) / WAD;
            if (y >= 2 * WAD) {
                y >>= 1;
                r += int256(bit);
            }
        }
    }

    /// @notice 2^e for a signed WAD exponent, as a WAD. Reverts when the result would not fit
    /// (e >= 190); underflows to 0 below 2^-255.
    /// @dev 2^e = 2^m * e^(f * ln 2) with m = floor(e), f in [0, 1); the exponential is its Taylor
    /// series, whose terms (z < 0.7) vanish after about 20 steps.
    function exp2Wad(int256 e) internal pure returns (uint256) {
        int256 m = e / _IWAD;
        int256 f = e % _IWAD;
        if (f < 0) {
            f += _IWAD;
            --m;
        }
        uint256 z = (uint256(f) * _LN2) / WAD;
        uint256 term = WAD;
        uint256 sum = WAD;
        for (uint256 k = 1; term > 0; ++k) {
            term = (term * z) / (k * WAD);
            sum += term;
        }
        if (m >= 0) {
            if (m >= 190) revert ArenaMathExpOverflow(e);
            return sum << uint256(m);
        }
        return m <= -256 ? 0 : sum >> uint256(-m);
    }
}
