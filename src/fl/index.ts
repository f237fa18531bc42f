/**
 * Federated aggregation: robust rules over ONNX updates, bit-for-bit deterministic (voters
 * compare the aggregate's CID). See aggregate.ts for the pipeline, strategies/ for the rules.
 */
export { aggregateModels, loadGlobal, type AggregateModelsOptions, type AggregateModelsResult, type ModelUpdate } from './aggregate.js';
export { readModel, writeAggregate, ModelFormatError, type FlModel, type FloatTensor } from './model.js';
export { readGlobal, validateUpdate, type GlobalModel, type Validation, type ValidateOptions } from './validate.js';
export { graphSignature } from './graph.js';
export { flatten, layoutOf, unflatten, type Layout } from './vector.js';
export * from './strategies/index.js';
