/**
 * The structure of a model without its trainable values: what an update must share with the
 * global model to be averaged with it. Two models have the same structure when these bytes are
 * equal: IR version, opsets, nodes (ops, attributes, wiring), inputs, outputs, value infos, and
 * every initializer's name, dtype and shape. Non-float32 initializers (e.g. the int64 shape of a
 * Reshape) are constants of the graph, so their data is part of the structure too; the data of
 * float32 initializers is not. Names and doc strings of the model and the graph, and producer
 * fields, are left out: they change nothing an evaluator computes.
 */
import { DataType, encodeModel, type ModelObject, type TensorObject } from '../engine/onnx/proto.js';

/** Canonical bytes of the model's structure (float32 initializer data stripped). */
export function graphSignature(model: ModelObject): Uint8Array {
  const g = model.graph ?? {};
  const initializer = (g.initializer ?? []).map((t): TensorObject => (t.data_type === DataType.FLOAT ? { name: t.name, dims: t.dims, data_type: t.data_type } : t));
  return encodeModel({
    ir_version: model.ir_version,
    opset_import: model.opset_import,
    graph: { ...g, name: undefined, doc_string: undefined, initializer },
  });
}

/** Byte equality of two signatures. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
