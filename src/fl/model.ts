/**
 * ONNX model I/O for aggregation: the float32 initializers of a model, read by name, and the
 * aggregate written back as the global model with only those values replaced.
 *
 * Why re-encode rather than patch bytes: protobufjs encodes the fields of every message in
 * field-number order and repeated fields in their list order, so `encodeModel(decodeModel(x))`
 * is a function of the model's content, not of how its writer laid the bytes out. The aggregate
 * is that canonical encoding (no timestamps: nothing here adds any), with each float32
 * initializer written as little-endian raw_data in the global model's initializer order; so two
 * machines that compute the same values write the same bytes, and the same CID (cidOf).
 * Fields the codec does not declare (src/engine/onnx/proto.ts) are dropped, on every machine alike.
 */
import { DataType, decodeModel, encodeModel, type ModelObject, type TensorObject } from '../engine/onnx/proto.js';

/** A float32 initializer: its shape and values (a fresh, aligned copy). */
export interface FloatTensor {
  name: string;
  dims: number[];
  values: Float32Array;
}

/** A decoded model and its float32 initializers, indexed by name. */
export interface FlModel {
  proto: ModelObject;
  /** Float32 initializers in the model's own order. */
  tensors: FloatTensor[];
  byName: Map<string, FloatTensor>;
}

/** Thrown when bytes are not a model this module can aggregate; `message` is the reason. */
export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Number of elements of a shape ([] is a scalar: 1). */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/**
 * The values of a FLOAT tensor: raw_data (little-endian float32) or float_data. Throws
 * ModelFormatError when the data does not fill the shape or lives in an external file.
 */
export function floatValues(t: TensorObject): Float32Array {
  const name = t.name ?? '';
  if (t.data_location === 1) throw new ModelFormatError(`initializer ${name}: external data is not supported`);
  const count = elementCount(t.dims ?? []);
  if (t.raw_data && t.raw_data.length > 0) {
    if (t.raw_data.length !== count * 4) throw new ModelFormatError(`initializer ${name}: ${t.raw_data.length} bytes of raw_data for ${count} float32 values`);
    const out = new Float32Array(count);
    // Copy byte for byte into an aligned buffer: raw_data is often a view at an odd offset.
    if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(t.raw_data);
    else {
      const view = new DataView(t.raw_data.buffer, t.raw_data.byteOffset, t.raw_data.byteLength);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
    }
    return out;
  }
  const data = t.float_data ?? [];
  if (data.length !== count) throw new ModelFormatError(`initializer ${name}: ${data.length} float_data values for ${count} elements`);
  return Float32Array.from(data);
}

/** Float32 bytes as little-endian raw_data (a copy). */
function rawData(values: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return out;
}

/**
 * Decodes ONNX bytes and reads every FLOAT initializer. Throws ModelFormatError (with the reason)
 * on bytes that do not parse, a model without a graph, or duplicate initializer names.
 *
 * @example
 * const m = readModel(readFileSync('global.onnx'));
 * m.byName.get('dense_1/kernel')!.values // Float32Array
 */
export function readModel(bytes: Uint8Array): FlModel {
  let proto: ModelObject;
  try {
    proto = decodeModel(bytes);
  } catch (cause) {
    throw new ModelFormatError(`not an ONNX model (${(cause as Error).message})`);
  }
  if (!proto.graph) throw new ModelFormatError('not an ONNX model (no graph)');
  const tensors: FloatTensor[] = [];
  const byName = new Map<string, FloatTensor>();
  const seen = new Set<string>();
  for (const t of proto.graph.initializer ?? []) {
    const name = t.name ?? '';
    if (seen.has(name)) throw new ModelFormatError(`initializer ${name} appears twice`);
    seen.add(name);
    if (t.data_type !== DataType.FLOAT) continue;
    const tensor = { name, dims: [...(t.dims ?? [])], values: floatValues(t) };
    tensors.push(tensor);
    byName.set(name, tensor);
  }
  return { proto, tensors, byName };
}

/**
 * The aggregate's bytes: `global` with each FLOAT initializer's values replaced by
 * `values.get(name)` (raw_data, float_data cleared), everything else as decoded, canonically
 * encoded. Throws if a value is missing or has the wrong length (a bug in the caller).
 */
export function writeAggregate(global: FlModel, values: ReadonlyMap<string, Float32Array>): Uint8Array {
  const graph = global.proto.graph!;
  const initializer = (graph.initializer ?? []).map((t): TensorObject => {
    if (t.data_type !== DataType.FLOAT) return t;
    const v = values.get(t.name ?? '');
    const count = elementCount(t.dims ?? []);
    if (!v || v.length !== count) throw new Error(`aggregate of initializer ${t.name}: ${v ? `${v.length} values for ${count}` : 'missing'}`);
    const { float_data: _dropped, raw_data: _old, ...rest } = t;
    return { ...rest, raw_data: rawData(v) };
  });
  return encodeModel({ ...global.proto, graph: { ...graph, initializer } });
}
