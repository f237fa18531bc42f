/**
 * The model market, caller and host side: EIP-712 payment vouchers (voucher.ts: sign, recover,
 * the `Flock-Voucher` header) and their fast server-side check (verify.ts). The contract's
 * actions and views come with ModelMarket's bindings.
 */
export * from './voucher.js';
export * from './verify.js';
