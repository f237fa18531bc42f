/**
 * A paid call, the caller's side: pick the host, open or top up a channel, and for each call sign
 * a voucher for the cumulative amount and send it with an Open Inference Protocol v2 request.
 *
 * The caller's own record of what it signed (`<home>/market/vouchers-<chainId>.json`) is written
 * BEFORE each request is sent: whatever the host holds, the caller never signs two different
 * vouchers for the same call number. When the host answers 409 (its last voucher is not ours,
 * e.g. the request before was lost on the way), the caller takes the host's last voucher as the
 * base if it is one it could have signed (no more calls and no more FLOCK than recorded), and
 * retries once: it can never owe more than the largest voucher it signed.
 */
import { join } from 'node:path';
import type { Signer } from 'ethers';
import { AbortError } from '../../errors/index.js';
import { readJsonFile, writeJsonAtomic } from '../../files/atomic.js';
import { requireMarket, requireSigner, type ProtocolConnection } from '../connection.js';
import { noHost } from '../errors.js';
import { formatVoucherHeader, signVoucher, VOUCHER_HEADER } from './voucher.js';
import { getChannel, getModel, getOffers, type OfferView } from './views.js';
import { openChannel, topUpChannel } from './writes.js';

export interface TensorData {
  name: string;
  shape: number[];
  datatype: string;
  data: number[];
}

export interface ModelMetadata {
  name: string;
  inputs: { name: string; datatype: string; shape: number[] }[];
  outputs: { name: string; datatype: string; shape: number[] }[];
}

export interface CallModelParameters {
  modelId: bigint;
  /** The host's address; default: the cheapest active offer whose endpoint is ready. */
  host?: string;
  /** The input rows, each the model's input for one example, flattened. */
  rows: number[][];
  /** Rows sent per paid call (default: all of them in one call). */
  rowsPerCall?: number;
  /** FLOCK to deposit when a channel is opened or topped up (default: what the calls cost, at least 100 calls' worth). */
  deposit?: bigint;
  /** The caller's voucher record. */
  statePath: string;
  timeoutMs?: number;
  /** Wait this long for an active host whose endpoint is ready (default: not at all). */
  waitMs?: number;
}

export interface CallModelResult {
  modelId: bigint;
  host: string;
  endpoint: string;
  channelId: bigint;
  price: bigint;
  /** Paid calls made, and what the channel's latest voucher is for. */
  calls: number;
  voucherAmount: bigint;
  voucherCalls: bigint;
  /** Each output, the calls' batches concatenated along the first axis. */
  outputs: TensorData[];
  opened?: string;
  toppedUp?: string;
}

interface SignedRecord {
  modelId: string;
  host: string;
  amount: string;
  calls: string;
}

interface VoucherFile {
  channels: Record<string, SignedRecord>;
}

/** Makes paid calls; see the module's comment for what is recorded when. */
export async function callModel(client: ProtocolConnection, p: CallModelParameters): Promise<CallModelResult> {
  const market = requireMarket(client);
  const signer = requireSigner(client, 'call a model');
  const caller = await signer.getAddress();
  const model = await getModel(client, { modelId: p.modelId });
  const offer = await readyOffer(client, p);
  const base = offer.endpoint.replace(/\/+$/, '');
  const name = `model-${model.id}`;
  const meta = await request<ModelMetadata>(`${base}/v2/models/${name}`, { method: 'GET' }, p.timeoutMs);
  const input = meta.inputs[0];
  if (!input || meta.inputs.length !== 1) throw new AbortError(`model ${model.id} takes ${meta.inputs.length} inputs; \`flock call\` sends one`, { code: 'BAD_INPUT', hint: 'call the host\'s /v2 endpoint directly for models with several inputs' });
  const width = input.shape.slice(1).reduce((a, b) => a * Math.max(b, 1), 1);
  p.rows.forEach((r, i) => {
    if (r.length !== width) throw new AbortError(`input row ${i + 1} has ${r.length} values; model ${model.id} takes ${width} (${input.name} ${JSON.stringify(input.shape)})`, { code: 'BAD_INPUT', hint: 'one row per example, the model\'s input flattened' });
  });
  const perCall = Math.max(1, p.rowsPerCall ?? p.rows.length);
  const batches: number[][][] = [];
  for (let i = 0; i < p.rows.length; i += perCall) batches.push(p.rows.slice(i, i + perCall));
  const cost = offer.price * BigInt(batches.length);

  // The channel: the one recorded for this model and host if it is still open, else a new one.
  const file = readJsonFile<VoucherFile>(p.statePath) ?? { channels: {} };
  const save = () => writeJsonAtomic(p.statePath, file, { mode: 0o600 });
  let channelId = await openChannelFor(client, file, p.modelId, offer.host);
  let opened: string | undefined;
  let toppedUp: string | undefined;
  const wanted = p.deposit ?? (cost > offer.price * 100n ? cost : offer.price * 100n);
  if (channelId === undefined) {
    const r = await openChannel(client, { modelId: p.modelId, host: offer.host, deposit: wanted });
    channelId = r.channelId;
    opened = r.txHash;
    file.channels[channelId.toString()] = { modelId: p.modelId.toString(), host: offer.host, amount: '0', calls: '0' };
    save();
  } else {
    const c = await getChannel(client, { channelId });
    const signed = BigInt(file.channels[channelId.toString()]!.amount);
    if (c.deposit - signed < cost) toppedUp = (await topUpChannel(client, { channelId, amount: wanted > cost ? wanted : cost })).txHash;
  }
  const rec = file.channels[channelId.toString()]!;
  const domain = { chainId: BigInt(client.record.chainId), market: await market.getAddress() };

  const outputs: TensorData[] = [];
  for (const batch of batches) {
    const body = JSON.stringify({ inputs: [{ name: input.name, shape: [batch.length, ...input.shape.slice(1).map((d) => Math.max(d, 1))], datatype: 'FP32', data: batch.flat() }] });
    const answer = await paidRequest(signer, domain, channelId, rec, offer.price, save, `${base}/v2/models/${name}/infer`, body, p.timeoutMs);
    for (const o of answer.outputs) {
      const have = outputs.find((x) => x.name === o.name);
      if (have) {
        have.data.push(...o.data);
        have.shape[0]! += o.shape[0]!;
      } else outputs.push({ ...o, shape: [...o.shape], data: [...o.data] });
    }
  }
  return {
    modelId: p.modelId,
    host: offer.host,
    endpoint: base,
    channelId,
    price: offer.price,
    calls: batches.length,
    voucherAmount: BigInt(rec.amount),
    voucherCalls: BigInt(rec.calls),
    outputs,
    ...(opened ? { opened } : {}),
    ...(toppedUp ? { toppedUp } : {}),
  };
}

/**
 * The host to pay: the named one, or else the cheapest active offer whose endpoint says it is
 * ready (an offer stays on chain while its host is down, so the cheapest may not answer: the
 * next is taken; the 8 cheapest are probed). Within p.waitMs it waits for one to be ready; past it, the named or cheapest offer is
 * returned and the call itself says what is wrong.
 */
async function readyOffer(client: ProtocolConnection, p: CallModelParameters): Promise<OfferView> {
  const deadline = Date.now() + (p.waitMs ?? 0);
  for (;;) {
    let offers: OfferView[] | undefined;
    try {
      offers = candidates(await getOffers(client, { modelId: p.modelId }), p.host, p.modelId);
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (offers) {
      // A single candidate needs no probe unless we are to wait for it.
      if (offers.length === 1 && !p.waitMs) return offers[0]!;
      // The cheapest few probed at once: a host that hangs costs one probe timeout, not one each.
      const probed = offers.slice(0, MAX_PROBES);
      const ready = await Promise.all(probed.map(isReady));
      const first = probed.find((_, i) => ready[i]);
      if (first) return first;
      if (Date.now() > deadline) return offers[0]!;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Offers probed for readiness at once, cheapest first. */
const MAX_PROBES = 8;

async function isReady(offer: OfferView): Promise<boolean> {
  const res = await fetch(`${offer.endpoint.replace(/\/+$/, '')}/v2/health/ready`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
  return res?.ok ?? false;
}

/** The named host's active offer, or every active offer, cheapest first (getOffers' order). */
function candidates(offers: OfferView[], host: string | undefined, modelId: bigint): OfferView[] {
  const active = offers.filter((o) => o.active && (!host || o.host.toLowerCase() === host.toLowerCase()));
  if (active.length === 0) throw noHost(modelId, host);
  return active;
}

/** The recorded channel with this host for this model that is still open on chain. */
async function openChannelFor(client: ProtocolConnection, file: VoucherFile, modelId: bigint, host: string): Promise<bigint | undefined> {
  for (const [id, r] of Object.entries(file.channels)) {
    if (r.modelId !== modelId.toString() || r.host.toLowerCase() !== host.toLowerCase()) continue;
    const c = await getChannel(client, { channelId: BigInt(id) });
    if (!c.closed && c.closeAt === 0) return BigInt(id);
  }
  return undefined;
}

async function paidRequest(
  signer: Signer,
  domain: { chainId: bigint; market: string },
  channelId: bigint,
  rec: SignedRecord,
  price: bigint,
  save: () => void,
  url: string,
  body: string,
  timeoutMs?: number,
  resynced = false,
): Promise<{ outputs: TensorData[] }> {
  const amount = BigInt(rec.amount) + price;
  const calls = BigInt(rec.calls) + 1n;
  const signed = await signVoucher(signer, domain, { channelId, amount, calls });
  rec.amount = amount.toString();
  rec.calls = calls.toString();
  save(); // before the request leaves: see the module's comment
  const res = await send(url, { method: 'POST', headers: { 'content-type': 'application/json', [VOUCHER_HEADER]: formatVoucherHeader(signed) }, body }, timeoutMs);
  const answer = (await res.json().catch(() => ({}))) as { outputs?: TensorData[]; error?: string; next?: { calls: string; minAmount: string } };
  if (res.ok && answer.outputs) return { outputs: answer.outputs };
  if (res.status === 409 && !resynced && answer.next) {
    // The host's last voucher, as it says: taken only if it is one we could have signed.
    const lastCalls = BigInt(answer.next.calls) - 1n;
    const lastAmount = BigInt(answer.next.minAmount) - price;
    if (lastCalls < calls && lastAmount < amount && lastAmount >= 0n) {
      rec.amount = lastAmount.toString();
      rec.calls = lastCalls.toString();
      save();
      return paidRequest(signer, domain, channelId, rec, price, save, url, body, timeoutMs, true);
    }
  }
  throw new AbortError(`the host refused the paid call (HTTP ${res.status}): ${answer.error ?? res.statusText}`, { code: 'CALL_REFUSED', hint: `\`flock market channels\` shows channel ${channelId}; nothing more was signed` });
}

async function send(url: string, init: RequestInit, timeoutMs = 30_000): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new AbortError(`the host at ${new URL(url).origin} did not answer: ${(cause as Error).message}`, { code: 'HOST_UNREACHABLE', hint: 'try again, or pick another host with --host (`flock models show <id>` lists them)', cause });
  }
}

async function request<T>(url: string, init: RequestInit, timeoutMs?: number): Promise<T> {
  const res = await send(url, init, timeoutMs);
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new AbortError(`${url}: HTTP ${res.status} ${body.error ?? res.statusText}`, { code: 'CALL_REFUSED', hint: 'the host is up but does not serve this model; pick another with --host' });
  return body;
}

/** Where a home records the vouchers it signed as a caller on a chain. */
export function voucherStatePath(home: string, chainId: number | bigint): string {
  return join(home, 'market', `vouchers-${chainId}.json`);
}
