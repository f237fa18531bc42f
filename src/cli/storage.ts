import { dirname, resolve } from 'node:path';
import type { Store } from '../storage/index.js';
import type { Context } from './context.js';

/**
 * The store configured for this command (`storage:` in flock.config.yaml; the devnet default is
 * the directory store under <home>/store). Uploads to an HTTP store are signed by the command's
 * signer.
 */
export async function openContextStore(ctx: Context): Promise<Store> {
  const [{ storageConfig }, { expandHome }, { openStore }] = await Promise.all([
    import('../config/schema.js'),
    import('../config/load.js'),
    import('../storage/index.js'),
  ]);
  const s = storageConfig(ctx.config);
  if (ctx.config.storage?.dir) s.dir = resolve(ctx.configPath ? dirname(ctx.configPath) : process.cwd(), expandHome(ctx.config.storage.dir));
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
