/**
 * `flock serve`: a model of the market served over the Open Inference Protocol v2, each call paid
 * by a voucher (server.ts), the vouchers kept durably until redeemed (ledger.ts), the chain seen
 * through a ChannelSource (channels.ts), tensors checked and encoded (tensors.ts).
 */
export * from './channels.js';
export * from './ledger.js';
export * from './server.js';
export * from './tensors.js';
