/** Seeded draws for tests that pick their faults at random and must replay them: same seed, same draws. */

/** mulberry32: a tiny 32-bit PRNG, uniform in [0, 1). Not for anything but tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One element of `xs`, drawn with `rand`. */
export function pick<T>(rand: () => number, xs: readonly T[]): T {
  if (xs.length === 0) throw new Error('pick from an empty list');
  return xs[Math.floor(rand() * xs.length)]!;
}
