/** Seeded draws for tests that pick their faults at random and must replay them: same seed, same draws. */

/** Uniform draws in [0, 1) from `seed` (the engine's mulberry32: same seed, same draws everywhere). */
export { mulberry32 as seededRandom } from '../../src/engine/random.js';

/** One element of `xs`, drawn with `rand`. */
export function pick<T>(rand: () => number, xs: readonly T[]): T {
  if (xs.length === 0) throw new Error('pick from an empty list');
  return xs[Math.floor(rand() * xs.length)]!;
}
