import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { mkdirPrivateAsync } from '../files/dirs.js';
import { dirname } from 'node:path';
import { CID } from 'multiformats/cid';
import { AbortError, isFlockError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { cidOf, normalizeCid, parseCid, RAW_CODE, SHA2_256_CODE } from './cid.js';
import { statInput, type DirectoryStore } from './directory.js';
import { hashMismatch, notFound, tooLarge } from './errors.js';
import { formatBytes } from '../units/index.js';
import { readVerified, writeVerifiedFile } from './stream.js';
import type { GetOptions, ObjectStat, PutOptions, PutSource, Store } from './store.js';

/**
 * The IPFS backend: an in-process Helia node (libp2p over TCP, noise, yamux; bitswap) whose
 * blockstore is a DirectoryStore. Each flock object is ONE raw block whose CID is the flock CID
 * (cid.ts), so the same CID names it here, in the directory store and on the HTTP store, and any
 * IPFS implementation can serve or fetch it as a raw block (`ipfs block get <cid>`).
 *
 * One block per object bounds IPFS objects to a block size: 2 MiB by default, the largest block
 * every bitswap implementation must accept. flock peers can raise it (`storage.ipfs.maxBlockBytes`;
 * both sides raise their bitswap message size with it). Larger objects travel by the directory or
 * HTTP backends. No public bootstrap, DHT or relay: peers are dialled explicitly (`peers`), which
 * is what a training network's known nodes need and keeps tests on loopback.
 */

/** The parts of a Helia node this backend uses (typed here: Helia's types span two libp2p majors). */
interface HeliaNode {
  libp2p: {
    peerId: { toString(): string };
    getMultiaddrs(): Array<{ toString(): string }>;
    getPeers(): unknown[];
    dial(addr: any, opts?: { signal?: AbortSignal }): Promise<unknown>;
  };
  blockstore: {
    put(cid: any, bytes: Uint8Array, opts?: { signal?: AbortSignal }): Promise<unknown>;
    get(cid: any, opts?: { signal?: AbortSignal }): Promise<Uint8Array>;
  };
  stop(): Promise<void>;
}

/** The block size every bitswap implementation must accept. */
export const DEFAULT_IPFS_MAX_BYTES = 2 * 1024 * 1024;

/** Room for the bitswap message around the largest block. */
const MESSAGE_OVERHEAD = 64 * 1024;

export interface IpfsStoreOptions {
  /** Where blocks live (shared with the directory backend and `flock store serve`). */
  dir: DirectoryStore;
  /** Multiaddrs to listen on, e.g. /ip4/127.0.0.1/tcp/4001; default none (dial out only). */
  listen?: readonly string[];
  /** Peers to connect to at start: multiaddrs ending in /p2p/<peer id>. */
  peers?: readonly string[];
  /** Largest object (one block); default 2 MiB. */
  maxBytes?: number;
  /** How long get waits for a block from the network (default 60 s). */
  timeoutMs?: number;
  /** File holding the node's private key, so its peer id survives restarts (created if absent). */
  keyFile?: string;
  log?: Logger;
}

/**
 * Starts a Helia node and returns it as a Store; `close()` stops it.
 *
 * @example
 * const a = await createIpfsStore({ dir: new DirectoryStore({ dir: dirA }), listen: ['/ip4/127.0.0.1/tcp/0'] });
 * const b = await createIpfsStore({ dir: new DirectoryStore({ dir: dirB }), peers: a.multiaddrs() });
 * const cid = await a.put(bytes);
 * await b.get(cid); // over bitswap, verified
 */
export async function createIpfsStore(opts: IpfsStoreOptions): Promise<IpfsStore> {
  polyfillNode20();
  const maxBytes = opts.maxBytes ?? DEFAULT_IPFS_MAX_BYTES;
  const [{ Helia }, { bitswap }, { createLibp2p }, { tcp }, { noise }, { yamux }, { identify }, { MemoryDatastore }, { BaseBlockstore }, { multiaddr }] = await Promise.all([
    import('@helia/utils'),
    import('@helia/block-brokers'),
    import('libp2p'),
    import('@libp2p/tcp'),
    import('@chainsafe/libp2p-noise'),
    import('@chainsafe/libp2p-yamux'),
    import('@libp2p/identify'),
    import('datastore-core'),
    import('blockstore-core/base'),
    import('@multiformats/multiaddr'),
  ]);

  /** Helia's view of the DirectoryStore: flock CIDs only, verified both ways, never deleted. */
  class DirBlockstore extends BaseBlockstore {
    /** Objects over the block limit are not offered: peers could not take them anyway. */
    override async has(key: { toString(): string }): Promise<boolean> {
      const cid = flockCid(key);
      const st = cid === undefined ? undefined : await opts.dir.stat(cid);
      return st !== undefined && st.size <= maxBytes;
    }

    override async put(key: any, val: Uint8Array): Promise<any> {
      const cid = flockCid(key);
      if (cid === undefined) throw new Error(`flock stores raw sha2-256 blocks only, not ${String(key)}`);
      await opts.dir.put(val, { expectedCid: cid, maxBytes });
      return key;
    }

    override async get(key: any): Promise<Uint8Array> {
      const cid = flockCid(key);
      try {
        if (cid === undefined) throw notFound(String(key), 'this IPFS node');
        return await opts.dir.get(cid, { maxBytes });
      } catch (e) {
        if (!isFlockError(e)) throw e;
        // A corrupted (HASH_MISMATCH) or oversized copy is never handed to a peer. It is reported
        // to bitswap as missing: any other error would stall everything else that peer wants.
        if (e.code !== 'NOT_FOUND') opts.log?.error({ cid, code: e.code }, `not serving ${cid} to IPFS peers: ${e.message}`);
        throw Object.assign(new Error(`block ${String(key)} not found`), { name: 'NotFoundError' });
      }
    }

    override async delete(): Promise<void> {
      // Objects are shared with the other backends and immutable: Helia never deletes them.
    }

    override async *getAll(): AsyncGenerator<any> {
      for await (const cid of opts.dir.list()) yield { cid: CID.parse(cid), block: await opts.dir.get(cid, { maxBytes: Number.MAX_SAFE_INTEGER }) };
    }
  }

  const datastore = new MemoryDatastore();
  const privateKey = opts.keyFile ? await loadOrCreateKey(opts.keyFile) : undefined;
  let libp2p: Awaited<ReturnType<typeof createLibp2p>>;
  try {
    libp2p = await createLibp2p({
      ...(privateKey ? { privateKey } : {}),
      datastore,
      addresses: { listen: [...(opts.listen ?? [])] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() },
    } as Parameters<typeof createLibp2p>[0]);
  } catch (e) {
    throw new AbortError(`cannot start the IPFS node: ${(e as Error).message}`, {
      code: 'IPFS_START',
      hint: 'check storage.ipfs.listen (e.g. /ip4/127.0.0.1/tcp/4001) and that the port is free',
      cause: e,
    });
  }
  const messageSize = maxBytes + MESSAGE_OVERHEAD;
  // The casts bridge @libp2p/interface 2 and 3 and multiformats 13 and 14, which Helia 5's
  // dependencies mix; the objects are the same at run time.
  const helia = new Helia({
    libp2p: libp2p as any,
    blockstore: new DirBlockstore() as any,
    datastore: datastore as any,
    blockBrokers: [bitswap({ maxIncomingMessageSize: messageSize, maxOutgoingMessageSize: messageSize })],
    routers: [],
  });
  await helia.start();
  const store = new IpfsStore(helia as unknown as HeliaNode, opts.dir, maxBytes, opts.timeoutMs ?? 60_000, (s) => multiaddr(s), opts.log);
  try {
    for (const peer of opts.peers ?? []) await store.dial(peer);
  } catch (e) {
    await store.close();
    throw e;
  }
  opts.log?.debug({ peerId: store.peerId, listen: store.multiaddrs() }, 'ipfs node started');
  return store;
}

export class IpfsStore implements Store {
  readonly kind = 'ipfs' as const;
  readonly location: string;

  constructor(
    private readonly helia: HeliaNode,
    private readonly dir: DirectoryStore,
    readonly maxBytes: number,
    private readonly timeoutMs: number,
    private readonly toMultiaddr: (s: string) => unknown,
    private readonly log: Logger | undefined,
  ) {
    this.location = `ipfs peer ${this.peerId}`;
  }

  get peerId(): string {
    return this.helia.libp2p.peerId.toString();
  }

  /** Addresses peers can dial, each ending in /p2p/<peer id>. */
  multiaddrs(): string[] {
    return this.helia.libp2p.getMultiaddrs().map(String);
  }

  /** Connects to a peer (a multiaddr ending in /p2p/<peer id>). */
  async dial(addr: string, signal: AbortSignal = AbortSignal.timeout(10_000)): Promise<void> {
    let ma: unknown;
    try {
      ma = this.toMultiaddr(addr);
    } catch (e) {
      throw new AbortError(`"${addr}" is not a multiaddr`, { code: 'USAGE', hint: 'e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…', cause: e });
    }
    try {
      await this.helia.libp2p.dial(ma, { signal });
      this.log?.debug({ peer: addr }, 'ipfs peer connected');
    } catch (e) {
      throw new AbortError(`cannot connect to IPFS peer ${addr}: ${(e as Error).message}`, {
        code: 'STORE_UNREACHABLE',
        hint: 'is the peer running (`flock store serve --ipfs-listen …`)? the address must end in /p2p/<its peer id>',
        cause: e,
      });
    }
  }

  async put(source: PutSource, opts: PutOptions = {}): Promise<string> {
    const max = Math.min(opts.maxBytes ?? this.maxBytes, this.maxBytes);
    const bytes = source instanceof Uint8Array ? source : await readAll(source, max, opts.signal);
    if (bytes.length > max) throw this.tooBig(max, bytes.length);
    const cid = cidOf(bytes);
    if (opts.expectedCid !== undefined && normalizeCid(opts.expectedCid) !== cid) throw hashMismatch(normalizeCid(opts.expectedCid), cid, 'the source');
    await this.helia.blockstore.put(parseCid(cid), bytes, { signal: opts.signal });
    return cid;
  }

  async putFile(path: string, opts: PutOptions = {}): Promise<string> {
    const max = Math.min(opts.maxBytes ?? this.maxBytes, this.maxBytes);
    const { size } = await statInput(path);
    if (size > max) throw this.tooBig(max, size, path);
    return this.put(await readFile(path), opts);
  }

  /** From the local blockstore, else from connected peers over bitswap; verified either way. */
  async get(cid: string, opts: GetOptions = {}): Promise<Uint8Array> {
    const c = normalizeCid(cid);
    const max = opts.maxBytes ?? this.maxBytes;
    // Local objects are read (verified, size-checked) straight from the directory store.
    if (await this.dir.has(c)) return this.dir.get(c, { maxBytes: max, signal: opts.signal });
    const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(this.timeoutMs)]) : AbortSignal.timeout(this.timeoutMs);
    let block: Uint8Array;
    try {
      block = await this.helia.blockstore.get(parseCid(c), { signal });
    } catch (e) {
      if (isFlockError(e)) throw e;
      if (opts.signal?.aborted) throw e;
      const peers = this.helia.libp2p.getPeers().length;
      throw notFound(c, `the local store or ${peers} connected IPFS peer${peers === 1 ? '' : 's'} within ${this.timeoutMs / 1000} s`, 'NOT_FOUND_REMOTE');
    }
    // Bitswap checks blocks it receives; check again here, as every backend does on every read.
    return readVerified(block, { expected: c, maxBytes: max, where: `IPFS (${this.location})`, size: block.length });
  }

  async getToFile(cid: string, path: string, opts: GetOptions = {}): Promise<ObjectStat> {
    const c = normalizeCid(cid);
    const bytes = await this.get(c, opts);
    return writeVerifiedFile(bytes, path, { expected: c, maxBytes: opts.maxBytes ?? this.maxBytes, where: `IPFS (${this.location})` });
  }

  /** Local only: asking the network would mean fetching. */
  has(cid: string): Promise<boolean> {
    return this.dir.has(cid);
  }

  stat(cid: string): Promise<ObjectStat | undefined> {
    return this.dir.stat(cid);
  }

  async close(): Promise<void> {
    await this.helia.stop();
    this.log?.debug({ peerId: this.peerId }, 'ipfs node stopped');
  }

  private tooBig(max: number, size: number, what = 'object'): AbortError {
    const err = tooLarge(`${what} (one IPFS block)`, max, size);
    return new AbortError(err.message, {
      code: err.code,
      hint: `an IPFS object is one block, at most ${formatBytes(max)} here: use the dir or http backend for larger objects, or raise storage.ipfs.maxBlockBytes on every peer`,
    });
  }
}

/** The canonical string of a flock CID (raw, sha2-256, v1), or undefined for any other CID. */
function flockCid(key: { toString(): string }): string | undefined {
  const c = key as { version?: number; code?: number; multihash?: { code?: number } };
  if (c.version !== 1 || c.code !== RAW_CODE || c.multihash?.code !== SHA2_256_CODE) return undefined;
  return key.toString();
}

async function readAll(source: Exclude<PutSource, Uint8Array>, max: number, signal?: AbortSignal): Promise<Uint8Array> {
  const { chunks } = await import('./stream.js');
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks(source)) {
    signal?.throwIfAborted();
    size += chunk.length;
    if (size > max) throw tooLarge('object (one IPFS block)', max);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** The node's libp2p identity, kept in `file` (mode 0600) so its peer id is stable. */
async function loadOrCreateKey(file: string): Promise<unknown> {
  const { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } = await import('@libp2p/crypto/keys');
  if (existsSync(file)) {
    try {
      return privateKeyFromProtobuf(await readFile(file));
    } catch (e) {
      throw new AbortError(`${file} is not a libp2p private key`, { code: 'USAGE', hint: 'delete it to get a new peer id', cause: e });
    }
  }
  const key = await generateKeyPair('Ed25519');
  await mkdirPrivateAsync(dirname(file));
  await writeFile(file, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e; // another process created it first: use theirs
  });
  return privateKeyFromProtobuf(await readFile(file));
}

/**
 * Promise.withResolvers (Node 22) is used by mortice/it-queue inside Helia. flock supports Node
 * 20.18+, so supply it there; the standard method is used when present.
 */
function polyfillNode20(): void {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  if (typeof P.withResolvers === 'function') return;
  P.withResolvers = function withResolvers<T>(this: PromiseConstructor) {
    let resolve!: (v: T | PromiseLike<T>) => void;
    let reject!: (e: unknown) => void;
    const promise = new this<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
