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
 * and given a table of odd multiples per 6-bit window (~1,400 points, built once, ~10 ms); a check
 * is then R = u1·G + u2·Q as two unsafe (variable-time: everything is public) signed-window sums
 * over precomputed tables, G's with 8-bit windows (built once per thread), ~75 point additions in
 * all where noble's constant-time `multiply` does ~200 (it walks 256-bit windows for each 128-bit
 * GLV half, adding a dummy point for every zero window). The digest is two keccaks over a cached
 * domain separator.
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

  /** Odd-and-even multiples per window: table[w * half + j] = (j + 1) * 2^(W w) * p, affine. */
  function table(p: P, W: number): P[] {
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
    return Point.normalizeZ(points);
  }

  /** k * p from p's table: signed W-bit digits, zero digits skipped (variable time: public data). */
  function mul(t: P[], W: number, k: bigint): P {
    const half = 2 ** (W - 1);
    const full = 2 ** W;
    const mask = BigInt(full - 1);
    const shift = BigInt(W);
    let acc = Point.ZERO;
    let n = k;
    for (let w = 0; n > 0n; w++) {
      let digit = Number(n & mask);
      n >>= shift;
      if (digit > half) {
        digit -= full;
        n += 1n;
      }
      if (digit === 0) continue;
      const pt = t[w * half + Math.abs(digit) - 1]!;
      acc = acc.add(digit < 0 ? pt.negate() : pt);
    }
    return acc;
  }

  const G_WINDOW = 8;
  let gTable: P[] | undefined;
  const keys = new Map<string, P[]>();

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
    const R = mul(gTable, G_WINDOW, u1).add(mul(t, qWindow, u2));
    if (R.equals(Point.ZERO)) return false;
    const { x, y } = R.toAffine();
    // x == r exactly (not mod n): v 27/28 name the two points whose x is r itself.
    return x === r && Number(y & 1n) === parity;
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
