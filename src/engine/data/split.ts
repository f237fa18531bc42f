/**
 * Deterministic train/validation split: a row belongs to the validation subset when a hash of
 * (row index, seed) falls below the fraction. Needs no shuffling, no row count and no memory, so
 * it works on streams, and any implementation (examples/tasks/make-splits.mjs mirrors this one)
 * reproduces it bit for bit.
 */

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
