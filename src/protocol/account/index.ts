/** One account across the protocol: balances, votes, positions, pool and delegations. */
export * from './actions.js';
export type { GetAccountStatusParameters, GetAccountStatusReturnType } from './getAccountStatus.js';
