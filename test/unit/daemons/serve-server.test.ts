/**
 * The paid OIP v2 model server (daemons/serve/server.ts) end to end in one process: real
 * onnxruntime (worker pool) on a real ONNX model, a real HTTP client (fetch), real EIP-712
 * signatures (ethers wallets), a real ledger on disk, and an in-memory ChannelSource in place of
 * the chain.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAddress, Wallet } from 'ethers';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OnnxPool, type PoolTensor } from '../../../src/engine/onnx/pool.js';
import { silentLogger, type Logger } from '../../../src/log/index.js';
import { formatVoucherHeader, signVoucher, VOUCHER_HEADER, type SignedVoucher } from '../../../src/protocol/market/index.js';
import { VoucherLedger, type LedgerScope } from '../../../src/daemons/serve/ledger.js';
import { startModelServer, type InferenceBackend, type ModelServer, type ModelServerOptions } from '../../../src/daemons/serve/server.js';
import { cachedChannelSource, type ChannelInfo, type ChannelSource } from '../../../src/daemons/serve/channels.js';
import { digitsMlpOnnx, seededFloats } from '../../fixtures/engine/mlp.js';

const PRICE = 1000n;
const market = { chainId: 31337n, market: getAddress('0x5fbdb2315678afecb367f032d93f642f64180aa3') };
const host = Wallet.createRandom();
const caller = Wallet.createRandom();
const stranger = Wallet.createRandom();
const scope: LedgerScope = { ...market, host: host.address, modelId: 1n };

const temp = mkdtempSync(join(tmpdir(), 'flock-serve-'));
const modelFile = join(temp, 'digits.onnx');
let pool: OnnxPool;
let session: ort.InferenceSession;
let log: Logger;

/** The chain, in memory. */
class FakeChannels implements ChannelSource {
  readonly channels = new Map<bigint, ChannelInfo>();
  reads = 0;
  fresh = 0;
  price = async () => PRICE;
  async channel(id: bigint, o: { fresh?: boolean } = {}) {
    this.reads++;
    if (o.fresh) this.fresh++;
    const c = this.channels.get(id);
    return c ? { ...c } : undefined;
  }
  open(id: bigint, over: Partial<ChannelInfo> = {}) {
    this.channels.set(id, { caller: caller.address, host: host.address, modelId: 1n, deposit: 100n * PRICE, redeemed: 0n, calls: 0n, closeAt: 0n, closed: false, ...over });
  }
}

beforeAll(async () => {
  writeFileSync(modelFile, digitsMlpOnnx());
  pool = await OnnxPool.create({ model: modelFile, workers: 2 });
  await pool.allReady();
  session = await ort.InferenceSession.create(modelFile);
  log = await silentLogger();
});
afterAll(async () => {
  await pool.close();
  await session.release();
  rmSync(temp, { recursive: true, force: true });
});

interface Harness {
  server: ModelServer;
  ledger: VoucherLedger;
  channels: FakeChannels;
  dir: string;
  close(): Promise<void>;
}

let n = 0;
async function start(over: Partial<ModelServerOptions> = {}, dir = join(temp, `ledger-${++n}`), channels = new FakeChannels()): Promise<Harness> {
  const ledger = await VoucherLedger.open({ dir, scope });
  const server = await startModelServer({ modelId: 1n, inference: pool, ledger, channels, market, account: host.address, log, ...over });
  return {
    server,
    ledger,
    channels,
    dir,
    close: async () => {
      await server.close();
      await ledger.close();
    },
  };
}

const rows = (count: number, seed = 1) => Array.from(seededFloats(count * 64, seed, 16), Math.abs);
const body = (data: number[], count = data.length / 64) => JSON.stringify({ inputs: [{ name: 'pixels', shape: [count, 8, 8, 1], datatype: 'FP32', data }] });
const voucher = (channelId: bigint, calls: bigint, amount = calls * PRICE, signer = caller) => signVoucher(signer, market, { channelId, amount, calls });

async function call(h: Harness, v: SignedVoucher | string | undefined, payload: string | Uint8Array = body(rows(1)), headers: Record<string, string> = {}) {
  const res = await fetch(`${h.server.url}/v2/models/model-1/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(v === undefined ? {} : { [VOUCHER_HEADER]: typeof v === 'string' ? v : formatVoucherHeader(v) }), ...headers },
    body: payload,
  });
  const text = res.headers.get('content-type')?.includes('json') ? await res.text() : undefined;
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, any>) : undefined, res };
}

async function direct(data: number[]): Promise<number[]> {
  const out = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(data), [data.length / 64, 8, 8, 1]) });
  return Array.from(out.probs!.data as Float32Array);
}

describe('model server', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await start();
    h.channels.open(1n);
    return () => h.close();
  });

  it('serves health and OIP metadata (with the price)', async () => {
    expect(await (await fetch(`${h.server.url}/v2/health/live`)).json()).toEqual({ live: true });
    expect((await fetch(`${h.server.url}/v2/health/ready`)).status).toBe(200);
    const meta = await (await fetch(`${h.server.url}/v2/models/model-1`)).json();
    expect(meta).toMatchObject({
      name: 'model-1',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [-1, 8, 8, 1] }],
      outputs: [{ name: 'probs', datatype: 'FP32', shape: [-1, 10] }],
      flock: { modelId: '1', host: host.address, chainId: '31337', price: '1000' },
    });
    expect((await fetch(`${h.server.url}/v2/models/model-2`)).status).toBe(404);
    expect((await fetch(`${h.server.url}/v2/models/model-1/infer`)).status).toBe(405);
  });

  it('answers a paid call as onnxruntime does directly, and keeps the voucher', async () => {
    const data = rows(3, 7);
    const v = await voucher(1n, 1n);
    const r = await call(h, v, body(data));
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ model_name: 'model-1', model_version: '1', outputs: [{ name: 'probs', datatype: 'FP32', shape: [3, 10] }] });
    expect(Array.from(Float32Array.from(r.json!.outputs[0].data as number[]))).toEqual(await direct(data));
    // Next call, next voucher; a price above the minimum is fine.
    const v2 = await voucher(1n, 2n, 2n * PRICE + 5n);
    expect((await call(h, v2, JSON.stringify({ id: 'req-7', inputs: [{ name: 'pixels', shape: [1, 8, 8, 1], datatype: 'FP32', data: rows(1) }] }))).json).toMatchObject({ id: 'req-7' });
    expect(h.ledger.latest(1n)).toEqual(v2);
    expect(h.ledger.unredeemed()).toEqual([{ ...v2, redeemed: 0n }]);
    expect(h.server.stats.served).toBe(2);
  });

  it('refuses unpaid, underpaid, replayed, forged and malformed calls before any inference', async () => {
    const before = pool.stats.completed;
    expect(await call(h, undefined)).toMatchObject({ status: 402, json: { code: 'NO_VOUCHER' } });
    expect(await call(h, await voucher(1n, 1n, PRICE - 1n))).toMatchObject({ status: 402, json: { code: 'UNDERPAID', next: { calls: '1', minAmount: '1000' } } });
    expect(await call(h, await voucher(1n, 1n, 0n))).toMatchObject({ status: 409, json: { code: 'STALE_VOUCHER' } });
    expect(await call(h, await voucher(1n, 1n, PRICE, stranger))).toMatchObject({ status: 401, json: { code: 'BAD_SIGNATURE' } });
    expect(await call(h, await voucher(1n, 2n))).toMatchObject({ status: 409, json: { code: 'STALE_VOUCHER', next: { calls: '1' } } });
    expect(await call(h, await voucher(9n, 1n))).toMatchObject({ status: 402, json: { code: 'UNKNOWN_CHANNEL' } });
    expect(await call(h, 'channel=1;amount=1000;calls=1')).toMatchObject({ status: 400, json: { code: 'MALFORMED_VOUCHER' } });
    expect((await call(h, 'channel=1;amount=1000;calls=1')).json!.error).toMatch(/missing sig/);
    expect(pool.stats.completed).toBe(before); // nothing ran

    const v = await voucher(1n, 1n);
    expect((await call(h, v)).status).toBe(200);
    expect(await call(h, v)).toMatchObject({ status: 409, json: { code: 'STALE_VOUCHER' } }); // replayed
    expect(await call(h, await voucher(1n, 2n, PRICE))).toMatchObject({ status: 409 }); // amount not above the last
    expect(await call(h, await voucher(1n, 2n, 2n * PRICE - 1n))).toMatchObject({ status: 402, json: { code: 'UNDERPAID', next: { calls: '2', minAmount: '2000' } } });
    expect(pool.stats.completed).toBe(before + 1);
  });

  it('refuses inputs that do not fit the model (400) before taking the voucher', async () => {
    const v = await voucher(1n, 1n);
    const bad: [string, RegExp][] = [
      ['{', /not JSON/],
      [JSON.stringify({ inputs: [] }), /non-empty array/],
      [JSON.stringify({ inputs: [{ name: 'x', shape: [1, 8, 8, 1], datatype: 'FP32', data: rows(1) }] }), /no input "x"/],
      [JSON.stringify({ inputs: [{ name: 'pixels', shape: [1, 8, 8, 1], datatype: 'INT64', data: rows(1) }] }), /datatype "INT64"; the model takes FP32/],
      [JSON.stringify({ inputs: [{ name: 'pixels', shape: [1, 64], datatype: 'FP32', data: rows(1) }] }), /shape \[1, 64\]; the model takes \[batch_size, 8, 8, 1\]/],
      [JSON.stringify({ inputs: [{ name: 'pixels', shape: [1, 8, 7, 1], datatype: 'FP32', data: rows(1) }] }), /dimension 2 is 8/],
      [JSON.stringify({ inputs: [{ name: 'pixels', shape: [0, 8, 8, 1], datatype: 'FP32', data: [] }] }), /at least 1/],
      [JSON.stringify({ inputs: [{ name: 'pixels', shape: [2000, 8, 8, 1], datatype: 'FP32', data: [] }] }), /over this server's limit of 1024/],
      [JSON.stringify({ inputs: [{ name: 'pixels', shape: [2, 8, 8, 1], datatype: 'FP32', data: rows(1) }] }), /has 64 values; shape \[2, 8, 8, 1\] holds 128/],
      [JSON.stringify({ inputs: [{ name: 'pixels', shape: [1, 8, 8, 1], datatype: 'FP32', data: [...rows(1).slice(1), 'x'] }] }), /element 63 is "x", not a number/],
      [JSON.stringify({ inputs: [{ name: 'pixels', shape: [1, 8, 8, 1], datatype: 'FP32', data: rows(1) }], outputs: [{ name: 'logits' }] }), /no output "logits"/],
    ];
    for (const [payload, message] of bad) {
      const r = await call(h, v, payload);
      expect(r.status, payload.slice(0, 80)).toBe(400);
      expect(r.json!.error).toMatch(message);
    }
    expect(h.ledger.latest(1n)).toBeUndefined();
    // Nested data is flattened; the same voucher is still good.
    const nested = rows(1);
    const r = await call(h, v, JSON.stringify({ inputs: [{ name: 'pixels', shape: [1, 8, 8, 1], datatype: 'FP32', data: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => nested.slice(i * 8, i * 8 + 8).map((x) => [x])) }] }));
    expect(r.status).toBe(200);
    expect(Array.from(Float32Array.from(r.json!.outputs[0].data as number[]))).toEqual(await direct(nested));
  });

  it('refuses a body over the limit (413) and channels of another host, model, or closing (403)', async () => {
    await h.close();
    h = await start({ limits: { maxBodyBytes: 2048 } });
    h.channels.open(1n);
    expect(await call(h, await voucher(1n, 1n), body(rows(8)))).toMatchObject({ status: 413, json: { code: 'TOO_LARGE' } });
    // Chunked (no Content-Length): cut while read.
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(body(rows(8))));
        c.close();
      },
    });
    const r = await fetch(`${h.server.url}/v2/models/model-1/infer`, { method: 'POST', headers: { [VOUCHER_HEADER]: formatVoucherHeader(await voucher(1n, 1n)) }, body: chunked, duplex: 'half' } as RequestInit);
    expect(r.status).toBe(413);
    h.channels.open(2n, { host: stranger.address });
    h.channels.open(3n, { modelId: 2n });
    h.channels.open(4n, { closeAt: 1n });
    h.channels.open(5n, { closed: true, closeAt: 1n });
    for (const [id, code] of [
      [2n, 'WRONG_HOST'],
      [3n, 'WRONG_MODEL'],
      [4n, 'CHANNEL_CLOSING'],
      [5n, 'CHANNEL_CLOSING'],
    ] as const) {
      expect(await call(h, await voucher(id, 1n))).toMatchObject({ status: 403, json: { code } });
    }
  });

  it('asks the chain again before refusing a voucher over a cached deposit (a top-up)', async () => {
    await h.close();
    const fake = new FakeChannels();
    h = await start({ channels: cachedChannelSource(fake, { ttlMs: 60_000 }) }, undefined, fake);
    fake.open(6n, { deposit: 2n * PRICE });
    expect((await call(h, await voucher(6n, 1n))).status).toBe(200);
    expect((await call(h, await voucher(6n, 2n))).status).toBe(200);
    expect(fake.reads).toBe(1); // cached
    expect(await call(h, await voucher(6n, 3n))).toMatchObject({ status: 402, json: { code: 'OVER_DEPOSIT', deposit: '2000' } });
    expect(fake.fresh).toBe(1);
    fake.channels.get(6n)!.deposit = 5n * PRICE;
    expect((await call(h, await voucher(6n, 3n))).status).toBe(200);
    expect(fake.fresh).toBe(2);
    expect((await call(h, await voucher(6n, 4n))).status).toBe(200);
    expect(fake.fresh).toBe(2); // the fresh read refreshed the cache
  });

  it('counts from the chain when it is ahead of the ledger (redeemed elsewhere)', async () => {
    h.channels.open(7n, { redeemed: 5n * PRICE, calls: 5n });
    expect(await call(h, await voucher(7n, 1n))).toMatchObject({ status: 409, json: { next: { calls: '6', minAmount: '6000' } } });
    expect((await call(h, await voucher(7n, 6n))).status).toBe(200);
  });

  it('answers 503 when the chain cannot be read, and frees the channel', async () => {
    await h.close();
    const fake = new FakeChannels();
    fake.open(1n);
    let mode: 'hang' | 'fail' | 'ok' = 'hang';
    const flaky: ChannelSource = {
      price: () => fake.price(),
      channel: (id, o) => (mode === 'hang' ? new Promise(() => undefined) : mode === 'fail' ? Promise.reject(new Error('ECONNREFUSED')) : fake.channel(id, o)),
    };
    h = await start({ channels: flaky, limits: { requestTimeoutMs: 300, headersTimeoutMs: 300 } }, undefined, fake);
    expect(await call(h, await voucher(1n, 1n))).toMatchObject({ status: 503, json: { code: 'CHAIN_UNAVAILABLE' } });
    mode = 'fail';
    expect((await call(h, await voucher(1n, 1n))).json!.error).toMatch(/ECONNREFUSED/);
    mode = 'ok';
    expect((await call(h, await voucher(1n, 1n))).status).toBe(200);
  });

  it('takes one of two concurrent calls with the same voucher number', async () => {
    const [a, b] = await Promise.all([voucher(1n, 1n), voucher(1n, 1n, PRICE + 1n)]);
    const results = await Promise.all([call(h, a), call(h, b)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('keeps the latest voucher across a restart: a replay is still refused', async () => {
    for (let i = 1n; i <= 3n; i++) expect((await call(h, await voucher(1n, i))).status).toBe(200);
    const last = h.ledger.latest(1n)!;
    await h.close();
    // A new server over the same ledger folder (a restart after SIGKILL reads the same file).
    h = await start({}, h.dir, h.channels);
    expect(h.ledger.latest(1n)).toEqual(last);
    expect(await call(h, last)).toMatchObject({ status: 409, json: { code: 'STALE_VOUCHER' } });
    expect((await call(h, await voucher(1n, 4n))).status).toBe(200);
    expect(h.ledger.unredeemed().map((u) => u.calls)).toEqual([4n]);
  });

  it('speaks the binary tensor extension both ways', async () => {
    const data = Float32Array.from(rows(2, 9));
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'pixels', shape: [2, 8, 8, 1], datatype: 'FP32', parameters: { binary_data_size: data.byteLength } }], parameters: { binary_data_output: true } }));
    const payload = Buffer.concat([header, Buffer.from(data.buffer)]);
    const res = await fetch(`${h.server.url}/v2/models/model-1/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length), [VOUCHER_HEADER]: formatVoucherHeader(await voucher(1n, 1n)) },
      body: payload,
    });
    expect(res.status).toBe(200);
    const jsonLength = Number(res.headers.get('inference-header-content-length'));
    const bytes = Buffer.from(await res.arrayBuffer());
    const meta = JSON.parse(bytes.toString('utf8', 0, jsonLength));
    expect(meta.outputs).toEqual([{ name: 'probs', datatype: 'FP32', shape: [2, 10], parameters: { binary_data_size: 80 } }]);
    const out = new Float32Array(bytes.buffer.slice(bytes.byteOffset + jsonLength, bytes.byteOffset + jsonLength + 80));
    expect(Array.from(out)).toEqual(await direct(Array.from(data)));
    // A size that does not match the shape is a 400.
    const wrong = Buffer.from(JSON.stringify({ inputs: [{ name: 'pixels', shape: [2, 8, 8, 1], datatype: 'FP32', parameters: { binary_data_size: 100 } }] }));
    const r = await call(h, await voucher(1n, 2n), Buffer.concat([wrong, Buffer.alloc(100)]), { 'inference-header-content-length': String(wrong.length) });
    expect(r).toMatchObject({ status: 400 });
    expect(r.json!.error).toMatch(/binary_data_size 100; shape \[2, 8, 8, 1\] of FP32 is 512 bytes/);
  });
});

describe('model server with a failing or slow backend', () => {
  /** Passes calls to the pool, or fails / holds them on demand. */
  function backend(mode: { fail?: boolean; hold?: Promise<void> }): InferenceBackend {
    return {
      inputs: pool.inputs,
      outputs: pool.outputs,
      stats: { ready: 1 },
      async run(feeds: Record<string, PoolTensor>) {
        if (mode.hold) await mode.hold;
        if (mode.fail) throw Object.assign(new Error('onnxruntime failed to run the model: boom'), { code: 'inference-failed' });
        return pool.run(feeds);
      },
    };
  }

  it('reverts the voucher when the inference fails', async () => {
    const mode: { fail?: boolean } = { fail: true };
    const h = await start({ inference: backend(mode) });
    h.channels.open(1n);
    try {
      expect(await call(h, await voucher(1n, 1n))).toMatchObject({ status: 500, json: { code: 'INFERENCE_FAILED' } });
      expect(h.ledger.latest(1n)).toBeUndefined();
      mode.fail = false;
      expect((await call(h, await voucher(1n, 1n))).status).toBe(200); // the same call number again
      mode.fail = true;
      expect(await call(h, await voucher(1n, 2n))).toMatchObject({ status: 500, json: { code: 'INFERENCE_FAILED' } });
      expect(h.ledger.latest(1n)?.calls).toBe(1n);
    } finally {
      await h.close();
    }
    // Durably: the revert is in the file.
    const again = await VoucherLedger.open({ dir: h.dir, scope });
    expect(again.latest(1n)?.calls).toBe(1n);
    await again.close();
  });

  it('answers 503 past maxConcurrent calls', async () => {
    let open!: () => void;
    const hold = new Promise<void>((r) => (open = r));
    const h = await start({ inference: backend({ hold }), limits: { maxConcurrent: 2 } });
    for (const id of [1n, 2n, 3n]) h.channels.open(id);
    try {
      const first = [call(h, await voucher(1n, 1n)), call(h, await voucher(2n, 1n))];
      await new Promise((r) => setTimeout(r, 100));
      const third = await call(h, await voucher(3n, 1n));
      expect(third).toMatchObject({ status: 503, json: { code: 'BUSY' } });
      expect(third.res.headers.get('retry-after')).toBe('1');
      open();
      expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
      expect((await call(h, await voucher(3n, 1n))).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

describe('model server under a flood of costly refusals', () => {
  it('answers 429 to a client address past maxStrikes bad signatures or foreign channels, before any check, until the window ends', async () => {
    const h = await start({ limits: { maxStrikes: 3, strikeWindowMs: 1500 } });
    try {
      h.channels.open(1n);
      h.channels.open(2n, { host: stranger.address }); // a channel with another host
      // Three refusals that each cost a signature check or a chain read.
      expect((await call(h, await voucher(1n, 1n, PRICE, stranger))).status).toBe(401);
      expect((await call(h, await voucher(99n, 1n))).status).toBe(402);
      expect((await call(h, await voucher(2n, 1n))).status).toBe(403);
      const readsBefore = h.channels.reads;
      // Now even a good voucher is refused at once: no chain read, nothing recorded.
      const refused = await call(h, await voucher(1n, 1n));
      expect(refused.status).toBe(429);
      expect(refused.json).toMatchObject({ code: 'TOO_MANY_REFUSALS' });
      expect(Number(refused.res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(h.channels.reads).toBe(readsBefore);
      expect(h.ledger.latest(1n)).toBeUndefined();
      // Cheap refusals (a stale voucher, a malformed body) are not strikes; health stays open.
      expect((await fetch(`${h.server.url}/v2/health/ready`)).status).toBe(200);
      // After the window the same good voucher is served.
      await new Promise((r) => setTimeout(r, 1600));
      const served = await call(h, await voucher(1n, 1n));
      expect(served.status).toBe(200);
      expect(h.ledger.latest(1n)?.calls).toBe(1n);
      expect(h.server.stats.refused).toMatchObject({ BAD_SIGNATURE: 1, UNKNOWN_CHANNEL: 1, WRONG_HOST: 1, TOO_MANY_REFUSALS: 1 });
    } finally {
      await h.close();
    }
  });

  it('does not count stale vouchers or malformed bodies (an honest caller resyncing)', async () => {
    const h = await start({ limits: { maxStrikes: 2, strikeWindowMs: 60_000 } });
    try {
      h.channels.open(1n);
      expect((await call(h, await voucher(1n, 1n))).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await call(h, await voucher(1n, 1n))).status).toBe(409);
      for (let i = 0; i < 3; i++) expect((await call(h, await voucher(1n, 2n), '{"inputs": 1}')).status).toBe(400);
      expect((await call(h, await voucher(1n, 2n))).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});
