/**
 * The shared harness of the e2e tests (test/e2e/, test/chaos/) and the benchmarks (bench/): the
 * built CLI in a temp FLOCK_HOME (./cli.ts), long-running CLI processes and systemd-like
 * supervision (./daemon.ts), free ports and JSON-RPC (./net.ts), the store from outside
 * (./store.ts), seeded draws (./random.ts). Nothing from src/, nothing test-runner specific, so
 * bench/arena.tsconfig.json compiles it into dist/bench/ as is.
 */
export * from './cli.js';
export * from './daemon.js';
export * from './net.js';
export * from './random.js';
export * from './reject.js';
export * from './store.js';
