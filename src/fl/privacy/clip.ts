/**
 * Fixed clipping of a client's update, as Flower's fixed-clipping DP wrappers do it: the update is
 * delta = local - global over every float initializer, measured with ONE L2 norm over the whole
 * update (not per tensor, so the bound C is what the accountant's sensitivity assumes), and scaled
 * by min(1, C / ||delta||). Below C nothing changes; above, the direction is kept.
 * Arithmetic in float64 over names in a canonical order, so two machines clip to the same bits.
 */
import { sameKind, sortedNames, type FloatArray, type TensorMap } from './tensors.js';

export interface ClippedDelta {
  /** The clipped update, per initializer (float64). */
  delta: Map<string, Float64Array>;
  /** ||delta|| before clipping. */
  norm: number;
  /** The factor applied: min(1, C / norm). */
  scale: number;
}

export interface ClippedUpdate<T extends FloatArray> {
  /** global + clipped delta, in the local model's array type: what the client publishes. */
  weights: Map<string, T>;
  norm: number;
  scale: number;
}

function checkClip(clipNorm: number): void {
  if (!(clipNorm > 0 && Number.isFinite(clipNorm))) throw new RangeError(`clipping norm must be a positive finite number, got ${clipNorm}`);
}

/** local - global per initializer; both must hold the same names with the same lengths, all finite. */
export function updateDelta(local: TensorMap, global: TensorMap): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const name of sortedNames(global)) {
    const g = global.get(name)!;
    const l = local.get(name);
    if (!l) throw new RangeError(`the update lacks initializer '${name}'`);
    if (l.length !== g.length) throw new RangeError(`initializer '${name}' has ${l.length} values in the update, ${g.length} in the global model`);
    const d = new Float64Array(g.length);
    for (let i = 0; i < g.length; i++) {
      d[i] = l[i]! - g[i]!;
      if (!Number.isFinite(d[i]!)) throw new RangeError(`initializer '${name}' holds a non-finite value at ${i}`);
    }
    out.set(name, d);
  }
  for (const name of local.keys()) if (!global.has(name)) throw new RangeError(`the update has initializer '${name}', which the global model lacks`);
  return out;
}

/** One L2 norm over every value of every tensor (canonical order, float64). */
export function l2Norm(tensors: TensorMap): number {
  let sum = 0;
  for (const name of sortedNames(tensors)) for (const v of tensors.get(name)!) sum += v * v;
  return Math.sqrt(sum);
}

/** Scales `delta` by min(1, C / ||delta||). */
export function clipDelta(delta: TensorMap, clipNorm: number): ClippedDelta {
  checkClip(clipNorm);
  const norm = l2Norm(delta);
  const scale = norm > clipNorm ? clipNorm / norm : 1;
  const out = new Map<string, Float64Array>();
  for (const name of sortedNames(delta)) out.set(name, Float64Array.from(delta.get(name)!, (v) => v * scale));
  return { delta: out, norm, scale };
}

/**
 * Clips a local model's update against the global model and returns global + clipped delta.
 *
 * @example
 * const { weights, norm, scale } = clipUpdate(localWeights, globalWeights, 1.0);
 */
export function clipUpdate<T extends FloatArray>(local: TensorMap<T>, global: TensorMap, clipNorm: number): ClippedUpdate<T> {
  const { delta, norm, scale } = clipDelta(updateDelta(local, global), clipNorm);
  const weights = new Map<string, T>();
  for (const [name, d] of delta) {
    const g = global.get(name)!;
    const w = sameKind(local.get(name)!, d.length);
    for (let i = 0; i < d.length; i++) w[i] = g[i]! + d[i]!;
    weights.set(name, w);
  }
  return { weights, norm, scale };
}
