/**
 * The model market's views (contracts/market/ModelMarket.sol) as plain objects in the contract's
 * units (FLOCK wei as bigint, shares as WAD, times as unix seconds): what `flock models`, `flock
 * call` and `flock serve` print and decide on.
 */
import { requireMarket, type ProtocolConnection } from '../connection.js';
import { unknownChannel, unknownModel } from '../errors.js';

export const MODEL_SOURCES = ['none', 'arena', 'alliance'] as const;
export type ModelSourceName = (typeof MODEL_SOURCES)[number];

export interface ModelView {
  id: bigint;
  source: ModelSourceName;
  taskId: bigint;
  /** The Arena submission (0 for an Alliance model). */
  submissionId: bigint;
  modelCID: string;
  registeredBy: string;
  registeredAt: number;
  /** FLOCK credited to the contributors so far (cumulative). */
  revenue: bigint;
  /** FLOCK redeemed by hosts for this model so far, before the split. */
  redeemed: bigint;
  /** Calls paid by the redeemed vouchers. */
  calls: bigint;
  hostCount: number;
}

export interface OfferView {
  modelId: bigint;
  host: string;
  /** FLOCK wei per call. */
  price: bigint;
  stake: bigint;
  endpoint: string;
  active: boolean;
  /** When a retired offer's stake unlocks (0 while active). */
  unlockAt: number;
  calls: bigint;
  redeemed: bigint;
}

export interface ChannelView {
  id: bigint;
  caller: string;
  host: string;
  modelId: bigint;
  deposit: bigint;
  redeemed: bigint;
  calls: bigint;
  /** The protocol fee and the host's share this channel splits by (WAD, fixed at opening). */
  fee: bigint;
  hostShare: bigint;
  /** 0 while open; else the end of the host's window to redeem. */
  closeAt: number;
  closed: boolean;
}

export interface ContributionView {
  account: string;
  /** The account's share of the contributors' revenue (WAD). */
  share: bigint;
  /** The part of that share its delegation pool gets (WAD of the share). */
  poolPart: bigint;
  claimed: bigint;
  claimableOwn: bigint;
  claimablePool: bigint;
}

const n = Number;

export async function getModelCount(client: ProtocolConnection): Promise<bigint> {
  return requireMarket(client).modelCount();
}

export async function getModel(client: ProtocolConnection, { modelId }: { modelId: bigint }): Promise<ModelView> {
  const market = requireMarket(client);
  if (modelId < 1n || modelId > (await market.modelCount())) throw unknownModel(modelId);
  const m = await market.model(modelId);
  return {
    id: modelId,
    source: MODEL_SOURCES[n(m.source)] ?? 'none',
    taskId: m.taskId,
    submissionId: m.submissionId,
    modelCID: m.modelCID,
    registeredBy: m.registeredBy,
    registeredAt: n(m.registeredAt),
    revenue: m.revenue,
    redeemed: m.redeemed,
    calls: m.calls,
    hostCount: n(m.hostCount),
  };
}

/** The model registered from a task (and Arena submission), or undefined. */
export async function findModel(client: ProtocolConnection, { source, taskId, submissionId = 0n }: { source: 'arena' | 'alliance'; taskId: bigint; submissionId?: bigint }): Promise<bigint | undefined> {
  const id = await requireMarket(client).modelOf(MODEL_SOURCES.indexOf(source), taskId, submissionId);
  return id === 0n ? undefined : id;
}

export async function getOffer(client: ProtocolConnection, { modelId, host }: { modelId: bigint; host: string }): Promise<OfferView> {
  const o = await requireMarket(client).offerOf(modelId, host);
  return { modelId, host, price: o.price, stake: o.stake, endpoint: o.endpoint, active: o.active, unlockAt: n(o.unlockAt), calls: o.calls, redeemed: o.redeemed };
}

/** Every host that ever offered the model, with its offer now (active ones first, cheapest first). */
export async function getOffers(client: ProtocolConnection, { modelId }: { modelId: bigint }): Promise<OfferView[]> {
  const market = requireMarket(client);
  const count = n(await market.hostCount(modelId));
  const hosts = await Promise.all(Array.from({ length: count }, (_, i) => market.hostAt(modelId, i)));
  const offers = await Promise.all(hosts.map((host) => getOffer(client, { modelId, host })));
  return offers.sort((a, b) => Number(b.active) - Number(a.active) || (a.price < b.price ? -1 : a.price > b.price ? 1 : 0));
}

export async function getChannel(client: ProtocolConnection, { channelId }: { channelId: bigint }): Promise<ChannelView> {
  const market = requireMarket(client);
  if (channelId < 1n || channelId > (await market.channelCount())) throw unknownChannel(channelId);
  const c = await market.channel(channelId);
  return {
    id: channelId,
    caller: c.caller,
    host: c.host,
    modelId: c.modelId,
    deposit: c.deposit,
    redeemed: c.redeemed,
    calls: c.calls,
    fee: c.fee,
    hostShare: c.hostShare,
    closeAt: n(c.closeAt),
    closed: c.closed,
  };
}

export async function getContribution(client: ProtocolConnection, { modelId, account }: { modelId: bigint; account: string }): Promise<ContributionView> {
  const market = requireMarket(client);
  const [[share, poolPart], claimed, [own, pool]] = await Promise.all([market.contribution(modelId, account), market.claimed(modelId, account), market.claimable(modelId, account)]);
  return { account, share, poolPart, claimed, claimableOwn: own, claimablePool: pool };
}

/**
 * A model's contributors with their shares, read from its source task: an Arena model's winner,
 * creator and validators; an Alliance model's participants (whoever ever settled a role). Only
 * accounts with a share are returned, largest first. The contract computes each share itself
 * (contribution()); this only finds whom to ask about.
 */
export async function getContributors(client: ProtocolConnection, { modelId }: { modelId: bigint }): Promise<ContributionView[]> {
  const m = await getModel(client, { modelId });
  const candidates = new Set<string>();
  if (m.source === 'arena') {
    const arena = client.contracts.arena!;
    const [t, sub] = await Promise.all([arena.task(m.taskId), arena.submission(m.taskId, m.submissionId)]);
    candidates.add(t.creator);
    candidates.add(sub.account);
    const validators = await Promise.all(Array.from({ length: n(t.validatorCount) }, (_, i) => arena.validator(m.taskId, i)));
    for (const v of validators) candidates.add(v.account);
  } else if (m.source === 'alliance') {
    const alliance = client.contracts.alliance!;
    const [accounts] = await alliance.participants(m.taskId);
    for (const a of accounts) candidates.add(a);
    for (const e of await alliance.queryFilter(alliance.filters.ParticipantSettled(m.taskId))) candidates.add(e.args.account);
  }
  const all = await Promise.all([...candidates].map((account) => getContribution(client, { modelId, account })));
  return all.filter((c) => c.share > 0n).sort((a, b) => (a.share < b.share ? 1 : a.share > b.share ? -1 : 0));
}
