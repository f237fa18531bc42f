/**
 * Validation with onnxruntime-node: third-party models are accepted and scored; every kind of bad
 * model yields its stable reason code and never an exception.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EngineError,
  evaluateModel,
  exportOnnx,
  initBackend,
  inspectOnnx,
  train,
  type EvaluationData,
  type InvalidEvaluation,
  type ModelContract,
} from '../../../src/engine/index.js';
import { AttributeType, DataType } from '../../../src/engine/onnx/proto.js';
import { floatTensor, gemmSoftmax, model, nearestMeanDigits, node, valueInfo } from '../../fixtures/engine/handmade.js';
import { task, validationData } from './helpers.js';

const digitsContract: ModelContract = { inputShape: [8, 8, 1], outputShape: [10], maxParams: 100_000, maxBytes: 1 << 20 };
const cancerContract: ModelContract = { inputShape: [30], outputShape: [2], maxParams: 20_000, maxBytes: 1 << 18 };

function expectInvalid(r: Awaited<ReturnType<typeof evaluateModel>>, code: string): InvalidEvaluation {
  expect(r.valid, JSON.stringify(r)).toBe(false);
  const inv = r as InvalidEvaluation;
  expect(inv.code).toBe(code);
  expect(inv.reason.startsWith(`${code}: `)).toBe(true);
  return inv;
}

describe('evaluateModel', () => {
  let digits: EvaluationData;
  let cancer: EvaluationData;
  let ours: Uint8Array;
  let trainDigits: EvaluationData;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    [digits, cancer] = await Promise.all([validationData('digits'), validationData('breast-cancer')]);
    const t = await task('digits');
    const { loadEvaluationData } = await import('../../../src/engine/index.js');
    trainDigits = await loadEvaluationData(t.files.train, t.spec.schema);
    const r = await train({ data: t.files.train, schema: t.spec.schema, config: { model: { kind: 'mlp', hidden: [32] }, epochs: 3, seed: 1 } });
    ours = exportOnnx(r.model);
    r.model.dispose();
  });

  it('accepts and scores a model not produced by us (Flatten + MatMul + Add + Softmax, opset 17, IR 7, other names)', async () => {
    const bytes = nearestMeanDigits(trainDigits.x, trainDigits.y, trainDigits.size);
    const summary = inspectOnnx(bytes);
    expect(summary.inputs).toEqual([{ name: 'pixels', type: 'float32', shape: ['batch_size', 8, 8, 1] }]);
    expect(summary.parameterCount).toBe(64 * 10 + 10 + 1);
    const r = await evaluateModel(bytes, { contract: digitsContract, metric: 'accuracy', data: digits });
    expect(r.valid, JSON.stringify(r)).toBe(true);
    if (!r.valid) return;
    expect(r.samples).toBe(digits.size);
    expect(r.score).toBeGreaterThan(0.85); // nearest class mean is a decent digits classifier
    expect(r.direction).toBe('higher');
    expect(r.metrics.f1).toBeGreaterThan(0.85);
    expect(r.parameterCount).toBe(651);
    expect(r.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('accepts a single Gemm + Softmax and scores it exactly (constant prediction)', async () => {
    // Always predicts class 1 (benign) with p = softmax([0, ln 3]) = [0.25, 0.75].
    const bytes = gemmSoftmax(30, 2, [0, Math.log(3)]);
    const r = await evaluateModel(bytes, { contract: cancerContract, metric: 'log-loss', data: cancer });
    expect(r.valid).toBe(true);
    if (!r.valid) return;
    const benign = Array.from(cancer.y).filter((v) => v === 1).length;
    const n = cancer.size;
    expect(r.metrics.accuracy).toBeCloseTo(benign / n, 12);
    expect(r.score).toBeCloseTo((benign * -Math.log(0.75) + (n - benign) * -Math.log(0.25)) / n, 6);
    expect(r.direction).toBe('lower');
    // Macro F1 over the classes present: class 1 has F1 2*benign/(n + benign), class 0 has 0.
    expect(r.metrics.f1).toBeCloseTo((2 * benign) / (n + benign) / 2, 12);
  });

  it('scores our own exported model and streams a validation file the same way', async () => {
    const t = await task('digits');
    const inMemory = await evaluateModel(ours, { contract: digitsContract, metric: 'accuracy', data: digits });
    const streamed = await evaluateModel(ours, { contract: digitsContract, metric: 'accuracy', data: t.files.validation!, schema: t.spec.schema, batchSize: 50 });
    expect(inMemory.valid && streamed.valid).toBe(true);
    if (!inMemory.valid || !streamed.valid) return;
    expect(streamed.metrics).toEqual(inMemory.metrics);
    expect(streamed.samples).toBe(digits.size);
  });

  it('is deterministic: same model, same data -> same score', async () => {
    const a = await evaluateModel(ours, { contract: digitsContract, metric: 'f1', data: digits });
    const b = await evaluateModel(ours, { contract: digitsContract, metric: 'f1', data: digits, batchSize: 7 });
    expect(a.valid && b.valid).toBe(true);
    if (a.valid && b.valid) expect(b.score).toBe(a.score);
  });

  it('too-large: a file over maxBytes', async () => {
    expectInvalid(await evaluateModel(ours, { contract: { ...digitsContract, maxBytes: 1000 }, metric: 'accuracy', data: digits }), 'too-large');
  });

  it('hash-mismatch: wrong expected sha256, or a verify hook that rejects or throws', async () => {
    expectInvalid(await evaluateModel(ours, { contract: digitsContract, metric: 'accuracy', data: digits, expectedSha256: '00'.repeat(32) }), 'hash-mismatch');
    expectInvalid(await evaluateModel(ours, { contract: digitsContract, metric: 'accuracy', data: digits, verify: () => false }), 'hash-mismatch');
    const r = expectInvalid(await evaluateModel(ours, { contract: digitsContract, metric: 'accuracy', data: digits, verify: async () => 'CID bafy... does not match' }), 'hash-mismatch');
    expect(r.reason).toContain('CID');
    expectInvalid(await evaluateModel(ours, { contract: digitsContract, metric: 'accuracy', data: digits, verify: () => { throw new Error('boom'); } }), 'hash-mismatch');
    const ok = await evaluateModel(ours, { contract: digitsContract, metric: 'accuracy', data: digits, expectedSha256: createHash('sha256').update(ours).digest('hex').toUpperCase(), verify: () => true });
    expect(ok.valid).toBe(true);
  });

  it('unparsable: random bytes, text, truncated protobuf, empty file', async () => {
    const cases = [new Uint8Array(0), new TextEncoder().encode('definitely not an onnx model'), ours.subarray(0, Math.floor(ours.length / 2)), Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)];
    for (const bytes of cases) expectInvalid(await evaluateModel(bytes, { contract: digitsContract, metric: 'accuracy', data: digits }), 'unparsable');
  });

  it('too-many-params: initializers count against maxParams', async () => {
    const r = expectInvalid(await evaluateModel(ours, { contract: { ...digitsContract, maxParams: 100 }, metric: 'accuracy', data: digits }), 'too-many-params');
    expect(r.parameterCount).toBeGreaterThan(100);
  });

  it('too-many-params: weights hidden in Constant nodes count too', async () => {
    const bytes = model({
      node: [
        node('Constant', [], ['W'], [{ name: 'value', type: AttributeType.TENSOR, t: floatTensor('', [30, 2], new Float32Array(60)) }]),
        node('MatMul', ['x', 'W'], ['z']),
        node('Softmax', ['z'], ['y'], [{ name: 'axis', type: AttributeType.INT, i: 1 }]),
      ],
      input: [valueInfo('x', ['N', 30])],
      output: [valueInfo('y', ['N', 2])],
    });
    expect(inspectOnnx(bytes).parameterCount).toBe(60);
    expectInvalid(await evaluateModel(bytes, { contract: { ...cancerContract, maxParams: 59 }, metric: 'accuracy', data: cancer }), 'too-many-params');
    expect((await evaluateModel(bytes, { contract: { ...cancerContract, maxParams: 60 }, metric: 'accuracy', data: cancer })).valid).toBe(true);
  });

  it('shape-mismatch: wrong input shape, wrong output shape (declared or actual), several inputs', async () => {
    // Our digits model against the breast-cancer contract and data.
    expectInvalid(await evaluateModel(ours, { contract: cancerContract, metric: 'accuracy', data: cancer }), 'shape-mismatch');
    // Declared output [N, 3] where the contract wants [N, 2].
    expectInvalid(await evaluateModel(gemmSoftmax(30, 3, [0, 0, 0]), { contract: cancerContract, metric: 'accuracy', data: cancer }), 'shape-mismatch');
    // Declared output fully symbolic, actual output [N, 3].
    expectInvalid(await evaluateModel(gemmSoftmax(30, 3, [0, 0, 0], { outputDims: ['N', 'K'] }), { contract: cancerContract, metric: 'accuracy', data: cancer }), 'shape-mismatch');
    const twoInputs = model({
      node: [node('Add', ['a', 'b'], ['y'])],
      input: [valueInfo('a', ['N', 30]), valueInfo('b', ['N', 30])],
      output: [valueInfo('y', ['N', 30])],
    });
    expectInvalid(await evaluateModel(twoInputs, { contract: cancerContract, metric: 'accuracy', data: cancer }), 'shape-mismatch');
  });

  it('type-mismatch: a float64 input', async () => {
    const bytes = model({
      node: [node('Cast', ['x'], ['xf'], [{ name: 'to', type: AttributeType.INT, i: DataType.FLOAT }]), node('Gemm', ['xf', 'W', 'b'], ['y'])],
      initializer: [floatTensor('W', [30, 2], new Float32Array(60)), floatTensor('b', [2], [0.5, 0.5])],
      input: [valueInfo('x', ['N', 30], DataType.DOUBLE)],
      output: [valueInfo('y', ['N', 2])],
    });
    expectInvalid(await evaluateModel(bytes, { contract: cancerContract, metric: 'accuracy', data: cancer }), 'type-mismatch');
  });

  it('load-failed: a well-formed protobuf onnxruntime refuses (unknown operator)', async () => {
    const bytes = model({ node: [node('NoSuchOperator', ['x'], ['y'])], input: [valueInfo('x', ['N', 30])], output: [valueInfo('y', ['N', 2])] });
    expectInvalid(await evaluateModel(bytes, { contract: cancerContract, metric: 'accuracy', data: cancer }), 'load-failed');
  });

  it('inference-failed: a model that fails at run time', async () => {
    // Reshape to [7, -1] only works when 30 * rows is a multiple of 7.
    const bytes = model({
      node: [node('Reshape', ['x', 'shape'], ['r']), node('Reshape', ['r', 'back'], ['flat']), node('Gemm', ['flat', 'W', 'b'], ['y'])],
      initializer: [
        { name: 'shape', dims: [2], data_type: DataType.INT64, int64_data: [7, -1] },
        { name: 'back', dims: [2], data_type: DataType.INT64, int64_data: [-1, 30] },
        floatTensor('W', [30, 2], new Float32Array(60)),
        floatTensor('b', [2], [0.5, 0.5]),
      ],
      input: [valueInfo('x', ['N', 30])],
      output: [valueInfo('y', ['N', 2])],
    });
    expect(cancer.size % 7).not.toBe(0);
    expectInvalid(await evaluateModel(bytes, { contract: cancerContract, metric: 'accuracy', data: cancer, batchSize: 1024 }), 'inference-failed');
  });

  it('non-finite-output: NaN or Inf in the output', async () => {
    const logOfZero = model({
      node: [node('Gemm', ['x', 'W', 'b'], ['z']), node('Log', ['z'], ['y'])],
      initializer: [floatTensor('W', [30, 2], new Float32Array(60)), floatTensor('b', [2], [0, 1])],
      input: [valueInfo('x', ['N', 30])],
      output: [valueInfo('y', ['N', 2])],
    });
    const r = expectInvalid(await evaluateModel(logOfZero, { contract: cancerContract, metric: 'accuracy', data: cancer }), 'non-finite-output');
    expect(r.reason).toContain('-Infinity');
    const sqrtNeg = model({
      node: [node('Gemm', ['x', 'W', 'b'], ['z']), node('Sqrt', ['z'], ['y'])],
      initializer: [floatTensor('W', [30, 2], new Float32Array(60)), floatTensor('b', [2], [-1, 1])],
      input: [valueInfo('x', ['N', 30])],
      output: [valueInfo('y', ['N', 2])],
    });
    expectInvalid(await evaluateModel(sqrtNeg, { contract: cancerContract, metric: 'accuracy', data: cancer }), 'non-finite-output');
  });

  it('a foreign model whose input is [N, 64] for an [N, 8, 8, 1] task is told to add a Reshape (issue #10)', async () => {
    const r = expectInvalid(await evaluateModel(gemmSoftmax(64, 10, new Array(10).fill(0), { inputName: 'float_input' }), { contract: digitsContract, metric: 'accuracy', data: digits }), 'shape-mismatch');
    expect(r.reason).toMatch(/^shape-mismatch: input 'float_input' is \[N, 64\] but the task feeds \[N, 8, 8, 1\] .*: make the model take \[N, 8, 8, 1\] with a Reshape to \[N, 64\] first in it/);
  });

  it('not-probabilities: a classifier exported without its softmax (raw logits) is invalid; with it, valid (issue #10)', async () => {
    const tf = await import('@tensorflow/tfjs');
    const dense = () => tf.layers.dense({ inputShape: [30], units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) });
    const logitsModel = tf.sequential({ layers: [dense()] });
    const probsModel = tf.sequential({ layers: [dense(), tf.layers.softmax()] });
    probsModel.layers[0]!.setWeights(logitsModel.layers[0]!.getWeights());
    const logits = exportOnnx(logitsModel);
    const probs = exportOnnx(probsModel);
    logitsModel.dispose();
    probsModel.dispose();
    expect(Object.keys(inspectOnnx(logits).ops)).not.toContain('Softmax');
    const r = expectInvalid(await evaluateModel(logits, { contract: cancerContract, metric: 'accuracy', data: cancer }), 'not-probabilities');
    expect(r.reason).toMatch(/^not-probabilities: output row 1 is \[[-\d.e, ]+\] \(sum [-\d.e]+\): the task reads class probabilities .* add a Softmax at the model's output$/);
    const ok = await evaluateModel(probs, { contract: cancerContract, metric: 'log-loss', data: cancer });
    expect(ok.valid, JSON.stringify(ok)).toBe(true);
  });

  it('a scikit-learn-like model (outputs label int64, then probabilities) is scored on its probabilities', async () => {
    const bytes = model({
      node: [
        node('Gemm', ['float_input', 'W', 'b'], ['z'], [{ name: 'transB', type: AttributeType.INT, i: 1 }]),
        node('Softmax', ['z'], ['probabilities'], [{ name: 'axis', type: AttributeType.INT, i: 1 }]),
        node('ArgMax', ['probabilities'], ['label'], [{ name: 'axis', type: AttributeType.INT, i: 1 }, { name: 'keepdims', type: AttributeType.INT, i: 0 }]),
      ],
      initializer: [floatTensor('W', [2, 30], new Float32Array(60)), floatTensor('b', [2], [0, Math.log(3)])],
      input: [valueInfo('float_input', ['N', 30])],
      output: [valueInfo('label', ['N'], DataType.INT64), valueInfo('probabilities', ['N', 2])],
    });
    const r = await evaluateModel(bytes, { contract: cancerContract, metric: 'accuracy', data: cancer });
    expect(r.valid, JSON.stringify(r)).toBe(true);
    if (r.valid) expect(r.score).toBeCloseTo(Array.from(cancer.y).filter((y) => y === 1).length / cancer.size, 12);
  });

  it('a fixed batch dimension is evaluated in padded batches', async () => {
    const bytes = model({
      node: [node('Gemm', ['x', 'W', 'b'], ['z'], [{ name: 'transB', type: AttributeType.INT, i: 1 }]), node('Softmax', ['z'], ['y'], [{ name: 'axis', type: AttributeType.INT, i: 1 }])],
      initializer: [floatTensor('W', [2, 30], new Float32Array(60)), floatTensor('b', [2], [0, 1])],
      input: [valueInfo('x', [4, 30])],
      output: [valueInfo('y', [4, 2])],
    });
    const r = await evaluateModel(bytes, { contract: cancerContract, metric: 'accuracy', data: cancer });
    expect(r.valid, JSON.stringify(r)).toBe(true);
    if (r.valid) expect(r.samples).toBe(cancer.size);
  });

  it('never throws on corrupted variants of a valid model', async () => {
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const codes = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const bytes = ours.slice();
      const flips = 1 + Math.floor(rnd() * 8);
      for (let f = 0; f < flips; f++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
      const r = await evaluateModel(bytes, { contract: digitsContract, metric: 'accuracy', data: digits });
      codes.add(r.valid ? 'valid' : r.code);
    }
    expect(codes.size).toBeGreaterThan(0);
  });

  it('throws (does not blame the model) when the validator\'s own inputs are wrong', async () => {
    await expect(evaluateModel(ours, { contract: { ...digitsContract, inputShape: [7, 7, 1] }, metric: 'accuracy', data: digits })).rejects.toBeInstanceOf(EngineError);
    await expect(evaluateModel(ours, { contract: digitsContract, metric: 'mse', data: digits })).rejects.toBeInstanceOf(EngineError);
    await expect(evaluateModel(ours, { contract: digitsContract, metric: 'accuracy', data: '/nonexistent/validation.csv', schema: { features: 'all-but-label', label: 'digit', taskType: 'classification', numClasses: 10 } })).rejects.toThrow();
  });
});
