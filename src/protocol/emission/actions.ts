/** Emission's actions and views, each `(client, params)`: what client.ts binds as `client.emission`. */
export { advanceEmission } from './advanceEmission.js';
export { getEmission } from './getEmission.js';
