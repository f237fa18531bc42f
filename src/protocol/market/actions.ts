/** The model market's actions and views, each `(client, params)`: what client.ts binds as `client.market`. */
export { findModel, getChannel, getContribution, getContributors, getModel, getModelCount, getOffer, getOffers } from './views.js';
export { registerModel, type RegisterModelParameters } from './register.js';
export { callModel, type CallModelParameters, type CallModelResult } from './call.js';
export { claimRevenue, closeChannel, offerModel, openChannel, redeemVoucher, registerAllianceModel, registerArenaModel, retireOffer, startCloseChannel, topUpChannel, withdrawHostStake } from './writes.js';
