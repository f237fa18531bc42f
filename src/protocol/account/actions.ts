/** Account views across the protocol, each `(client, params)`: what client.ts binds as `client.account`. */
export { getAccountStatus } from './getAccountStatus.js';
