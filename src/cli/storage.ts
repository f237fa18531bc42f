import { dirname, join, resolve } from 'node:path';
import type { StorageConfig } from '../config/schema.js';
import type { Store } from '../storage/index.js';
import type { Context } from './context.js';

/**
 * The command's storage settings (`storage:` in flock.config.yaml, defaults filled in). storage.dir
 * comes only from the file: relative to the file's folder, like other paths there. With no
 * storage.dir, the directory store is <home>/store, except on a devnet that another home started:
 * then it is that home's store, so a trainer in its own home fetches the data the creator stored.
 */
export async function contextStorageConfig(ctx: Context): Promise<StorageConfig> {
  const [{ storageConfig }, { expandHome }] = await Promise.all([import('../config/schema.js'), import('../config/load.js')]);
  const s = storageConfig(ctx.config);
  if (ctx.config.storage?.dir) s.dir = resolve(ctx.configPath ? dirname(ctx.configPath) : process.cwd(), expandHome(ctx.config.storage.dir));
  else if (ctx.devnet && ctx.devnet.home !== ctx.config.home) s.dir = join(ctx.devnet.home, 'store');
  return s;
}

/**
 * The store configured for this command (see contextStorageConfig). Uploads to an HTTP store are
 * signed by the command's signer.
 */
export async function openContextStore(ctx: Context): Promise<Store> {
  const [s, { openStore }] = await Promise.all([contextStorageConfig(ctx), import('../storage/index.js')]);
  return openStore({
    backend: s.backend,
    dir: s.dir,
    url: s.url,
    maxBytes: s.maxBytes,
    timeout: s.timeout,
    signer: { getAddress: async () => (await ctx.signer()).getAddress(), signMessage: async (m) => (await ctx.signer()).signMessage(m) },
    ipfs: { peers: s.ipfs.peers, maxBlockBytes: s.ipfs.maxBlockBytes, timeout: s.ipfs.timeout },
    log: ctx.log,
  });
}
