/**
 * The daemon kernel: what every daemon (trainer, validator, the Alliance node next) is built
 * from. A chain-independent runtime (signals, sleep, retry, exclusive, crash points, typed
 * events), a state store with one lock per home, task and account, a declarative phase machine and a
 * watcher for any kind of task. A daemon is a list of steps over these.
 */
export * from './events.js';
export * from './machine.js';
export * from './retry.js';
export * from './runtime.js';
export * from './state.js';
export * from './watch.js';
