/**
 * Content-addressed storage: objects (models, datasets, updates) named by their CIDv1 raw
 * sha2-256 (cid.ts), verified on every read and size-limited while streaming, in one of three
 * backends behind the `Store` interface (store.ts):
 *
 * - `dir`: a local folder (directory.ts), the devnet default, shared safely by local processes;
 * - `http`: `flock store serve` (server.ts) and its client (http.ts), uploads signed by the
 *   uploader's key (auth.ts);
 * - `ipfs`: an in-process Helia node exchanging blocks over bitswap: small objects as one raw
 *   block, large ones as UnixFS found through `/flock/root/1.0.0` (ipfs.ts).
 *
 * Knows nothing of the chain beyond checking an upload's signature, and nothing of the engine.
 */
import { AbortError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { UploadSigner } from './auth.js';
import { DirectoryStore } from './directory.js';
import type { Store, StoreKind } from './store.js';

export * from './store.js';
export { cidOf, cidFromSha256, parseCid, normalizeCid, isCid, sha256Hex, CidHasher } from './cid.js';
export { DirectoryStore, type DirectoryStoreOptions } from './directory.js';
// http.ts, auth.ts (ethers), server.ts and ipfs.ts (Helia) are imported from their own modules,
// so importing this one stays light.
export type { HttpStoreOptions } from './http.js';
export type { UploadSigner } from './auth.js';
export { formatBytes } from '../units/index.js';
export { parseSize } from '../units/index.js';

export interface OpenStoreOptions {
  backend: StoreKind;
  /** The directory store; also the IPFS node's blockstore. */
  dir: string;
  /** Default limit of put and get. */
  maxBytes: number;
  /** HTTP backend: the server's URL. */
  url?: string;
  /** HTTP backend: seconds to wait for the server's answer. */
  timeout?: number;
  /** HTTP backend: signs uploads (only needed to put). */
  signer?: UploadSigner;
  ipfs?: { listen?: readonly string[]; peers?: readonly string[]; maxBlockBytes?: number; timeout?: number; keyFile?: string };
  log?: Logger;
}

/**
 * Opens the configured backend. The heavy parts (Helia, ethers) load only for the backend used.
 *
 * @example
 * const store = await openStore({ backend: 'dir', dir: join(home, 'store'), maxBytes: 1 << 30 });
 */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const dir = new DirectoryStore({ dir: opts.dir, maxBytes: opts.maxBytes });
  switch (opts.backend) {
    case 'dir':
      return dir;
    case 'http': {
      if (!opts.url) {
        throw new AbortError('the http storage backend needs a URL', {
          code: 'USAGE',
          hint: 'pass --url http://host:port or set storage.url in flock.config.yaml',
        });
      }
      const { HttpStore } = await import('./http.js');
      return new HttpStore({ url: opts.url, signer: opts.signer, maxBytes: opts.maxBytes, timeoutMs: (opts.timeout ?? 30) * 1000 });
    }
    case 'ipfs': {
      const { createIpfsStore } = await import('./ipfs.js');
      return createIpfsStore({
        dir,
        listen: opts.ipfs?.listen,
        peers: opts.ipfs?.peers,
        maxBytes: opts.maxBytes,
        maxBlockBytes: opts.ipfs?.maxBlockBytes,
        timeoutMs: (opts.ipfs?.timeout ?? 60) * 1000,
        keyFile: opts.ipfs?.keyFile,
        log: opts.log,
      });
    }
    default:
      throw new AbortError(`unknown storage backend "${String(opts.backend)}"`, { code: 'USAGE', hint: 'use dir, http or ipfs' });
  }
}
