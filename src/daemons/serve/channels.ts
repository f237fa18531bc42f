/**
 * What the model server needs of the chain, and nothing more: a channel's state and this host's
 * price. The daemon wires a source over ModelMarket (`channel(id)`, `offerOf(modelId, host)`);
 * tests and the benchmark use an in-memory one. The server asks for a channel on every paid call,
 * so a chain-backed source should cache (cachedChannelSource): what it caches only ever moves in
 * the host's favour or under the host's control, see there.
 */

/** A payment channel as ModelMarket's `channel(channelId)` returns it (the fields the server reads). */
export interface ChannelInfo {
  caller: string;
  host: string;
  modelId: bigint;
  /** FLOCK wei deposited (top-ups included). */
  deposit: bigint;
  /** FLOCK wei redeemed so far. */
  redeemed: bigint;
  /** Calls covered by the last redemption. */
  calls: bigint;
  /** 0 while open; the end of the host's redemption window once the caller started closing. */
  closeAt: bigint;
  closed: boolean;
}

export interface ChannelReadOptions {
  /** Bypass any cache: asked before refusing a voucher over the cached deposit (a top-up may be newer). */
  fresh?: boolean;
}

/** The chain as the model server sees it. */
export interface ChannelSource {
  /** The channel, or undefined when no channel has this id. */
  channel(channelId: bigint, opts?: ChannelReadOptions): Promise<ChannelInfo | undefined>;
  /** This host's price per call for the served model, FLOCK wei (> 0). */
  price(): Promise<bigint>;
}

export interface CachedChannelSourceOptions {
  /** How long a channel read is reused (default 30 s). */
  ttlMs?: number;
  /** How long the price is reused (default 30 s). */
  priceTtlMs?: number;
  /** Channels kept (default 10 000; the oldest read is dropped first). */
  maxEntries?: number;
  now?: () => number;
}

/**
 * A ChannelSource that reuses reads for `ttlMs`. Safe to cache because, for an open channel, the
 * deposit only grows (topUp; a voucher over the cached deposit is checked again with `fresh`),
 * `redeemed` and `calls` only change when this host redeems, and a caller that starts closing
 * leaves the host `market.channelTimeout` (a day by default) to redeem what it served meanwhile.
 * A price raise is seen within `priceTtlMs`. Unknown channels are not cached (one may be opened
 * any moment).
 *
 * @example
 * const channels = cachedChannelSource({ channel: (id) => readChannel(market, id), price: () => readPrice(market, modelId, host) });
 */
export function cachedChannelSource(inner: ChannelSource, opts: CachedChannelSourceOptions = {}): ChannelSource & { forget(channelId: bigint): void } {
  const ttl = opts.ttlMs ?? 30_000;
  const priceTtl = opts.priceTtlMs ?? 30_000;
  const max = opts.maxEntries ?? 10_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<bigint, { at: number; info: Promise<ChannelInfo | undefined> }>();
  let price: { at: number; value: Promise<bigint> } | undefined;
  return {
    channel(channelId, o = {}) {
      const hit = cache.get(channelId);
      if (hit && !o.fresh && now() - hit.at < ttl) return hit.info;
      const info = inner.channel(channelId, o);
      const entry = { at: now(), info };
      cache.delete(channelId);
      cache.set(channelId, entry);
      while (cache.size > max) cache.delete(cache.keys().next().value!);
      // Failures and unknown channels are not kept.
      info.then(
        (v) => {
          if (v === undefined && cache.get(channelId) === entry) cache.delete(channelId);
        },
        () => {
          if (cache.get(channelId) === entry) cache.delete(channelId);
        },
      );
      return info;
    },
    price() {
      if (price && now() - price.at < priceTtl) return price.value;
      const entry = { at: now(), value: inner.price() };
      price = entry;
      entry.value.catch(() => {
        if (price === entry) price = undefined;
      });
      return entry.value;
    },
    forget(channelId) {
      cache.delete(channelId);
    },
  };
}
