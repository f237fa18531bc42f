/**
 * The arithmetic of the voucher signature check, self-contained so that the same code runs in
 * this thread (VoucherVerifier) and in worker threads started from its source text
 * (VoucherVerifierPool, verify.ts): `makeVoucherCheck` may use only its parameter and globals,
 * never an import (the type imports below are erased).
 *
 * Decides exactly what the chain decides: true iff OpenZeppelin's `ECDSA.recover(digest, sig)`
 * returns `signer` (r, s in [1, n-1], s <= n/2, v 27 or 28 naming R's y parity, R.x == r).
 *
 * Cost (reference box, 2 x EPYC vCPU): ethers' recoverAddress takes ~2.6 ms per signature, noble's
 * verify with a precomputed key ~1 ms. Here: the caller's public key Q is recovered once (~2.6 ms)
 * and given a table of multiples per 6-bit window (~1,400 affine points, built once, ~10 ms); a
 * check is then R = u1·G + u2·Q as one variable-time (everything here is public) signed-window sum
 * over precomputed tables, G's with 8-bit windows (built once per thread): ~75 mixed Jacobian
 * additions (11 field multiplications each, with a reduction specific to p) where noble's
 * constant-time `multiply` does ~200 complete projective additions (it walks 256-bit windows for
 * each 128-bit GLV half, adding a dummy point for every zero window). R's x is compared without an
 * inversion; one inversion gives y's parity. The digest is two keccaks over a cached separator.
 */
import type { secp256k1 as Secp256k1 } from '@noble/curves/secp256k1';

/** What the check needs from noble and a keccak-256. */
export interface VoucherCheckLib {
  secp256k1: typeof Secp256k1;
  mod: (a: bigint, b: bigint) => bigint;
  invert: (a: bigint, b: bigint) => bigint;
  keccak256: (data: Uint8Array) => Uint8Array;
}

export interface VoucherCheckOptions {
  /** Callers whose key table is kept (default 256, ~300 KB each). */
  cacheSize?: number;
  /** Window of a caller's key table (default 6). */
  windowSize?: number;
}

export interface VoucherCheckInput {
  channelId: bigint;
  amount: bigint;
  calls: bigint;
  /** 0x + 65 bytes, lowercase or not. */
  sig: string;
  /** The expected signer, 0x-address in any case. */
  signer: string;
}

export interface VoucherCheck {
  check(separator: Uint8Array, v: VoucherCheckInput): boolean;
  readonly stats: { recovered: number; verified: number; rejected: number; cached: number };
}

export function makeVoucherCheck(lib: VoucherCheckLib, opts: VoucherCheckOptions = {}): VoucherCheck {
  const { secp256k1, mod, invert, keccak256 } = lib;
  const Point = secp256k1.ProjectivePoint;
  type P = InstanceType<typeof Point>;
  const N = secp256k1.CURVE.n;
  const HALF_N = N >> 1n;
  const SIG = /^0x[0-9a-f]{128}1[bc]$/;
  const cacheSize = Math.max(1, opts.cacheSize ?? 256);
  const qWindow = opts.windowSize ?? 6;
  const stats = { recovered: 0, verified: 0, rejected: 0, cached: 0 };
  const TYPE_HASH = keccak256(new TextEncoder().encode('Voucher(uint256 channelId,uint256 amount,uint64 calls)'));

  // Field arithmetic mod p = 2^256 - 2^32 - 977, values kept in [0, p). The reduction folds the
  // high half twice (2^256 = 2^32 + 977 mod p), ~1.3x faster than BigInt `%` here.
  const FP = secp256k1.CURVE.Fp.ORDER;
  const M256 = (1n << 256n) - 1n;
  const FOLD = (1n << 256n) - FP;
  const red = (x: bigint) => {
    x = (x & M256) + (x >> 256n) * FOLD;
    x = (x & M256) + (x >> 256n) * FOLD;
    return x >= FP ? x - FP : x;
  };
  const fmul = (a: bigint, b: bigint) => red(a * b);
  const fadd = (a: bigint, b: bigint) => {
    const c = a + b;
    return c >= FP ? c - FP : c;
  };
  const fsub = (a: bigint, b: bigint) => (a >= b ? a - b : a - b + FP);

  /** A point in Jacobian coordinates (x = X/Z^2, y = Y/Z^3); Z = 0 is the point at infinity. */
  interface Jac {
    X: bigint;
    Y: bigint;
    Z: bigint;
  }

  /** 2P for a = 0 (dbl-2009-l). */
  function dbl(p: Jac): Jac {
    if (p.Z === 0n) return p;
    const A = fmul(p.X, p.X);
    const B = fmul(p.Y, p.Y);
    const C = fmul(B, B);
    const t = fadd(p.X, B);
    let D = fsub(fsub(fmul(t, t), A), C);
    D = fadd(D, D);
    const E = fadd(fadd(A, A), A);
    const X3 = fsub(fmul(E, E), fadd(D, D));
    const C2 = fadd(C, C);
    const C8 = fadd(fadd(C2, C2), fadd(C2, C2));
    return { X: X3, Y: fsub(fmul(E, fsub(D, X3)), C8), Z: fmul(fadd(p.Y, p.Y), p.Z) };
  }

  /** P + (x2, y2) with the second point affine (madd-2007-bl); handles P = infinity and P = ±Q. */
  function madd(p: Jac, x2: bigint, y2: bigint): Jac {
    if (p.Z === 0n) return { X: x2, Y: y2, Z: 1n };
    const Z1Z1 = fmul(p.Z, p.Z);
    const U2 = fmul(x2, Z1Z1);
    const S2 = fmul(fmul(y2, p.Z), Z1Z1);
    const H = fsub(U2, p.X);
    const rr = fsub(S2, p.Y);
    if (H === 0n) return rr === 0n ? dbl(p) : { X: 0n, Y: 1n, Z: 0n };
    const HH = fmul(H, H);
    const I = fadd(fadd(HH, HH), fadd(HH, HH));
    const J = fmul(H, I);
    const r = fadd(rr, rr);
    const V = fmul(p.X, I);
    const X3 = fsub(fsub(fmul(r, r), J), fadd(V, V));
    const Y3 = fsub(fmul(r, fsub(V, X3)), fmul(fadd(p.Y, p.Y), J));
    const ZH = fadd(p.Z, H);
    return { X: X3, Y: Y3, Z: fsub(fsub(fmul(ZH, ZH), Z1Z1), HH) };
  }

  /** A point's table: x and y of (j + 1) * 2^(W w) * p at [w * half + j], affine. */
  interface Table {
    W: number;
    xs: bigint[];
    ys: bigint[];
  }

  function table(p: P, W: number): Table {
    const windows = Math.ceil(256 / W) + 1;
    const half = 2 ** (W - 1);
    const points: P[] = [];
    let base = p;
    for (let w = 0; w < windows; w++) {
      let acc = base;
      points.push(acc);
      for (let j = 1; j < half; j++) {
        acc = acc.add(base);
        points.push(acc);
      }
      base = acc.double(); // 2 * half * base = 2^W * base
    }
    const affine = Point.normalizeZ(points); // one batched inversion; Z = 1 after
    return { W, xs: affine.map((q) => q.px), ys: affine.map((q) => q.py) };
  }

  /** acc + k * p from p's table: signed W-bit digits, zero digits skipped (variable time: public data). */
  function mulAdd(acc: Jac, t: Table, k: bigint): Jac {
    const { W } = t;
    const half = 2 ** (W - 1);
    const full = 2 ** W;
    const mask = BigInt(full - 1);
    const shift = BigInt(W);
    let n = k;
    for (let w = 0; n > 0n; w++) {
      let digit = Number(n & mask);
      n >>= shift;
      if (digit > half) {
        digit -= full;
        n += 1n;
      }
      if (digit === 0) continue;
      const i = w * half + Math.abs(digit) - 1;
      acc = madd(acc, t.xs[i]!, digit < 0 ? FP - t.ys[i]! : t.ys[i]!);
    }
    return acc;
  }

  const G_WINDOW = 8;
  let gTable: Table | undefined;
  const keys = new Map<string, Table>();

  function putUint(buf: Uint8Array, offset: number, value: bigint): void {
    let v = value;
    for (let i = 31; i >= 0; i--) {
      buf[offset + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }

  function digest(separator: Uint8Array, v: VoucherCheckInput): Uint8Array {
    const struct = new Uint8Array(128);
    struct.set(TYPE_HASH, 0);
    putUint(struct, 32, v.channelId);
    putUint(struct, 64, v.amount);
    putUint(struct, 96, v.calls);
    const msg = new Uint8Array(66);
    msg[0] = 0x19;
    msg[1] = 0x01;
    msg.set(separator, 2);
    msg.set(keccak256(struct), 34);
    return keccak256(msg);
  }

  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

  function address(q: P): string {
    const raw = q.toRawBytes(false).subarray(1);
    return `0x${hex(keccak256(raw).subarray(12))}`;
  }

  function check(separator: Uint8Array, v: VoucherCheckInput): boolean {
    const sig = typeof v.sig === 'string' ? v.sig.toLowerCase() : '';
    if (!SIG.test(sig)) return false;
    if (v.channelId < 1n || v.channelId >= 1n << 256n || v.amount < 0n || v.amount >= 1n << 256n || v.calls < 1n || v.calls >= 1n << 64n) return false;
    const r = BigInt(`0x${sig.slice(2, 66)}`);
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const parity = sig.endsWith('1c') ? 1 : 0;
    // The precompile's range, and OpenZeppelin's EIP-2 rule (a high s reverts ECDSAInvalidSignatureS).
    if (r < 1n || r >= N || s < 1n || s > HALF_N) return false;
    const d = digest(separator, v);
    const signer = v.signer.toLowerCase();
    const t = keys.get(signer);
    if (!t) {
      // First voucher of this caller: recover Q as ecrecover does, compare, keep Q's table.
      let q: P;
      try {
        q = new secp256k1.Signature(r, s).addRecoveryBit(parity).recoverPublicKey(d);
      } catch {
        return false;
      }
      stats.recovered++;
      if (address(q) !== signer) return false;
      keys.set(signer, table(q, qWindow));
      while (keys.size > cacheSize) keys.delete(keys.keys().next().value!);
      stats.cached = keys.size;
      return true;
    }
    keys.delete(signer); // LRU: most recent last
    keys.set(signer, t);
    stats.verified++;
    gTable ??= table(Point.BASE, G_WINDOW);
    const z = BigInt(`0x${hex(d)}`);
    const w = invert(s, N);
    const u1 = mod(z * w, N);
    const u2 = mod(r * w, N);
    const R = mulAdd(mulAdd({ X: 0n, Y: 1n, Z: 0n }, gTable, u1), t, u2);
    if (R.Z === 0n) return false;
    // x == r exactly (not mod n: v 27/28 name the two points whose x is r itself), tested as
    // X == r Z^2 without an inversion; r < n < p, so equal mod p is equal.
    const Z2 = fmul(R.Z, R.Z);
    if (R.X !== fmul(r, Z2)) return false;
    const zi = invert(R.Z, FP);
    const y = fmul(R.Y, fmul(zi, fmul(zi, zi)));
    return Number(y & 1n) === parity;
  }

  return {
    check(separator, v) {
      const ok = check(separator, v);
      if (!ok) stats.rejected++;
      return ok;
    },
    stats,
  };
}
