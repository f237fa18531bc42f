import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortError } from '../errors/index.js';
import { signUpload, type UploadSigner } from './auth.js';
import { CidHasher, cidOf, normalizeCid } from './cid.js';
import { statInput } from './directory.js';
import { hashMismatch, notFound, tooLarge } from './errors.js';
import { limited, readVerified, writeHashed, writeVerifiedFile } from './stream.js';
import { DEFAULT_MAX_BYTES, type GetOptions, type ObjectStat, type PutOptions, type PutSource, type Store } from './store.js';

export interface HttpStoreOptions {
  /** Base URL of a `flock store serve`, e.g. http://127.0.0.1:8700. */
  url: string;
  /** Signs uploads; reads need none. Without one, put fails with exit 6. */
  signer?: UploadSigner;
  /** Default limit of put and get (default 1 GiB). */
  maxBytes?: number;
  /** How long to wait for the server's response headers (default 30 s); bodies may take longer. */
  timeoutMs?: number;
}

/**
 * A client of `flock store serve` (see server.ts): GET /objects/<cid> to read (verified here, not
 * trusted from the server), PUT /objects/<cid> with a signature to write.
 *
 * @example
 * const store = new HttpStore({ url: 'http://127.0.0.1:8700', signer: wallet });
 * const cid = await store.putFile('model.onnx');
 */
export class HttpStore implements Store {
  readonly kind = 'http' as const;
  readonly location: string;
  readonly maxBytes: number;
  private readonly base: string;
  private readonly signer: UploadSigner | undefined;
  private readonly timeoutMs: number;

  constructor(opts: HttpStoreOptions) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new AbortError(`storage URL "${opts.url}" is not a URL`, { code: 'USAGE', hint: 'e.g. --url http://127.0.0.1:8700' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new AbortError(`storage URL "${opts.url}" must be http:// or https://`, { code: 'USAGE' });
    }
    this.base = url.href.replace(/\/+$/, '');
    this.location = this.base;
    this.signer = opts.signer;
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  async put(source: PutSource, opts: PutOptions = {}): Promise<string> {
    const max = opts.maxBytes ?? this.maxBytes;
    if (source instanceof Uint8Array) {
      if (source.length > max) throw tooLarge('object', max, source.length);
      return this.upload(cidOf(source), source.length, source, opts);
    }
    // The signature covers the CID, known only after the whole stream: spool it to a temporary
    // file (hashing as it is written) and upload that, so the stream is never held in memory.
    const dir = join(tmpdir(), 'flock-upload');
    let spooled: ObjectStat | undefined;
    let path: string | undefined;
    try {
      spooled = await writeHashed(source, { maxBytes: max, what: 'object', tmpDir: dir, dest: (cid) => (path = join(dir, `${process.pid}-${cid}`)), signal: opts.signal });
      return await this.upload(spooled.cid, spooled.size, createReadStream(path!), opts);
    } finally {
      if (path) await rm(path, { force: true });
    }
  }

  async putFile(path: string, opts: PutOptions = {}): Promise<string> {
    const max = opts.maxBytes ?? this.maxBytes;
    const { size } = await statInput(path);
    if (size > max) throw tooLarge(path, max, size);
    // Two passes over the file (hash, then send) instead of one copy in memory or on disk. If the
    // file changes in between, the server sees a CID mismatch and refuses it.
    const hasher = new CidHasher();
    for await (const _ of limited(createReadStream(path, { highWaterMark: 1 << 20 }), hasher, max, path, opts.signal));
    return this.upload(hasher.cid(), hasher.size, createReadStream(path, { highWaterMark: 1 << 20 }), opts);
  }

  async get(cid: string, opts: GetOptions = {}): Promise<Uint8Array> {
    const c = normalizeCid(cid);
    const max = opts.maxBytes ?? this.maxBytes;
    const { res, size, url } = await this.download(c, max, opts.signal);
    return this.body(url, () => readVerified(res.body as unknown as AsyncIterable<Uint8Array>, { expected: c, maxBytes: max, where: url, size, signal: opts.signal }));
  }

  async getToFile(cid: string, path: string, opts: GetOptions = {}): Promise<ObjectStat> {
    const c = normalizeCid(cid);
    const max = opts.maxBytes ?? this.maxBytes;
    const { res, url } = await this.download(c, max, opts.signal);
    return this.body(url, () => writeVerifiedFile(res.body as unknown as AsyncIterable<Uint8Array>, path, { expected: c, maxBytes: max, where: url, signal: opts.signal }));
  }

  async has(cid: string, opts: { signal?: AbortSignal } = {}): Promise<boolean> {
    return (await this.stat(cid, opts)) !== undefined;
  }

  async stat(cid: string, opts: { signal?: AbortSignal } = {}): Promise<ObjectStat | undefined> {
    const c = normalizeCid(cid);
    const url = `${this.base}/objects/${c}`;
    const res = await this.request(url, { method: 'HEAD' }, opts.signal);
    if (res.status === 404) return undefined;
    if (!res.ok) throw this.unexpected(url, res.status, undefined);
    return { cid: c, size: Number(res.headers.get('content-length') ?? 0) };
  }

  async close(): Promise<void> {}

  private async upload(cid: string, size: number, body: Uint8Array | NodeJS.ReadableStream, opts: PutOptions): Promise<string> {
    if (opts.expectedCid !== undefined && normalizeCid(opts.expectedCid) !== cid) throw hashMismatch(normalizeCid(opts.expectedCid), cid, 'the source');
    if (!this.signer) {
      throw new AbortError(`uploading to ${this.base} needs an account to sign with`, {
        code: 'NO_ACCOUNT',
        hint: 'pass --account <name> (see `flock wallet list`)',
      });
    }
    const url = `${this.base}/objects/${cid}`;
    const headers = { ...(await signUpload(this.signer, cid)), 'content-type': 'application/octet-stream', 'content-length': String(size) };
    // duplex 'half' is how Node's fetch streams a request body.
    const init = { method: 'PUT', headers, body: body as unknown as RequestInit['body'], duplex: 'half' } as RequestInit;
    const res = await this.request(url, init, opts.signal);
    const text = await res.text().catch(() => '');
    let payload: { cid?: string; error?: { code?: string; message?: string } } = {};
    try {
      payload = JSON.parse(text) as typeof payload;
    } catch {
      // not JSON: reported below with the status
    }
    if (res.ok) {
      if (payload.cid !== cid) throw new AbortError(`${url} answered ${res.status} but not with the uploaded CID`, { code: 'STORE_UNREACHABLE' });
      return cid;
    }
    throw this.unexpected(url, res.status, payload.error, res.headers.get('retry-after'));
  }

  /** GET with the size limit checked on the announced length before any byte is read. */
  private async download(cid: string, max: number, signal: AbortSignal | undefined): Promise<{ res: Response; size: number | undefined; url: string }> {
    const url = `${this.base}/objects/${cid}`;
    const res = await this.request(url, { method: 'GET' }, signal);
    if (res.status === 404) {
      await res.body?.cancel();
      throw notFound(cid, this.base);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let err: { code?: string; message?: string } | undefined;
      try {
        err = (JSON.parse(text) as { error?: typeof err }).error;
      } catch {
        // not JSON
      }
      throw this.unexpected(url, res.status, err);
    }
    const length = res.headers.get('content-length');
    const size = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
    if (size !== undefined && size > max) {
      await res.body?.cancel();
      throw tooLarge(`object ${cid} at ${url}`, max, size);
    }
    return { res, size, url };
  }

  /** Reading a body: a connection cut mid-way (the server found a bad object, or died) is exit 3. */
  private async body<T>(url: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (e) {
      if (e instanceof AbortError) throw e;
      throw new AbortError(`download from ${url} was cut off (${(e as Error).message})`, {
        code: 'STORE_UNREACHABLE',
        hint: 'the server stops sending an object that fails its own check; try again or another source',
        cause: e,
      });
    }
  }

  private async request(url: string, init: RequestInit, signal: AbortSignal | undefined): Promise<Response> {
    // The deadline covers the response headers only; a large body may take as long as it needs.
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new Error('timeout')), this.timeoutMs);
    const signals = signal ? AbortSignal.any([signal, ac.signal]) : ac.signal;
    try {
      return await fetch(url, { ...init, signal: signals });
    } catch (e) {
      if (signal?.aborted) throw e;
      const cause = (e as Error).cause as NodeJS.ErrnoException | undefined;
      const why = ac.signal.aborted
        ? `did not answer within ${this.timeoutMs / 1000} s`
        : cause?.code === 'ECONNREFUSED'
          ? 'refused the connection'
          : `failed: ${[cause?.code, cause?.message ?? (e as Error).message].filter(Boolean).join(': ')}`;
      throw new AbortError(`store ${this.base} ${why}`, {
        code: 'STORE_UNREACHABLE',
        hint: 'is `flock store serve` running there? check --url / storage.url',
        cause: e,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  private unexpected(url: string, status: number, err: { code?: string; message?: string } | undefined, retryAfter?: string | null): AbortError {
    const why = err?.message ?? `HTTP ${status}`;
    if (status === 429) {
      const wait = retryAfter && /^\d+$/.test(retryAfter) ? `retry in ${retryAfter} s` : 'retry later';
      return new AbortError(`${this.base} refused the upload: ${why}`, {
        code: 'STORE_QUOTA',
        details: err?.code ? `server code: ${err.code}` : undefined,
        hint: `${wait}, or ask the store operator to raise its per-uploader limits (storage.serve.quota)`,
      });
    }
    if (status === 401 || status === 403) {
      return new AbortError(`${this.base} refused the upload: ${why}`, {
        code: 'UPLOAD_REJECTED',
        details: err?.code ? `server code: ${err.code}` : undefined,
        hint: status === 403 ? 'ask the store operator to add your address (`flock store serve --allow <address>`)' : 'check the account and the clocks of both machines',
      });
    }
    if (status === 413) return new AbortError(`${this.base} refused the object: ${why}`, { code: 'TOO_LARGE' });
    if (status === 422) return new AbortError(`${this.base} refused the object: ${why}`, { code: 'HASH_MISMATCH' });
    if (err?.code === 'HASH_MISMATCH') {
      return new AbortError(`${this.base}: ${why}`, { code: 'HASH_MISMATCH', hint: 'fetch the object from another source' });
    }
    if (status === 400) return new AbortError(`${this.base} refused the request: ${why}`, { code: 'STORE_BAD_REQUEST', details: err?.code ? `server code: ${err.code}` : undefined });
    return new AbortError(`${url} failed: ${why}`, { code: 'STORE_UNREACHABLE', details: err?.code ? `server code: ${err.code}` : undefined });
  }
}
