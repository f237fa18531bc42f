/**
 * `flock serve`'s HTTP server: one model, spoken as the Open Inference Protocol v2 (KServe), each
 * inference paid by a voucher (protocol/market/voucher.ts) on a payment channel with this host.
 *
 *   GET  /v2/health/live                    200 {"live":true}
 *   GET  /v2/health/ready                   200 {"ready":true}, 503 while no worker is loaded, the
 *                                           ledger cannot be written, or the server is closing
 *   GET  /v2                                server metadata (name, version, extensions)
 *   GET  /v2/models/model-<id>[/versions/1] model metadata: name, versions, platform
 *                                           "onnxruntime_onnx", inputs and outputs (name, datatype,
 *                                           shape with -1 for a dynamic dimension), and under
 *                                           "flock" the market, host, model id and price per call
 *   GET  /v2/models/model-<id>/ready        as /v2/health/ready
 *   POST /v2/models/model-<id>[/versions/1]/infer
 *                                           JSON (or the binary tensor extension, tensors.ts) with a
 *                                           `Flock-Voucher` header
 *
 * Errors are `{"error": "<message>", "code": "<CODE>"}` (OIP's shape plus a stable code). A paid
 * call is checked in this order, every check before any inference, so a refused call costs the
 * host a parse and at most one signature check:
 *   0. 429 TOO_MANY_REFUSALS  this client address had `maxStrikes` costly refusals (401, 402
 *                           UNKNOWN_CHANNEL, 403 WRONG_HOST / WRONG_MODEL) within `strikeWindowMs`
 *                           (Retry-After: the rest of the window)
 *   1. 503 BUSY             `maxConcurrent` infer requests are in progress (Retry-After: 1)
 *   2. 402 NO_VOUCHER       no Flock-Voucher header;  400 MALFORMED_VOUCHER  it does not parse
 *   3. 413 TOO_LARGE        the body is over `maxBodyBytes` (Content-Length, then while read)
 *   4. 400 BAD_REQUEST      the inputs do not match the model's (names, datatype, shape with the
 *                           dynamic dimensions bound consistently and at most `maxBatch`, data length,
 *                           values)
 *   5. 402 UNKNOWN_CHANNEL  no such channel;  403 WRONG_HOST / WRONG_MODEL / CHANNEL_CLOSING
 *   6. 409 STALE_VOUCHER    calls != last calls + 1, or amount <= last amount (a replay). "last" is
 *                           the ledger's latest voucher, or the chain's redeemed amount and calls if
 *                           they are ahead (a lost ledger still refuses what was redeemed)
 *   7. 402 UNDERPAID        amount < last amount + price;  402 OVER_DEPOSIT  amount > deposit
 *                           (after one fresh read of the channel: a top-up may be newer than a cache)
 *   8. 401 BAD_SIGNATURE    the signature is not the channel caller's, as ecrecover would see it
 * 402 and 409 bodies also say what would be accepted: `next: {calls, minAmount}`. A ChannelSource
 * that throws or does not answer within `requestTimeoutMs` is a 503 CHAIN_UNAVAILABLE.
 * Checks 5-8 and the reservation of the voucher run under a per-channel lock, so two requests on
 * one channel cannot both take `calls = last + 1`. Then the voucher is recorded in the ledger (in
 * memory at once, on disk with the next group commit) while the model runs; the answer is sent
 * once both are done. If the inference fails (500 INFERENCE_FAILED, 503 BUSY, 504 TIMEOUT) the
 * voucher is reverted when it is still the channel's latest, and the caller may sign the same
 * `calls` again. A ledger that cannot be written fails the call (503 LEDGER_FAILED) and every
 * later one: nothing is answered that the host could not claim after a restart.
 *
 * Limits (ModelServerLimits): headers within 10 s and the whole request within `requestTimeoutMs`
 * (Node answers 408), which is also the inference's deadline (504); a body of at most 16 MiB;
 * 64 infer requests at once; a dynamic dimension (the batch) of at most 1024; 20 costly refusals
 * per client address a minute.
 *
 * Composition (what the daemon does): open the ledger (ledger.ts) and the pool
 * (engine/onnx/pool.ts), wrap the chain in a ChannelSource (channels.ts), start this server; on
 * shutdown close the server first (calls in flight finish and are durable), then the ledger, then
 * the pool; redeem `ledger.unredeemed()` on a schedule and after the server closed.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getAddress } from 'ethers';
import type { PoolTensor, RunOptions, TensorInfo } from '../../engine/onnx/pool.js';
import { AbortError } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import { parseVoucherHeader, VOUCHER_HEADER, VoucherFormatError, VoucherVerifier, type MarketRef, type SignedVoucher, type VoucherSignatureCheck } from '../../protocol/market/index.js';
import type { ChannelSource } from './channels.js';
import type { LedgerVoucher, VoucherLedger } from './ledger.js';
import { replyJsonText, serverTimeouts } from '../../storage/http-server.js';
import { alignedBodyBuffer, encodeInferResponse, oipTensorMetadata, parseInferRequest, TensorRequestError } from './tensors.js';

export interface ModelServerLimits {
  /** Largest request body (413 past it). */
  maxBodyBytes: number;
  /** Infer requests in progress at once (503 past it). */
  maxConcurrent: number;
  /** The whole request must arrive within this (Node answers 408); also the inference's deadline (504). */
  requestTimeoutMs: number;
  /** The request line and headers must arrive within this. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Largest size of a dynamic dimension (the batch): bounds the work of one call (400 past it). */
  maxBatch: number;
  /**
   * Refusals that cost the host (a signature checked in vain, a chain read for a channel that is
   * not the caller's to use) one client address may cause within `strikeWindowMs`; past them its
   * paid calls get 429 before any check until the window ends.
   */
  maxStrikes: number;
  strikeWindowMs: number;
}

export const DEFAULT_MODEL_SERVER_LIMITS: ModelServerLimits = {
  maxBodyBytes: 16 * 1024 * 1024,
  maxConcurrent: 64,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxBatch: 1024,
  maxStrikes: 20,
  strikeWindowMs: 60_000,
};

/** Refusals that cost the host a signature check or a chain read: what a strike counts. */
const STRIKE_CODES = new Set(['BAD_SIGNATURE', 'UNKNOWN_CHANNEL', 'WRONG_HOST', 'WRONG_MODEL']);
/** Client addresses whose strikes are remembered at once (the oldest forgotten first). */
const MAX_STRIKE_ENTRIES = 10_000;

/** What runs the model: an OnnxPool, or anything with its shape (tests). */
export interface InferenceBackend {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  run(feeds: Record<string, PoolTensor>, opts?: RunOptions): Promise<Record<string, PoolTensor>>;
  /** `ready`: workers loaded (default: ready). */
  readonly stats?: { ready: number };
}

export interface ModelServerOptions {
  /** The model's id in ModelMarket: served as "model-<id>". */
  modelId: bigint;
  inference: InferenceBackend;
  ledger: VoucherLedger;
  channels: ChannelSource;
  /** The chain id and ModelMarket address vouchers are signed for. */
  market: MarketRef;
  /** This host's address (the offer's; channels must name it). */
  account: string;
  /** Interface to listen on (default 127.0.0.1). */
  bind?: string;
  /** Port (default 0: any free port). */
  port?: number;
  limits?: Partial<ModelServerLimits>;
  log: Logger;
  /**
   * Signature checks (default: a VoucherVerifier for `market`, in this thread). A
   * VoucherVerifierPool moves them to worker threads, which pays off when this thread is the
   * bottleneck (docs/BENCHMARKS.md "Model serving"); its owner closes it.
   */
  verifier?: VoucherSignatureCheck;
  /** Told of every paid call answered 200 (the daemon's events, metrics). */
  onPaid?: (call: PaidCall) => void;
}

export interface PaidCall {
  channelId: bigint;
  calls: bigint;
  amount: bigint;
  /** What this call paid: amount - the previous amount. */
  paid: bigint;
  ms: number;
}

export interface ModelServerStats {
  inFlight: number;
  served: number;
  /** Refusals and failures by code (NO_VOUCHER, STALE_VOUCHER, ...). */
  refused: Record<string, number>;
}

export interface ModelServer {
  url: string;
  port: number;
  /** "model-<id>" */
  modelName: string;
  readonly stats: ModelServerStats;
  /** Stops accepting; calls in flight finish (up to `graceMs`, default 10 s), then connections are cut. */
  close(graceMs?: number): Promise<void>;
}

/** A refused request: status, stable code, message; `extra` goes into the JSON body. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra?: Record<string, unknown>,
    readonly headers?: Record<string, string | number>,
  ) {
    super(message);
  }
}

const MODEL_VERSION = '1';

/**
 * @example
 * const pool = await OnnxPool.create({ model: file });
 * const ledger = await VoucherLedger.open({ dir: ledgerDir(home, scope), scope });
 * const server = await startModelServer({ modelId, inference: pool, ledger, channels, market: { chainId, market }, account, port: 8080, log });
 * process.once('SIGTERM', async () => { await server.close(); await ledger.close(); await pool.close(); });
 */
export async function startModelServer(opts: ModelServerOptions): Promise<ModelServer> {
  const { ledger, channels, inference, log } = opts;
  const limits: ModelServerLimits = { ...DEFAULT_MODEL_SERVER_LIMITS, ...opts.limits };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new AbortError(`the headers timeout (${limits.headersTimeoutMs} ms) is longer than the request timeout (${limits.requestTimeoutMs} ms)`, {
      code: 'CONFIG_INVALID',
      hint: 'the headers timeout must be at most the request timeout',
    });
  }
  const modelName = `model-${opts.modelId}`;
  const account = getAddress(opts.account);
  const accountLower = account.toLowerCase();
  const verifier = opts.verifier ?? new VoucherVerifier(opts.market);
  const outputNames = inference.outputs.map((o) => o.name);
  const stats: ModelServerStats = { inFlight: 0, served: 0, refused: {} };
  let closing = false;

  const server: Server = createServer(
    serverTimeouts(limits),
    (req, res) => {
      const started = performance.now();
      const fields: Record<string, unknown> = { method: req.method, path: req.url };
      handle(req, res, fields)
        .catch((e: unknown) => {
          const err = e instanceof HttpError ? e : new HttpError(500, 'INTERNAL', 'internal error');
          if (err.code === 'INTERNAL') log.error({ err: e, ...fields }, 'request failed');
          fields.error = err.code;
          stats.refused[err.code] = (stats.refused[err.code] ?? 0) + 1;
          if (STRIKE_CODES.has(err.code)) strike(req);
          if (res.headersSent) res.destroy();
          else replyJson(req, res, err.status, { error: err.message, code: err.code, ...err.extra }, err.headers);
        })
        .finally(() => {
          const done = () => {
            fields.status = res.statusCode;
            fields.ms = Math.round((performance.now() - started) * 100) / 100;
            const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug';
            log[level](fields, 'request');
          };
          if (res.writableFinished || res.destroyed) done();
          else res.once('close', done);
        });
    },
  );

  function ready(): boolean {
    return !closing && !ledger.failure && (inference.stats?.ready ?? 1) > 0;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, fields: Record<string, unknown>): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/v2/health/live') {
      if (!get) throw methodNotAllowed(req, path);
      return replyJson(req, res, 200, { live: true });
    }
    if (path === '/v2/health/ready') {
      if (!get) throw methodNotAllowed(req, path);
      return replyJson(req, res, ready() ? 200 : 503, { ready: ready() });
    }
    if (path === '/v2' || path === '/v2/') {
      if (!get) throw methodNotAllowed(req, path);
      return replyJson(req, res, 200, { name: 'flock', version: MODEL_VERSION, extensions: ['binary_tensor_data'] });
    }
    const m = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?\/?$/.exec(path);
    if (!m) throw new HttpError(404, 'NOT_FOUND', `no route for ${req.method} ${path}`);
    const [, raw, version, action] = m;
    let name: string;
    try {
      name = decodeURIComponent(raw!);
    } catch {
      throw new HttpError(400, 'BAD_REQUEST', `the model name in ${path.slice(0, 100)} is not valid percent-encoding`);
    }
    if (name !== modelName) throw new HttpError(404, 'NOT_FOUND', `this server serves ${modelName}, not ${name.slice(0, 100)}`);
    if (version !== undefined && version !== MODEL_VERSION) throw new HttpError(404, 'NOT_FOUND', `${modelName} has version ${MODEL_VERSION} only`);
    if (action === '/ready') {
      if (!get) throw methodNotAllowed(req, path);
      return replyJson(req, res, ready() ? 200 : 503, { name: modelName, ready: ready() });
    }
    if (action === undefined) {
      if (!get) throw methodNotAllowed(req, path);
      let price: string | undefined;
      try {
        price = String(await channels.price());
      } catch (e) {
        log.warn({ err: (e as Error).message }, 'cannot read the price for the metadata');
      }
      return replyJson(req, res, 200, {
        name: modelName,
        versions: [MODEL_VERSION],
        platform: 'onnxruntime_onnx',
        inputs: inference.inputs.map(oipTensorMetadata),
        outputs: inference.outputs.map(oipTensorMetadata),
        flock: { modelId: String(opts.modelId), host: account, chainId: String(opts.market.chainId), market: getAddress(opts.market.market), price, voucherHeader: 'Flock-Voucher' },
      });
    }
    if (req.method !== 'POST') throw methodNotAllowed(req, path);
    checkStrikes(req);
    if (stats.inFlight >= limits.maxConcurrent) throw new HttpError(503, 'BUSY', `${stats.inFlight} calls are in progress, the most this server takes at once: try again`, undefined, { 'retry-after': 1 });
    stats.inFlight++;
    try {
      await infer(req, res, fields);
    } finally {
      stats.inFlight--;
    }
  }

  async function infer(req: IncomingMessage, res: ServerResponse, fields: Record<string, unknown>): Promise<void> {
    if (!ready()) throw new HttpError(503, ledger.failure ? 'LEDGER_FAILED' : 'NOT_READY', ledger.failure ? `this server cannot record vouchers: ${ledger.failure.message}` : 'the model is not loaded yet', undefined, { 'retry-after': 1 });
    const header = req.headers[VOUCHER_HEADER];
    if (header === undefined) throw new HttpError(402, 'NO_VOUCHER', `a paid call needs a ${'Flock-Voucher'} header (channel=<id>;amount=<wei>;calls=<n>;sig=<0x…>)`);
    let voucher: SignedVoucher;
    try {
      voucher = parseVoucherHeader(header);
    } catch (e) {
      if (e instanceof VoucherFormatError) throw new HttpError(400, 'MALFORMED_VOUCHER', `Flock-Voucher: ${e.message}`);
      throw e;
    }
    fields.channel = String(voucher.channelId);
    fields.calls = String(voucher.calls);

    const hcl = req.headers['inference-header-content-length'];
    let jsonLength: number | undefined;
    if (hcl !== undefined) {
      jsonLength = typeof hcl === 'string' && /^\d{1,15}$/.test(hcl) ? Number(hcl) : Number.NaN;
    }
    const body = await readBody(req, jsonLength);
    let parsed;
    try {
      parsed = parseInferRequest(body, jsonLength, inference.inputs, outputNames, { maxDim: limits.maxBatch });
    } catch (e) {
      if (e instanceof TensorRequestError) throw new HttpError(400, 'BAD_REQUEST', e.message);
      throw e;
    }

    const { previous, paid, durable } = await withChannelLock(voucher.channelId, () => admit(voucher));
    const started = performance.now();
    // The feeds are views of this request's own body buffer (or copies): moved to the worker, not copied.
    const run = inference.run(parsed.feeds, { timeoutMs: limits.requestTimeoutMs, transfer: true, ...(parsed.outputs ? { fetches: parsed.outputs } : {}) });
    const [ran, stored] = await Promise.allSettled([run, durable]);
    if (stored.status === 'rejected') {
      // The ledger is broken: nothing can be reverted either. Refuse; ready() is false from now on.
      log.error({ err: (stored.reason as Error).message }, 'the voucher ledger cannot be written: refusing paid calls');
      throw new HttpError(503, 'LEDGER_FAILED', `this server cannot record vouchers: ${(stored.reason as Error).message}`);
    }
    if (ran.status === 'rejected') {
      await ledger.revert(voucher, previous).catch(() => undefined);
      const e = ran.reason as Error & { code?: string };
      if (e.code === 'busy' || e.code === 'closed') throw new HttpError(503, 'BUSY', `${e.message}: try again`, undefined, { 'retry-after': 1 });
      if (e.code === 'timeout') throw new HttpError(504, 'TIMEOUT', e.message);
      if (e.code === 'inference-failed') throw new HttpError(500, 'INFERENCE_FAILED', e.message);
      throw e;
    }
    const encoded = encodeInferResponse({ name: modelName, version: MODEL_VERSION }, parsed.id, ran.value, parsed.outputs ?? outputNames, parsed.binaryOutputs);
    const headers: Record<string, string | number> = {
      'content-type': encoded.jsonLength === undefined ? 'application/json' : 'application/octet-stream',
      'content-length': encoded.body.length,
    };
    if (encoded.jsonLength !== undefined) headers['inference-header-content-length'] = encoded.jsonLength;
    res.writeHead(200, headers);
    res.end(encoded.body);
    stats.served++;
    opts.onPaid?.({ channelId: voucher.channelId, calls: voucher.calls, amount: voucher.amount, paid, ms: performance.now() - started });
  }

  /**
   * A read of the chain, bounded: a ChannelSource that fails or hangs (an RPC outage) answers
   * 503 CHAIN_UNAVAILABLE within `requestTimeoutMs` and frees the channel's lock.
   */
  async function chain<T>(what: string, read: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${limits.requestTimeoutMs} ms`)), limits.requestTimeoutMs);
        }),
      ]);
    } catch (e) {
      log.warn({ what, err: (e as Error).message }, 'cannot read the chain');
      throw new HttpError(503, 'CHAIN_UNAVAILABLE', `cannot read ${what} from the chain: ${(e as Error).message}`, undefined, { 'retry-after': 5 });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Checks 5-8 of the header comment, then takes the voucher (the ledger has it in memory at once). */
  async function admit(v: SignedVoucher): Promise<{ previous: LedgerVoucher | undefined; paid: bigint; durable: Promise<void> }> {
    let info = await chain(`channel ${v.channelId}`, () => channels.channel(v.channelId));
    if (!info) throw new HttpError(402, 'UNKNOWN_CHANNEL', `channel ${v.channelId} does not exist: open one with this host first`);
    if (info.host.toLowerCase() !== accountLower) throw new HttpError(403, 'WRONG_HOST', `channel ${v.channelId} is with host ${getAddress(info.host)}, not this host (${account})`);
    if (info.modelId !== opts.modelId) throw new HttpError(403, 'WRONG_MODEL', `channel ${v.channelId} is for model ${info.modelId}; this server serves model ${opts.modelId}`);
    if (info.closed || info.closeAt !== 0n) throw new HttpError(403, 'CHANNEL_CLOSING', `channel ${v.channelId} is ${info.closed ? 'closed' : 'closing'}: open a new one`);
    const previous = ledger.latest(v.channelId);
    const lastAmount = max(previous?.amount ?? 0n, info.redeemed);
    const lastCalls = max(previous?.calls ?? 0n, info.calls);
    const price = await chain('the price', () => channels.price());
    const next = { calls: String(lastCalls + 1n), minAmount: String(lastAmount + price) };
    if (v.calls !== lastCalls + 1n || v.amount <= lastAmount) {
      throw new HttpError(
        409,
        'STALE_VOUCHER',
        v.calls <= lastCalls
          ? `voucher for call ${v.calls} on channel ${v.channelId} was used already (the last accepted is call ${lastCalls}): sign calls=${lastCalls + 1n}`
          : v.calls !== lastCalls + 1n
            ? `voucher for call ${v.calls} on channel ${v.channelId} skips ahead: the next is call ${lastCalls + 1n}`
            : `voucher amount ${v.amount} on channel ${v.channelId} does not exceed the last accepted amount ${lastAmount}`,
        { next },
      );
    }
    if (v.amount < lastAmount + price) {
      throw new HttpError(402, 'UNDERPAID', `voucher pays ${v.amount - lastAmount} wei for this call; the price is ${price} wei (sign amount >= ${lastAmount + price})`, { next });
    }
    if (v.amount > info.deposit) {
      info = (await chain(`channel ${v.channelId}`, () => channels.channel(v.channelId, { fresh: true }))) ?? info;
      if (v.amount > info.deposit) throw new HttpError(402, 'OVER_DEPOSIT', `voucher amount ${v.amount} is over channel ${v.channelId}'s deposit of ${info.deposit} wei: top the channel up`, { next, deposit: String(info.deposit) });
    }
    if (!(await verifier.verify(v, info.caller))) throw new HttpError(401, 'BAD_SIGNATURE', `the voucher is not signed by channel ${v.channelId}'s caller ${getAddress(info.caller)} (EIP-712 Voucher, chain ${opts.market.chainId}, market ${getAddress(opts.market.market)})`);
    const durable = ledger.record(v);
    durable.catch(() => undefined); // handled by the caller; never an unhandled rejection meanwhile
    return { previous, paid: v.amount - lastAmount, durable };
  }

  // Strikes per client address (the socket's peer: behind a proxy, the proxy's), in a window that
  // starts at the first strike. Honest callers sign with the channel's key and name their own
  // channels, so they collect none; a flood of forged vouchers or made-up channel ids stops
  // costing signature checks and RPC reads after `maxStrikes`.
  const strikes = new Map<string, { since: number; count: number }>();
  function strike(req: IncomingMessage): void {
    const key = req.socket.remoteAddress ?? '?';
    const now = Date.now();
    let s = strikes.get(key);
    if (!s || now - s.since >= limits.strikeWindowMs) s = { since: now, count: 0 };
    s.count++;
    strikes.delete(key);
    strikes.set(key, s);
    while (strikes.size > MAX_STRIKE_ENTRIES) strikes.delete(strikes.keys().next().value!);
  }
  function checkStrikes(req: IncomingMessage): void {
    const key = req.socket.remoteAddress ?? '?';
    const s = strikes.get(key);
    if (!s) return;
    const left = s.since + limits.strikeWindowMs - Date.now();
    if (left <= 0) {
      strikes.delete(key);
      return;
    }
    if (s.count >= limits.maxStrikes) {
      const wait = Math.ceil(left / 1000);
      throw new HttpError(429, 'TOO_MANY_REFUSALS', `${s.count} calls from ${key} were refused for bad signatures or channels that are not theirs in the last ${Math.round(limits.strikeWindowMs / 1000)} s: wait ${wait} s`, undefined, { 'retry-after': wait });
    }
  }

  // Per-channel lock: the checks and the taking of `calls = last + 1` are one step per channel.
  const locks = new Map<bigint, Promise<void>>();
  async function withChannelLock<T>(channelId: bigint, fn: () => Promise<T>): Promise<T> {
    const before = locks.get(channelId) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = before.then(() => mine);
    locks.set(channelId, tail);
    await before;
    try {
      return await fn();
    } finally {
      release();
      if (locks.get(channelId) === tail) locks.delete(channelId);
    }
  }

  /**
   * The body, in a buffer of its own (never Node's pooled ones: the tensors may be views of it and
   * it is moved to an inference worker), aligned for the binary tensors (alignedBodyBuffer).
   */
  async function readBody(req: IncomingMessage, jsonLength: number | undefined): Promise<Buffer> {
    const length = req.headers['content-length'];
    if (length !== undefined && Number(length) > limits.maxBodyBytes) throw new HttpError(413, 'TOO_LARGE', `a body of ${length} bytes is over this server's limit of ${limits.maxBodyBytes}`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limits.maxBodyBytes) throw new HttpError(413, 'TOO_LARGE', `the body is over this server's limit of ${limits.maxBodyBytes} bytes`);
      chunks.push(chunk);
    }
    const body = alignedBodyBuffer(size, jsonLength !== undefined && jsonLength <= size ? jsonLength : undefined);
    let at = 0;
    for (const c of chunks) at += c.copy(body, at);
    return body;
  }

  server.listen(opts.port ?? 0, opts.bind ?? '127.0.0.1');
  try {
    await once(server, 'listening');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AbortError(`cannot listen on ${opts.bind ?? '127.0.0.1'}:${opts.port ?? 0}: ${code ?? (e as Error).message}`, {
      code: 'LISTEN_FAILED',
      hint: code === 'EADDRINUSE' ? 'another process uses that port: pick another with --port' : undefined,
      cause: e,
    });
  }
  const port = (server.address() as AddressInfo).port;
  const bind = opts.bind ?? '127.0.0.1';
  const shown = bind.includes(':') ? `[${bind}]` : bind;
  const url = `http://${shown === '0.0.0.0' || shown === '[::]' ? '127.0.0.1' : shown}:${port}`;
  log.info({ url, model: modelName, account, limits }, 'model server listening');

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    modelName,
    stats,
    close: (graceMs = 10_000) =>
      (closed ??= new Promise<void>((resolve) => {
        closing = true;
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          log.info({ url, served: stats.served }, 'model server stopped');
          resolve();
        });
        server.closeIdleConnections();
      })),
  };
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function methodNotAllowed(req: IncomingMessage, path: string): HttpError {
  return new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}`);
}

function replyJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, extra: Record<string, string | number> = {}): void {
  replyJsonText(req, res, status, JSON.stringify(body), extra);
}
