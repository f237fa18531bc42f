/**
 * Federated simulation: a seeded split of a task's data across clients, rounds of local training
 * from the global model, robust aggregation, optional poisoning and DP, and the global model's
 * score on the hidden split per round. Kept apart from ../index.ts: it loads the training engine
 * (tfjs), which aggregation alone never needs.
 */
export { simulate, type RoundReport, type SimulationOptions, type SimulationResult } from './run.js';
export { classCounts, splitRows, SPLITS, type SplitKind, type SplitOptions } from './split.js';
export { ATTACKS, poison, type AttackKind } from './attack.js';
