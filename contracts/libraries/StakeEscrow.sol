// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IDelegationPools} from "../interfaces/IDelegationPools.sol";
import {IGmFlock} from "../interfaces/IGmFlock.sol";

/// @title StakeEscrow
/// @notice Stake held for a role in a task, and its slashing: the participant's own gmFLOCK held by
/// the calling contract, plus its delegation pool's stake counted at registration, which the pool
/// keeps slashable (see {IDelegationPools}). Shared by the Arena and the Alliance. Internal; the
/// caller needs SLASHER_ROLE on the pools and must hold the own stake it burns.
library StakeEscrow {
    uint256 private constant _WAD = 1e18;

    /// @notice Counts `operator`'s pool for a registration: its active stake and sigma now, and
    /// freezes the pool until `until` (its sigma cannot change, and stake undelegated from now on
    /// stays slashable until then). (0, 0) without a pool.
    function lockPool(IDelegationPools pools, address operator, uint256 until)
        internal
        returns (uint256 stake, uint256 sigma)
    {
        IDelegationPools.PoolInfo memory info = pools.pool(operator);
        if (!info.exists) return (0, 0);
        pools.freeze(operator, until);
        return (info.totalStake, info.sigma);
    }

    /// @notice What slashing `fraction` (WAD) takes: of `own`, and of `pool` (the pool's stake
    /// counted at registration) capped by what `account`'s pool still holds, active or unbonding.
    function slashAmounts(IDelegationPools pools, address account, uint256 own, uint256 pool, uint256 fraction)
        internal
        view
        returns (uint256 ownAmount, uint256 poolAmount)
    {
        ownAmount = Math.mulDiv(own, fraction, _WAD);
        poolAmount = Math.mulDiv(pool, fraction, _WAD);
        if (poolAmount > 0) {
            IDelegationPools.PoolInfo memory info = pools.pool(account);
            uint256 available = info.totalStake + info.unbondingStake;
            if (poolAmount > available) poolAmount = available;
        }
    }

    /// @notice Burns `ownAmount` of the caller's gmFLOCK and `poolAmount` of `account`'s pool
    /// (amounts from {slashAmounts}; emit the caller's event first).
    function burn(IGmFlock gm, IDelegationPools pools, address account, uint256 ownAmount, uint256 poolAmount)
        internal
    {
        if (ownAmount > 0) gm.burn(ownAmount);
        if (poolAmount > 0) pools.slash(account, poolAmount, address(0));
    }
}
