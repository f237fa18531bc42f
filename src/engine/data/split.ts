/**
 * Deterministic train/validation splits. The streaming one (the trainer's held-out rows, the
 * example tasks' files): a row belongs to the validation subset when a hash of (row index, seed)
 * falls below the fraction; it needs no shuffling, no row count and no memory, and any
 * implementation (examples/tasks/make-splits.mjs uses this one) reproduces it bit for bit.
 * The stratified one (`flock task init`) needs every row's class first, and keeps each class's
 * share exact in both files.
 */
import { deriveSeed, permutation } from '../random.js';

/** MurmurHash3's 32-bit finaliser: a cheap, well-mixed bijection on uint32. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform value in [0, 1) for a row index (0-based data row, header excluded) and a seed. */
export function rowHash(index: number, seed: number): number {
  const lo = index >>> 0;
  const hi = Math.floor(index / 0x1_0000_0000) >>> 0;
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9);
  h = fmix32(h ^ lo);
  h = fmix32(h ^ Math.imul(hi, 0x27d4eb2d));
  return h / 0x1_0000_0000;
}

export interface SplitSpec {
  /** Share of rows that go to validation, in [0, 1). */
  validationFraction: number;
  seed: number;
}

export type Subset = 'train' | 'validation' | 'all';

export function isValidationRow(index: number, split: SplitSpec): boolean {
  return rowHash(index, split.seed) < split.validationFraction;
}

export function inSubset(index: number, subset: Subset, split: SplitSpec | undefined): boolean {
  if (subset === 'all' || !split) return subset !== 'validation';
  return isValidationRow(index, split) === (subset === 'validation');
}

/**
 * A seeded stratified split for authoring a task (`flock task init`): within each stratum (a
 * class, or a bin of sorted regression targets) a seeded permutation sends round(n * fraction)
 * rows to validation, so every class keeps its share in both files. A stratum of two rows or more
 * gives validation at least one row and training at least one; a single row stays in training.
 * Returns 1 for a validation row, 0 for a training row.
 *
 * @example
 * stratifiedSplit([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], { validationFraction: 0.2, seed: 1 }); // one row of each class is 1
 */
export function stratifiedSplit(strata: ArrayLike<number>, split: SplitSpec): Uint8Array {
  const members = new Map<number, number[]>();
  for (let i = 0; i < strata.length; i++) {
    const s = strata[i]!;
    const list = members.get(s);
    if (list) list.push(i);
    else members.set(s, [i]);
  }
  const out = new Uint8Array(strata.length);
  for (const s of [...members.keys()].sort((a, b) => a - b)) {
    const rows = members.get(s)!;
    const n = rows.length;
    const k = n < 2 || split.validationFraction <= 0 ? 0 : Math.min(Math.max(Math.round(n * split.validationFraction), 1), n - 1);
    const order = permutation(n, deriveSeed(split.seed, s >>> 0));
    for (let j = 0; j < k; j++) out[rows[order[j]!]!] = 1;
  }
  return out;
}

/** Strata for a regression target: `bins` equal-count bins of the sorted values (ties by row order). */
export function quantileStrata(values: ArrayLike<number>, bins = 10): Uint32Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const out = new Uint32Array(n);
  order.forEach((row, rank) => (out[row] = Math.floor((rank * bins) / n)));
  return out;
}
