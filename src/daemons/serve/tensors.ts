/**
 * Open Inference Protocol v2 (KServe) tensors: an infer request's inputs checked against the
 * model's inputs (names, datatype, shape with symbolic dimensions such as the batch, data length
 * and element values) and turned into the pool's tensors, and the outputs encoded back.
 *
 * Two encodings, both from the protocol:
 * - JSON: `{"inputs":[{"name","shape","datatype":"FP32","data":[...]}]}`, data flat in row-major
 *   order (nested arrays are accepted and flattened);
 * - the binary tensor data extension (KServe/Triton): the body is a JSON header of
 *   `Inference-Header-Content-Length` bytes followed by raw little-endian tensors, an input saying
 *   `"parameters":{"binary_data_size":N}` instead of `data`. Outputs come back binary when the
 *   request asks (`"parameters":{"binary_data_output":true}`, or `binary_data` on an output),
 *   which spares both sides formatting and parsing numbers as text.
 */
import { endianness } from 'node:os';
import type { PoolTensor, PoolTensorType, TensorInfo } from '../../engine/onnx/pool.js';

/** An infer request the server refuses as malformed (HTTP 400), with what is wrong. */
export class TensorRequestError extends Error {
  override readonly name = 'TensorRequestError';
}

/** OIP datatype <-> onnxruntime element type. */
export const OIP_DATATYPES = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP32: 'float32',
  FP64: 'float64',
} as const satisfies Record<string, PoolTensorType>;

export type OipDatatype = keyof typeof OIP_DATATYPES;

const ORT_TO_OIP = Object.fromEntries(Object.entries(OIP_DATATYPES).map(([k, v]) => [v, k])) as Record<string, OipDatatype>;

/** The OIP datatype of an onnxruntime type ('float32' -> 'FP32'), undefined for one OIP lacks. */
export function oipDatatype(ortType: string): OipDatatype | undefined {
  return ORT_TO_OIP[ortType];
}

/** A tensor's metadata as OIP's model metadata gives it: symbolic dimensions are -1. */
export function oipTensorMetadata(t: TensorInfo): { name: string; datatype: string; shape: number[] } {
  return { name: t.name, datatype: oipDatatype(t.type) ?? t.type.toUpperCase(), shape: t.shape.map((d) => (typeof d === 'number' ? d : -1)) };
}

const ARRAYS = {
  bool: Uint8Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

const INT_RANGE: Partial<Record<PoolTensorType, [number, number]>> = {
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

export interface InferRequestLimits {
  /** Largest size a symbolic dimension may take (the batch, usually): bounds one run's work. */
  maxDim: number;
}

export interface ParsedInferRequest {
  id?: string;
  feeds: Record<string, PoolTensor>;
  /** Outputs asked for (default: all). */
  outputs?: string[];
  /** Outputs to send as binary data. */
  binaryOutputs: Set<string>;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * Reads an infer request body against the model's inputs. `jsonLength`: the
 * Inference-Header-Content-Length header (binary extension), undefined for a plain JSON body.
 * Throws TensorRequestError naming the first problem. Binary tensors are views of `body` where
 * their offset in its buffer is a multiple of their element size (see alignedBodyBuffer), copies
 * elsewhere.
 */
export function parseInferRequest(body: Buffer, jsonLength: number | undefined, inputs: readonly TensorInfo[], outputNames: readonly string[], limits: InferRequestLimits): ParsedInferRequest {
  if (jsonLength !== undefined && (!Number.isSafeInteger(jsonLength) || jsonLength < 0 || jsonLength > body.length)) {
    throw new TensorRequestError(`Inference-Header-Content-Length ${jsonLength} does not fit the body of ${body.length} bytes`);
  }
  let req: unknown;
  try {
    req = JSON.parse(body.toString('utf8', 0, jsonLength ?? body.length));
  } catch (e) {
    throw new TensorRequestError(`the body is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(req)) throw new TensorRequestError('the body must be a JSON object with "inputs"');
  const id = req.id;
  if (id !== undefined && typeof id !== 'string') throw new TensorRequestError('"id" must be a string');
  if (!Array.isArray(req.inputs) || req.inputs.length === 0) throw new TensorRequestError('"inputs" must be a non-empty array');

  const binaryAll = isObject(req.parameters) && req.parameters.binary_data_output === true;
  let binaryOffset = jsonLength ?? body.length;
  const bound = new Map<string, number>();
  const feeds: Record<string, PoolTensor> = {};
  for (const [i, raw] of (req.inputs as unknown[]).entries()) {
    if (!isObject(raw)) throw new TensorRequestError(`inputs[${i}] must be an object`);
    const name = raw.name;
    if (typeof name !== 'string') throw new TensorRequestError(`inputs[${i}].name must be a string`);
    const info = inputs.find((m) => m.name === name);
    if (!info) throw new TensorRequestError(`the model has no input "${name.slice(0, 100)}"; its inputs: ${inputs.map((m) => m.name).join(', ')}`);
    if (Object.hasOwn(feeds, name)) throw new TensorRequestError(`input "${name}" is given twice`);
    const want = oipDatatype(info.type);
    if (raw.datatype !== want) throw new TensorRequestError(`input "${name}" has datatype ${JSON.stringify(raw.datatype)}; the model takes ${want ?? info.type}`);
    const type = info.type as PoolTensorType;
    const dims = checkShape(name, raw.shape, info, bound, limits);
    const count = dims.reduce((a, b) => a * b, 1);
    const Arr = ARRAYS[type];
    const params = isObject(raw.parameters) ? raw.parameters : undefined;
    let data: PoolTensor['data'];
    if (params && params.binary_data_size !== undefined) {
      if (jsonLength === undefined) throw new TensorRequestError(`input "${name}" has binary_data_size but the request has no Inference-Header-Content-Length header`);
      if (!LITTLE_ENDIAN) throw new TensorRequestError('binary tensor data is not supported on this big-endian host: send JSON data');
      const size = params.binary_data_size;
      const bytes = count * Arr.BYTES_PER_ELEMENT;
      if (size !== bytes) throw new TensorRequestError(`input "${name}" has binary_data_size ${String(size)}; shape [${dims.join(', ')}] of ${want} is ${bytes} bytes`);
      if (binaryOffset + bytes > body.length) throw new TensorRequestError(`input "${name}" needs ${bytes} bytes of binary data; the body has ${body.length - binaryOffset} left`);
      // A view of the body where its bytes are aligned (the server reads bodies so that they
      // are), else a copy.
      const at = body.byteOffset + binaryOffset;
      let out: PoolTensor['data'];
      if (at % Arr.BYTES_PER_ELEMENT === 0) out = new Arr(body.buffer as ArrayBuffer, at, count);
      else {
        out = new Arr(count);
        new Uint8Array(out.buffer).set(body.subarray(binaryOffset, binaryOffset + bytes));
      }
      binaryOffset += bytes;
      const bad = type === 'float32' ? firstNonFinite32(out as Float32Array) : type === 'float64' ? firstNonFinite64(out as Float64Array) : -1;
      if (bad >= 0) throw new TensorRequestError(`input "${name}" element ${bad} is ${(out as Float32Array | Float64Array)[bad]}: values must be finite`);
      data = out;
    } else {
      if (raw.data === undefined) throw new TensorRequestError(`input "${name}" has no "data"`);
      data = fromJson(name, raw.data, type, dims, count);
    }
    feeds[name] = { type, dims, data };
  }
  if (binaryOffset !== body.length) throw new TensorRequestError(`${body.length - binaryOffset} bytes of binary data follow the inputs unread`);
  const missing = inputs.filter((m) => !Object.hasOwn(feeds, m.name)).map((m) => m.name);
  if (missing.length) throw new TensorRequestError(`missing input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);

  let outputs: string[] | undefined;
  const binaryOutputs = new Set<string>(binaryAll ? outputNames : []);
  if (req.outputs !== undefined) {
    if (!Array.isArray(req.outputs)) throw new TensorRequestError('"outputs" must be an array');
    outputs = [];
    for (const [i, o] of (req.outputs as unknown[]).entries()) {
      if (!isObject(o) || typeof o.name !== 'string') throw new TensorRequestError(`outputs[${i}] must be an object with a name`);
      if (!outputNames.includes(o.name)) throw new TensorRequestError(`the model has no output "${o.name.slice(0, 100)}"; its outputs: ${outputNames.join(', ')}`);
      outputs.push(o.name);
      if (isObject(o.parameters) && typeof o.parameters.binary_data === 'boolean') {
        if (o.parameters.binary_data) binaryOutputs.add(o.name);
        else binaryOutputs.delete(o.name);
      }
    }
    if (outputs.length === 0) outputs = undefined;
  }
  return { ...(id !== undefined ? { id } : {}), feeds, ...(outputs ? { outputs } : {}), binaryOutputs };
}

/**
 * Index of the first NaN or infinity, or -1. By the exponent bits (all ones), over an integer view:
 * an integer loop over one array type, several times faster per element than Number.isFinite
 * over a union of typed arrays, which matters at tens of thousands of elements per call.
 */
function firstNonFinite32(a: Float32Array): number {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length);
  for (let k = 0; k < u.length; k++) if ((u[k]! & 0x7f800000) === 0x7f800000) return k;
  return -1;
}

function firstNonFinite64(a: Float64Array): number {
  // The high word of each little-endian double holds the exponent (binary data is little-endian only).
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  for (let k = 1; k < u.length; k += 2) if ((u[k]! & 0x7ff00000) === 0x7ff00000) return k >> 1;
  return -1;
}

/**
 * A buffer of its own for a request body of `length` bytes, offset so that byte `jsonLength` (where
 * the binary extension's tensors start) is 8-aligned in the underlying ArrayBuffer: the tensors
 * can then be views of it (no copy) and the buffer moved whole to an inference worker.
 */
export function alignedBodyBuffer(length: number, jsonLength: number | undefined): Buffer {
  const pad = jsonLength === undefined ? 0 : (8 - (jsonLength % 8)) % 8;
  return Buffer.from(new ArrayBuffer(length + pad), pad, length);
}

function checkShape(name: string, shape: unknown, info: TensorInfo, bound: Map<string, number>, limits: InferRequestLimits): number[] {
  const show = `[${info.shape.map((d) => (typeof d === 'number' ? d : d || '?')).join(', ')}]`;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) {
    throw new TensorRequestError(`input "${name}" must have a shape of non-negative integers; the model takes ${show}`);
  }
  const dims = shape as number[];
  if (dims.length !== info.shape.length) throw new TensorRequestError(`input "${name}" has shape [${dims.join(', ')}]; the model takes ${show}`);
  for (const [k, d] of dims.entries()) {
    const want = info.shape[k]!;
    if (typeof want === 'number') {
      if (d !== want) throw new TensorRequestError(`input "${name}" has shape [${dims.join(', ')}]; the model takes ${show} (dimension ${k} is ${want})`);
      continue;
    }
    if (d < 1) throw new TensorRequestError(`input "${name}" dimension ${k} (${want || 'dynamic'}) is ${d}; it must be at least 1`);
    if (d > limits.maxDim) throw new TensorRequestError(`input "${name}" dimension ${k} (${want || 'dynamic'}) is ${d}, over this server's limit of ${limits.maxDim}`);
    if (want) {
      const seen = bound.get(want);
      if (seen !== undefined && seen !== d) throw new TensorRequestError(`input "${name}" has ${want} = ${d} where another input has ${want} = ${seen}`);
      bound.set(want, d);
    }
  }
  return dims;
}

function fromJson(name: string, raw: unknown, type: PoolTensorType, dims: number[], count: number): PoolTensor['data'] {
  if (!Array.isArray(raw)) throw new TensorRequestError(`input "${name}" data must be an array`);
  let flat = raw as unknown[];
  if (flat.length > 0 && Array.isArray(flat[0])) flat = flat.flat(dims.length - 1);
  if (flat.length !== count) throw new TensorRequestError(`input "${name}" has ${flat.length} values; shape [${dims.join(', ')}] holds ${count}`);
  const out = new ARRAYS[type](count);
  if (type === 'float32' || type === 'float64') {
    const o = out as Float32Array;
    for (let k = 0; k < count; k++) {
      const x = flat[k];
      if (typeof x !== 'number') throw new TensorRequestError(`input "${name}" element ${k} is ${JSON.stringify(x)?.slice(0, 40)}, not a number`);
      o[k] = x;
    }
  } else if (type === 'bool') {
    for (let k = 0; k < count; k++) {
      const x = flat[k];
      if (typeof x !== 'boolean') throw new TensorRequestError(`input "${name}" element ${k} is ${JSON.stringify(x)?.slice(0, 40)}, not true or false`);
      out[k] = x ? 1 : 0;
    }
  } else if (type === 'int64' || type === 'uint64') {
    const o = out as BigInt64Array | BigUint64Array;
    for (let k = 0; k < count; k++) {
      const x = flat[k];
      if (!Number.isSafeInteger(x) || (type === 'uint64' && (x as number) < 0)) throw new TensorRequestError(`input "${name}" element ${k} is ${JSON.stringify(x)?.slice(0, 40)}, not a ${type === 'uint64' ? 'non-negative ' : ''}integer`);
      o[k] = BigInt(x as number);
    }
  } else {
    const [lo, hi] = INT_RANGE[type]!;
    const o = out as Int32Array;
    for (let k = 0; k < count; k++) {
      const x = flat[k];
      if (!Number.isInteger(x) || (x as number) < lo || (x as number) > hi) throw new TensorRequestError(`input "${name}" element ${k} is ${JSON.stringify(x)?.slice(0, 40)}, not a ${type} (${lo}..${hi})`);
      o[k] = x as number;
    }
  }
  return out;
}

/** An encoded infer response: the body and, for binary outputs, the JSON header's length. */
export interface EncodedResponse {
  body: Buffer;
  /** Set when outputs follow the JSON as binary data (send it as Inference-Header-Content-Length). */
  jsonLength?: number;
}

/**
 * `{model_name, model_version, id?, outputs: [{name, datatype, shape, data}]}`, outputs in the
 * model's order; those in `binary` as the binary extension's trailing data.
 */
export function encodeInferResponse(model: { name: string; version: string }, id: string | undefined, outputs: Record<string, PoolTensor>, order: readonly string[], binary: ReadonlySet<string>): EncodedResponse {
  const list: Record<string, unknown>[] = [];
  const blobs: Buffer[] = [];
  for (const name of order) {
    const t = outputs[name];
    if (!t) continue;
    const datatype = oipDatatype(t.type) ?? t.type.toUpperCase();
    if (binary.has(name) && LITTLE_ENDIAN) {
      const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      blobs.push(bytes);
      list.push({ name, datatype, shape: [...t.dims], parameters: { binary_data_size: bytes.length } });
    } else {
      list.push({ name, datatype, shape: [...t.dims], data: jsonData(t) });
    }
  }
  const json = Buffer.from(JSON.stringify({ model_name: model.name, model_version: model.version, ...(id !== undefined ? { id } : {}), outputs: list }));
  if (blobs.length === 0) return { body: json };
  return { body: Buffer.concat([json, ...blobs]), jsonLength: json.length };
}

function jsonData(t: PoolTensor): unknown[] {
  if (t.type === 'bool') return Array.from(t.data as Uint8Array, (x) => x !== 0);
  if (t.type === 'int64' || t.type === 'uint64') return Array.from(t.data as BigInt64Array, (x) => Number(x));
  return Array.from(t.data as Float32Array);
}
