/** Rewards: everything an account can claim (pool rewards, operator commission, Arena tasks), and the claim. */
export * from './actions.js';
export type { ClaimRewardsReturnType } from './claimRewards.js';
export type { GetPendingRewardsParameters, GetPendingRewardsReturnType, TaskClaimable } from './getPendingRewards.js';
