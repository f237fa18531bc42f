/**
 * Model poisoning, as the robust-aggregation papers test it (Blanchard et al. 2017, Fang et al.
 * 2020): a malicious client trains honestly, then sends a distorted update instead.
 *   scale      global + s * delta     (boosted update: drags a mean s times as far)
 *   sign-flip  global - s * delta     (pushes the model the other way)
 *   noise      global + N(0, (s * rms(delta))^2) per coordinate (a random update of similar scale)
 * with delta = local - global and s the attack's strength (default 10).
 */
import { mulberry32 } from '../../engine/random.js';

export const ATTACKS = ['scale', 'sign-flip', 'noise'] as const;
export type AttackKind = (typeof ATTACKS)[number];

/** The poisoned weights a malicious client sends instead of `local` (float32, same length). */
export function poison(global: Float32Array, local: Float32Array, kind: AttackKind, strength: number, seed: number): Float32Array {
  const out = new Float32Array(global.length);
  if (kind === 'noise') {
    let sq = 0;
    for (let i = 0; i < global.length; i++) sq += (local[i]! - global[i]!) ** 2;
    const std = strength * Math.sqrt(sq / Math.max(global.length, 1));
    const rnd = mulberry32(seed);
    for (let i = 0; i < global.length; i++) {
      const z = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
      out[i] = global[i]! + std * z;
    }
    return out;
  }
  const s = kind === 'scale' ? strength : -strength;
  for (let i = 0; i < global.length; i++) out[i] = global[i]! + s * (local[i]! - global[i]!);
  return out;
}
