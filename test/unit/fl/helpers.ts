/**
 * Real ONNX models for the fl tests: an MLP built and exported by the engine (tfjs -> ONNX), and
 * updates made from it by changing float32 initializer values with the ONNX codec directly (not
 * with src/fl, so the fixtures do not depend on the code under test).
 */
import { buildModel, exportOnnx, initBackend } from '../../../src/engine/index.js';
import { DataType, decodeModel, encodeModel, type ModelObject } from '../../../src/engine/onnx/proto.js';
import { mulberry32 } from '../../../src/engine/random.js';

let cached: Uint8Array | undefined;

/** The global model: MLP 6 -> 5 -> 3 (softmax), 53 float32 parameters, seed 11. */
export async function globalModel(): Promise<Uint8Array> {
  if (cached) return cached;
  await initBackend({ backend: 'wasm' });
  const model = buildModel({ kind: 'mlp', hidden: [5] }, { taskType: 'classification', inputShape: [6], outputShape: [3], seed: 11 });
  cached = exportOnnx(model);
  model.dispose();
  return cached;
}

/** The float32 initializers of ONNX bytes, by name (raw_data or float_data). */
export function floats(bytes: Uint8Array): Map<string, Float32Array> {
  const m = decodeModel(bytes);
  const out = new Map<string, Float32Array>();
  for (const t of m.graph!.initializer ?? []) {
    if (t.data_type !== DataType.FLOAT) continue;
    if (t.raw_data && t.raw_data.length) out.set(t.name!, new Float32Array(Uint8Array.from(t.raw_data).buffer));
    else out.set(t.name!, Float32Array.from(t.float_data ?? []));
  }
  return out;
}

/** `bytes` with each float32 initializer replaced by `f(name, values)` (raw_data). */
export function withFloats(bytes: Uint8Array, f: (name: string, values: Float32Array) => Float32Array, edit?: (m: ModelObject) => void): Uint8Array {
  const m = decodeModel(bytes);
  for (const t of m.graph!.initializer ?? []) {
    if (t.data_type !== DataType.FLOAT) continue;
    const v = f(t.name!, new Float32Array(Uint8Array.from(t.raw_data!).buffer));
    t.raw_data = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    delete t.float_data;
  }
  edit?.(m);
  return encodeModel(m);
}

/** A deterministic pseudo-random generator (the engine's mulberry32) for perturbations. */
export const rng = mulberry32;

/** An update: the global model plus uniform noise in [-scale, scale) per value, seeded. */
export function noisyUpdate(global: Uint8Array, seed: number, scale = 0.01): Uint8Array {
  const r = rng(seed);
  return withFloats(global, (_n, v) => v.map((x) => x + (2 * r() - 1) * scale));
}
