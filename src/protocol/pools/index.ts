/** Delegation pools (contracts/pools/DelegationPools.sol): operators' pools, delegations, unbonding. */
export * from './actions.js';
export { operatorAddress, parseSigma } from './sigma.js';
export { TASK_REWARD_BATCH } from './claimTaskRewards.js';
export type { ClaimTaskRewardsParameters, ClaimTaskRewardsReturnType } from './claimTaskRewards.js';
export type { CreatePoolParameters, CreatePoolReturnType } from './createPool.js';
export type { DelegateParameters, DelegateReturnType } from './delegate.js';
export type { GetDelegatedOperatorsParameters, GetDelegatedOperatorsReturnType } from './getDelegatedOperators.js';
export type { DelegationView, GetDelegationsParameters, GetDelegationsReturnType } from './getDelegations.js';
export type { GetPendingTaskRewardsParameters, GetPendingTaskRewardsReturnType } from './getPendingTaskRewards.js';
export type { GetPoolParameters, GetPoolReturnType } from './getPool.js';
export type { SetSigmaParameters, SetSigmaReturnType } from './setSigma.js';
export type { UndelegateParameters, UndelegateReturnType } from './undelegate.js';
export type { WithdrawParameters, WithdrawReturnType } from './withdraw.js';
