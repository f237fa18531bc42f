/**
 * Update validation: an update is aggregated only if it is the global model with other float32
 * values. Anything else is rejected with a reason (never aggregated, never a crash), so one bad
 * or malicious file cannot stop a round, and the reason can go into the round's blame record.
 * Checks, in order: parses; same initializer names; same dtypes; same shapes; same structure
 * (graph.ts: nodes, ops, inputs, outputs, constants); finite values; optionally the L2 norm of
 * (update - global) under a bound.
 */
import { graphSignature, sameBytes } from './graph.js';
import { distance } from './math.js';
import { ModelFormatError, readModel, type FlModel } from './model.js';
import { flatten, layoutOf, type Layout } from './vector.js';

/** The global model, read once and checked: what every update is compared with. */
export interface GlobalModel {
  model: FlModel;
  layout: Layout;
  vector: Float32Array;
  signature: Uint8Array;
  /** Every initializer's dtype and shape, by name. */
  initializers: Map<string, { dataType: number; dims: number[] }>;
}

export type Validation = { ok: true; model: FlModel; vector: Float32Array; norm: number } | { ok: false; reason: string };

export interface ValidateOptions {
  /** Reject an update whose change (update - global) has an L2 norm over this. */
  maxNorm?: number;
}

const DTYPE_NAMES: Record<number, string> = { 1: 'FLOAT', 2: 'UINT8', 3: 'INT8', 5: 'INT16', 6: 'INT32', 7: 'INT64', 9: 'BOOL', 10: 'FLOAT16', 11: 'DOUBLE', 16: 'BFLOAT16' };
const dtypeName = (t: number | undefined) => DTYPE_NAMES[t ?? 0] ?? `dtype ${t ?? 0}`;
const shape = (dims: readonly number[]) => `[${dims.join(', ')}]`;

/** The index of the first NaN or infinite value, or -1. */
function firstNonFinite(v: Float32Array): number {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) return i;
  return -1;
}

/** Reads and checks the global model; throws ModelFormatError with the reason when it cannot serve. */
export function readGlobal(bytes: Uint8Array): GlobalModel {
  const model = readModel(bytes);
  for (const t of model.tensors) {
    const at = firstNonFinite(t.values);
    if (at >= 0) throw new ModelFormatError(`initializer ${t.name}: non-finite value ${t.values[at]} at index ${at}`);
  }
  const layout = layoutOf(model);
  const initializers = new Map((model.proto.graph!.initializer ?? []).map((t) => [t.name ?? '', { dataType: t.data_type ?? 0, dims: [...(t.dims ?? [])] }]));
  return { model, layout, vector: flatten(model, layout), signature: graphSignature(model.proto), initializers };
}

/**
 * Checks one update against the global model.
 *
 * @example
 * const v = validateUpdate(readGlobal(g), bytes, { maxNorm: 10 });
 * if (!v.ok) console.log(v.reason); // e.g. 'initializer dense/kernel: shape [4, 3], expected [4, 2]'
 */
export function validateUpdate(global: GlobalModel, bytes: Uint8Array, opts: ValidateOptions = {}): Validation {
  let model: FlModel;
  try {
    model = readModel(bytes);
  } catch (e) {
    if (e instanceof ModelFormatError) return { ok: false, reason: e.message };
    throw e;
  }
  const inits = model.proto.graph!.initializer ?? [];
  const names = new Set(inits.map((t) => t.name ?? ''));
  const missing = [...global.initializers.keys()].filter((n) => !names.has(n));
  const extra = [...names].filter((n) => !global.initializers.has(n));
  if (missing.length || extra.length) {
    return { ok: false, reason: `initializer names differ from the global model's: ${[missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `unexpected ${extra.join(', ')}` : ''].filter(Boolean).join('; ')}` };
  }
  for (const t of inits) {
    const want = global.initializers.get(t.name ?? '')!;
    if ((t.data_type ?? 0) !== want.dataType) return { ok: false, reason: `initializer ${t.name}: dtype ${dtypeName(t.data_type)}, expected ${dtypeName(want.dataType)}` };
    const dims = t.dims ?? [];
    if (dims.length !== want.dims.length || dims.some((d, i) => d !== want.dims[i])) return { ok: false, reason: `initializer ${t.name}: shape ${shape(dims)}, expected ${shape(want.dims)}` };
  }
  if (!sameBytes(graphSignature(model.proto), global.signature)) {
    return { ok: false, reason: 'graph differs from the global model’s (nodes, ops, attributes, inputs, outputs or constant initializers)' };
  }
  for (const t of model.tensors) {
    const at = firstNonFinite(t.values);
    if (at >= 0) return { ok: false, reason: `initializer ${t.name}: non-finite value ${t.values[at]} at index ${at}` };
  }
  const vector = flatten(model, global.layout);
  const norm = distance(vector, global.vector);
  if (opts.maxNorm !== undefined && !(norm <= opts.maxNorm)) {
    return { ok: false, reason: `L2 norm of (update - global) is ${norm.toPrecision(6)}, over the bound ${opts.maxNorm}` };
  }
  return { ok: true, model, vector, norm };
}
