/**
 * Gaussian draws for DP noise. The noise must be unpredictable to whoever sees the noised model,
 * so it comes from the operating system's CSPRNG (node:crypto randomFillSync), never from a
 * seeded PRNG; tests may inject their own byte source to get reproducible draws.
 *
 * Uniforms: 53 random bits -> a double in (0, 1] (never 0, so ln u is finite).
 * Normals: the Box-Muller transform, z0 = sqrt(-2 ln u1) cos(2 pi u2), z1 = ... sin(2 pi u2);
 * both halves of a pair are used. Box-Muller is exact (not an approximation) given exact uniforms;
 * with 53-bit uniforms the largest |z| it can produce is sqrt(-2 ln 2^-53) ≈ 8.57, a tail cut at
 * probability ~1e-17 per draw, far below anything the accountant assumes.
 */
import { randomFillSync } from 'node:crypto';

/** Fills the buffer with random bytes. Production: the CSPRNG; tests: anything reproducible. */
export type RandomBytes = (buffer: Uint8Array) => void;

export const cryptoRandomBytes: RandomBytes = (buffer) => {
  randomFillSync(buffer);
};

/** Draws standard normal variates from a byte source, buffering bytes 4 KiB at a time. */
export class GaussianSource {
  private readonly bytes: RandomBytes;
  private readonly pool = new Uint8Array(4096);
  private readonly view = new DataView(this.pool.buffer);
  private offset = this.pool.length;
  private spare: number | undefined;

  constructor(bytes: RandomBytes = cryptoRandomBytes) {
    this.bytes = bytes;
  }

  /** A double uniform on (0, 1] with 53 random bits. */
  uniform(): number {
    if (this.offset + 8 > this.pool.length) {
      this.bytes(this.pool);
      this.offset = 0;
    }
    const hi = this.view.getUint32(this.offset) >>> 11; // 21 bits
    const lo = this.view.getUint32(this.offset + 4); // 32 bits
    this.offset += 8;
    return (hi * 4294967296 + lo + 1) / 9007199254740992; // (k + 1) / 2^53, k in [0, 2^53)
  }

  /** One N(0, 1) draw. */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const t = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }
}
