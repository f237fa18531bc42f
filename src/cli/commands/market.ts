import type { Command } from 'commander';
import { createContext } from '../context.js';
import { positiveInt } from '../parse.js';
import { chainNow, openProtocol } from '../protocol.js';

/** `flock market claim|channels|close|retire|withdraw`: contributors' revenue, callers' channels, hosts' stake. */
export function register(program: Command): void {
  const market = program.command('market').description('the model market: claim your share of models\' revenue, see and close payment channels, retire a host offer');

  market
    .command('claim')
    .description('claim your share of the revenue of every model you contributed to (your pool\'s part goes into your pool)')
    .option('--model <id>', 'only this model', positiveInt)
    .option('--for <address>', 'claim for another contributor (anyone may; it is paid to them)')
    .action(async (opts: { model?: number; for?: string }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { client, account } = await openProtocol(ctx, { sign: true });
      const { parseAddress } = await import('../parse.js');
      const contributor = opts.for ? parseAddress(opts.for, '--for') : account;
      const count = await client.market.getModelCount();
      const ids = opts.model ? [BigInt(opts.model)] : Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1));
      const claims = [];
      for (const modelId of ids) {
        const c = await client.market.getContribution({ modelId, account: contributor });
        if (c.claimableOwn + c.claimablePool === 0n) continue;
        const { txHash } = await client.market.claimRevenue({ modelId, contributor });
        claims.push({ modelId, own: c.claimableOwn, pool: c.claimablePool, txHash });
      }
      const { formatFlock } = await import('../../units/index.js');
      await ctx.output({ contributor, claims }, (x) =>
        x.claims.length === 0
          ? `nothing to claim for ${x.contributor} (\`flock models show <id>\` lists each model's contributors)`
          : x.claims.map((c) => `model ${c.modelId}: ${formatFlock(c.own)} to ${x.contributor}${c.pool ? ` + ${formatFlock(c.pool)} into its pool` : ''} (tx ${c.txHash})`),
      );
    });

  market
    .command('channels')
    .description('your payment channels, as caller and as host: deposit, what was redeemed, the latest voucher you signed')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { client, account } = await openProtocol(ctx);
      const { requireMarket } = await import('../../protocol/connection.js');
      const mk = requireMarket(client);
      const [asCaller, asHost] = await Promise.all([mk.queryFilter(mk.filters.ChannelOpened(undefined, account)), mk.queryFilter(mk.filters.ChannelOpened(undefined, undefined, account))]);
      const ids = [...new Set([...asCaller, ...asHost].map((e) => e.args.channelId as bigint))].sort((a, b) => (a < b ? -1 : 1));
      const signed = await signedVouchers(ctx, client.record.chainId);
      const now = await chainNow(ctx);
      const channels = await Promise.all(
        ids.map(async (channelId) => {
          const c = await client.market.getChannel({ channelId });
          const state = c.closed ? 'closed' : c.closeAt === 0 ? 'open' : c.closeAt > now ? 'closing' : 'closable';
          return { ...c, role: c.caller.toLowerCase() === account.toLowerCase() ? 'caller' : 'host', state, signed: signed[channelId.toString()] ?? null };
        }),
      );
      const { formatFlock } = await import('../../units/index.js');
      await ctx.output({ account, channels }, (x) =>
        x.channels.length === 0
          ? 'no channels (`flock call --model <id> --input <file>` opens one)'
          : [
              'ID   ROLE    MODEL  STATE     DEPOSIT      REDEEMED     SIGNED       COUNTERPARTY',
              ...x.channels.map(
                (c) =>
                  `${String(c.id).padEnd(4)} ${c.role.padEnd(7)} ${String(c.modelId).padEnd(6)} ${c.state.padEnd(9)} ${formatFlock(c.deposit, { symbol: false }).padEnd(12)} ${formatFlock(c.redeemed, { symbol: false }).padEnd(12)} ${(c.signed ? formatFlock(BigInt(c.signed.amount), { symbol: false }) : '-').padEnd(12)} ${c.role === 'caller' ? c.host : c.caller}`,
              ),
            ],
      );
    });

  market
    .command('close')
    .description('close a channel you opened: the first run starts the host\'s window to redeem (market.channelTimeout), a run after it refunds the rest of your deposit')
    .argument('<channel>', 'channel id', positiveInt)
    .action(async (id: number, _opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const channelId = BigInt(id);
      const { client } = await openProtocol(ctx, { sign: true });
      const c = await client.market.getChannel({ channelId });
      const now = await chainNow(ctx);
      const { formatFlock } = await import('../../units/index.js');
      if (c.closed) return ctx.output({ channelId, state: 'closed', refund: 0n }, () => `channel ${channelId} is closed already`);
      if (c.closeAt === 0) {
        const { txHash } = await client.market.startCloseChannel({ channelId });
        const after = await client.market.getChannel({ channelId });
        return ctx.output({ channelId, state: 'closing', closeAt: after.closeAt, txHash }, (x) => [
          `channel ${x.channelId} is closing: its host may redeem until ${new Date(x.closeAt * 1000).toISOString()}; then \`flock market close ${x.channelId}\` refunds the rest`,
          `tx ${x.txHash}`,
        ]);
      }
      if (c.closeAt > now) {
        const { AbortError } = await import('../../errors/index.js');
        throw new AbortError(`channel ${channelId} is in its host's window to redeem until ${new Date(c.closeAt * 1000).toISOString()} (${c.closeAt - now} s from now)`, { code: 'CHANNEL_CLOSING', hint: `run \`flock market close ${channelId}\` again after that` });
      }
      const { txHash } = await client.market.closeChannel({ channelId });
      const after = await client.market.getChannel({ channelId });
      const refund = after.deposit - after.redeemed;
      return ctx.output({ channelId, state: 'closed', refund, redeemed: after.redeemed, txHash }, (x) => [`channel ${x.channelId} closed: ${formatFlock(x.refund)} refunded (${formatFlock(x.redeemed)} went to the host's redemptions)`, `tx ${x.txHash}`]);
    });

  market
    .command('retire')
    .description('stop offering a model as a host: no new channels; your stake unlocks after market.hostUnbonding (then `flock market withdraw`)')
    .requiredOption('--model <id>', 'model id', positiveInt)
    .action(async (opts: { model: number }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const modelId = BigInt(opts.model);
      const { client, account } = await openProtocol(ctx, { sign: true });
      const { txHash } = await client.market.retireOffer({ modelId });
      const o = await client.market.getOffer({ modelId, host: account });
      await ctx.output({ modelId, unlockAt: o.unlockAt, txHash }, (x) => [`offer for model ${x.modelId} retired; the stake unlocks at ${new Date(x.unlockAt * 1000).toISOString()}`, `tx ${x.txHash}`]);
    });

  market
    .command('withdraw')
    .description('take back a retired host offer\'s stake once it has unlocked')
    .requiredOption('--model <id>', 'model id', positiveInt)
    .action(async (opts: { model: number }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const modelId = BigInt(opts.model);
      const { client, account } = await openProtocol(ctx, { sign: true });
      const before = await client.market.getOffer({ modelId, host: account });
      const { txHash } = await client.market.withdrawHostStake({ modelId });
      const { formatFlock } = await import('../../units/index.js');
      await ctx.output({ modelId, amount: before.stake, txHash }, (x) => [`${formatFlock(x.amount, { symbol: 'gmFLOCK' })} of host stake withdrawn`, `tx ${x.txHash}`]);
    });
}

/** The vouchers this home signed as a caller (`flock call`'s record), by channel id. */
async function signedVouchers(ctx: { config: { home: string } }, chainId: number): Promise<Record<string, { amount: string; calls: string }>> {
  const [{ readJsonFile }, { voucherStatePath }] = await Promise.all([import('../../files/atomic.js'), import('../../protocol/market/call.js')]);
  return readJsonFile<{ channels: Record<string, { amount: string; calls: string }> }>(voucherStatePath(ctx.config.home, chainId))?.channels ?? {};
}
