import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { mkdirPrivateAsync } from '../files/dirs.js';
import { basename, dirname, join } from 'node:path';
import { CidHasher } from './cid.js';
import { hashMismatch, tooLarge } from './errors.js';
import type { ObjectStat, PutSource } from './store.js';

/**
 * Streaming helpers shared by the backends: every byte that enters or leaves a store passes
 * through `limited`, which hashes it and stops at the size limit.
 */

/** Any PutSource as an async iterable of byte chunks. */
export async function* chunks(source: PutSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    // A Readable in string mode would hash its decoding, not the bytes: refuse it loudly.
    if (!(chunk instanceof Uint8Array)) throw new TypeError('storage streams must yield bytes (Uint8Array/Buffer), not strings');
    if (chunk.length > 0) yield chunk;
  }
}

/**
 * Passes chunks through, hashing them into `hasher`, and throws TOO_LARGE as soon as the total
 * passes `maxBytes`; leaving the loop closes the source (a Readable is destroyed), so nothing
 * past the limit is read.
 */
export async function* limited(source: PutSource, hasher: CidHasher, maxBytes: number, what: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks(source)) {
    signal?.throwIfAborted();
    if (hasher.size + chunk.length > maxBytes) throw tooLarge(what, maxBytes);
    hasher.update(chunk);
    yield chunk;
  }
}

export interface ReadVerifiedOptions {
  /** The CID the bytes must hash to. */
  expected: string;
  maxBytes: number;
  /** Where the bytes come from, for error messages. */
  where: string;
  /** The announced size, when known: the buffer is allocated once, no concatenation copy. */
  size?: number;
  signal?: AbortSignal;
}

/** Reads a whole object into memory, limited and verified (never returns unverified bytes). */
export async function readVerified(source: PutSource, opts: ReadVerifiedOptions): Promise<Uint8Array> {
  const hasher = new CidHasher();
  const what = `object ${opts.expected} from ${opts.where}`;
  if (opts.size !== undefined && opts.size > opts.maxBytes) throw tooLarge(what, opts.maxBytes, opts.size);
  let out: Uint8Array;
  if (opts.size !== undefined) {
    const buf = Buffer.allocUnsafe(opts.size);
    let at = 0;
    for await (const chunk of limited(source, hasher, opts.maxBytes, what, opts.signal)) {
      // More bytes than announced: the content cannot be the announced object.
      if (at + chunk.length > buf.length) throw hashMismatch(opts.expected, `(more than the announced ${opts.size} bytes)`, opts.where);
      buf.set(chunk, at);
      at += chunk.length;
    }
    out = at === buf.length ? buf : buf.subarray(0, at);
  } else {
    const parts: Uint8Array[] = [];
    for await (const chunk of limited(source, hasher, opts.maxBytes, what, opts.signal)) parts.push(chunk);
    out = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
  const actual = hasher.cid();
  if (actual !== opts.expected) throw hashMismatch(opts.expected, actual, opts.where);
  return out;
}

export interface WriteHashedOptions {
  maxBytes: number;
  /** What is being written, for TOO_LARGE messages. */
  what: string;
  /** When set, the content must hash to this CID (HASH_MISMATCH otherwise; nothing is kept). */
  expected?: string;
  /** Where `expected` content comes from, for HASH_MISMATCH messages. */
  where?: string;
  /** Folder for the temporary file; must be on the same filesystem as the destination. */
  tmpDir: string;
  /** The final path, known once the CID is. */
  /** Start of the temporary file's name (default: none). */
  tmpPrefix?: string;
  /** Make the file read-only (0444) before it gets its final name: stored objects never change. */
  readOnly?: boolean;
  dest: (cid: string) => string;
  signal?: AbortSignal;
}

/**
 * Streams a source into a temporary file while hashing it, fsyncs it, then renames it to
 * `dest(cid)`. rename(2) is atomic: a reader sees no file or the whole file, a crash leaves at
 * most a temporary file (never a partial object under its CID), and concurrent writers of the
 * same object simply replace it with identical bytes.
 */
export async function writeHashed(source: PutSource, opts: WriteHashedOptions): Promise<ObjectStat> {
  await mkdirPrivateAsync(opts.tmpDir);
  const tmp = join(opts.tmpDir, `${opts.tmpPrefix ?? ''}${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const hasher = new CidHasher();
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(tmp, 'wx', 0o644);
    for await (const chunk of limited(source, hasher, opts.maxBytes, opts.what, opts.signal)) {
      let off = 0;
      while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
    }
    if (opts.readOnly) await fh.chmod(0o444);
    await fh.sync();
    await fh.close();
    fh = undefined;
    const cid = hasher.cid();
    if (opts.expected !== undefined && cid !== opts.expected) throw hashMismatch(opts.expected, cid, opts.where ?? 'the upload');
    const dest = opts.dest(cid);
    await mkdirPrivateAsync(dirname(dest));
    try {
      await rename(tmp, dest);
    } catch (e) {
      // Windows refuses to replace a read-only file: the same object is already there.
      const code = (e as NodeJS.ErrnoException).code;
      if (!((code === 'EPERM' || code === 'EACCES') && existsSync(dest))) throw e;
      await rm(tmp, { force: true });
    }
    await fsyncDir(dirname(dest));
    return { cid, size: hasher.size };
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Makes a rename durable (best effort: not every platform can open a folder). */
async function fsyncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Windows and some filesystems refuse; the rename itself is still atomic.
  }
}

/**
 * Streams an object to `path`, verified: the bytes go to a temporary file beside it, which is
 * renamed to `path` only when the CID matches. On failure nothing is left at `path`.
 */
export async function writeVerifiedFile(source: PutSource, path: string, opts: { expected: string; maxBytes: number; where: string; signal?: AbortSignal }): Promise<ObjectStat> {
  return writeHashed(source, {
    maxBytes: opts.maxBytes,
    what: `object ${opts.expected} from ${opts.where}`,
    expected: opts.expected,
    where: opts.where,
    tmpDir: dirname(path),
    tmpPrefix: `.${basename(path)}.`,
    dest: () => path,
    signal: opts.signal,
  });
}
