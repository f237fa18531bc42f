/**
 * The model contract check's messages say what to change (issue #10, finding 12): a foreign
 * model (scikit-learn, input [N, 64], logits out) got "input shape [batch, 64] does not match
 * [N, 8, 8, 1]" and no word of the fix. One test per message; and outputs that must be class
 * probabilities are checked to be (non-negative rows summing to 1).
 */
import { describe, expect, it } from 'vitest';
import { checkProbabilities, checkSignature, ContractViolation, PROBABILITY_TOLERANCE, type ContractTask } from '../../../src/engine/contract.js';
import type { OnnxSummary, OnnxValueInfo } from '../../../src/engine/onnx/inspect.js';

const digits = { inputShape: [8, 8, 1], outputShape: [10], maxParams: 1e6, maxBytes: 1e7 };
const digitsTask: ContractTask = { taskType: 'classification', numClasses: 10 };
const iris = { inputShape: [4], outputShape: [3], maxParams: 1e6, maxBytes: 1e7 };
const irisTask: ContractTask = { taskType: 'classification', numClasses: 3, classNames: ['setosa', 'versicolor', 'virginica'] };
const diabetes = { inputShape: [10], outputShape: [1], maxParams: 1e6, maxBytes: 1e7 };
const diabetesTask: ContractTask = { taskType: 'regression', numClasses: 0 };

const v = (name: string, shape: OnnxValueInfo['shape'], type = 'float32'): OnnxValueInfo => ({ name, type, ...(shape ? { shape } : {}) });
const summary = (inputs: OnnxValueInfo[], outputs: OnnxValueInfo[]): OnnxSummary => ({ irVersion: 8, opsets: [], producer: 'test', inputs, outputs, parameterCount: 0, ops: {}, externalData: false });

function violation(f: () => unknown, code: string): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ContractViolation);
    expect((e as ContractViolation).code).toBe(code);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('no violation');
}

describe('checkSignature', () => {
  it('accepts the contract’s shapes, with a symbolic or a fixed batch', () => {
    expect(checkSignature(summary([v('input', ['N', 8, 8, 1])], [v('output', ['N', 10])]), digits, digitsTask)).toEqual({ input: 'input', output: 'output' });
    expect(checkSignature(summary([v('x', [4, 4])], [v('y', [4, 3])]), iris, irisTask)).toEqual({ input: 'x', output: 'y', fixedBatch: 4 });
  });

  it('same values per row, another shape: make the model take the task’s shape with a Reshape first in it', () => {
    const m = violation(() => checkSignature(summary([v('float_input', ['batch', 64])], [v('probabilities', ['batch', 10])]), digits, digitsTask), 'shape-mismatch');
    expect(m).toBe(
      "input 'float_input' is [batch, 64] but the task feeds [N, 8, 8, 1] (the same 64 values per row, in row-major order): make the model take [N, 8, 8, 1] with a Reshape to [N, 64] first in it (PyTorch: x = x.reshape(x.shape[0], 64) at the top of forward(), exported with an example input of shape [1, 8, 8, 1])",
    );
  });

  it('another number of values per row: the model was made for other data', () => {
    const m = violation(() => checkSignature(summary([v('x', ['N', 30])], [v('y', ['N', 3])]), iris, irisTask), 'shape-mismatch');
    expect(m).toBe("input 'x' is [N, 30] (30 values per row) but the task's rows have 4 values, fed as [N, 4]: train the model on this task's features, in their order");
  });

  it('no batch axis: export with a dynamic first axis', () => {
    const m = violation(() => checkSignature(summary([v('x', [4])], [v('y', [3])]), iris, irisTask), 'shape-mismatch');
    expect(m).toBe("input 'x' is [4], without a batch axis: the task feeds [N, 4]; export with a dynamic first axis (PyTorch: dynamic_axes={'x': {0: 'N'}}; skl2onnx: initial_types [None, 4])");
  });

  it('a float64 or int input: cast', () => {
    const m = violation(() => checkSignature(summary([v('x', ['N', 4], 'float64')], [v('y', ['N', 3])]), iris, irisTask), 'type-mismatch');
    expect(m).toBe("input 'x' is float64; the task feeds float32: export with a float32 input (PyTorch: model.float() and a float32 example; skl2onnx: FloatTensorType), or declare the input float32 and Cast it first in the model");
  });

  it('several inputs', () => {
    const m = violation(() => checkSignature(summary([v('a', ['N', 4]), v('b', ['N', 4])], [v('y', ['N', 3])]), iris, irisTask), 'shape-mismatch');
    expect(m).toBe('the model has 2 inputs (a, b); the task feeds exactly one, float32 [N, 4]: make the others constants of the model, or remove them');
  });

  it('wrong output width: say the number of classes and their order', () => {
    const m = violation(() => checkSignature(summary([v('x', ['N', 4])], [v('y', ['N', 2])]), iris, irisTask), 'shape-mismatch');
    expect(m).toBe("output 'y' is [N, 2] (2 values per row) but the task has 3 classes (setosa, versicolor, virginica): the output must be [N, 3], one probability per class in that order");
    const r = violation(() => checkSignature(summary([v('x', ['N', 10])], [v('y', ['N', 3])]), diabetes, diabetesTask), 'shape-mismatch');
    expect(r).toBe("output 'y' is [N, 3] (3 values per row) but the task predicts one value per row: the output must be [N, 1]");
  });

  it('right width, another shape: add a Reshape at the output', () => {
    const m = violation(() => checkSignature(summary([v('x', ['N', 10])], [v('y', ['N'])]), diabetes, diabetesTask), 'shape-mismatch');
    expect(m).toBe("output 'y' is [N] but the task reads [N, 1]: add a Reshape to [N, 1] at the model's output (PyTorch: return y.reshape(-1, 1))");
  });

  it('picks the output named "output", else the first float32 one (skl2onnx: label int64, then probabilities)', () => {
    const skl = summary([v('float_input', [null, 4])], [v('label', [null], 'int64'), v('probabilities', [null, 3])]);
    expect(checkSignature(skl, iris, irisTask)).toEqual({ input: 'float_input', output: 'probabilities' });
    const named = summary([v('x', ['N', 4])], [v('probs', ['N', 3]), v('output', ['N', 3])]);
    expect(checkSignature(named, iris, irisTask).output).toBe('output');
    const m = violation(() => checkSignature(summary([v('x', ['N', 4])], [v('label', ['N'], 'int64')]), iris, irisTask), 'type-mismatch');
    expect(m).toBe("the model's outputs are label (int64); the task reads a float32 output [N, 3] of class probabilities: export the probabilities (skl2onnx: options={'zipmap': False})");
  });
});

describe('checkProbabilities', () => {
  it('accepts rows of probabilities within the tolerance', () => {
    expect(PROBABILITY_TOLERANCE).toBe(1e-3);
    expect(() => checkProbabilities(Float32Array.from([0.2, 0.3, 0.5, 1, 0, 0.0005]), 2, 3, 0)).not.toThrow();
    expect(() => checkProbabilities(Float32Array.from([0, 0.25, 1]), 3, 1, 0)).not.toThrow();
  });

  it('raw logits: rows that do not sum to 1, or negative values, are not probabilities: add a Softmax', () => {
    const m = violation(() => checkProbabilities(Float32Array.from([0.2, 0.3, 0.5, 2.31, -0.87, 0.12]), 2, 3, 10), 'not-probabilities');
    expect(m).toBe('output row 12 is [2.31, -0.87, 0.12] (sum 1.56): the task reads class probabilities (non-negative, each row summing to 1 within 0.001); add a Softmax at the model\'s output');
    const s = violation(() => checkProbabilities(Float32Array.from([0.6, 0.6, 0]), 1, 3, 0), 'not-probabilities');
    expect(s).toMatch(/^output row 1 is \[0.6, 0.6, 0\] \(sum 1.2\)/);
  });

  it('a single binary output must lie in [0, 1]: add a Sigmoid', () => {
    const m = violation(() => checkProbabilities(Float32Array.from([0.5, 1.7]), 2, 1, 0), 'not-probabilities');
    expect(m).toBe("output row 2 is 1.7: the task reads the probability of class 1 (in [0, 1]); add a Sigmoid at the model's output");
  });
});
