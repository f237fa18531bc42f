// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title RewardStream
/// @notice The emission stream of Synthetix StakingRewards, shared by the contracts that stream
/// pulled emission to a weighted set ({DelegationPools} to pooled stake, the Arena to task
/// weights, the coming Alliance): what is pulled streams at a constant rate over a fixed duration,
/// and an accumulator of reward per unit of weight grows by rate * dt / total weight.
/// @dev A library of internal functions over a storage struct (the pattern of {ProposalBonds},
/// inlined rather than linked: the functions are small and hot). The caller owns the weight and
/// the pull; the stream only keeps time and the accumulator.
///
/// Zero weight: while the total weight is zero the stream pauses rather than being lost: its end
/// moves later by the time that passed, so the unstreamed rest keeps its rate and resumes when
/// weight returns, and the next {notify} folds it into the new stream as leftover.
///
/// The clock never goes back: {accrue} to a time at or before the last update does nothing, so a
/// chain whose clock goes back (a devnet restarted from a state dump) streams nothing until it
/// catches up.
///
/// Precision: the rate and the accumulator are scaled by {PRECISION} = 1e36 (see
/// {DelegationPools} for the bounds that make it safe); every product goes through Math.mulDiv.
library RewardStream {
    /// @dev Scale of the rate and the accumulator.
    uint256 internal constant PRECISION = 1e36;

    /// @dev A stream. All four fields are settled together by {accrue}.
    struct Stream {
        /// @dev Reward wei per second, scaled by PRECISION.
        uint256 rate;
        /// @dev When the stream ends (moves later while the weight is zero).
        uint256 periodFinish;
        /// @dev The time the accumulator was last brought up to.
        uint256 lastUpdate;
        /// @dev Reward per unit of weight, scaled by PRECISION.
        uint256 acc;
    }

    /// @dev Streams from the last update to `to` at `totalWeight`; with no weight the stream pauses
    /// (its end moves later) rather than being lost. Does nothing when `to` is not after the last
    /// update.
    function accrue(Stream storage s, uint256 to, uint256 totalWeight) internal {
        uint256 last = s.lastUpdate;
        if (to <= last) return;
        uint256 finish = s.periodFinish;
        if (last < finish) {
            if (totalWeight == 0) {
                s.periodFinish = finish + (to - last);
            } else {
                uint256 end = to < finish ? to : finish;
                s.acc += Math.mulDiv(s.rate, end - last, totalWeight);
            }
        }
        s.lastUpdate = to;
    }

    /// @dev Restarts the stream at `now_` (the time {accrue} just brought it to) with `pulled` plus
    /// the unstreamed leftover, over `duration`. Returns the new rate in reward wei per second
    /// (rounded down, as events report it) and the new end.
    function notify(Stream storage s, uint256 pulled, uint256 now_, uint256 duration)
        internal
        returns (uint256 ratePerSecond, uint256 newFinish)
    {
        uint256 finish = s.periodFinish;
        uint256 leftover = finish > now_ ? Math.mulDiv(finish - now_, s.rate, PRECISION) : 0;
        uint256 total = pulled + leftover;
        newFinish = now_ + duration;
        s.rate = Math.mulDiv(total, PRECISION, duration);
        s.periodFinish = newFinish;
        ratePerSecond = total / duration;
    }

    /// @dev The accumulator as {accrue}(`to`, `totalWeight`) would leave it.
    function accAt(Stream storage s, uint256 to, uint256 totalWeight) internal view returns (uint256) {
        uint256 last = s.lastUpdate;
        uint256 finish = s.periodFinish;
        if (last >= finish || totalWeight == 0 || to <= last) return s.acc;
        uint256 end = to < finish ? to : finish;
        return s.acc + Math.mulDiv(s.rate, end - last, totalWeight);
    }
}
