/**
 * Reads any ONNX model with our schema subset: its inputs/outputs and how many parameters it
 * stores. Used by validation on models from anyone, so it must tolerate everything and trust
 * nothing.
 */
import { EngineError } from '../errors.js';
import { decodeModel, type AttributeObject, type GraphObject, type ModelObject, type TensorObject, type ValueInfoObject } from './proto.js';

/** ONNX TensorProto.DataType -> the element type name onnxruntime uses. */
const ELEM_TYPES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16',
};

export interface OnnxValueInfo {
  name: string;
  /** onnxruntime's name for the element type ('float32', ...), or 'unknown'. */
  type: string;
  /** Dimensions: a number, a symbolic name, or null when unspecified. Undefined shape: rank unknown. */
  shape?: (number | string | null)[];
}

export interface OnnxSummary {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producer: string;
  /** Graph inputs that are not initializers (the values a caller must feed). */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Elements of every stored tensor: initializers, sparse initializers and Constant nodes, subgraphs included. */
  parameterCount: number;
  /** Node count per op type (main graph and subgraphs). */
  ops: Record<string, number>;
  /** Whether any tensor refers to external data (not loadable from a single file). */
  externalData: boolean;
}

function valueInfo(v: ValueInfoObject): OnnxValueInfo {
  const t = v.type?.tensor_type;
  const dims = t?.shape?.dim;
  return {
    name: v.name ?? '',
    type: t ? (ELEM_TYPES[t.elem_type ?? 0] ?? 'unknown') : 'unknown',
    ...(t?.shape ? { shape: (dims ?? []).map((d) => (d.dim_value !== undefined ? d.dim_value : d.dim_param !== undefined && d.dim_param !== '' ? d.dim_param : null)) } : {}),
  };
}

function tensorSize(t: TensorObject | undefined): number {
  if (!t) return 0;
  return (t.dims ?? []).reduce((a, d) => a * Math.max(0, d), 1);
}

interface Tally {
  params: number;
  ops: Record<string, number>;
  external: boolean;
}

function countAttribute(a: AttributeObject, tally: Tally, depth: number): void {
  if (a.t) tally.params += tensorSize(a.t);
  for (const t of a.tensors ?? []) tally.params += tensorSize(t);
  if (a.sparse_tensor) tally.params += tensorSize(a.sparse_tensor.values);
  if (a.g) countGraph(a.g, tally, depth + 1);
  for (const g of a.graphs ?? []) countGraph(g, tally, depth + 1);
}

function countGraph(g: GraphObject, tally: Tally, depth: number): void {
  if (depth > 32) throw new EngineError('unparsable', 'subgraphs nested more than 32 deep');
  for (const t of g.initializer ?? []) {
    tally.params += tensorSize(t);
    if (t.data_location === 1) tally.external = true;
  }
  for (const s of g.sparse_initializer ?? []) tally.params += tensorSize(s.values);
  for (const n of g.node ?? []) {
    const op = n.domain ? `${n.domain}.${n.op_type ?? ''}` : (n.op_type ?? '');
    tally.ops[op] = (tally.ops[op] ?? 0) + 1;
    for (const a of n.attribute ?? []) {
      // Constant's value_floats / value_ints carry weights too.
      if (n.op_type === 'Constant') tally.params += (a.floats?.length ?? 0) + (a.ints?.length ?? 0);
      countAttribute(a, tally, depth);
    }
  }
}

/** Summarises a decoded model. */
export function summarise(model: ModelObject): OnnxSummary {
  const g = model.graph;
  if (!g) throw new EngineError('unparsable', 'the model has no graph');
  const tally: Tally = { params: 0, ops: {}, external: false };
  countGraph(g, tally, 0);
  const initNames = new Set((g.initializer ?? []).map((t) => t.name));
  return {
    irVersion: model.ir_version ?? 0,
    opsets: (model.opset_import ?? []).map((o) => ({ domain: o.domain ?? '', version: o.version ?? 0 })),
    producer: [model.producer_name, model.producer_version].filter(Boolean).join(' '),
    inputs: (g.input ?? []).filter((v) => !initNames.has(v.name)).map(valueInfo),
    outputs: (g.output ?? []).map(valueInfo),
    parameterCount: tally.params,
    ops: tally.ops,
    externalData: tally.external,
  };
}

/**
 * Parses ONNX bytes and summarises them. Throws EngineError('unparsable') for bytes that are not
 * an ONNX model.
 *
 * @example
 * const { inputs, outputs, parameterCount } = inspectOnnx(await readFile('model.onnx'));
 */
export function inspectOnnx(bytes: Uint8Array): OnnxSummary {
  let model: ModelObject;
  try {
    model = decodeModel(bytes);
  } catch (err) {
    throw new EngineError('unparsable', `not an ONNX protobuf: ${(err as Error).message}`, { cause: err });
  }
  if (!model.graph || !model.ir_version) throw new EngineError('unparsable', 'not an ONNX model (no graph or IR version)');
  return summarise(model);
}
