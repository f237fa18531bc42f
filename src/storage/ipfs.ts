import { AbortError, isFlockError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { normalizeCid, parseCid } from './cid.js';
import type { DirectoryStore } from './directory.js';
import { notFound, tooLarge } from './errors.js';
import { BlockFolder, type RootEntry } from './ipfs-blocks.js';
import { startHeliaNode, type HeliaNode } from './ipfs-node.js';
import { askPeers, serveRootProtocol, type PeerAnswer } from './ipfs-root-protocol.js';
import { CHUNK_BYTES, fetchObject, indexObject } from './ipfs-unixfs.js';
import { readVerified } from './stream.js';
import type { GetOptions, ObjectStat, PutOptions, PutSource, Store } from './store.js';

/**
 * The IPFS backend: an in-process Helia node (libp2p over TCP, noise, yamux; bitswap) over the
 * DirectoryStore. Objects of every size up to `storage.maxBytes` move, always named by their
 * flock CID (cid.ts: raw sha2-256 of the whole object), the same name as in the directory store,
 * over HTTP and in on-chain commitments.
 *
 * - **Small objects** (at most one chunk, 1 MiB): ONE raw block whose CID is the flock CID, so any
 *   IPFS implementation can serve or fetch it (`ipfs block get <cid>`).
 * - **Large objects**: a UnixFS file (CIDv1, raw leaves of 1 MiB, balanced DAG; ipfs-unixfs.ts),
 *   built when the object is put, or when a peer first asks for one that came by another backend.
 *   A node that has only the flock CID asks every connected peer over `/flock/root/1.0.0`
 *   (ipfs-root-protocol.ts) for the root and size, then walks the DAG over bitswap, streaming the
 *   content into a temporary file while hashing it. The peer's answer is untrusted: the object is
 *   kept only if the whole hashes to the flock CID (HASH_MISMATCH, exit 9, otherwise) and stays
 *   within maxBytes while streaming (TOO_LARGE, exit 9); nothing of a failed fetch remains.
 * - The DAG's blocks and the flock CID → root mapping live in `<store>/.ipfs/` (ipfs-blocks.ts):
 *   a restarted node keeps serving, and a node that fetched an object keeps it whole in its
 *   directory store (the dir and http backends see it) and serves it on to other IPFS peers.
 * - Blocks on the wire are at most `maxBlockBytes` (2 MiB by default, the size every bitswap
 *   implementation accepts); leaves are 1 MiB, or maxBlockBytes when that is smaller.
 * - Not found: NOT_FOUND (exit 2, as the dir and http backends) when every connected peer
 *   answered that it lacks the object; NOT_FOUND_REMOTE (exit 3) when a peer did not answer or
 *   stopped sending blocks in time (`timeoutMs`), since the object may yet be there.
 *
 * Memory stays bounded: an object is streamed through files, a few 1 MiB blocks at a time;
 * only `get` (bytes in memory) holds it, once. Both sides log (the pino logger given): root
 * requests served or not found (info), fetch progress (debug), failures (warn, error).
 * No public bootstrap, DHT or relay: peers are dialled explicitly (`peers`), which is what a
 * training network's known nodes need and keeps tests on loopback.
 */

/** The block size every bitswap implementation must accept. */
export const DEFAULT_IPFS_MAX_BLOCK_BYTES = 2 * 1024 * 1024;

export interface IpfsStoreOptions {
  /** Where objects live (shared with the directory backend and `flock store serve`). */
  dir: DirectoryStore;
  /** Multiaddrs to listen on, e.g. /ip4/127.0.0.1/tcp/4001; default none (dial out only). */
  listen?: readonly string[];
  /** Peers to connect to at start: multiaddrs ending in /p2p/<peer id>. */
  peers?: readonly string[];
  /** Largest object put or fetched (storage.maxBytes); default: the directory store's. */
  maxBytes?: number;
  /** Largest block exchanged (storage.ipfs.maxBlockBytes); default 2 MiB. Leaves are min(1 MiB, this). */
  maxBlockBytes?: number;
  /** How long a peer may take to answer, or to send the next block (default 60 s). */
  timeoutMs?: number;
  /** File holding the node's private key, so its peer id survives restarts (created if absent). */
  keyFile?: string;
  log?: Logger;
}

/** An IPFS stat: where the object is, this node or a peer (and which). */
export interface IpfsObjectStat extends ObjectStat {
  /** In this node's directory store. */
  local: boolean;
  /** The peer that has it, when not local. */
  peer?: string;
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
  const maxBytes = opts.maxBytes ?? opts.dir.maxBytes;
  const maxBlockBytes = opts.maxBlockBytes ?? DEFAULT_IPFS_MAX_BLOCK_BYTES;
  const chunkBytes = Math.min(CHUNK_BYTES, maxBlockBytes);
  const blocks = new BlockFolder(opts.dir.dir);
  const log = opts.log;
  const { helia, toMultiaddr } = await startHeliaNode({ dir: opts.dir, blocks, chunkBytes, maxBlockBytes, listen: opts.listen, keyFile: opts.keyFile, log });
  const store = new IpfsStore(helia, opts.dir, blocks, { maxBytes, chunkBytes, timeoutMs: opts.timeoutMs ?? 60_000 }, toMultiaddr, log);
  try {
    await serveRootProtocol(helia.libp2p, (cid) => store.rootOf(cid), log);
    for (const peer of opts.peers ?? []) await store.dial(peer);
  } catch (e) {
    await store.close();
    throw e;
  }
  log?.debug({ peerId: store.peerId, listen: store.multiaddrs() }, 'ipfs node started');
  return store;
}

export class IpfsStore implements Store {
  readonly kind = 'ipfs' as const;
  readonly location: string;
  readonly maxBytes: number;
  /** Objects of at most this size are one raw block; larger ones are UnixFS with leaves of this size. */
  readonly chunkBytes: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly helia: HeliaNode,
    private readonly dir: DirectoryStore,
    private readonly blocks: BlockFolder,
    limits: { maxBytes: number; chunkBytes: number; timeoutMs: number },
    private readonly toMultiaddr: (s: string) => unknown,
    private readonly log: Logger | undefined,
  ) {
    this.maxBytes = limits.maxBytes;
    this.chunkBytes = limits.chunkBytes;
    this.timeoutMs = limits.timeoutMs;
    this.location = `ipfs peer ${this.peerId}`;
  }

  /** The directory store this node's objects live in. */
  get storeDir(): string {
    return this.dir.dir;
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

  /** Into the directory store (streamed, hashed); a large object is then indexed as UnixFS. */
  async put(source: PutSource, opts: PutOptions = {}): Promise<string> {
    const max = Math.min(opts.maxBytes ?? this.maxBytes, this.maxBytes);
    const cid = await this.dir.put(source, { ...opts, maxBytes: max });
    await this.index(cid);
    return cid;
  }

  async putFile(path: string, opts: PutOptions = {}): Promise<string> {
    const max = Math.min(opts.maxBytes ?? this.maxBytes, this.maxBytes);
    const cid = await this.dir.putFile(path, { ...opts, maxBytes: max });
    await this.index(cid);
    return cid;
  }

  /** From the local store, else from the peers (then kept locally); verified either way. */
  async get(cid: string, opts: GetOptions = {}): Promise<Uint8Array> {
    const c = normalizeCid(cid);
    const max = opts.maxBytes ?? this.maxBytes;
    if (!(await this.dir.has(c))) await this.fetch(c, max, opts.signal);
    return this.dir.get(c, { maxBytes: max, signal: opts.signal });
  }

  async getToFile(cid: string, path: string, opts: GetOptions = {}): Promise<ObjectStat> {
    const c = normalizeCid(cid);
    const max = opts.maxBytes ?? this.maxBytes;
    if (!(await this.dir.has(c))) await this.fetch(c, max, opts.signal);
    return this.dir.getToFile(c, path, { maxBytes: max, signal: opts.signal });
  }

  /** Local only: asking the network would mean fetching. */
  has(cid: string): Promise<boolean> {
    return this.dir.has(cid);
  }

  /**
   * Where an object is: this node's store, else the first connected peer that answers it has it
   * (with the size it announces; not verified). Undefined when every peer said it lacks it;
   * NOT_FOUND_REMOTE when some peer did not answer.
   */
  async stat(cid: string, opts: { signal?: AbortSignal } = {}): Promise<IpfsObjectStat | undefined> {
    const c = normalizeCid(cid);
    const local = await this.dir.stat(c);
    if (local) return { ...local, local: true };
    const answers = await this.ask(c, opts.signal);
    const found = answers.find((a) => a.kind === 'found');
    if (found) return { cid: c, size: found.size, local: false, peer: found.peer };
    if (answers.some((a) => a.kind === 'failed')) throw this.notFoundRemote(c, answers);
    return undefined;
  }

  async close(): Promise<void> {
    await this.helia.stop();
    this.log?.debug({ peerId: this.peerId }, 'ipfs node stopped');
  }

  /**
   * What this node answers on /flock/root/1.0.0: a small object is its own root (checked first:
   * a corrupted copy is not offered); a large one has its DAG built on the first request when it
   * came in by another backend (an HTTP upload, the dir backend).
   */
  async rootOf(cid: string): Promise<RootEntry | undefined> {
    const st = await this.dir.stat(cid);
    if (st === undefined) return this.blocks.readRoot(cid);
    try {
      if (st.size <= this.chunkBytes) {
        await this.dir.get(cid, { maxBytes: this.chunkBytes });
        return { root: cid, size: st.size };
      }
      return (await this.blocks.readRoot(cid)) ?? (await indexObject(this.dir, this.blocks, cid, this.chunkBytes, this.log));
    } catch (e) {
      if (!isFlockError(e)) throw e;
      this.log?.error({ cid, code: e.code }, `not offering ${cid} to IPFS peers: ${e.message}`);
      return undefined;
    }
  }

  private async index(cid: string): Promise<void> {
    const st = await this.dir.stat(cid);
    if (st && st.size > this.chunkBytes && !(await this.blocks.readRoot(cid))) await indexObject(this.dir, this.blocks, cid, this.chunkBytes, this.log);
  }

  private ask(cid: string, signal?: AbortSignal): Promise<PeerAnswer[]> {
    return askPeers(this.helia.libp2p, cid, { timeoutMs: this.timeoutMs, signal, log: this.log });
  }

  /** Brings an object into the local store from the peers, or throws why not. */
  private async fetch(cid: string, max: number, signal?: AbortSignal): Promise<void> {
    const answers = await this.ask(cid, signal);
    const found = answers.filter((a): a is Extract<PeerAnswer, { kind: 'found' }> => a.kind === 'found');
    if (found.length === 0) {
      // Peers that do not speak /flock/root (another IPFS implementation) may still have a small
      // object as a raw block under its flock CID.
      if (answers.some((a) => a.kind === 'unsupported')) return this.fetchBlock(cid, max, signal, answers);
      if (answers.some((a) => a.kind === 'failed')) throw this.notFoundRemote(cid, answers);
      this.log?.info({ cid, peers: answers.length }, 'ipfs object not found');
      throw notFound(cid, `the local store or ${peersText(answers.length)}`);
    }
    let last: unknown;
    for (const f of found) {
      try {
        if (f.size > max) throw tooLarge(`object ${cid} (announced by IPFS peer ${f.peer})`, max, f.size);
        this.log?.debug({ cid, peer: f.peer, root: f.root, size: f.size }, 'ipfs fetch');
        if (f.root === cid) await this.fetchBlock(cid, max, signal, answers);
        else await fetchObject({ cid, entry: f, peer: f.peer, network: this.helia.blockstore, blocks: this.blocks, dir: this.dir, maxBytes: max, stallMs: this.timeoutMs, signal, log: this.log });
        return;
      } catch (e) {
        if (!isFlockError(e) || signal?.aborted) throw e;
        last = e;
        if (f !== found[found.length - 1]) this.log?.warn({ cid, peer: f.peer, code: e.code, err: e.message }, 'ipfs fetch from this peer failed: trying the next');
      }
    }
    throw last;
  }

  /** One raw block under the flock CID, over bitswap, verified and moved into the directory store. */
  private async fetchBlock(cid: string, max: number, signal: AbortSignal | undefined, answers: PeerAnswer[]): Promise<void> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let block: Uint8Array;
    try {
      block = await this.helia.blockstore.get(parseCid(cid), { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (e) {
      if (isFlockError(e) || signal?.aborted) throw e;
      this.log?.warn({ cid, peers: answers.length, err: (e as Error).message }, 'ipfs block fetch failed');
      throw this.notFoundRemote(cid, answers);
    }
    try {
      // Bitswap checks blocks it receives; check again here, as every backend does on every read.
      const bytes = await readVerified(block, { expected: cid, maxBytes: max, where: `IPFS (${this.location})`, size: block.length });
      await this.dir.put(bytes, { expectedCid: cid, maxBytes: max });
    } finally {
      await this.blocks.delete(cid);
    }
  }

  private notFoundRemote(cid: string, answers: PeerAnswer[]): AbortError {
    const silent = answers.filter((a) => a.kind === 'failed' || a.kind === 'unsupported').length;
    return notFound(cid, `the local store or ${peersText(answers.length)} within ${this.timeoutMs / 1000} s (${silent} did not answer)`, 'NOT_FOUND_REMOTE');
  }
}

function peersText(n: number): string {
  return `${n} connected IPFS peer${n === 1 ? '' : 's'}`;
}
