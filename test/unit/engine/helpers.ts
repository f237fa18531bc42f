/** Shared helpers for the engine tests. */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import { loadEvaluationData, loadTaskSpec, type EvaluationData, type LoadedTask } from '../../../src/engine/index.js';

export const TASKS = path.resolve(import.meta.dirname, '../../../examples/tasks');

export async function task(name: 'digits' | 'breast-cancer' | 'diabetes'): Promise<LoadedTask> {
  return loadTaskSpec(path.join(TASKS, name, 'task.yaml'));
}

/** The hidden validation rows of an example task. */
export async function validationData(name: 'digits' | 'breast-cancer' | 'diabetes'): Promise<EvaluationData> {
  const t = await task(name);
  return loadEvaluationData(t.files.validation!, t.spec.schema);
}

/** Runs ONNX bytes on onnxruntime-node with input `input`, returns output `output`. */
export async function onnxPredict(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  try {
    const r = await session.run({ input: new ort.Tensor('float32', x, dims) });
    const out = r['output']!;
    return { data: out.data as Float32Array, dims: out.dims };
  } finally {
    await session.release();
  }
}

export function tfPredict(model: tf.LayersModel, x: Float32Array, dims: number[]): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor(x, dims)) as tf.Tensor).dataSync() as Float32Array).slice();
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
