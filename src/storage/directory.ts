import { createReadStream } from 'node:fs';
import { open, readdir, rm, stat } from 'node:fs/promises';
import { mkdirPrivateAsync } from '../files/dirs.js';
import { join, resolve } from 'node:path';
import { AbortError } from '../errors/index.js';
import { normalizeCid } from './cid.js';
import { notFound, tooLarge } from './errors.js';
import { readVerified, writeHashed, writeVerifiedFile } from './stream.js';
import { DEFAULT_MAX_BYTES, type GetOptions, type ObjectStat, type PutOptions, type PutSource, type Store } from './store.js';

/** Read and copy in 1 MiB chunks: few syscalls for model-sized files, little memory. */
const CHUNK = 1024 * 1024;

/** Temporary files older than this are leftovers of a crashed writer. */
const STALE_TMP_MS = 60 * 60 * 1000;

export interface DirectoryStoreOptions {
  /** The store's folder (`<home>/store` by default in the CLI); created on first write. */
  dir: string;
  /** Default limit of put and get (default 1 GiB). */
  maxBytes?: number;
}

/**
 * A store in a local folder: `<dir>/<shard>/<cid>`, sharded like IPFS's flatfs (`next-to-last/2`:
 * the two characters before the CID's last one, 1024 folders at most), with writers' temporary
 * files in `<dir>/.tmp`. Writes are hash-then-rename, so several processes on one machine (the
 * local nodes of a devnet) can share one folder safely: an object is either absent or complete,
 * and writing the same object twice is harmless. Objects are made read-only (0444).
 *
 * @example
 * const store = new DirectoryStore({ dir: join(home, 'store') });
 * const cid = await store.putFile('model.onnx');
 * await store.getToFile(cid, '/tmp/model.onnx'); // verified before it appears there
 */
export class DirectoryStore implements Store {
  readonly kind = 'dir' as const;
  readonly location: string;
  readonly maxBytes: number;
  readonly dir: string;

  constructor(opts: DirectoryStoreOptions) {
    this.dir = resolve(opts.dir);
    this.location = this.dir;
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /** Where an object lives (whether or not it is there); throws INVALID_CID on a bad CID. */
  pathOf(cid: string): string {
    const c = normalizeCid(cid);
    return join(this.dir, c.slice(-3, -1), c);
  }

  async put(source: PutSource, opts: PutOptions = {}): Promise<string> {
    const expected = opts.expectedCid === undefined ? undefined : normalizeCid(opts.expectedCid);
    const { cid } = await this.io(() =>
      writeHashed(source, {
        maxBytes: opts.maxBytes ?? this.maxBytes,
        what: 'object',
        expected,
        where: 'the source',
        tmpDir: join(this.dir, '.tmp'),
        dest: (c) => this.pathOf(c),
        readOnly: true,
        signal: opts.signal,
      }),
    );
    return cid;
  }

  async putFile(path: string, opts: PutOptions = {}): Promise<string> {
    const max = opts.maxBytes ?? this.maxBytes;
    const size = (await statInput(path)).size;
    if (size > max) throw tooLarge(path, max, size);
    return this.put(createReadStream(path, { highWaterMark: CHUNK }), opts);
  }

  async get(cid: string, opts: GetOptions = {}): Promise<Uint8Array> {
    const c = normalizeCid(cid);
    const path = this.pathOf(c);
    const fh = await this.openObject(c, path);
    try {
      // One buffer of the file's size, filled in place: the object is in memory once.
      const { size } = await fh.stat();
      return await readVerified(fh.createReadStream({ highWaterMark: CHUNK, autoClose: false }), {
        expected: c,
        maxBytes: opts.maxBytes ?? this.maxBytes,
        where: path,
        size,
        signal: opts.signal,
      });
    } finally {
      await fh.close();
    }
  }

  async getToFile(cid: string, dest: string, opts: GetOptions = {}): Promise<ObjectStat> {
    const c = normalizeCid(cid);
    const path = this.pathOf(c);
    const fh = await this.openObject(c, path);
    try {
      const { size } = await fh.stat();
      const max = opts.maxBytes ?? this.maxBytes;
      if (size > max) throw tooLarge(`object ${c} in ${path}`, max, size);
      return await this.io(() =>
        writeVerifiedFile(fh.createReadStream({ highWaterMark: CHUNK, autoClose: false }), resolve(dest), { expected: c, maxBytes: max, where: path, signal: opts.signal }),
      );
    } finally {
      await fh.close();
    }
  }

  /**
   * An object's bytes as a stream, for servers that forward them (the receiver verifies; see
   * server.ts), with a `version` of the file (size, mtime, inode). Returns undefined when absent.
   */
  async openRead(cid: string): Promise<{ size: number; version: string; stream: NodeJS.ReadableStream & AsyncIterable<Buffer>; close(): Promise<void> } | undefined> {
    const c = normalizeCid(cid);
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(this.pathOf(c), 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw ioError(e, this.dir);
    }
    const { size, mtimeMs, ino } = await fh.stat();
    // `version` changes whenever the file is replaced or written to: what a cache of checks keys on.
    return { size, version: `${size}:${mtimeMs}:${ino}`, stream: fh.createReadStream({ highWaterMark: CHUNK, autoClose: false }), close: () => fh.close() };
  }

  async has(cid: string): Promise<boolean> {
    return (await this.stat(cid)) !== undefined;
  }

  async stat(cid: string): Promise<ObjectStat | undefined> {
    const c = normalizeCid(cid);
    try {
      const st = await stat(this.pathOf(c));
      return st.isFile() ? { cid: c, size: st.size } : undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw ioError(e, this.dir);
    }
  }

  /** Lists the objects (CIDs) in the store; for `flock store ls` and garbage collection. */
  async *list(): AsyncGenerator<string> {
    let shards: string[];
    try {
      shards = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw ioError(e, this.dir);
    }
    for (const shard of shards.sort()) {
      if (shard.startsWith('.') || shard.length !== 2) continue;
      for (const name of (await readdir(join(this.dir, shard))).sort()) if (!name.startsWith('.')) yield name;
    }
  }

  /** Removes temporary files left by writers that crashed more than an hour ago. */
  async cleanTemp(now = Date.now()): Promise<number> {
    const tmpDir = join(this.dir, '.tmp');
    let removed = 0;
    let names: string[];
    try {
      names = await readdir(tmpDir);
    } catch {
      return 0;
    }
    for (const name of names) {
      const p = join(tmpDir, name);
      const st = await stat(p).catch(() => undefined);
      if (st && now - st.mtimeMs > STALE_TMP_MS) {
        await rm(p, { force: true });
        removed++;
      }
    }
    return removed;
  }

  async close(): Promise<void> {}

  private async openObject(cid: string, path: string) {
    try {
      return await open(path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(cid, `the store ${this.dir}`);
      throw ioError(e, this.dir);
    }
  }

  /** Filesystem errors (full disk, permissions) as AbortErrors naming the store. */
  private async io<T>(fn: () => Promise<T>): Promise<T> {
    try {
      await mkdirPrivateAsync(this.dir);
      return await fn();
    } catch (e) {
      if (e instanceof AbortError) throw e;
      throw ioError(e, this.dir);
    }
  }
}

function ioError(e: unknown, dir: string): AbortError {
  const err = e as NodeJS.ErrnoException;
  if (err instanceof AbortError) return err;
  return new AbortError(`store ${dir}: ${err.code ?? ''}${err.code ? ': ' : ''}${err.message}`, {
    code: 'STORE_IO',
    hint: err.code === 'ENOSPC' ? 'the disk is full' : err.code === 'EACCES' || err.code === 'EPERM' ? 'check the permissions of the store folder' : undefined,
    cause: e,
  });
}

/** stat of a file the user named, as a clear error when it is missing. */
export async function statInput(path: string): Promise<{ size: number }> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new AbortError(`${path} is not a file`, { code: 'USAGE' });
    return st;
  } catch (e) {
    if (e instanceof AbortError) throw e;
    throw new AbortError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { code: 'USAGE', cause: e });
  }
}
