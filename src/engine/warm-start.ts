/**
 * Warm start: load a global ONNX model's initializers into the tfjs model a task's config builds,
 * so a federated round trains from the global model and exports an update with the same graph and
 * the same initializer names (aggregation works initializer by initializer, FEDERATED.md).
 *
 * How a global model is matched: the engine exports the freshly built model (exportOnnx) and
 * compares that graph with the global one. They must be the same computation — the same ops in
 * the same order, with the same attributes, wired the same way (intermediate tensor names may
 * differ: they are mapped as the walk goes) — and carry the same initializers by name, shape and
 * type. exportOnnx names a layer's weights `l<index>_<class>/<weight>` (e.g. `l1_Dense/kernel`),
 * so name `l<i>_<class>/<w>` goes to weight `<w>` of layer i; Conv kernels are transposed back
 * from ONNX's [co, ci, kh, kw] to tfjs' [kh, kw, ci, co]. Initializers that are graph constants
 * rather than weights (a zero bias where the layer has none, Clip bounds, Reshape shapes) must
 * equal the constants the config builds. Anything else raises EngineError('incompatible-model')
 * naming the op or the initializer (name, shape expected vs found).
 */
import * as tf from '@tensorflow/tfjs';
import { EngineError } from './errors.js';
import { exportOnnx } from './onnx/export.js';
import { DataType, decodeModel, type AttributeObject, type ModelObject, type NodeObject, type TensorObject } from './onnx/proto.js';

export interface LoadInitializersResult {
  /** Initializers copied into tfjs weights (name order of the graph). */
  loaded: string[];
  /** Initializers checked as graph constants (equal to the built model's). */
  constants: string[];
}

const fmt = (dims: readonly number[] | undefined) => `[${(dims ?? []).join(', ')}]`;

function incompatible(message: string, hint = 'build the trainer config the global model was trained with (model kind, layers, normalisation), or start from no global model'): never {
  throw new EngineError('incompatible-model', `the global model does not fit the task's model: ${message}`, { hint });
}

function decode(bytes: Uint8Array): ModelObject {
  try {
    return decodeModel(bytes);
  } catch (cause) {
    throw new EngineError('unparsable', `the global model is not an ONNX model: ${(cause as Error).message}`, { cause });
  }
}

/** An initializer's values as float32 (FLOAT from raw_data or float_data). */
function floatData(t: TensorObject): Float32Array {
  const count = (t.dims ?? []).reduce((a, b) => a * b, 1);
  if (t.data_location === 1) incompatible(`initializer '${t.name}' keeps its data in an external file`, 'embed the weights in the .onnx file');
  if (t.raw_data && t.raw_data.length > 0) {
    if (t.raw_data.length !== count * 4) incompatible(`initializer '${t.name}' ${fmt(t.dims)} holds ${t.raw_data.length} bytes, not ${count * 4}`);
    // Copy into an aligned buffer (raw_data may sit at any offset of the file); ONNX is little-endian, as this machine (exportOnnx checks).
    const out = new Float32Array(count);
    new Uint8Array(out.buffer).set(t.raw_data);
    return out;
  }
  const values = t.float_data ?? [];
  if (values.length !== count) incompatible(`initializer '${t.name}' ${fmt(t.dims)} holds ${values.length} values, not ${count}`);
  return Float32Array.from(values);
}

/** Bytes that identify an initializer's values whatever the encoding (raw or typed fields). */
function valueKey(t: TensorObject): string {
  if (t.data_type === DataType.FLOAT) return Buffer.from(floatData(t).buffer).toString('base64');
  if (t.data_type === DataType.INT64) {
    const raw = t.raw_data && t.raw_data.length > 0 ? Array.from(new BigInt64Array(new Uint8Array(t.raw_data).buffer), Number) : (t.int64_data ?? []);
    return JSON.stringify(raw.map(Number));
  }
  return JSON.stringify(t);
}

/** A canonical text of a node's attributes (order-insensitive; float attributes compared as float32). */
function attributesKey(node: NodeObject): string {
  const norm = (a: AttributeObject) => ({
    name: a.name,
    type: a.type,
    ...(a.f !== undefined ? { f: Math.fround(a.f) } : {}),
    ...(a.i !== undefined ? { i: Number(a.i) } : {}),
    ...(a.ints && a.ints.length > 0 ? { ints: a.ints.map(Number) } : {}),
    ...(a.floats && a.floats.length > 0 ? { floats: a.floats.map(Math.fround) } : {}),
    ...(a.s && a.s.length > 0 ? { s: Buffer.from(a.s).toString('hex') } : {}),
    ...(a.t || a.g || (a.tensors && a.tensors.length) || (a.graphs && a.graphs.length) ? { nested: true } : {}),
  });
  const attrs = (node.attribute ?? []).map(norm).sort((x, y) => String(x.name).localeCompare(String(y.name)));
  return JSON.stringify(attrs);
}

const describeNode = (n: NodeObject, i: number) => `op ${n.op_type ?? '?'} (node #${i}${n.name ? ` '${n.name}'` : ''})`;

/** Checks that the global graph computes what the built one does; see the module comment. */
function matchGraph(expected: ModelObject, found: ModelObject): void {
  const eg = expected.graph!;
  const fg = found.graph;
  if (!fg) incompatible('it has no graph');
  if ((fg.sparse_initializer ?? []).length > 0) incompatible(`it has sparse initializers ('${fg.sparse_initializer![0]!.values?.name ?? '?'}'), which the engine cannot map`);
  const initNames = new Set((fg.initializer ?? []).map((t) => t.name));
  const fInputs = (fg.input ?? []).filter((v) => !initNames.has(v.name)); // IR < 4 lists initializers as inputs too
  if (fInputs.length !== 1 || (fg.output ?? []).length !== 1) incompatible(`it has ${fInputs.length} inputs and ${(fg.output ?? []).length} outputs; the task's model has one of each`);
  const dims = (v: (typeof fInputs)[number] | undefined) => (v?.type?.tensor_type?.shape?.dim ?? []).slice(1).map((d) => d.dim_value ?? d.dim_param ?? '?');
  const eIn = dims(eg.input![0]);
  const fIn = dims(fInputs[0]);
  if (JSON.stringify(eIn) !== JSON.stringify(fIn)) incompatible(`input '${fInputs[0]!.name}' has shape [N, ${fIn.join(', ')}], the task's model takes [N, ${eIn.join(', ')}]`);

  // Value names of the global graph -> the built graph's (initializers keep their names).
  const rename = new Map<string, string>([[fInputs[0]!.name!, eg.input![0]!.name!]]);
  const eInit = new Set((eg.initializer ?? []).map((t) => t.name));
  const eNodes = eg.node ?? [];
  const fNodes = fg.node ?? [];
  for (let i = 0; i < Math.max(eNodes.length, fNodes.length); i++) {
    const e = eNodes[i];
    const f = fNodes[i];
    if (!f) incompatible(`it lacks ${describeNode(e!, i)}, the task's model has ${eNodes.length - i} more op(s) from there`);
    if (!e) incompatible(`${describeNode(f, i)} has no counterpart: the task's model ends after ${eNodes.length} ops`);
    if ((f.domain ?? '') !== '' || f.op_type !== e.op_type) incompatible(`${describeNode(f, i)} cannot be mapped: the task's model has op ${e.op_type} there`);
    if (attributesKey(f) !== attributesKey(e)) incompatible(`${describeNode(f, i)} has attributes ${attributesKey(f)}, the task's model ${attributesKey(e)}`);
    const fIns = f.input ?? [];
    const eIns = e.input ?? [];
    if (fIns.length !== eIns.length) incompatible(`${describeNode(f, i)} takes ${fIns.length} inputs, the task's model's ${eIns.length}`);
    fIns.forEach((name, k) => {
      const mapped = initNames.has(name) ? name : rename.get(name);
      if (mapped !== eIns[k]) {
        const want = eInit.has(eIns[k]) ? `initializer '${eIns[k]}'` : 'the previous op’s output';
        incompatible(`${describeNode(f, i)} input ${k} is '${name}', where the task's model has ${want}`);
      }
    });
    if ((f.output ?? []).length !== 1) incompatible(`${describeNode(f, i)} has ${(f.output ?? []).length} outputs, the task's model's op has 1`);
    rename.set(f.output![0]!, e.output![0]!);
  }
  if (rename.get(fg.output![0]!.name!) !== eg.output![0]!.name) incompatible(`its output '${fg.output![0]!.name}' is not the last op's result`);
}

/** ONNX name of a tfjs weight and how to turn the ONNX values into the weight's layout. */
interface WeightSlot {
  variable: tf.LayerVariable;
  toTfjs: (onnx: Float32Array) => Float32Array;
}

/** [co, ci, kh, kw] (ONNX Conv) -> [kh, kw, ci, co] (tfjs), the inverse of the exporter's transpose. */
function convKernelFromOnnx(k: Float32Array, [kh, kw, ci, co]: number[]): Float32Array {
  const out = new Float32Array(k.length);
  for (let h = 0; h < kh!; h++)
    for (let w = 0; w < kw!; w++)
      for (let i = 0; i < ci!; i++)
        for (let o = 0; o < co!; o++) out[((h * kw! + w) * ci! + i) * co! + o] = k[((o * ci! + i) * kh! + h) * kw! + w]!;
  return out;
}

/** The weights of a linear stack by the names exportOnnx gives them (`l<i>_<class>/<weight>`). */
function weightSlots(model: tf.LayersModel): Map<string, WeightSlot> {
  const slots = new Map<string, WeightSlot>();
  model.layers.forEach((layer, i) => {
    const cls = layer.getClassName();
    for (const variable of layer.weights) {
      const short = variable.originalName.split('/').pop()!;
      const conv = cls === 'Conv2D' && short === 'kernel';
      slots.set(`l${i}_${cls}/${short}`, { variable, toTfjs: conv ? (v) => convKernelFromOnnx(v, variable.shape as number[]) : (v) => v });
    }
  });
  return slots;
}

/**
 * The initializers of `model`'s export that training changes (trainable weights), in graph order.
 * The others (normalisation, constants) stay as the global model has them: differential privacy
 * noises only these, or a warm start would refuse the noised constants.
 */
export function trainableInitializers(model: tf.LayersModel): string[] {
  return [...weightSlots(model)].filter(([, slot]) => slot.variable.trainable).map(([name]) => name);
}

/**
 * Loads a global ONNX model's float32 initializers into `model` (built from the task's config),
 * after checking the global graph is the one that config builds.
 *
 * @example
 * const model = buildModel(cfg.model, spec, affine);
 * loadInitializers(model, await readFile('global.onnx'));
 * // train …, then exportOnnx(model) has the global model's graph and initializer names
 */
export function loadInitializers(model: tf.LayersModel, onnxBytes: Uint8Array): LoadInitializersResult {
  const found = decode(onnxBytes);
  const expected = decodeModel(exportOnnx(model));
  const eInits = expected.graph!.initializer ?? [];
  const fInits = new Map((found.graph?.initializer ?? []).map((t) => [t.name!, t]));

  // Initializers first: a renamed or reshaped weight is the likelier mistake, and its message is the more useful.
  const eNames = new Set(eInits.map((t) => t.name!));
  const strays = [...fInits.values()].filter((t) => !eNames.has(t.name!));
  for (const e of eInits) {
    const f = fInits.get(e.name!);
    if (!f) {
      const guess = strays.find((t) => fmt(t.dims) === fmt(e.dims));
      incompatible(`initializer '${e.name}' ${fmt(e.dims)} expected, not found${guess ? ` (found '${guess.name}' ${fmt(guess.dims)} instead)` : ''}`);
    }
    if (fmt(f.dims) !== fmt(e.dims)) incompatible(`initializer '${e.name}': shape ${fmt(e.dims)} expected, found ${fmt(f.dims)}`);
    if (f.data_type !== e.data_type) incompatible(`initializer '${e.name}': data type ${e.data_type} expected (1 = float32), found ${f.data_type}`);
  }
  if (strays.length > 0) incompatible(`initializer '${strays[0]!.name}' ${fmt(strays[0]!.dims)} has no counterpart in the task's model`);
  matchGraph(expected, found);

  const slots = weightSlots(model);
  const loaded: string[] = [];
  const constants: string[] = [];
  const writes: [tf.LayerVariable, Float32Array][] = [];
  for (const e of eInits) {
    const f = fInits.get(e.name!)!;
    const slot = slots.get(e.name!);
    if (slot && e.data_type === DataType.FLOAT) {
      const values = floatData(f);
      for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k]!)) incompatible(`initializer '${e.name}' holds a non-finite value at ${k}`, 'a model with NaN or Inf weights cannot be trained from');
      writes.push([slot.variable, slot.toTfjs(values)]);
      loaded.push(e.name!);
    } else {
      if (valueKey(f) !== valueKey(e)) incompatible(`initializer '${e.name}' ${fmt(e.dims)} is a constant of the task's model (not a trainable weight) and holds other values`);
      constants.push(e.name!);
    }
  }
  // Write only once everything matched, so a refused model leaves `model` untouched.
  for (const [variable, values] of writes) {
    const t = tf.tensor(values, variable.shape as number[], 'float32');
    variable.write(t);
    t.dispose();
  }
  return { loaded, constants };
}
