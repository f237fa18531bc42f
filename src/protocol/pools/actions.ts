/** Delegation pools' actions and views, each `(client, params)`: what client.ts binds as `client.pools`. */
export { claimTaskRewards } from './claimTaskRewards.js';
export { createPool } from './createPool.js';
export { delegate } from './delegate.js';
export { getDelegatedOperators } from './getDelegatedOperators.js';
export { getDelegations } from './getDelegations.js';
export { getPendingTaskRewards } from './getPendingTaskRewards.js';
export { getPool } from './getPool.js';
export { setSigma } from './setSigma.js';
export { undelegate } from './undelegate.js';
export { withdraw } from './withdraw.js';
