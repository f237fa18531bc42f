import { decodeModel, encodeModel } from '../../engine/onnx/proto.js';

/**
 * The model without its final Softmax: the graph's output is then the raw logits, as when a
 * model is exported from a framework that applies softmax in its loss (a common slip). Same
 * argmax, so the same accuracy, but not the class probabilities a flock task's contract asks for.
 */
export function logitsModel(onnx: Uint8Array): Uint8Array {
  const m = decodeModel(onnx);
  const g = m.graph!;
  const out = g.output![0]!.name!;
  const i = g.node!.findIndex((n) => n.op_type === 'Softmax' && n.output?.[0] === out);
  if (i < 0) throw new Error('the model has no Softmax producing its output');
  const softmax = g.node![i]!;
  const logits = softmax.input![0]!;
  g.node!.splice(i, 1);
  for (const n of g.node!) n.output = n.output?.map((o) => (o === logits ? out : o));
  for (const n of g.node!) n.input = n.input?.map((x) => (x === logits ? out : x));
  return encodeModel(m);
}
