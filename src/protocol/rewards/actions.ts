/** Rewards across pools, commission and Arena tasks, each `(client, params)`: what client.ts binds as `client.rewards`. */
export { claimRewards } from './claimRewards.js';
export { getPendingRewards } from './getPendingRewards.js';
