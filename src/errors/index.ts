/**
 * The ground floor: every layer may import this folder, and it imports nothing of flock's.
 * Exit codes (exit-codes.ts), the catalogue of error codes (codes.ts), the error classes
 * (base.ts); domain factories live beside them (storage.ts, engine.ts, ...).
 */
export * from './base.js';
export * from './codes.js';
export * from './exit-codes.js';
export * from './suggest.js';
