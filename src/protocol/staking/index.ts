/** Lock staking (contracts/staking/GmFlock.sol): lock FLOCK into gmFLOCK, list and redeem positions. */
export * from './actions.js';
export type { GetPositionsParameters, GetPositionsReturnType, PositionView } from './getPositions.js';
export type { RedeemedPosition, RedeemParameters, RedeemReturnType } from './redeem.js';
export type { StakeParameters, StakeReturnType } from './stake.js';
