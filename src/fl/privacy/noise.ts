/**
 * Gaussian noise on an aggregate, as Flower's fixed-clipping DP wrappers add it: after m clipped
 * updates are averaged, each coordinate gets N(0, sigma^2) with sigma = z * C / m (z the noise
 * multiplier, C the clipping norm). The accountant (rdp.ts) prices each such round from q and z.
 */
import { GaussianSource } from './random.js';
import { sameKind, sortedNames, type FloatArray, type TensorMap } from './tensors.js';

/** sigma = z * C / m: the std of the noise on the mean of m updates clipped to norm C. */
export function noiseStd(noiseMultiplier: number, clipNorm: number, updates: number): number {
  if (!(noiseMultiplier >= 0 && Number.isFinite(noiseMultiplier))) throw new RangeError(`noise multiplier must be >= 0, got ${noiseMultiplier}`);
  if (!(clipNorm > 0 && Number.isFinite(clipNorm))) throw new RangeError(`clipping norm must be a positive finite number, got ${clipNorm}`);
  if (!(Number.isInteger(updates) && updates >= 1)) throw new RangeError(`updates aggregated must be a whole number >= 1, got ${updates}`);
  return (noiseMultiplier * clipNorm) / updates;
}

export interface NoiseOptions {
  /** Tests only: a reproducible source. Default: the OS CSPRNG (node:crypto). */
  source?: GaussianSource;
}

/**
 * Adds N(0, std^2) to every coordinate and returns new arrays of the same types (float64
 * arithmetic, one rounding for float32). Tensors are visited in a canonical name order.
 *
 * @example
 * const noised = addGaussianNoise(aggregate, noiseStd(1.1, 1.0, updates.length));
 */
export function addGaussianNoise<T extends FloatArray>(tensors: TensorMap<T>, std: number, options: NoiseOptions = {}): Map<string, T> {
  if (!(std >= 0 && Number.isFinite(std))) throw new RangeError(`noise std must be >= 0 and finite, got ${std}`);
  const source = options.source ?? new GaussianSource();
  const out = new Map<string, T>();
  for (const name of sortedNames(tensors)) {
    const t = tensors.get(name)!;
    const n = sameKind(t, t.length);
    for (let i = 0; i < t.length; i++) n[i] = t[i]! + std * source.normal();
    out.set(name, n);
  }
  return out;
}

export interface PrivatiseOptions extends NoiseOptions {
  noiseMultiplier: number;
  clipNorm: number;
  /** m: how many clipped updates the aggregate averages. */
  updates: number;
}

/** Noises an aggregate of `updates` clipped updates; returns the weights and the std used. */
export function privatiseAggregate<T extends FloatArray>(aggregate: TensorMap<T>, options: PrivatiseOptions): { weights: Map<string, T>; std: number } {
  const std = noiseStd(options.noiseMultiplier, options.clipNorm, options.updates);
  return { weights: addGaussianNoise(aggregate, std, options), std };
}
