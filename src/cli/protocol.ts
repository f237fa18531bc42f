import type { Signer } from 'ethers';
import type { ProtocolClient } from '../protocol/client.js';
import type { Context } from './context.js';

/**
 * The protocol client for the connected chain, bound to the command's signer (`sign: true`) or
 * to the provider for read-only commands, which then never ask for a password.
 */
export async function openProtocol(ctx: Context, opts: { sign: true }): Promise<{ client: ProtocolClient; signer: Signer; account: string }>;
export async function openProtocol(ctx: Context, opts?: { sign?: false }): Promise<{ client: ProtocolClient; signer: undefined; account: string }>;
export async function openProtocol(ctx: Context, opts: { sign?: boolean } = {}) {
  const [{ loadDeployment }, { createProtocolClient }] = await Promise.all([import('../chain/deployment.js'), import('../protocol/client.js')]);
  const record = await loadDeployment(ctx);
  if (opts.sign) {
    const signer = await ctx.signer();
    return { client: createProtocolClient({ record, signer, log: ctx.log }), signer, account: await signer.getAddress() };
  }
  const provider = await ctx.provider();
  return { client: createProtocolClient({ record, runner: provider, log: ctx.log }), signer: undefined, account: (await ctx.account()).address };
}

/** Chain time, unix seconds: deadlines are told relative to it (`flock devnet warp` moves it). */
export async function chainNow(ctx: Context): Promise<number> {
  return (await (await ctx.provider()).getBlock('latest'))!.timestamp;
}
