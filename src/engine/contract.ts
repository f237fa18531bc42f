/**
 * A model against a task's contract: one float32 input of the contract's shape with a batch axis,
 * a float32 output of the contract's shape, and, for classification, class probabilities. Every
 * violation says what to change in the model (a Reshape, a Cast, a Softmax, the number of
 * classes), since the model often comes from another toolchain (PyTorch, scikit-learn); see
 * docs/MODELS.md. Pure functions: evaluate.ts runs them on the model's declared signature and on
 * its actual outputs.
 */
import type { OnnxSummary, OnnxValueInfo } from './onnx/inspect.js';
import type { ModelContract } from './task.js';

/** Stable reason codes of an invalid model (they end up on chain; never rename one). */
export const INVALID_CODES = [
  'too-large',
  'hash-mismatch',
  'unparsable',
  'load-failed',
  'type-mismatch',
  'shape-mismatch',
  'too-many-params',
  'inference-failed',
  'non-finite-output',
  'not-probabilities',
] as const;
export type InvalidCode = (typeof INVALID_CODES)[number];

/** How far a row of class probabilities may sum from 1 (float32 softmax sums are within ~1e-6). */
export const PROBABILITY_TOLERANCE = 1e-3;

/** A model breaking the contract: evaluation turns it into `{ valid: false, code, reason }`. */
export class ContractViolation extends Error {
  constructor(
    readonly code: InvalidCode,
    detail: string,
  ) {
    super(detail);
  }
}

/** What the messages need of the task beyond the contract. */
export interface ContractTask {
  taskType: 'classification' | 'regression';
  numClasses: number;
  classNames?: readonly string[];
}

export interface Signature {
  input: string;
  output: string;
  /** The batch size the model fixes, if any (evaluation then pads its batches). */
  fixedBatch?: number;
}

type Dims = readonly (number | string | null)[];
const fmt = (s: Dims) => `[${s.map((d) => (d === null ? '?' : d)).join(', ')}]`;
const nfmt = (s: readonly number[]) => `[N, ${s.join(', ')}]`;
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const known = (s: Dims): s is readonly number[] => s.every((d) => typeof d === 'number');
const bad = (code: InvalidCode, detail: string) => new ContractViolation(code, detail);

/**
 * The output evaluation reads: the one named `output` (what flock's exporter writes), else the
 * first float32 one (scikit-learn's converters put an int64 `label` first, `probabilities`
 * second), else the first.
 */
export function pickOutput(outputs: readonly OnnxValueInfo[]): OnnxValueInfo | undefined {
  return outputs.find((o) => o.name === 'output') ?? outputs.find((o) => o.type === 'float32') ?? outputs[0];
}

/**
 * Checks a model's declared signature against the contract; throws ContractViolation saying what
 * to change. A dimension the model leaves symbolic passes (the actual output is checked later).
 *
 * @example
 * checkSignature(inspectOnnx(bytes), spec.contract, { taskType: 'classification', numClasses: 10 });
 */
export function checkSignature(summary: OnnxSummary, contract: ModelContract, task: ContractTask): Signature {
  const want = contract.inputShape;
  if (summary.inputs.length !== 1) {
    const names = summary.inputs.map((i) => i.name).join(', ');
    throw bad('shape-mismatch', summary.inputs.length === 0 ? `the model has no input; the task feeds one, float32 ${nfmt(want)}` : `the model has ${summary.inputs.length} inputs (${names}); the task feeds exactly one, float32 ${nfmt(want)}: make the others constants of the model, or remove them`);
  }
  const output = pickOutput(summary.outputs);
  if (!output) throw bad('shape-mismatch', `the model has no output; the task reads one, float32 ${nfmt(contract.outputShape)}`);
  const input = summary.inputs[0]!;
  if (input.type !== 'float32') {
    throw bad('type-mismatch', `input '${input.name}' is ${input.type}; the task feeds float32: export with a float32 input (PyTorch: model.float() and a float32 example; skl2onnx: FloatTensorType), or declare the input float32 and Cast it first in the model`);
  }
  if (output.type !== 'float32') {
    const all = summary.outputs.map((o) => `${o.name} (${o.type})`).join(', ');
    throw bad('type-mismatch', `the model's outputs are ${all}; the task reads a float32 output ${nfmt(contract.outputShape)} of ${task.taskType === 'classification' ? "class probabilities: export the probabilities (skl2onnx: options={'zipmap': False})" : 'predicted values: Cast it to float32 at the model’s output'}`);
  }
  let fixedBatch: number | undefined;
  const batchOf = (declared: Dims) => {
    const b = declared[0];
    if (typeof b !== 'number' || b <= 0) return;
    if (fixedBatch !== undefined && fixedBatch !== b) throw bad('shape-mismatch', `input and output batch sizes differ (${fixedBatch} vs ${b}): export with a dynamic first axis`);
    fixedBatch = b;
  };
  if (input.shape) {
    inputShapeProblem(input.name, input.shape, want);
    batchOf(input.shape);
  }
  if (output.shape) {
    const problem = outputShapeProblem(output.name, output.shape, contract.outputShape, task);
    if (problem) throw bad('shape-mismatch', problem);
    batchOf(output.shape);
  }
  return { input: input.name, output: output.name, ...(fixedBatch ? { fixedBatch } : {}) };
}

const fits = (declared: Dims, want: readonly number[]) => declared.length === want.length + 1 && declared.slice(1).every((d, i) => typeof d !== 'number' || d === want[i]);

function inputShapeProblem(name: string, declared: Dims, want: readonly number[]): void {
  if (fits(declared, want)) return;
  const axes = `dynamic_axes={'${name}': {0: 'N'}}`;
  if (declared.length === want.length && known(declared) && declared.every((d, i) => d === want[i])) {
    throw bad('shape-mismatch', `input '${name}' is ${fmt(declared)}, without a batch axis: the task feeds ${nfmt(want)}; export with a dynamic first axis (PyTorch: ${axes}; skl2onnx: initial_types [None, ${want.join(', ')}])`);
  }
  const inner = declared.slice(1);
  if (known(inner) && size(inner) === size(want)) {
    throw bad(
      'shape-mismatch',
      `input '${name}' is ${fmt(declared)} but the task feeds ${nfmt(want)} (the same ${size(want)} values per row, in row-major order): make the model take ${nfmt(want)} with a Reshape to ${fmt(['N', ...inner])} first in it (PyTorch: x = x.reshape(x.shape[0], ${inner.join(', ')}) at the top of forward(), exported with an example input of shape [1, ${want.join(', ')}])`,
    );
  }
  const per = known(inner) ? ` (${size(inner)} values per row)` : '';
  throw bad('shape-mismatch', `input '${name}' is ${fmt(declared)}${per} but the task's rows have ${size(want)} values, fed as ${nfmt(want)}: train the model on this task's features, in their order`);
}

/** A message when `dims` (declared, or actual with `rows` for N) is not the contract's output, else undefined. */
export function outputShapeProblem(name: string, dims: Dims, want: readonly number[], task: ContractTask, rows?: number): string | undefined {
  const batchOk = rows === undefined || dims[0] === rows;
  if (batchOk && dims.length === want.length + 1 && dims.slice(1).every((d, i) => (rows === undefined && typeof d !== 'number') || d === want[i])) return undefined;
  const shown = rows === undefined ? fmt(dims) : `${fmt(dims)} for ${rows} rows`;
  const target = rows === undefined ? nfmt(want) : `[${rows}, ${want.join(', ')}]`;
  if (rows === undefined && known(dims) && dims.length === want.length && dims.every((d, i) => d === want[i])) {
    return `output '${name}' is ${shown}, without a batch axis: the task reads ${target}; export with a dynamic first axis (PyTorch: dynamic_axes={'${name}': {0: 'N'}})`;
  }
  // Values per row: what follows the batch axis ([N] alone is one value per row).
  const inner = dims.slice(1);
  const width = known(inner) ? size(inner) : undefined;
  const wantWidth = size(want);
  if (width !== undefined && width !== wantWidth) {
    const per = `${width} value${width === 1 ? '' : 's'} per row`;
    const names = task.classNames ? ` (${task.classNames.slice(0, 10).join(', ')}${task.classNames.length > 10 ? ', ...' : ''})` : '';
    return task.taskType === 'classification'
      ? `output '${name}' is ${shown} (${per}) but the task has ${task.numClasses} classes${names}: the output must be ${nfmt(want)}, one probability per class in that order`
      : `output '${name}' is ${shown} (${per}) but the task predicts one value per row: the output must be ${nfmt(want)}`;
  }
  if (width === wantWidth && batchOk) {
    return `output '${name}' is ${shown} but the task reads ${target}: add a Reshape to ${nfmt(want)} at the model's output (PyTorch: return y.reshape(-1, ${want.join(', ')}))`;
  }
  return `output '${name}' is ${shown} but the task reads ${target}`;
}

/**
 * Class probabilities: each row of `width` values non-negative and summing to 1 within
 * PROBABILITY_TOLERANCE; a single (binary) output in [0, 1]. Throws 'not-probabilities' naming
 * the first row that is not (1-based, counting `firstRow` rows before this batch).
 */
export function checkProbabilities(values: ArrayLike<number>, rows: number, width: number, firstRow: number): void {
  const show = (x: number) => Number(x.toPrecision(4));
  for (let r = 0; r < rows; r++) {
    if (width === 1) {
      const p = values[r]!;
      if (p < 0 || p > 1) throw bad('not-probabilities', `output row ${firstRow + r + 1} is ${show(p)}: the task reads the probability of class 1 (in [0, 1]); add a Sigmoid at the model's output`);
      continue;
    }
    let sum = 0;
    let negative = false;
    for (let c = 0; c < width; c++) {
      const v = values[r * width + c]!;
      sum += v;
      if (v < 0) negative = true;
    }
    if (negative || Math.abs(sum - 1) > PROBABILITY_TOLERANCE) {
      const row = Array.from({ length: Math.min(width, 10) }, (_, c) => show(values[r * width + c]!)).join(', ');
      throw bad('not-probabilities', `output row ${firstRow + r + 1} is [${row}${width > 10 ? ', ...' : ''}] (sum ${show(sum)}): the task reads class probabilities (non-negative, each row summing to 1 within ${PROBABILITY_TOLERANCE}); add a Softmax at the model's output`);
    }
  }
}
