import { AbortError, isFlockError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { CidHasher } from './cid.js';
import type { DirectoryStore } from './directory.js';
import { hashMismatch, notFound } from './errors.js';
import type { BlockFolder, RootEntry } from './ipfs-blocks.js';
import { writeHashed } from './stream.js';

/**
 * Large objects over IPFS as UnixFS files: CIDv1, raw leaves of CHUNK_BYTES, a balanced DAG of
 * dag-pb nodes (the layout `ipfs add --cid-version 1 --raw-leaves` builds), so any IPFS
 * implementation can walk them. The flock CID (sha2-256 of the whole object) stays the object's
 * name; the UnixFS root is only a way to move it, and what arrives is hashed against the flock
 * CID before it is kept.
 *
 * An object of one chunk or less needs no DAG: with raw leaves its UnixFS root IS its one raw
 * block, whose CID is the flock CID.
 */

/** 1 MiB leaves: the block size every IPFS implementation exchanges. */
export const CHUNK_BYTES = 1024 * 1024;

/** Leaves fetched at once: bounds memory (this many blocks in flight) and keeps loopback busy. */
const READ_CONCURRENCY = 8;

/** A progress line every this many bytes of a fetch (debug level). */
const PROGRESS_EVERY = 16 * 1024 * 1024;

/**
 * Builds the UnixFS DAG of an object of the directory store into `blocks` and records its root.
 * The object's file is hashed while it is chunked: a corrupted copy is refused (HASH_MISMATCH),
 * never offered to peers. Concurrent calls for one object share one build.
 */
export function indexObject(dir: DirectoryStore, blocks: BlockFolder, cid: string, chunkBytes: number, log?: Logger): Promise<RootEntry> {
  const key = `${blocks.dir}\0${cid}`;
  let p = building.get(key);
  if (!p) {
    p = build(dir, blocks, cid, chunkBytes, log).finally(() => building.delete(key));
    building.set(key, p);
  }
  return p;
}

const building = new Map<string, Promise<RootEntry>>();

async function build(dir: DirectoryStore, blocks: BlockFolder, cid: string, chunkBytes: number, log?: Logger): Promise<RootEntry> {
  const started = Date.now();
  const obj = await dir.openRead(cid);
  if (!obj) throw notFound(cid, `the store ${dir.dir}`);
  const [{ importByteStream }, { fixedSize }, { balanced }] = await Promise.all([
    import('ipfs-unixfs-importer'),
    import('ipfs-unixfs-importer/chunker'),
    import('ipfs-unixfs-importer/layout'),
  ]);
  const hasher = new CidHasher();
  let result: Awaited<ReturnType<typeof importByteStream>>;
  try {
    const hashed = (async function* () {
      for await (const chunk of obj.stream) {
        hasher.update(chunk);
        yield chunk;
      }
    })();
    result = await importByteStream(hashed, { put: async (c: { toString(): string }, bytes: Uint8Array) => (await blocks.put(c.toString(), bytes), c) } as never, {
      cidVersion: 1,
      rawLeaves: true,
      reduceSingleLeafToSelf: true,
      chunker: fixedSize({ chunkSize: chunkBytes }),
      layout: balanced(),
    });
  } finally {
    await obj.close();
  }
  const actual = hasher.cid();
  if (actual !== cid) throw hashMismatch(cid, actual, dir.pathOf(cid));
  const entry = { root: result.cid.toString(), size: hasher.size };
  await blocks.writeRoot(cid, entry);
  log?.info({ cid, ...entry, ms: Date.now() - started }, 'ipfs object indexed as UnixFS');
  return entry;
}

/** Reads blocks by CID (fetching from peers when not local); Helia's networked blockstore. */
export interface BlockGetter {
  get(cid: unknown, opts?: { signal?: AbortSignal }): Promise<Uint8Array>;
}

export interface FetchObjectOptions {
  cid: string;
  /** What the peer answered: untrusted. */
  entry: RootEntry;
  /** Who answered, for messages. */
  peer: string;
  network: BlockGetter;
  blocks: BlockFolder;
  dir: DirectoryStore;
  maxBytes: number;
  /** The fetch fails when no block arrives for this long (a stalled peer). */
  stallMs: number;
  signal?: AbortSignal;
  log?: Logger;
}

/**
 * Streams the UnixFS file `entry.root` into the directory store under `cid`: into a temporary
 * file, hashed on the way, renamed under its CID only when the whole hashes to `cid` and stays
 * within maxBytes (HASH_MISMATCH / TOO_LARGE otherwise). The DAG's blocks are kept (in `blocks`)
 * with the root recorded, so this node serves the object on; when the fetch fails, the blocks it
 * brought are removed again: nothing of a lying peer's DAG remains.
 */
export async function fetchObject(o: FetchObjectOptions): Promise<void> {
  const { exporter } = await import('ipfs-unixfs-exporter');
  const started = Date.now();
  const where = `IPFS peer ${o.peer} (UnixFS root ${o.entry.root})`;
  const stall = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(new Error(`no block for ${o.stallMs / 1000} s`)), o.stallMs);
  };
  const signal = o.signal ? AbortSignal.any([o.signal, stall.signal]) : stall.signal;
  const brought: string[] = [];
  let blocksIn = 0;
  // The exporter reads every block through here: record which ones came from the network.
  const reader = {
    get: async (c: { toString(): string }, opts: { signal?: AbortSignal } = {}) => {
      const key = c.toString();
      const had = await o.blocks.has(key);
      const bytes = await o.network.get(c, { signal: opts.signal ?? signal });
      if (!had) brought.push(key);
      blocksIn++;
      alive();
      return bytes;
    },
  };
  let received = 0;
  let reported = 0;
  alive();
  try {
    const file = await exporter(o.entry.root, reader as never, { signal });
    if (file.type !== 'file') throw hashMismatch(o.cid, `(a UnixFS ${file.type}, not a file)`, where);
    o.log?.debug({ cid: o.cid, root: o.entry.root, peer: o.peer, size: o.entry.size }, 'ipfs fetch started');
    const content = (async function* () {
      for await (const chunk of file.content({ signal, blockReadConcurrency: READ_CONCURRENCY })) {
        received += chunk.length;
        if (received - reported >= PROGRESS_EVERY) {
          reported = received;
          o.log?.debug({ cid: o.cid, peer: o.peer, bytes: received, of: o.entry.size, blocks: blocksIn }, 'ipfs fetch progress');
        }
        yield chunk;
      }
    })();
    const st = await writeHashed(content, {
      maxBytes: o.maxBytes,
      what: `object ${o.cid} from ${where}`,
      expected: o.cid,
      where,
      tmpDir: `${o.dir.dir}/.tmp`,
      dest: (c) => o.dir.pathOf(c),
      readOnly: true,
      signal,
    });
    await o.blocks.writeRoot(o.cid, { root: o.entry.root, size: st.size });
    const ms = Date.now() - started;
    o.log?.info({ cid: o.cid, peer: o.peer, bytes: st.size, blocks: blocksIn, ms }, 'ipfs fetch done');
  } catch (e) {
    await Promise.all(brought.map((c) => o.blocks.delete(c).catch(() => undefined)));
    const err = classify(e, o, where, stall.signal);
    o.log?.warn({ cid: o.cid, peer: o.peer, root: o.entry.root, bytes: received, blocks: blocksIn, code: err.code, err: err.message }, 'ipfs fetch failed');
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Any failure of a fetch as an AbortError: a stall is NOT_FOUND_REMOTE; a DAG that is not the object's, HASH_MISMATCH. */
function classify(e: unknown, o: FetchObjectOptions, where: string, stalled: AbortSignal): AbortError {
  if (isFlockError(e)) return e as AbortError;
  if (o.signal?.aborted) return new AbortError(`fetching ${o.cid} was interrupted`, { code: 'INTERRUPTED', cause: e });
  if (stalled.aborted) {
    return new AbortError(`object ${o.cid}: ${where} stopped sending blocks (${String((stalled.reason as Error)?.message ?? 'stalled')})`, {
      code: 'NOT_FOUND_REMOTE',
      hint: 'the peer may be overloaded or gone; try again, or raise storage.ipfs.timeout',
      cause: e,
    });
  }
  // The exporter refuses a DAG that is not a UnixFS file (wrong codec, bad node): what the peer
  // named is not this object.
  const err = hashMismatch(o.cid, `(not a UnixFS file: ${(e as Error).message})`, where);
  return new AbortError(err.message, { code: 'HASH_MISMATCH', hint: err.hint, cause: e });
}
