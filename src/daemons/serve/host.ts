/**
 * The host daemon of `flock serve --model <id>`: fetches the registered model from the store
 * (verified by its CID), loads it into a pool of onnxruntime workers, serves it over the Open
 * Inference Protocol v2 with every call paid by a voucher (server.ts), keeps the offer on chain
 * (price, endpoint, stake), and redeems the latest voucher of each channel: on start (what a crash
 * left), on a schedule, when a channel starts closing, past a threshold, and on shutdown.
 *
 * Restarts: the ledger holds every accepted voucher on disk before its answer is sent, so a
 * SIGKILL at any instant loses no payment; a redemption mined before the ledger marked it is
 * found on chain (`redeemed` already covers the voucher) and only marked, never sent twice.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../files/atomic.js';
import { OnnxPool } from '../../engine/onnx/pool.js';
import type * as market from '../../protocol/market/actions.js';
import type { ProtocolConnection } from '../../protocol/connection.js';
import type { Store } from '../../storage/index.js';
import { AbortError } from '../../errors/index.js';
import type { ChainAccount } from '../arena/ports.js';
import type { DaemonRuntime } from '../kernel/index.js';
import { cachedChannelSource, type ChannelSource } from './channels.js';
import { ledgerDir, VoucherLedger, type UnredeemedVoucher } from './ledger.js';
import { startModelServer, type ModelServerLimits } from './server.js';

type Bound<F> = F extends (client: ProtocolConnection, ...args: infer P) => infer R ? (...args: P) => R : never;
export type MarketActions = { [K in keyof typeof market]: Bound<(typeof market)[K]> };

export interface HostDeps {
  rt: DaemonRuntime;
  market: MarketActions;
  /** The ModelMarket's address (vouchers are signed for it). */
  marketAddress: string;
  chain: ChainAccount;
  store: Store;
  home: string;
}

export interface HostOptions {
  modelId: bigint;
  /** FLOCK wei per call; default: the offer's price on chain (required for a first offer). */
  price?: bigint;
  /** gmFLOCK wei to stake; default: up to market.minHostStake. */
  stake?: bigint;
  /** The URL callers reach this server at; default: the server's own (http://<bind>:<port>). */
  endpoint?: string;
  bind?: string;
  port?: number;
  workers?: number;
  /** Seconds between scheduled redemptions of a channel (default 3600). */
  redeemEvery?: number;
  /** Redeem a channel as soon as its unredeemed amount reaches this (FLOCK wei; default: never early). */
  redeemAt?: bigint;
  /** Stop (redeeming first) after this many seconds without a paid call, counted from the start (scripts, batch hosts). */
  untilIdle?: number;
  /** The governed minimum host stake (the CLI reads market.minHostStake). */
  minStake: bigint;
  limits?: Partial<ModelServerLimits>;
}

export interface HostResult {
  modelId: string;
  url: string;
  endpoint: string;
  served: number;
  redeemed: { channelId: string; amount: string; tx?: string }[];
}

/** Serves until the runtime stops (SIGTERM/SIGINT), then redeems what is owed and returns. */
export async function runHost(d: HostDeps, o: HostOptions): Promise<HostResult> {
  const { rt, market, chain } = d;
  const rep = rt.reporter(`model-${o.modelId}`);
  const model = await rt.retry('read the model', () => market.getModel({ modelId: o.modelId }));
  const bytes = await rt.retry('fetch the model', () => d.store.get(model.modelCID));
  const file = join(d.home, 'daemons', 'work', `model-${chain.chainId}-${o.modelId}.onnx`);
  writeFileAtomic(file, bytes);
  let pool: OnnxPool;
  try {
    pool = await OnnxPool.create({ model: file, ...(o.workers ? { workers: o.workers } : {}), log: rep.log });
  } catch (cause) {
    throw new AbortError(`model ${o.modelId} (${model.modelCID}) does not load in onnxruntime: ${(cause as Error).message}`, { code: 'SERVE_MODEL_MISMATCH', hint: 'the registered model is not servable; serve another (`flock models list`)', cause });
  }
  const scope = { chainId: chain.chainId, market: d.marketAddress, host: chain.address, modelId: o.modelId };
  const ledger = await VoucherLedger.open({ dir: ledgerDir(d.home, scope), scope });
  const redeemed: HostResult['redeemed'] = [];
  const lastRedeemed = new Map<bigint, number>();
  let lastCall = Date.now();
  try {
    // What a crash left unredeemed goes first, before any new call is taken.
    await redeemDue(ledger.unredeemed(), 'start');
    const channels = cachedChannelSource(chainChannels(market, o.modelId, chain.address), { ttlMs: 5_000, priceTtlMs: 5_000 });
    const server = await startModelServer({
      modelId: o.modelId,
      inference: pool,
      ledger,
      channels,
      market: { chainId: chain.chainId, market: d.marketAddress },
      account: chain.address,
      bind: o.bind ?? '127.0.0.1',
      port: o.port ?? 0,
      log: rep.log,
      ...(o.limits ? { limits: o.limits } : {}),
      onPaid: (c) => {
        lastCall = Date.now();
        rep.emit({ event: 'call-paid', channelId: c.channelId.toString(), calls: c.calls.toString(), amount: c.amount.toString(), ms: c.ms });
      },
    });
    try {
      const endpoint = o.endpoint ?? server.url;
      const price = await ensureOffer(endpoint);
      rep.emit({ event: 'serving', modelId: o.modelId.toString(), modelCID: model.modelCID, url: server.url, endpoint, price: price.toString(), workers: pool.stats.workers });
      const every = (o.redeemEvery ?? 3600) * 1000;
      lastCall = Date.now(); // --until-idle counts from when the model is served
      while (!rt.stopping) {
        await rt.sleep();
        if (rt.stopping) break;
        if (o.untilIdle !== undefined && Date.now() - lastCall > o.untilIdle * 1000 && server.stats.inFlight === 0) rt.stop(`idle for ${o.untilIdle} s`);
        const due: UnredeemedVoucher[] = [];
        const why = new Map<bigint, string>();
        for (const v of ledger.unredeemed()) {
          const since = Date.now() - (lastRedeemed.get(v.channelId) ?? started);
          const c = await rt.retry('read the channel', () => channels.channel(v.channelId, { fresh: true }));
          const reason = c && c.closeAt > 0n ? 'closing' : o.redeemAt !== undefined && v.amount - v.redeemed >= o.redeemAt ? 'threshold' : since >= every ? 'schedule' : undefined;
          if (reason) {
            due.push(v);
            why.set(v.channelId, reason);
          }
        }
        for (const v of due) await redeemDue([v], why.get(v.channelId)!);
      }
      await server.close();
      await redeemDue(ledger.unredeemed(), 'shutdown');
      return { modelId: o.modelId.toString(), url: server.url, endpoint, served: server.stats.served, redeemed };
    } finally {
      await server.close().catch(() => undefined);
    }
  } finally {
    await ledger.close();
    await pool.close();
  }

  /** Creates or updates the offer so that it is active at this endpoint and price with enough stake; returns the price. */
  async function ensureOffer(endpoint: string): Promise<bigint> {
    const have = await rt.retry('read the offer', () => market.getOffer({ modelId: o.modelId, host: chain.address }));
    const price = o.price ?? (have.price > 0n ? have.price : undefined);
    if (price === undefined) throw new AbortError(`no price: this account has no offer for model ${o.modelId} yet`, { code: 'USAGE', hint: 'pass --price <FLOCK per call>' });
    const wanted = o.stake ?? (have.stake >= o.minStake ? 0n : o.minStake - have.stake);
    if (have.active && have.price === price && have.endpoint === endpoint && wanted === 0n) return price;
    const { txHash } = await rt.exclusive(() => market.offerModel({ modelId: o.modelId, price, stake: wanted, endpoint, onApprove: (what) => rep.emit({ event: 'approving', what }) }));
    rep.emit({ event: 'offer-updated', modelId: o.modelId.toString(), price: price.toString(), stake: (have.stake + wanted).toString(), endpoint, tx: txHash });
    return price;
  }

  /** Redeems each voucher unless the chain already has it (a restart after a mined redemption) or can no longer take it. */
  async function redeemDue(vouchers: UnredeemedVoucher[], why: string): Promise<void> {
    for (const v of vouchers) {
      const c = await rt.retry('read the channel', () => market.getChannel({ channelId: v.channelId }));
      const payable = v.amount < c.deposit ? v.amount : c.deposit;
      if (c.redeemed >= payable) {
        await ledger.markRedeemed(v.channelId, v.amount);
        rep.emit({ event: 'redeemed', channelId: v.channelId.toString(), amount: v.amount.toString(), calls: v.calls.toString(), paid: '0', why, already: true });
        continue;
      }
      const now = await chain.now();
      if (c.closed || (c.closeAt > 0 && now >= c.closeAt)) {
        await ledger.markRedeemed(v.channelId, v.amount);
        rep.emit({ event: 'voucher-lost', channelId: v.channelId.toString(), amount: v.amount.toString(), reason: c.closed ? 'the channel is closed' : 'its window to redeem has passed' });
        continue;
      }
      const { txHash } = await rt.exclusive(() => rt.retry('redeem', () => market.redeemVoucher({ channelId: v.channelId, amount: v.amount, calls: v.calls, signature: v.sig }), { onRetry: chain.resetNonce }));
      rt.crashPoint('redeem');
      await ledger.markRedeemed(v.channelId, v.amount);
      lastRedeemed.set(v.channelId, Date.now());
      redeemed.push({ channelId: v.channelId.toString(), amount: v.amount.toString(), tx: txHash });
      rep.emit({ event: 'redeemed', channelId: v.channelId.toString(), amount: v.amount.toString(), calls: v.calls.toString(), paid: (payable - c.redeemed).toString(), why, tx: txHash, already: false });
    }
  }
}

const started = Date.now();

/** The ChannelSource over ModelMarket: a channel's state and this host's price. */
function chainChannels(market: MarketActions, modelId: bigint, host: string): ChannelSource {
  return {
    async channel(channelId) {
      try {
        const c = await market.getChannel({ channelId });
        return { caller: c.caller, host: c.host, modelId: c.modelId, deposit: c.deposit, redeemed: c.redeemed, calls: c.calls, closeAt: BigInt(c.closeAt), closed: c.closed };
      } catch (e) {
        if ((e as { code?: string }).code === 'UNKNOWN_CHANNEL') return undefined;
        throw e;
      }
    },
    async price() {
      return (await market.getOffer({ modelId, host })).price;
    },
  };
}
