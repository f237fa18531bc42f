/** Emission (contracts/emission/Emission.sol): the daily schedule, released to the gauges. */
export * from './actions.js';
export type { AdvanceEmissionReturnType } from './advanceEmission.js';
export type { GetEmissionReturnType } from './getEmission.js';
