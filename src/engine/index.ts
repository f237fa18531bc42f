/**
 * The training and validation engine: tfjs training with the best backend present, ONNX export,
 * and scoring of any ONNX model with onnxruntime-node. Knows nothing of the chain or storage:
 * callers hand it files and bytes.
 */
export { EngineError, type EngineErrorCode } from './errors.js';

export {
  BACKENDS,
  activeBackend,
  describeBackends,
  initBackend,
  type BackendChoice,
  type BackendInfo,
  type BackendName,
  type BackendReport,
  type BackendStatus,
  type InitBackendOptions,
} from './backend.js';

export { TabularDataset, type Batch, type BatchOptions, type DatasetOptions, type DatasetStats } from './data/dataset.js';
export { dataSchemaSchema, parseDataSchema, resolveSchema, type DataSchema, type Normalisation, type ResolvedSchema } from './data/schema.js';
export { checkDataFile, DEFAULT_MIN_ROWS, MAX_ABS_VALUE, type DataCheckOptions, type DataCheckResult } from './data/check.js';
export { isValidationRow, quantileStrata, rowHash, stratifiedSplit, type SplitSpec, type Subset } from './data/split.js';
export { MAX_INFERRED_CLASSES, profileTable, type ProfileOptions, type TableProfile } from './data/profile.js';
export { openTable, type RowPosition, type TableFormat, type TableReader } from './data/table.js';

export {
  ACTIVATIONS,
  buildModel,
  modelConfigSchema,
  parseModelConfig,
  type Activation,
  type ModelConfig,
  type ModelConfigInput,
  type ModelSpec,
} from './models/index.js';
export {
  initialModel,
  parseTrainerConfig,
  train,
  trainerConfigSchema,
  type BatchReport,
  type EpochReport,
  type TrainOptions,
  type TrainResult,
  type TrainerConfig,
  type TrainerConfigInput,
} from './train.js';

export { exportOnnx, ONNX_IR_VERSION, ONNX_OPSET, type ExportOptions } from './onnx/export.js';
export { loadInitializers, trainableInitializers, type LoadInitializersResult } from './warm-start.js';
export { inspectOnnx, type OnnxSummary, type OnnxValueInfo } from './onnx/inspect.js';
export {
  InferenceError,
  OnnxPool,
  PoolBusyError,
  PoolClosedError,
  PoolTimeoutError,
  type OnnxPoolOptions,
  type PoolStats,
  type PoolTensor,
  type PoolTensorType,
  type RunOptions,
  type TensorInfo,
} from './onnx/pool.js';

export {
  checkProbabilities,
  checkSignature,
  ContractViolation,
  outputShapeProblem,
  pickOutput,
  PROBABILITY_TOLERANCE,
  type ContractTask,
  type Signature,
} from './contract.js';
export {
  evaluateModel,
  INVALID_CODES,
  loadEvaluationData,
  type EvaluateOptions,
  type EvaluationData,
  type EvaluationResult,
  type InvalidCode,
  type InvalidEvaluation,
  type ValidEvaluation,
} from './evaluate.js';
export {
  computeMetrics,
  isBetter,
  isMetricName,
  LOG_LOSS_EPS,
  METRICS,
  metricDirection,
  type MetricDirection,
  type MetricName,
  type Metrics,
} from './metrics.js';

export {
  checkTaskData,
  loadTaskSpec,
  modelContractSchema,
  parseTaskSpec,
  taskSpecSchema,
  type LoadedTask,
  type ModelContract,
  type TaskDataCheck,
  type TaskSpec,
} from './task.js';
