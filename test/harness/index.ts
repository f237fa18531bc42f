/**
 * The shared harness of the e2e tests (test/e2e/) and the benchmarks (bench/): the built CLI in a
 * temp FLOCK_HOME (./cli.ts), free ports and JSON-RPC (./net.ts). Nothing from src/, nothing
 * test-runner specific, so bench/arena.tsconfig.json compiles it into dist/bench/ as is.
 */
export * from './cli.js';
export * from './net.js';
