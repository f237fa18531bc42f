/**
 * tfjs -> ONNX export for the layers the engine trains (and a few close relatives).
 *
 * Layout: tfjs is channels-last (NHWC); ONNX Conv/Pool/BatchNormalization are channels-first
 * (NCHW). The exported model keeps the task's input layout ([N, H, W, C]) and inserts a Transpose
 * in front of the first spatial op and another one before Flatten, so the flattened vector has
 * tfjs' order and the following Dense weights apply unchanged. ONNX Runtime's optimiser fuses or
 * elides most of these transposes.
 */
import { endianness } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { EngineError } from '../errors.js';
import { AttributeType, DataType, encodeModel, type AttributeObject, type NodeObject, type TensorObject } from './proto.js';

export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 8;

export interface ExportOptions {
  inputName?: string;
  outputName?: string;
  /** Name of the symbolic batch dimension. */
  batchDim?: string;
  /** Written to ModelProto.doc_string. */
  docString?: string;
  /** Extra key/value metadata (ModelProto.metadata_props). */
  metadata?: Record<string, string>;
}

/** A tensor in the graph: its name, its shape without batch in tfjs order, and its layout. */
interface Value {
  name: string;
  shape: number[];
  /** 'nchw' only for rank-3 (image) values that were transposed for ONNX's spatial ops. */
  layout: 'natural' | 'nchw';
}

const attr = {
  int: (name: string, i: number): AttributeObject => ({ name, type: AttributeType.INT, i }),
  ints: (name: string, ints: number[]): AttributeObject => ({ name, type: AttributeType.INTS, ints }),
  float: (name: string, f: number): AttributeObject => ({ name, type: AttributeType.FLOAT, f }),
};

class GraphBuilder {
  readonly nodes: NodeObject[] = [];
  readonly initializers: TensorObject[] = [];
  private count = 0;

  constant(name: string, data: Float32Array, dims: number[]): string {
    // Copy: the source may be a view on a larger buffer; raw_data is little-endian float32.
    const bytes = new Uint8Array(data.byteLength);
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.initializers.push({ name, dims, data_type: DataType.FLOAT, raw_data: bytes });
    return name;
  }

  int64(name: string, values: number[]): string {
    this.initializers.push({ name, dims: [values.length], data_type: DataType.INT64, int64_data: values });
    return name;
  }

  node(op: string, inputs: string[], attributes: AttributeObject[] = [], prefix = op.toLowerCase()): string {
    const output = `${prefix}_${this.count++}`;
    this.nodes.push({ op_type: op, name: output, input: inputs, output: [output], attribute: attributes });
    return output;
  }
}

function unsupported(layer: tf.layers.Layer, why: string): never {
  throw new EngineError('unsupported-layer', `cannot export layer '${layer.name}' (${layer.getClassName()}): ${why}`, {
    hint: 'use layers the engine supports: Dense, Conv2D, Max/AveragePooling2D, Flatten, BatchNormalization, Dropout, Activation',
  });
}

function weightsByName(layer: tf.layers.Layer): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const w of layer.weights) {
    const short = w.originalName.split('/').pop()!;
    out.set(short, w.read().dataSync() as Float32Array);
  }
  return out;
}

/** Transposes a [kh, kw, ci, co] kernel (tfjs) into [co, ci, kh, kw] (ONNX Conv). */
function convKernelToOnnx(k: Float32Array, [kh, kw, ci, co]: number[]): Float32Array {
  const out = new Float32Array(k.length);
  for (let h = 0; h < kh!; h++)
    for (let w = 0; w < kw!; w++)
      for (let i = 0; i < ci!; i++)
        for (let o = 0; o < co!; o++) out[((o * ci! + i) * kh! + h) * kw! + w] = k[((h * kw! + w) * ci! + i) * co! + o]!;
  return out;
}

const pair = (v: number | number[] | undefined, fallback: number): [number, number] =>
  v === undefined ? [fallback, fallback] : Array.isArray(v) ? [v[0]!, v[1] ?? v[0]!] : [v, v];

/** ONNX pads [top, left, bottom, right] reproducing tfjs' 'same'/'valid' padding. */
function spatialPads(padding: string, [h, w]: number[], [kh, kw]: number[], [sh, sw]: number[], [dh, dw]: number[]): number[] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding !== 'same') throw new Error(`padding '${padding}'`);
  const total = (size: number, k: number, s: number, d: number) => Math.max((Math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0);
  const th = total(h!, kh!, sh!, dh!);
  const tw = total(w!, kw!, sw!, dw!);
  // TensorFlow puts the odd padding pixel at the end (bottom/right).
  return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
}

class Exporter {
  readonly g = new GraphBuilder();
  /** Prefix of the layer being exported (deterministic initializer names: tfjs layer names are not). */
  private id = '';

  toNchw(v: Value): Value {
    if (v.layout === 'nchw') return v;
    if (v.shape.length !== 3) throw new Error(`expected an image-shaped tensor, got [${v.shape.join(', ')}]`);
    return { ...v, name: this.g.node('Transpose', [v.name], [attr.ints('perm', [0, 3, 1, 2])]), layout: 'nchw' };
  }

  toNatural(v: Value): Value {
    if (v.layout === 'natural') return v;
    return { ...v, name: this.g.node('Transpose', [v.name], [attr.ints('perm', [0, 2, 3, 1])]), layout: 'natural' };
  }

  activation(v: Value, name: string, layer: tf.layers.Layer): Value {
    const g = this.g;
    const unary = (op: string, attrs: AttributeObject[] = []) => ({ ...v, name: g.node(op, [v.name], attrs) });
    switch (name) {
      case 'linear':
        return v;
      case 'relu':
        return unary('Relu');
      case 'sigmoid':
        return unary('Sigmoid');
      case 'tanh':
        return unary('Tanh');
      case 'elu':
        return unary('Elu', [attr.float('alpha', 1)]);
      case 'selu':
        return unary('Selu'); // ONNX defaults are tfjs' constants rounded to float32
      case 'softplus':
        return unary('Softplus');
      case 'softsign':
        return unary('Softsign');
      case 'hardSigmoid':
        return unary('HardSigmoid', [attr.float('alpha', 0.2), attr.float('beta', 0.5)]);
      case 'relu6':
        return this.clip(v, 0, 6);
      case 'swish': {
        const s = g.node('Sigmoid', [v.name]);
        return { ...v, name: g.node('Mul', [v.name, s]) };
      }
      case 'softmax': {
        const n = this.toNatural(v);
        return { ...n, name: g.node('Softmax', [n.name], [attr.int('axis', -1)]) };
      }
      default:
        return unsupported(layer, `activation '${name}'`);
    }
  }

  clip(v: Value, min: number, max: number): Value {
    const lo = this.g.constant(`${this.id}/clip_min`, Float32Array.of(min), []);
    const hi = this.g.constant(`${this.id}/clip_max`, Float32Array.of(max), []);
    return { ...v, name: this.g.node('Clip', [v.name, lo, hi]) };
  }

  layer(v: Value, layer: tf.layers.Layer, id: string): Value {
    this.id = id;
    const g = this.g;
    const cls = layer.getClassName();
    const cfg = layer.getConfig() as Record<string, unknown>;
    const outShape = (layer.outputShape as (number | null)[]).slice(1) as number[];
    const w = () => weightsByName(layer);

    switch (cls) {
      case 'InputLayer':
      case 'Dropout':
      case 'FlockSeededDropout':
      case 'SpatialDropout1D':
      case 'GaussianNoise':
      case 'GaussianDropout':
      case 'AlphaDropout':
        return v; // identity at inference

      case 'FlockAffine': {
        const n = this.toNatural(v);
        const ws = w();
        const scale = g.constant(`${id}/scale`, ws.get('scale')!, n.shape);
        const offset = g.constant(`${id}/offset`, ws.get('offset')!, n.shape);
        const m = g.node('Mul', [n.name, scale]);
        return { ...n, name: g.node('Add', [m, offset]) };
      }

      case 'Dense': {
        const n = this.toNatural(v);
        const ws = w();
        const kernel = ws.get('kernel')!;
        const units = cfg['units'] as number;
        const inDim = n.shape[n.shape.length - 1]!;
        const W = g.constant(`${id}/kernel`, kernel, [inDim, units]);
        const b = g.constant(`${id}/bias`, ws.get('bias') ?? new Float32Array(units), [units]);
        // Gemm for [N, in] inputs; Dense on higher ranks acts on the last axis: MatMul + Add.
        const y = n.shape.length === 1 ? g.node('Gemm', [n.name, W, b]) : g.node('Add', [g.node('MatMul', [n.name, W]), b]);
        return this.activation({ name: y, shape: outShape, layout: 'natural' }, cfg['activation'] as string, layer);
      }

      case 'Conv2D': {
        if (cfg['dataFormat'] !== 'channelsLast') unsupported(layer, `dataFormat ${String(cfg['dataFormat'])}`);
        const x = this.toNchw(v);
        const ws = w();
        const [kh, kw] = pair(cfg['kernelSize'] as number | number[], 1);
        const strides = pair(cfg['strides'] as number | number[], 1);
        const dil = pair(cfg['dilationRate'] as number | number[], 1);
        const ci = v.shape[2]!;
        const co = cfg['filters'] as number;
        const padding = cfg['padding'] as string;
        if (padding !== 'same' && padding !== 'valid') unsupported(layer, `padding '${padding}'`);
        const W = g.constant(`${id}/kernel`, convKernelToOnnx(ws.get('kernel')!, [kh, kw, ci, co]), [co, ci, kh, kw]);
        const inputs = [x.name, W];
        const bias = ws.get('bias');
        if (bias) inputs.push(g.constant(`${id}/bias`, bias, [co]));
        const y = g.node('Conv', inputs, [
          attr.ints('kernel_shape', [kh, kw]),
          attr.ints('strides', strides),
          attr.ints('dilations', dil),
          attr.ints('pads', spatialPads(padding, v.shape, [kh, kw], strides, dil)),
          attr.int('group', 1),
        ]);
        return this.activation({ name: y, shape: outShape, layout: 'nchw' }, cfg['activation'] as string, layer);
      }

      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        if (cfg['dataFormat'] !== 'channelsLast') unsupported(layer, `dataFormat ${String(cfg['dataFormat'])}`);
        const x = this.toNchw(v);
        const k = pair(cfg['poolSize'] as number | number[], 2);
        const s = pair((cfg['strides'] as number | number[] | null) ?? k, 1);
        const pads = spatialPads(cfg['padding'] as string, v.shape, k, s, [1, 1]);
        const attrs = [attr.ints('kernel_shape', k), attr.ints('strides', s), attr.ints('pads', pads)];
        // tfjs averages over the valid (unpadded) pixels only, like count_include_pad = 0.
        if (cls === 'AveragePooling2D') attrs.push(attr.int('count_include_pad', 0));
        return { name: g.node(cls === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool', [x.name], attrs), shape: outShape, layout: 'nchw' };
      }

      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        const x = this.toNchw(v);
        const pooled = g.node(cls === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool', [x.name]);
        return { name: g.node('Flatten', [pooled], [attr.int('axis', 1)]), shape: outShape, layout: 'natural' };
      }

      case 'Flatten': {
        // Flatten in tfjs' (channels-last) order so the next Dense sees the same vector.
        const n = this.toNatural(v);
        return { name: g.node('Flatten', [n.name], [attr.int('axis', 1)]), shape: outShape, layout: 'natural' };
      }

      case 'Reshape': {
        const n = this.toNatural(v);
        const shape = g.int64(`${id}/shape`, [0, ...(cfg['targetShape'] as number[])]); // 0 keeps the batch size
        return { name: g.node('Reshape', [n.name, shape]), shape: outShape, layout: 'natural' };
      }

      case 'BatchNormalization': {
        const axis = cfg['axis'] as number;
        const rank = v.shape.length + 1;
        if (axis !== -1 && axis !== rank - 1) unsupported(layer, `axis ${axis} (only the channel/last axis)`);
        if (v.shape.length !== 1 && v.shape.length !== 3) unsupported(layer, `input rank ${rank}`);
        // ONNX normalises axis 1: [N, C] as is, images as NCHW.
        const x = v.shape.length === 3 ? this.toNchw(v) : v;
        const ws = w();
        const c = v.shape[v.shape.length - 1]!;
        const scale = g.constant(`${id}/gamma`, ws.get('gamma') ?? new Float32Array(c).fill(1), [c]);
        const bias = g.constant(`${id}/beta`, ws.get('beta') ?? new Float32Array(c), [c]);
        const mean = g.constant(`${id}/moving_mean`, ws.get('moving_mean')!, [c]);
        const variance = g.constant(`${id}/moving_variance`, ws.get('moving_variance')!, [c]);
        const y = g.node('BatchNormalization', [x.name, scale, bias, mean, variance], [attr.float('epsilon', cfg['epsilon'] as number)]);
        return { ...x, name: y };
      }

      case 'Activation':
        return this.activation(v, cfg['activation'] as string, layer);
      case 'ReLU': {
        const max = cfg['maxValue'] as number | null | undefined;
        return max == null ? this.activation(v, 'relu', layer) : this.clip(v, 0, max);
      }
      case 'LeakyReLU':
        return { ...v, name: g.node('LeakyRelu', [v.name], [attr.float('alpha', cfg['alpha'] as number)]) };
      case 'ELU':
        return { ...v, name: g.node('Elu', [v.name], [attr.float('alpha', cfg['alpha'] as number)]) };
      case 'Softmax': {
        const ax = cfg['axis'] as number;
        if (ax !== -1 && ax !== v.shape.length) unsupported(layer, `axis ${ax}`);
        return this.activation(v, 'softmax', layer);
      }
      default:
        return unsupported(layer, 'no ONNX mapping');
    }
  }
}

/** The layers of a model that is a single chain (a Sequential, or a functional model without branches). */
function chain(model: tf.LayersModel): tf.layers.Layer[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new EngineError('unsupported-layer', 'only single-input, single-output models can be exported');
  }
  if (model instanceof tf.Sequential) return model.layers;
  const layers = model.layers;
  layers.forEach((l, i) => {
    const inbound = (l as unknown as { inboundNodes: { inboundLayers: tf.layers.Layer[] }[] }).inboundNodes;
    const prev = inbound.length > 0 ? inbound[0]!.inboundLayers : [];
    if (i > 0 && (prev.length !== 1 || prev[0] !== layers[i - 1])) {
      throw new EngineError('unsupported-layer', `layer '${l.name}' does not follow the previous layer; only linear stacks can be exported`);
    }
  });
  return layers;
}

/**
 * Serialises a trained tfjs model to ONNX (opset 13, IR 8). Input `input` [N, ...inputShape]
 * float32 in the model's own (channels-last) layout; output `output` [N, ...outputShape].
 *
 * @example
 * const bytes = exportOnnx(result.model);
 * await writeFile('model.onnx', bytes);
 */
export function exportOnnx(model: tf.LayersModel, options: ExportOptions = {}): Uint8Array {
  if (endianness() !== 'LE') throw new EngineError('unsupported-layer', 'ONNX raw tensor data is little-endian; this machine is big-endian');
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'output';
  const batch = options.batchDim ?? 'N';
  const inputShape = (model.inputs[0]!.shape as (number | null)[]).slice(1);
  if (inputShape.some((d) => d === null)) throw new EngineError('unsupported-layer', 'input dimensions other than the batch must be fixed');

  const ex = new Exporter();
  let v: Value = { name: inputName, shape: inputShape as number[], layout: 'natural' };
  chain(model).forEach((layer, i) => {
    v = ex.layer(v, layer, `l${i}_${layer.getClassName()}`);
  });
  v = ex.toNatural(v);

  const g = ex.g;
  const last = g.nodes[g.nodes.length - 1];
  if (!last || last.output![0] !== v.name) g.node('Identity', [v.name]);
  g.nodes[g.nodes.length - 1]!.output = [outputName];

  const valueInfo = (name: string, shape: number[]) => ({
    name,
    type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [{ dim_param: batch }, ...shape.map((d) => ({ dim_value: d }))] } } },
  });
  return encodeModel({
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'flock',
    producer_version: '0.1.0',
    ...(options.docString ? { doc_string: options.docString } : {}),
    ...(options.metadata ? { metadata_props: Object.entries(options.metadata).map(([key, value]) => ({ key, value })) } : {}),
    graph: {
      name: 'flock',
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(inputName, inputShape as number[])],
      output: [valueInfo(outputName, v.shape)],
    },
  });
}
