import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CID } from 'multiformats/cid';
import { mkdirPrivateAsync } from '../files/dirs.js';
import { SHA2_256_CODE } from './cid.js';

/**
 * What the IPFS backend keeps beside the directory store, in `<store>/.ipfs/` (a dot folder, so
 * the directory store's listing and sharding never see it):
 *
 * - `blocks/<shard>/<cid>`: the dag-pb nodes and raw leaves of large objects' UnixFS DAGs, built
 *   on put (or on a peer's first request) and kept after a fetch, so the node serves them on;
 * - `roots/<flock cid>.json`: `{ "root": <UnixFS root CID>, "size": <bytes> }`, what the
 *   `/flock/root/1.0.0` protocol answers for an object (ipfs-root-protocol.ts).
 *
 * Everything here can be rebuilt from the objects themselves (ipfs-unixfs.ts indexes an object
 * again when its entry is missing), so writes are atomic (temporary file, rename) but not fsynced,
 * and every block read is hashed against its CID.
 */

/** The `/flock/root/1.0.0` answer for one object. */
export interface RootEntry {
  /** The UnixFS root (CIDv1 dag-pb), or the flock CID itself for an object of one block. */
  root: string;
  /** The object's size in bytes. */
  size: number;
}

export class BlockFolder {
  readonly dir: string;
  /** The directory store's temporary folder: same filesystem, and its stale files are cleaned there. */
  private readonly tmpDir: string;

  /** `storeDir`: the directory store's folder. */
  constructor(storeDir: string) {
    this.dir = join(storeDir, '.ipfs');
    this.tmpDir = join(storeDir, '.tmp');
  }

  private blockPath(cid: string): string {
    return join(this.dir, 'blocks', cid.slice(-3, -1), cid);
  }

  private rootPath(flockCid: string): string {
    return join(this.dir, 'roots', `${flockCid}.json`);
  }

  async has(cid: CID | string): Promise<boolean> {
    try {
      return (await stat(this.blockPath(cid.toString()))).isFile();
    } catch {
      return false;
    }
  }

  /** A block's bytes, or undefined when absent or when they no longer hash to the CID. */
  async get(cid: CID | string): Promise<Uint8Array | undefined> {
    const c = typeof cid === 'string' ? CID.parse(cid) : cid;
    let bytes: Buffer;
    try {
      bytes = await readFile(this.blockPath(c.toString()));
    } catch {
      return undefined;
    }
    if (!matches(c, bytes)) {
      await rm(this.blockPath(c.toString()), { force: true });
      return undefined;
    }
    return bytes;
  }

  async put(cid: CID | string, bytes: Uint8Array): Promise<void> {
    await this.atomicWrite(this.blockPath(cid.toString()), bytes);
  }

  async delete(cid: CID | string): Promise<void> {
    await rm(this.blockPath(cid.toString()), { force: true });
  }

  async readRoot(flockCid: string): Promise<RootEntry | undefined> {
    try {
      const e = JSON.parse(await readFile(this.rootPath(flockCid), 'utf8')) as Partial<RootEntry>;
      if (typeof e.root !== 'string' || !Number.isSafeInteger(e.size) || (e.size as number) < 0) return undefined;
      CID.parse(e.root);
      return { root: e.root, size: e.size as number };
    } catch {
      return undefined;
    }
  }

  async writeRoot(flockCid: string, entry: RootEntry): Promise<void> {
    await this.atomicWrite(this.rootPath(flockCid), new TextEncoder().encode(JSON.stringify(entry)));
  }

  private async atomicWrite(path: string, bytes: Uint8Array): Promise<void> {
    await mkdirPrivateAsync(this.tmpDir);
    const tmp = join(this.tmpDir, `ipfs-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(tmp, bytes);
      await mkdirPrivateAsync(join(path, '..'));
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }
}

/** Whether `bytes` hash to `cid` (sha2-256 CIDs only: the only kind flock builds or fetches). */
export function matches(cid: CID, bytes: Uint8Array): boolean {
  if (cid.multihash.code !== SHA2_256_CODE) return false;
  return Buffer.from(createHash('sha256').update(bytes).digest()).equals(cid.multihash.digest);
}
