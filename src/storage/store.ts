/**
 * The one interface every storage backend implements. Objects are immutable byte strings named by
 * their CID (see cid.ts). Two rules hold in every backend:
 *
 * - **Verified on every read**: `get` and `getToFile` recompute the CID of what they read; a
 *   mismatch is an AbortError `HASH_MISMATCH` (exit 9) and the bytes are never returned or left
 *   at the destination path.
 * - **Size-limited while streaming**: reading stops at byte `maxBytes + 1` with `TOO_LARGE`
 *   (exit 9), so an oversized or endless object cannot exhaust memory or disk.
 */

export type StoreKind = 'dir' | 'http' | 'ipfs';

/** Bytes in memory, or a stream of chunks (a Node Readable, a web ReadableStream, a generator). */
export type PutSource = Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface PutOptions {
  /** Refuse (TOO_LARGE) past this many bytes; default: the store's maxBytes. */
  maxBytes?: number;
  /** Refuse (HASH_MISMATCH) unless the content hashes to this CID; nothing is stored then. */
  expectedCid?: string;
  signal?: AbortSignal;
}

export interface GetOptions {
  /** Refuse (TOO_LARGE) past this many bytes; default: the store's maxBytes. */
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface ObjectStat {
  cid: string;
  /** Size in bytes. */
  size: number;
}

/**
 * A content-addressed object store.
 *
 * @example
 * const store = await openStore({ backend: 'dir', dir: '/tmp/store', maxBytes: 1 << 30 });
 * const cid = await store.put(new TextEncoder().encode('hello world\n'));
 * const bytes = await store.get(cid); // verified
 * await store.close();
 */
export interface Store {
  readonly kind: StoreKind;
  /** Where the objects are: a folder, a URL, an IPFS peer. */
  readonly location: string;
  /** The default limit of put and get. */
  readonly maxBytes: number;
  /** Stores bytes or a stream (hashed while written, then renamed into place) and returns the CID. */
  put(source: PutSource, opts?: PutOptions): Promise<string>;
  /** Stores a file without reading it into memory. */
  putFile(path: string, opts?: PutOptions): Promise<string>;
  /** The verified bytes of an object (NOT_FOUND, HASH_MISMATCH, TOO_LARGE otherwise). */
  get(cid: string, opts?: GetOptions): Promise<Uint8Array>;
  /**
   * Streams an object into `path` (a temporary file beside it, renamed only once verified), for
   * objects too large to hold in memory.
   */
  getToFile(cid: string, path: string, opts?: GetOptions): Promise<ObjectStat>;
  has(cid: string, opts?: { signal?: AbortSignal }): Promise<boolean>;
  /** Size of an object, or undefined when absent (not verified: use get for that). */
  stat(cid: string, opts?: { signal?: AbortSignal }): Promise<ObjectStat | undefined>;
  /** Releases connections and stops background work (an IPFS node). */
  close(): Promise<void>;
}

/** 1 GiB: large enough for models and datasets, small enough to hold in memory once. */
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;
