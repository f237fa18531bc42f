/**
 * Fast voucher signature checks for a server that takes many vouchers from few callers.
 *
 * What it decides is exactly what the chain decides: `verify(voucher, caller)` is true iff
 * OpenZeppelin's `ECDSA.recover(voucherDigest, sig)` returns `caller` (r and s in range, s in
 * the lower half (EIP-2), v 27 or 28 naming the parity of R's y). A unit test holds it equal to
 * ethers' `recoverAddress` on valid, tampered, high-s and wrong-v signatures.
 *
 * Why not plain `recoverAddress` per call: ethers (noble-curves 1.2, pure JS) takes ~2.6 ms to
 * recover a public key on the reference box, more than the inference of the models we serve.
 * The first voucher of a caller is recovered that way (~2.6 ms) and the caller's public key Q is
 * kept with a precomputed window table (noble's `utils.precompute`, ~4 ms once); later vouchers
 * are checked as ECDSA verifications, R = (z/s)·G + (r/s)·Q with R.x == r and R.y's parity == v,
 * which with Q's table costs ~1 ms. The digest itself is two keccaks (voucher.ts, ~30 µs) instead
 * of ethers' TypedDataEncoder (~300 µs). Keys live in an LRU (default 1024 callers, ~100 KB each).
 */
import { invert, mod } from '@noble/curves/abstract/modular';
import { secp256k1 } from '@noble/curves/secp256k1';
import { computeAddress } from 'ethers';
import { digestWith, domainSeparator, type MarketRef, type SignedVoucher } from './voucher.js';

const Point = secp256k1.ProjectivePoint;
type PointType = InstanceType<typeof Point>;
const N = secp256k1.CURVE.n;
const HALF_N = N >> 1n;
const SIG = /^0x[0-9a-f]{128}1[bc]$/;

export interface VoucherVerifierOptions {
  /** Callers whose public key is kept (default 1024). */
  cacheSize?: number;
  /** noble's window size for a cached key (default 4: ~100 KB a key; 8 is ~20% faster at ~800 KB). */
  windowSize?: number;
}

/**
 * Checks vouchers' signatures for one market (chain id + contract).
 *
 * @example
 * const verifier = new VoucherVerifier({ chainId, market });
 * if (!verifier.verify(voucher, channel.caller)) answer(401, 'bad signature');
 */
export class VoucherVerifier {
  private readonly separator: Uint8Array;
  private readonly keys = new Map<string, PointType>();
  private readonly cacheSize: number;
  private readonly windowSize: number;
  /** Recoveries (cache misses) and verifications with a cached key, for the log and the benchmark. */
  readonly stats = { recovered: 0, verified: 0, rejected: 0 };

  constructor(ref: MarketRef, opts: VoucherVerifierOptions = {}) {
    this.separator = domainSeparator(ref);
    this.cacheSize = Math.max(1, opts.cacheSize ?? 1024);
    this.windowSize = opts.windowSize ?? 4;
  }

  /** True iff `signed.sig` is `signer`'s signature of the voucher, as ecrecover on chain sees it. */
  verify(signed: SignedVoucher, signer: string): boolean {
    const ok = this.check(signed, signer.toLowerCase());
    if (!ok) this.stats.rejected++;
    return ok;
  }

  /** Public keys cached. */
  get size(): number {
    return this.keys.size;
  }

  private check(signed: SignedVoucher, signer: string): boolean {
    const sig = signed.sig.toLowerCase();
    if (!SIG.test(sig)) return false;
    const r = BigInt(`0x${sig.slice(2, 66)}`);
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const parity = sig.endsWith('1c') ? 1 : 0;
    // The precompile's range, and OpenZeppelin's EIP-2 rule (a high s reverts ECDSAInvalidSignatureS).
    if (r < 1n || r >= N || s < 1n || s > HALF_N) return false;
    let digest: string;
    try {
      digest = digestWith(this.separator, signed);
    } catch {
      return false;
    }
    const z = BigInt(digest);
    const q = this.keys.get(signer);
    if (!q) return this.recoverAndCache(r, s, parity, digest, signer);
    // LRU: most recent last.
    this.keys.delete(signer);
    this.keys.set(signer, q);
    this.stats.verified++;
    const w = invert(s, N);
    const u1 = mod(z * w, N);
    const u2 = mod(r * w, N);
    const R = (u1 === 0n ? Point.ZERO : Point.BASE.multiply(u1)).add(q.multiply(u2));
    if (R.equals(Point.ZERO)) return false;
    const { x, y } = R.toAffine();
    // x == r exactly (not mod n): v 27/28 name the two points whose x is r itself.
    return x === r && Number(y & 1n) === parity;
  }

  private recoverAndCache(r: bigint, s: bigint, parity: number, digest: string, signer: string): boolean {
    let q: PointType;
    try {
      q = new secp256k1.Signature(r, s).addRecoveryBit(parity).recoverPublicKey(digest.slice(2));
    } catch {
      return false;
    }
    this.stats.recovered++;
    if (computeAddress(`0x${q.toHex(false)}`).toLowerCase() !== signer) return false;
    secp256k1.utils.precompute(this.windowSize, q);
    this.keys.set(signer, q);
    while (this.keys.size > this.cacheSize) {
      const [oldest, point] = this.keys.entries().next().value!;
      this.keys.delete(oldest);
      // noble keeps window tables in a module-level Map keyed by point: drop the table with the key.
      point._setWindowSize(1);
    }
    return true;
  }
}
