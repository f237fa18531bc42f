import type { Signer } from 'ethers';
import type { Protocol } from '../protocol/connect.js';
import type { Context } from './context.js';

/**
 * The deployed protocol for the connected chain, bound to the command's signer (`sign: true`) or
 * to the provider for read-only commands, which then never ask for a password.
 */
export async function openProtocol(ctx: Context, opts: { sign: true }): Promise<{ p: Protocol; signer: Signer; account: string }>;
export async function openProtocol(ctx: Context, opts?: { sign?: false }): Promise<{ p: Protocol; signer: undefined; account: string }>;
export async function openProtocol(ctx: Context, opts: { sign?: boolean } = {}) {
  const [{ loadDeployment }, { connectProtocol }] = await Promise.all([import('../chain/deployment.js'), import('../protocol/connect.js')]);
  const record = await loadDeployment(ctx);
  if (opts.sign) {
    const signer = await ctx.signer();
    return { p: connectProtocol(record, signer), signer, account: await signer.getAddress() };
  }
  const provider = await ctx.provider();
  return { p: connectProtocol(record, provider), signer: undefined, account: (await ctx.account()).address };
}
