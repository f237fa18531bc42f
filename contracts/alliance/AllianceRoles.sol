// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title AllianceRoles
/// @notice The roles of an Alliance round as a pure function of (word, stakes, k): k proposers are
/// drawn by stake without replacement, everyone else votes. Anyone can recompute them off chain;
/// src/protocol/alliance/roles.ts is the TypeScript twin, and test/contracts/fixtures/alliance-roles.json
/// (written from it) pins both to the same answers.
/// @dev Draw i (0-based) takes r = uint256(keccak256(abi.encode(word, i))) % remaining, where
/// `remaining` is the stake not yet drawn, then walks the participants in their fixed order,
/// skipping those already drawn (and zero stakes, which cover no point), subtracting each stake
/// from r until r falls inside one: that participant is drawn. Bounded: at most MAX_PARTICIPANTS
/// participants (the drawn set is one 256-bit mask) and MAX_PROPOSERS draws, so at most
/// MAX_PROPOSERS * MAX_PARTICIPANTS loop steps (gas in docs/GAS.md). The stakes' sum must fit in
/// uint256 (checked; real stakes are bounded by the token's supply).
library AllianceRoles {
    /// @notice The most participants a round may have.
    uint256 internal constant MAX_PARTICIPANTS = 256;

    /// @notice The most proposers a round may draw.
    uint256 internal constant MAX_PROPOSERS = 64;

    /// @notice Thrown when a round has more than MAX_PARTICIPANTS participants.
    /// @param participants The number given.
    /// @param max The most allowed.
    error AllianceRolesTooManyParticipants(uint256 participants, uint256 max);

    /// @notice Thrown when more proposers are asked for than MAX_PROPOSERS or than participants with stake.
    /// @param k The number of proposers asked for.
    /// @param max The most that can be drawn (min of MAX_PROPOSERS and the positive stakes).
    error AllianceRolesTooManyProposers(uint256 k, uint256 max);

    /// @notice The proposers' indexes into `stakes`, in draw order.
    /// @param word The round's random word.
    /// @param stakes Each participant's stake, in the round's fixed participant order.
    /// @param k The number of proposers to draw.
    /// @return indexes k distinct indexes of participants with positive stake.
    function proposers(uint256 word, uint256[] memory stakes, uint256 k) internal pure returns (uint256[] memory indexes) {
        (indexes,) = draw(word, stakes, k);
    }

    /// @notice Whether participant `index` is a proposer of the round whose proposer mask is `mask`.
    /// @param mask The proposers as a bit mask (bit i set: participant i proposes), from {draw}.
    /// @param index The participant's index.
    /// @return Whether it proposes (else it votes).
    function isProposer(uint256 mask, uint256 index) internal pure returns (bool) {
        return index < MAX_PARTICIPANTS && (mask >> index) & 1 == 1;
    }

    /// @notice Draws the proposers; see the library's @dev for the algorithm.
    /// @param word The round's random word.
    /// @param stakes Each participant's stake, in the round's fixed participant order.
    /// @param k The number of proposers to draw.
    /// @return indexes The proposers' indexes, in draw order.
    /// @return mask The same proposers as a bit mask (bit i set: participant i proposes).
    function draw(uint256 word, uint256[] memory stakes, uint256 k)
        internal
        pure
        returns (uint256[] memory indexes, uint256 mask)
    {
        uint256 n = stakes.length;
        if (n > MAX_PARTICIPANTS) revert AllianceRolesTooManyParticipants(n, MAX_PARTICIPANTS);
        uint256 remaining;
        uint256 positive;
        for (uint256 j; j < n; ++j) {
            uint256 s = stakes[j];
            if (s != 0) {
                remaining += s; // checked: the sum must fit in uint256
                ++positive;
            }
        }
        uint256 max = positive < MAX_PROPOSERS ? positive : MAX_PROPOSERS;
        if (k > max) revert AllianceRolesTooManyProposers(k, max);

        indexes = new uint256[](k);
        for (uint256 i; i < k; ++i) {
            // remaining > 0: k <= positive, and each draw removes one positive stake.
            uint256 r = uint256(keccak256(abi.encode(word, i))) % remaining;
            uint256 j;
            for (;; ++j) {
                // Terminates before j = n: r < remaining = the sum of the stakes not yet drawn.
                if ((mask >> j) & 1 == 1) continue;
                uint256 s = stakes[j];
                if (r < s) break;
                unchecked {
                    r -= s; // r >= s
                }
            }
            indexes[i] = j;
            mask |= 1 << j;
            unchecked {
                remaining -= stakes[j]; // stakes[j] is part of remaining
            }
        }
    }
}
