import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CID } from 'multiformats/cid';
import { AbortError, isFlockError } from '../errors/index.js';
import { mkdirPrivateAsync } from '../files/dirs.js';
import type { Logger } from '../log/index.js';
import { RAW_CODE, SHA2_256_CODE } from './cid.js';
import type { DirectoryStore } from './directory.js';
import type { BlockFolder } from './ipfs-blocks.js';
import type { RootLibp2p } from './ipfs-root-protocol.js';

/**
 * The Helia node under the IPFS backend (ipfs.ts): libp2p over TCP with noise and yamux,
 * identify, bitswap, no routers (peers are dialled explicitly), and a blockstore over the
 * DirectoryStore and the BlockFolder of UnixFS DAGs.
 */

/** The parts of a Helia node this backend uses (typed here: Helia's types span two libp2p majors). */
export interface HeliaNode {
  libp2p: RootLibp2p & {
    peerId: { toString(): string };
    getMultiaddrs(): Array<{ toString(): string }>;
    dial(addr: any, opts?: { signal?: AbortSignal }): Promise<unknown>;
  };
  blockstore: {
    get(cid: any, opts?: { signal?: AbortSignal }): Promise<Uint8Array>;
  };
  stop(): Promise<void>;
}

/** Room for the bitswap message around the largest block. */
const MESSAGE_OVERHEAD = 64 * 1024;

export interface HeliaNodeOptions {
  dir: DirectoryStore;
  blocks: BlockFolder;
  /** Objects of at most this size are offered as one raw block. */
  chunkBytes: number;
  /** Largest block sent or accepted over bitswap. */
  maxBlockBytes: number;
  listen?: readonly string[];
  keyFile?: string;
  log?: Logger;
}

/** Starts the node (IPFS_START when libp2p cannot listen). */
export async function startHeliaNode(opts: HeliaNodeOptions): Promise<{ helia: HeliaNode; toMultiaddr: (s: string) => unknown }> {
  polyfillNode20();
  const { blocks, chunkBytes, maxBlockBytes, log } = opts;
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

  /**
   * Helia's view of the stores: small objects of the DirectoryStore under their flock CIDs, and
   * the DAG blocks of large ones (BlockFolder). Blocks from the network go to the BlockFolder
   * (IpfsStore moves a small object into the DirectoryStore once verified). Never deletes.
   */
  class NodeBlockstore extends BaseBlockstore {
    override async has(key: { toString(): string }): Promise<boolean> {
      const cid = flockCid(key);
      const st = cid === undefined ? undefined : await opts.dir.stat(cid);
      if (st !== undefined && st.size <= chunkBytes) return true;
      return blocks.has(key.toString());
    }

    override async put(key: any, val: Uint8Array): Promise<any> {
      // Helia has checked the bytes against the key.
      await blocks.put(key.toString(), val);
      return key;
    }

    override async get(key: any): Promise<Uint8Array> {
      const cid = flockCid(key);
      try {
        if (cid !== undefined) {
          const st = await opts.dir.stat(cid);
          // Objects over one chunk are not offered as blocks: they travel as UnixFS.
          if (st !== undefined && st.size <= chunkBytes) {
            const bytes = await opts.dir.get(cid, { maxBytes: chunkBytes });
            log?.debug({ cid }, 'ipfs block served');
            return bytes;
          }
        }
        const bytes = await blocks.get(CID.parse(key.toString()));
        if (bytes) {
          log?.debug({ block: key.toString() }, 'ipfs block served');
          return bytes;
        }
      } catch (e) {
        if (!isFlockError(e)) throw e;
        // A corrupted (HASH_MISMATCH) or oversized copy is never handed to a peer. It is reported
        // to bitswap as missing: any other error would stall everything else that peer wants.
        if (e.code !== 'NOT_FOUND') log?.error({ cid, code: e.code }, `not serving ${cid} to IPFS peers: ${e.message}`);
      }
      throw Object.assign(new Error(`block ${String(key)} not found`), { name: 'NotFoundError' });
    }

    override async delete(): Promise<void> {
      // Objects are shared with the other backends and immutable: Helia never deletes them.
    }

    override async *getAll(): AsyncGenerator<any> {
      for await (const cid of opts.dir.list()) {
        const st = await opts.dir.stat(cid);
        if (st && st.size <= chunkBytes) yield { cid: CID.parse(cid), block: await opts.dir.get(cid, { maxBytes: chunkBytes }) };
      }
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
  const messageSize = Math.max(maxBlockBytes, chunkBytes) + MESSAGE_OVERHEAD;
  // The casts bridge @libp2p/interface 2 and 3 and multiformats 13 and 14, which Helia 5's
  // dependencies mix; the objects are the same at run time.
  const helia = new Helia({
    libp2p: libp2p as any,
    blockstore: new NodeBlockstore() as any,
    datastore: datastore as any,
    blockBrokers: [bitswap({ maxIncomingMessageSize: messageSize, maxOutgoingMessageSize: messageSize })],
    routers: [],
  });
  await helia.start();
  return { helia: helia as unknown as HeliaNode, toMultiaddr: (s) => multiaddr(s) };
}

/** The canonical string of a flock CID (raw, sha2-256, v1), or undefined for any other CID. */
function flockCid(key: { toString(): string }): string | undefined {
  const c = key as { version?: number; code?: number; multihash?: { code?: number } };
  if (c.version !== 1 || c.code !== RAW_CODE || c.multihash?.code !== SHA2_256_CODE) return undefined;
  return key.toString();
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
