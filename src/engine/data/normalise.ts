/**
 * Feature normalisation as a per-feature affine map x' = x * scale + offset. Statistics come from
 * one streaming pass (Welford's algorithm, float64) over the training rows only, so validation
 * rows never leak into the model. The same map is baked into the model (and its ONNX export), so
 * a model always takes raw task inputs.
 */
import type { Normalisation } from './schema.js';

export interface FeatureStats {
  count: number;
  mean: Float64Array;
  /** Population standard deviation (ddof 0, as scikit-learn's StandardScaler). */
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

/** Running mean/variance/min/max of feature vectors. */
export class StatsAccumulator {
  private n = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;

  constructor(readonly size: number) {
    this.mean = new Float64Array(size);
    this.m2 = new Float64Array(size);
    this.min = new Float64Array(size).fill(Infinity);
    this.max = new Float64Array(size).fill(-Infinity);
  }

  add(x: ArrayLike<number>, offset = 0): void {
    this.n++;
    for (let j = 0; j < this.size; j++) {
      const v = x[offset + j]!;
      const d = v - this.mean[j]!;
      this.mean[j]! += d / this.n;
      this.m2[j]! += d * (v - this.mean[j]!);
      if (v < this.min[j]!) this.min[j] = v;
      if (v > this.max[j]!) this.max[j] = v;
    }
  }

  result(): FeatureStats {
    const std = new Float64Array(this.size);
    for (let j = 0; j < this.size; j++) std[j] = this.n > 0 ? Math.sqrt(this.m2[j]! / this.n) : 0;
    return { count: this.n, mean: this.mean.slice(), std, min: this.min.slice(), max: this.max.slice() };
  }
}

export interface Affine {
  scale: Float32Array;
  offset: Float32Array;
}

/**
 * The affine map for a normalisation, or null for 'none'. Constant features (zero spread) are
 * only centred, never divided by zero.
 */
export function normalisationAffine(norm: Normalisation, stats: FeatureStats | undefined, size: number): Affine | null {
  if (norm === 'none') return null;
  const scale = new Float32Array(size);
  const offset = new Float32Array(size);
  if (typeof norm === 'object') {
    scale.fill(norm.scale);
    return { scale, offset };
  }
  if (!stats) throw new Error(`normalisation '${norm}' needs feature statistics`);
  for (let j = 0; j < size; j++) {
    const [shift, spread] = norm === 'standard' ? [stats.mean[j]!, stats.std[j]!] : [stats.min[j]!, stats.max[j]! - stats.min[j]!];
    const s = spread > 1e-12 && Number.isFinite(spread) ? 1 / spread : 1;
    scale[j] = s;
    offset[j] = -shift * s;
  }
  return { scale, offset };
}
