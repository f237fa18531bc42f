/** Lock staking's actions and views (GmFlock), each `(client, params)`: what client.ts binds as `client.staking`. */
export { getPositions } from './getPositions.js';
export { redeem } from './redeem.js';
export { stake } from './stake.js';
