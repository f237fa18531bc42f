/**
 * Voucher signature checks for a server that takes many vouchers from few callers: in this thread
 * (VoucherVerifier, synchronous) or in worker threads (VoucherVerifierPool, so that a busy HTTP
 * thread hands the elliptic-curve work to idle cores). Both run the same code (verify-core.ts) and
 * decide exactly as ecrecover on chain; a unit test holds them equal to ethers' recoverAddress on
 * valid, tampered, high-s and wrong-v signatures.
 *
 * noble-curves (and its own dependency noble-hashes, for keccak) are loaded with `require` from
 * the paths resolved here, in this thread and in the workers alike, so both use the same files;
 * the workers are started from source text (see engine/onnx/worker.ts for why).
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { makeVoucherCheck, type VoucherCheck, type VoucherCheckLib, type VoucherCheckOptions } from './verify-core.js';
import { domainSeparator, type MarketRef, type SignedVoucher } from './voucher.js';

/** What a server needs: is `v` signed by `signer`? (Sync or async.) */
export interface VoucherSignatureCheck {
  verify(v: SignedVoucher, signer: string): boolean | Promise<boolean>;
}

export type VoucherVerifierOptions = VoucherCheckOptions;

interface LibPaths {
  curves: string;
  modular: string;
  sha3: string;
}

const req = createRequire(import.meta.url);
const PATHS: LibPaths = (() => {
  const curves = req.resolve('@noble/curves/secp256k1');
  return { curves, modular: req.resolve('@noble/curves/abstract/modular'), sha3: createRequire(curves).resolve('@noble/hashes/sha3') };
})();

/** Loads the libraries; self-contained (it also runs inside the workers). */
function loadLib(r: NodeJS.Require, paths: LibPaths): VoucherCheckLib {
  const { secp256k1 } = r(paths.curves) as typeof import('@noble/curves/secp256k1');
  const { mod, invert } = r(paths.modular) as typeof import('@noble/curves/abstract/modular');
  const { keccak_256 } = r(paths.sha3) as { keccak_256: (d: Uint8Array) => Uint8Array };
  return { secp256k1, mod, invert, keccak256: (d) => keccak_256(d) };
}

/**
 * Checks vouchers' signatures for one market (chain id + contract), in this thread.
 *
 * @example
 * const verifier = new VoucherVerifier({ chainId, market });
 * if (!verifier.verify(voucher, channel.caller)) answer(401, 'bad signature');
 */
export class VoucherVerifier implements VoucherSignatureCheck {
  private readonly separator: Uint8Array;
  private readonly core: VoucherCheck;

  constructor(ref: MarketRef, opts: VoucherVerifierOptions = {}) {
    this.separator = domainSeparator(ref);
    this.core = makeVoucherCheck(loadLib(req, PATHS), opts);
  }

  /** True iff `v.sig` is `signer`'s signature of the voucher, as ecrecover on chain sees it. */
  verify(v: SignedVoucher, signer: string): boolean {
    return this.core.check(this.separator, { channelId: v.channelId, amount: v.amount, calls: v.calls, sig: v.sig, signer });
  }

  /** Recoveries (first voucher of a caller), checks with a cached key, rejections, keys cached. */
  get stats(): VoucherCheck['stats'] {
    return this.core.stats;
  }

  /** Public keys cached. */
  get size(): number {
    return this.core.stats.cached;
  }
}

type ToVerifier = { id: number; separator: Uint8Array; channelId: bigint; amount: bigint; calls: bigint; sig: string; signer: string };
type FromVerifier = { id: number; ok: boolean; stats: VoucherCheck['stats'] };

/** The body of a verifier worker; self-contained (started from its source text). */
function verifierWorkerMain(r: NodeJS.Require, paths: LibPaths, opts: VoucherCheckOptions, make: typeof makeVoucherCheck, load: typeof loadLib): void {
  const { parentPort } = r('node:worker_threads') as typeof import('node:worker_threads');
  const core = make(load(r, paths), opts);
  parentPort!.on('message', (m: ToVerifier) => {
    let ok = false;
    try {
      ok = core.check(m.separator, m);
    } catch {
      ok = false;
    }
    parentPort!.postMessage({ id: m.id, ok, stats: core.stats } satisfies FromVerifier);
  });
}

export interface VoucherVerifierPoolOptions extends VoucherCheckOptions {
  /** Worker threads (default: available parallelism). Each caller is always checked by the same one (its key cache). */
  threads?: number;
}

/**
 * VoucherVerifier in worker threads: `verify` resolves off this thread. A caller's vouchers all go
 * to one thread (by address), so its key is recovered and tabled once. A worker that dies is
 * replaced and its pending checks are sent again. `close()` when done.
 *
 * @example
 * const verifier = new VoucherVerifierPool({ chainId, market }, { threads: 2 });
 * const ok = await verifier.verify(voucher, channel.caller);
 * await verifier.close();
 */
export class VoucherVerifierPool implements VoucherSignatureCheck {
  private readonly separator: Uint8Array;
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { msg: ToVerifier; thread: number; resolve: (ok: boolean) => void; reject: (e: Error) => void }>();
  private readonly threadStats: VoucherCheck['stats'][] = [];
  private nextId = 1;
  private closed = false;
  private readonly source: string;

  constructor(ref: MarketRef, opts: VoucherVerifierPoolOptions = {}) {
    this.separator = domainSeparator(ref);
    const { threads, ...check } = opts;
    this.source = `(${verifierWorkerMain.toString()})(require, ${JSON.stringify(PATHS)}, ${JSON.stringify(check)}, (${makeVoucherCheck.toString()}), (${loadLib.toString()}));\n`;
    const n = Math.max(1, threads ?? availableParallelism());
    for (let i = 0; i < n; i++) this.start(i);
  }

  verify(v: SignedVoucher, signer: string): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error('the voucher verifier is closed'));
    const id = this.nextId++;
    const thread = threadOf(signer, this.workers.length);
    const msg: ToVerifier = { id, separator: this.separator, channelId: v.channelId, amount: v.amount, calls: v.calls, sig: v.sig, signer };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { msg, thread, resolve, reject });
      this.workers[thread]!.postMessage(msg);
    });
  }

  /** The workers' counters summed (as of their last answers). */
  get stats(): VoucherCheck['stats'] {
    const sum = { recovered: 0, verified: 0, rejected: 0, cached: 0 };
    for (const s of this.threadStats) for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += s?.[k] ?? 0;
    return sum;
  }

  /** Fails pending checks and stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error('the voucher verifier closed'));
    this.pending.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private start(i: number): void {
    const w = new Worker(this.source, { eval: true });
    this.workers[i] = w;
    w.on('message', (m: FromVerifier) => {
      this.threadStats[i] = m.stats;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      p.resolve(m.ok);
    });
    const died = () => {
      if (this.closed || this.workers[i] !== w) return;
      this.start(i);
      for (const p of this.pending.values()) if (p.thread === i) this.workers[i]!.postMessage(p.msg);
    };
    w.on('error', died);
    w.on('exit', died);
  }
}

/** A stable thread for an address (its last 4 hex digits). */
function threadOf(signer: string, n: number): number {
  return Number.parseInt(signer.slice(-4), 16) % n || 0;
}
