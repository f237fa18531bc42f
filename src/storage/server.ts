import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbortError, isFlockError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { MAX_SKEW_SECONDS, UPLOAD_HEADERS, verifyUpload } from './auth.js';
import { CidHasher, normalizeCid } from './cid.js';
import type { DirectoryStore } from './directory.js';
import { DEFAULT_MAX_BYTES } from './store.js';

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
  ) {
    super(message);
  }
}

/** Bytes of a rejected upload's body that are read (and dropped) so the client gets the answer. */
const DRAIN_LIMIT = 1024 * 1024;

/**
 * The HTTP store (`flock store serve`): a node:http server over a DirectoryStore.
 *
 * - `GET|HEAD /objects/<cid>` and `/ipfs/<cid>` (gateway-style): the object's bytes. The server
 *   hashes what it sends and holds back the last chunk until the hash matches; a corrupted
 *   object is cut off (the client sees an incomplete body), never sent whole. Clients verify too.
 * - `PUT /objects/<cid>` (or `POST /objects` with `x-flock-cid`): an upload signed by the
 *   uploader's key (see auth.ts). Refused with 401 (unsigned, stale, bad signature), 403 (not on
 *   the allow-list), 413 (over the limit, checked on Content-Length and again while streaming),
 *   422 (the body's CID is not the claimed one: nothing is stored). 201 when stored, 200 when
 *   the object was already there.
 * - `GET /health`: `{"ok":true}`.
 *
 * One pino line per request (method, path, status, ms, address, cid, bytes).
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

  const server: Server = createServer((req, res) => {
    const started = Date.now();
    const fields: Record<string, unknown> = { method: req.method, path: req.url };
    handle(req, res, fields)
      .catch((e: unknown) => {
        const err =
          e instanceof HttpError
            ? e
            : isFlockError(e) && (e.code === 'TOO_LARGE' || e.code === 'HASH_MISMATCH' || e.code === 'INVALID_CID')
              ? new HttpError(e.code === 'TOO_LARGE' ? 413 : e.code === 'HASH_MISMATCH' ? 422 : 400, e.code, e.message)
              : new HttpError(500, 'INTERNAL', 'internal error');
        if (err.status === 500) log.error({ err: e, ...fields }, 'request failed');
        fields.error = err.code;
        if (res.headersSent) res.destroy();
        else reply(req, res, err.status, { error: { code: err.code, message: err.message } });
      })
      .finally(() => {
        const done = () => {
          fields.status = res.statusCode;
          fields.ms = Date.now() - started;
          const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
          log[level](fields, 'request');
        };
        if (res.writableFinished || res.destroyed) done();
        else res.once('close', done);
      });
  });

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

  async function serveObject(req: IncomingMessage, res: ServerResponse, cid: string, fields: Record<string, unknown>): Promise<void> {
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
      // The last chunk is held back until the whole object hashed right. An object of one chunk
      // (1 MiB) is thus checked before the status line goes out, and refused with a 500; a larger
      // one is cut off short of its Content-Length, which every client reads as a failure.
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
    if (length !== undefined && Number(length) > maxBytes) {
      throw new HttpError(413, 'TOO_LARGE', `object of ${length} bytes is over this store's limit of ${maxBytes} bytes`);
    }
    const existed = await store.has(cid);
    // Streams into a temporary file, hashing; renamed under the CID only if it matches.
    await store.put(req, { expectedCid: cid, maxBytes });
    const size = (await store.stat(cid))?.size;
    fields.bytes = size;
    reply(req, res, existed ? 200 : 201, { cid, size });
  }

  function reply(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
    const text = `${JSON.stringify(body)}\n`;
    const unread = !req.complete;
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
    // A refused upload's body is not read: answer, then close the connection rather than keep it.
    if (unread) headers.connection = 'close';
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : text);
    if (unread) {
      let dropped = 0;
      req.on('data', (c: Buffer) => {
        dropped += c.length;
        if (dropped > DRAIN_LIMIT) req.destroy();
      });
      req.resume();
    }
  }

  server.listen(opts.port ?? 0, host);
  try {
    await once(server, 'listening');
  } catch (e) {
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
  log.info({ url, dir: store.dir, maxBytes, allow: allow.length ? allow : 'any signer' }, 'store server listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    host,
    port,
    close: (graceMs = 10_000) =>
      (closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
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
