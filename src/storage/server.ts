import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { STORAGE_DEFAULTS } from '../config/schema.js';
import { AbortError, isFlockError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { MAX_SKEW_SECONDS, UPLOAD_HEADERS, verifyUpload } from './auth.js';
import { CidHasher, normalizeCid } from './cid.js';
import type { DirectoryStore } from './directory.js';
import { isRefusal, UploaderLimits, type UploaderQuota } from './limits.js';
import { replyJsonText, serverTimeouts } from './http-server.js';
import { DEFAULT_MAX_BYTES } from './store.js';

/**
 * What one client may cost the server (`storage.serve.*` in the config, in seconds there). A
 * connection that breaks a limit is answered (when it still can be) and closed:
 * 408 `TOO_SLOW` / Node's 408 for the timeouts, 503 `TOO_MANY_CONNECTIONS` for the caps, 429
 * `QUOTA_EXCEEDED` / `TOO_MANY_UPLOADS` (with Retry-After) for the per-uploader limits.
 */
export interface StoreServerLimits {
  /** The request line and headers must arrive within this (Node's `server.headersTimeout`). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (Node's `server.requestTimeout`). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (Node's `server.keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
  /**
   * Bytes per second a request must move while its body is received or its response sent,
   * checked over every `rateWindowMs`; 0: no floor. Cuts a client that dribbles a body (or
   * reads a download a byte at a time) long before `requestTimeoutMs`.
   */
  minRate: number;
  rateWindowMs: number;
  /** Open connections, all clients together; the next one is answered 503 and closed. */
  maxConnections: number;
  /** Open connections from one remote address. */
  maxConnectionsPerAddress: number;
  /** Per uploader key: bytes and objects per sliding window, uploads at once (limits.ts). */
  quota: UploaderQuota;
}

const d = STORAGE_DEFAULTS.serve;
/** The defaults of `storage.serve` (config/schema.ts), in ms. */
export const DEFAULT_STORE_SERVER_LIMITS: StoreServerLimits = {
  headersTimeoutMs: d.headersTimeout * 1000,
  requestTimeoutMs: d.requestTimeout * 1000,
  keepAliveTimeoutMs: d.keepAliveTimeout * 1000,
  minRate: d.minRate,
  rateWindowMs: d.rateWindow * 1000,
  maxConnections: d.maxConnections,
  maxConnectionsPerAddress: d.maxConnectionsPerAddress,
  quota: { windowMs: d.quota.window * 1000, bytes: d.quota.bytes, objects: d.quota.objects, concurrent: d.quota.concurrent },
};

/** `limits` over the defaults (quota merged key by key). */
export function storeServerLimits(limits: Partial<StoreServerLimits> = {}): StoreServerLimits {
  const l = { ...DEFAULT_STORE_SERVER_LIMITS, ...limits, quota: { ...DEFAULT_STORE_SERVER_LIMITS.quota, ...limits.quota } };
  if (l.headersTimeoutMs > l.requestTimeoutMs) {
    throw new AbortError(`the headers timeout (${l.headersTimeoutMs / 1000} s) is longer than the request timeout (${l.requestTimeoutMs / 1000} s)`, {
      code: 'CONFIG_INVALID',
      hint: 'storage.serve.headersTimeout must be at most storage.serve.requestTimeout',
    });
  }
  return l;
}

export interface StoreServerOptions {
  /** The objects served and written. */
  store: DirectoryStore;
  /** Interface to listen on (default 127.0.0.1: loopback only). */
  host?: string;
  /** Port (default 0: any free port; see `port` on the result). */
  port?: number;
  /** Largest upload accepted (default: the store's maxBytes). */
  maxBytes?: number;
  /** Addresses allowed to upload; empty or undefined: any valid signature. */
  allow?: readonly string[];
  maxSkewSeconds?: number;
  log: Logger;
  /** Timeouts, connection caps and per-uploader limits (default: DEFAULT_STORE_SERVER_LIMITS). */
  limits?: Partial<StoreServerLimits>;
  /** Server clock in ms, for tests. */
  now?: () => number;
}

export interface StoreServer {
  url: string;
  host: string;
  port: number;
  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then cuts the rest. */
  close(graceMs?: number): Promise<void>;
}

/** A rejected request: status, a stable code, a message (sent as `{"error":{code,message}}`). */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers?: Record<string, string | number>,
  ) {
    super(message);
  }
}

/**
 * The HTTP store (`flock store serve`): a node:http server over a DirectoryStore.
 *
 * - `GET|HEAD /objects/<cid>` and `/ipfs/<cid>` (gateway-style): the object's bytes. Before a GET
 *   is answered the file is hashed (once per version of the file), so a corrupted copy is
 *   answered 500 `HASH_MISMATCH` (the client exits 9) rather than sent. What is sent is hashed
 *   again, the last chunk held back until it matches: a file altered in between is cut off
 *   short of its Content-Length, never sent whole. Clients verify too.
 * - `PUT /objects/<cid>` (or `POST /objects` with `x-flock-cid`): an upload signed by the
 *   uploader's key (see auth.ts). Refused with 401 (unsigned, stale, bad signature), 403 (not on
 *   the allow-list), 413 (over the limit, checked on Content-Length and again while streaming),
 *   422 (the body's CID is not the claimed one: nothing is stored). 201 when stored, 200 when
 *   the object was already there.
 * - `GET /health`: `{"ok":true}`.
 *
 * Limits (StoreServerLimits, `storage.serve.*`): headers within 10 s and a whole request within
 * 10 min (Node answers 408), at least 16 KiB/s while a body or a download moves (else 408
 * `TOO_SLOW` and the connection is closed), 256 connections and 32 per address (the next one is
 * answered 503 `TOO_MANY_CONNECTIONS` and closed), and per uploader key 4 GiB and 1000 objects
 * per hour and 4 uploads at once (429 `QUOTA_EXCEEDED` / `TOO_MANY_UPLOADS` with Retry-After;
 * the client's error is STORE_QUOTA, exit 3).
 *
 * One pino line per request (method, path, status, ms, address, cid, bytes, error).
 *
 * @example
 * const server = await startStoreServer({ store: new DirectoryStore({ dir }), port: 8700, log });
 * process.once('SIGTERM', () => server.close());
 */
export async function startStoreServer(opts: StoreServerOptions): Promise<StoreServer> {
  const { store, log } = opts;
  const host = opts.host ?? '127.0.0.1';
  const maxBytes = opts.maxBytes ?? store.maxBytes ?? DEFAULT_MAX_BYTES;
  const now = opts.now ?? Date.now;
  const allow = opts.allow ?? [];
  const limits = storeServerLimits(opts.limits);
  const uploaders = new UploaderLimits(limits.quota);
  /** Requests cut by the server (too slow): their failure is that, not whatever the abort caused. */
  const cuts = new WeakMap<IncomingMessage, HttpError>();

  const server: Server = createServer(
    serverTimeouts(limits),
    (req, res) => {
      const started = Date.now();
      const fields: Record<string, unknown> = { method: req.method, path: req.url };
      if (refused.has(req.socket)) return void req.socket.destroy(); // answered 503 at connect
      const unwatch = watchRate(req, res, fields);
      handle(req, res, fields)
        .catch((e: unknown) => {
          const cut = cuts.get(req);
          const err =
            cut ??
            (e instanceof HttpError
              ? e
              : isFlockError(e) && (e.code === 'TOO_LARGE' || e.code === 'HASH_MISMATCH' || e.code === 'INVALID_CID')
                ? new HttpError(e.code === 'TOO_LARGE' ? 413 : e.code === 'HASH_MISMATCH' ? 422 : 400, e.code, e.message)
                : new HttpError(500, 'INTERNAL', 'internal error'));
          if (err.status === 500) log.error({ err: e, ...fields }, 'request failed');
          fields.error = err.code;
          if (res.headersSent) res.destroy();
          else reply(req, res, err.status, { error: { code: err.code, message: err.message } }, err.headers);
        })
        .finally(() => {
          const done = () => {
            unwatch();
            fields.status = res.statusCode;
            fields.ms = Date.now() - started;
            const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
            log[level](fields, 'request');
          };
          if (res.writableFinished || res.destroyed) done();
          else res.once('close', done);
        });
    },
  );

  // Connection caps, counted here rather than with server.maxConnections (which drops the socket
  // silently) so that the refused client reads why: a 503 with the server's JSON error.
  const refused = new WeakSet<Socket>();
  const perAddress = new Map<string, number>();
  let connections = 0;
  let refusedSinceLog = 0;
  let lastRefusalLog = 0;
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const fromAddress = perAddress.get(address) ?? 0;
    const over =
      connections >= limits.maxConnections
        ? `${connections} connections are open, the most this store serves`
        : fromAddress >= limits.maxConnectionsPerAddress
          ? `${fromAddress} connections from ${address} are open, the most this store serves one address`
          : undefined;
    if (over !== undefined) {
      refused.add(socket);
      const text = `${JSON.stringify({ error: { code: 'TOO_MANY_CONNECTIONS', message: `${over}: try again later` } })}\n`;
      socket.on('error', () => undefined);
      socket.end(
        `HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n` +
          `retry-after: 1\r\nconnection: close\r\n\r\n${text}`,
      );
      setTimeout(() => socket.destroy(), 1000).unref();
      // One line per refusal would let a flood fill the journal: at most one every 10 s.
      refusedSinceLog++;
      if (Date.now() - lastRefusalLog >= 10_000) {
        log.warn({ address, reason: 'TOO_MANY_CONNECTIONS', connections, fromAddress, refused: refusedSinceLog }, 'connection refused');
        lastRefusalLog = Date.now();
        refusedSinceLog = 0;
      }
      return;
    }
    connections++;
    perAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      connections--;
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
  });

  const sweeper = setInterval(() => uploaders.sweep(now()), Math.min(60_000, limits.quota.windowMs));
  sweeper.unref();

  /**
   * The minimum transfer rate: while a request's body is arriving or its response is being sent,
   * every `rateWindowMs` must move `minRate` bytes per second through its socket, or the request
   * is answered 408 TOO_SLOW (when nothing was sent yet) and the connection closed.
   */
  function watchRate(req: IncomingMessage, res: ServerResponse, fields: Record<string, unknown>): () => void {
    if (limits.minRate <= 0) return () => undefined;
    const socket = req.socket;
    const moved = () => socket.bytesRead + socket.bytesWritten;
    const floor = (limits.minRate * limits.rateWindowMs) / 1000;
    let last = moved();
    const timer = setInterval(() => {
      const transferring = !req.complete || (res.headersSent && !res.writableFinished);
      const m = moved();
      if (transferring && m - last < floor) {
        clearInterval(timer);
        const err = new HttpError(408, 'TOO_SLOW', `under ${limits.minRate} bytes/s for ${limits.rateWindowMs / 1000} s: the connection is closed`);
        cuts.set(req, err);
        fields.error = err.code;
        // The request is destroyed as well as the socket: once its response has finished, Node no
        // longer aborts an unread request when the socket closes, and the upload would wait forever.
        const kill = () => {
          req.destroy();
          socket.destroy();
        };
        if (res.headersSent) return kill();
        const text = `${JSON.stringify({ error: { code: err.code, message: err.message } })}\n`;
        res.writeHead(408, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), connection: 'close' });
        res.end(text, kill);
        setTimeout(kill, 1000).unref();
        return;
      }
      last = m;
    }, limits.rateWindowMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, fields: Record<string, unknown>): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://store');
    const path = url.pathname;
    if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      return reply(req, res, 200, { ok: true });
    }
    const m = /^\/(objects|ipfs)\/([^/]+)\/?$/.exec(path);
    if (m) {
      const cid = normalizeCid(decodeURIComponent(m[2]!));
      fields.cid = cid;
      if (req.method === 'GET' || req.method === 'HEAD') return serveObject(req, res, cid, fields);
      if (req.method === 'PUT' && m[1] === 'objects') return upload(req, res, cid, fields);
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}`);
    }
    if (path === '/objects' && req.method === 'POST') {
      const claimed = req.headers[UPLOAD_HEADERS.cid];
      if (typeof claimed !== 'string') throw new HttpError(400, 'INVALID_CID', `POST /objects needs the ${UPLOAD_HEADERS.cid} header`);
      const cid = normalizeCid(claimed);
      fields.cid = cid;
      return upload(req, res, cid, fields);
    }
    throw new HttpError(404, 'NOT_FOUND', `no route for ${req.method} ${path}`);
  }

  /**
   * Objects whose file was hashed right, by CID, with the file version checked (directory.ts
   * openRead): a download of an unchanged object needs no second pass. Bounded, oldest dropped.
   */
  const verified = new Map<string, string>();
  const VERIFIED_MAX = 10_000;

  /** Hashes an object's file through; true when it matches its CID (and its size). */
  async function fileMatches(cid: string): Promise<{ ok: boolean; actual?: string; size?: number; version?: string } | undefined> {
    const obj = await store.openRead(cid);
    if (!obj) return undefined;
    try {
      if (verified.get(cid) === obj.version) return { ok: true, version: obj.version };
      const hasher = new CidHasher();
      for await (const chunk of obj.stream) hasher.update(chunk);
      const actual = hasher.cid();
      const ok = actual === cid && hasher.size === obj.size;
      if (ok) {
        verified.delete(cid);
        verified.set(cid, obj.version);
        if (verified.size > VERIFIED_MAX) verified.delete(verified.keys().next().value!);
      }
      return { ok, actual, size: hasher.size, version: obj.version };
    } finally {
      await obj.close();
    }
  }

  async function serveObject(req: IncomingMessage, res: ServerResponse, cid: string, fields: Record<string, unknown>): Promise<void> {
    if (req.method === 'GET') {
      // Checked before the status line: a corrupted copy is answered 500 HASH_MISMATCH, which the
      // client reports as exit 9 (bad content), never as a download cut off (exit 3, "retry").
      // An object whose file has not changed since its last check is not read twice.
      const check = await fileMatches(cid);
      if (check && !check.ok) {
        verified.delete(cid);
        log.error({ cid, actual: check.actual, size: check.size }, 'stored object is corrupted: refused to send it');
        throw new HttpError(500, 'HASH_MISMATCH', `this store's copy of ${cid} is corrupted; it was not sent`);
      }
    }
    const obj = await store.openRead(cid);
    if (!obj) throw new HttpError(404, 'NOT_FOUND', `object ${cid} not found`);
    try {
      const headers = {
        'content-type': 'application/octet-stream',
        'content-length': obj.size,
        etag: `"${cid}"`,
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      };
      if (req.method === 'HEAD') {
        res.writeHead(200, headers);
        return void res.end();
      }
      // Hashed again while sent, in case the file changed after its check: the last chunk is held
      // back until the whole object hashed right, so a copy corrupted meanwhile is cut off short
      // of its Content-Length (or refused with a 500 when it is one chunk), never delivered whole.
      const hasher = new CidHasher();
      let held: Buffer | undefined;
      for await (const chunk of obj.stream) {
        hasher.update(chunk);
        if (held) {
          if (!res.headersSent) res.writeHead(200, headers);
          if (!res.write(held)) await drainOrClose(res);
        }
        held = chunk;
      }
      const actual = hasher.cid();
      if (actual !== cid || hasher.size !== obj.size) {
        verified.delete(cid);
        log.error({ cid, actual, size: hasher.size }, 'stored object is corrupted: refused to send it');
        if (res.headersSent) {
          fields.error = 'HASH_MISMATCH';
          res.destroy();
          return;
        }
        throw new HttpError(500, 'HASH_MISMATCH', `this store's copy of ${cid} is corrupted; it was not sent`);
      }
      if (!res.headersSent) res.writeHead(200, headers);
      fields.bytes = hasher.size;
      res.end(held);
    } finally {
      await obj.close();
    }
  }

  async function upload(req: IncomingMessage, res: ServerResponse, cid: string, fields: Record<string, unknown>): Promise<void> {
    const auth = verifyUpload(req.headers, cid, { nowMs: now(), maxSkewSeconds: opts.maxSkewSeconds ?? MAX_SKEW_SECONDS, allow });
    if (!auth.ok) throw new HttpError(auth.status, auth.code, auth.message);
    fields.address = auth.address;
    const length = req.headers['content-length'];
    const declared = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
    if (length !== undefined && Number(length) > maxBytes) {
      throw new HttpError(413, 'TOO_LARGE', `object of ${length} bytes is over this store's limit of ${maxBytes} bytes`);
    }
    const ticket = uploaders.admit(auth.address, now(), declared);
    if (isRefusal(ticket)) {
      const retry = ticket.retryAfterMs === undefined ? undefined : { 'retry-after': Math.max(1, Math.ceil(ticket.retryAfterMs / 1000)) };
      throw new HttpError(ticket.status, ticket.code, ticket.message, retry);
    }
    // A body of unknown length (chunked) may not run past the quota either.
    const limit = Math.min(maxBytes, ticket.remainingBytes);
    let received = 0;
    const counted = (async function* () {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        received += chunk.length;
        yield chunk;
      }
    })();
    try {
      const existed = await store.has(cid);
      // Streams into a temporary file, hashing; renamed under the CID only if it matches.
      await store.put(counted, { expectedCid: cid, maxBytes: limit });
      const size = (await store.stat(cid))?.size;
      fields.bytes = size;
      reply(req, res, existed ? 200 : 201, { cid, size });
    } catch (e) {
      if (limit < maxBytes && isFlockError(e) && e.code === 'TOO_LARGE') {
        throw new HttpError(429, 'QUOTA_EXCEEDED', `${auth.address} would be over this store's quota of ${limits.quota.bytes} bytes per ${limits.quota.windowMs / 1000} s`, {
          'retry-after': Math.ceil(limits.quota.windowMs / 1000),
        });
      }
      throw e;
    } finally {
      ticket.finish(received);
    }
  }

  function reply(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, extra: Record<string, string | number> = {}): void {
    replyJsonText(req, res, status, `${JSON.stringify(body)}\n`, extra);
  }

  server.listen(opts.port ?? 0, host);
  try {
    await once(server, 'listening');
  } catch (e) {
    clearInterval(sweeper);
    const code = (e as NodeJS.ErrnoException).code;
    throw new AbortError(`cannot listen on ${host}:${opts.port ?? 0}: ${code ?? (e as Error).message}`, {
      code: 'LISTEN_FAILED',
      hint: code === 'EADDRINUSE' ? 'another process uses that port: pick another with --port' : undefined,
      cause: e,
    });
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${port}`;
  log.info({ url, dir: store.dir, maxBytes, allow: allow.length ? allow : 'any signer', limits }, 'store server listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    host,
    port,
    close: (graceMs = 10_000) =>
      (closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        clearInterval(sweeper);
        server.close(() => {
          clearTimeout(timer);
          log.info({ url }, 'store server stopped');
          resolve();
        });
        server.closeIdleConnections();
      })),
  };
}

/** Waits for the socket to drain (backpressure), or fails if the client went away. */
function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      res.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      res.off('drain', onDrain);
      reject(new Error('client closed the connection'));
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
