/**
 * The model market end to end (issue #13, section 3), on the devnet `flock demo` leaves: its
 * digits task is finalized and its winner is model 1 (the demo registered it, served it for ten
 * paid calls and retired its host). Here dave hosts it with `flock serve`; erin makes 100 paid
 * calls with `flock call` (one row, one voucher each) whose outputs match the model run directly
 * in onnxruntime; requests without a voucher, with one for too little and with a replayed one are
 * refused and cost nothing; dave is SIGKILLed after answering and before redeeming, and the
 * restarted daemon redeems the latest voucher in one transaction; every contributor's claim is
 * exactly its share of the revenue; erin closes the channel after the host's window and gets the
 * rest back.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { HDNodeWallet, Mnemonic, type JsonRpcProvider } from 'ethers';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployment } from '../../src/chain/deployment.js';
import { createProtocolClient, type ProtocolClient } from '../../src/protocol/client.js';
import { formatVoucherHeader, signVoucher, VOUCHER_HEADER } from '../../src/protocol/market/voucher.js';
import { freePort, ROOT, runCli, spawnCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt, startCliDevnet, teardownCliDevnet } from './helpers.js';

const MNEMONIC = 'test test test test test test test test test test test junk';
const key = (index: number) => HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(MNEMONIC), `m/44'/60'/0'/0/${index}`);
const DAVE = 4;
const ERIN = 5;
const PRICE = 10n ** 16n; // 0.01 FLOCK
const CALLS = 100;

describe('the model market', () => {
  let t: TempHome;
  let provider: JsonRpcProvider;
  let client: ProtocolClient;
  let rpc: string;
  let host: ChildProcess | undefined;
  let port: number;
  const hostArgs = () => ['serve', '--model', '1', '--price', '0.01', '--port', String(port), '--poll', '0.5', '--redeem-every', '1h', '--account', 'dave', '--rpc-url', rpc];

  beforeAll(async () => {
    ensureBuilt();
    t = tempHome('flock-market-');
    ({ provider, rpcUrl: rpc } = await startCliDevnet(t.home));
    const demo = await runCli(['demo', '--json'], { home: t.home, timeoutMs: 400_000 });
    expect(demo.code, demo.stdout + demo.stderr).toBe(0);
    const m = demo.json().market;
    // The demo's own paid calls: the winner served, paid, redeemed once, the host retired.
    expect(m).toMatchObject({ modelId: '1', host: 'ivan', calls: 10 });
    expect(m.correct).toBeGreaterThanOrEqual(8);
    client = createProtocolClient({ record: readDeployment(t.home, 31337)!, runner: provider });
    port = await freePort();
  }, 600_000);

  afterAll(async () => {
    host?.kill('SIGKILL');
    await teardownCliDevnet(t, provider);
  });

  const startHost = async () => {
    host = spawnCli(hostArgs(), { home: t.home });
    let log = '';
    host.stdout!.on('data', (b: Buffer) => (log += b.toString()));
    host.stderr!.on('data', (b: Buffer) => (log += b.toString()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/v2/health/ready`).then((r) => r.ok, () => false);
      if (ok) return () => log;
      if (Date.now() > deadline || host.exitCode !== null) throw new Error(`the host did not come up:\n${log}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  it('serves 100 paid calls that match onnxruntime, refuses unpaid ones, redeems once after a SIGKILL, pays every contributor its share, refunds the rest', async () => {
    const model = await client.market.getModel({ modelId: 1n });
    expect(model.source).toBe('arena');
    await startHost();

    // 100 rows of the hidden split, one paid call each.
    const csv = gunzipSync(readFileSync(join(ROOT, 'examples/tasks/digits/validation.csv.gz'))).toString().trim().split('\n');
    const labelAt = csv[0]!.split(',').indexOf('digit');
    const rows = csv.slice(1, CALLS + 1).map((l) => l.split(',').map(Number).filter((_, i) => i !== labelAt));
    const input = join(t.home, '..', 'rows.csv');
    writeFileSync(input, rows.map((r) => r.join(',')).join('\n'));
    const call = await runCli(['call', '--model', '1', '--input', input, '--rows-per-call', '1', '--deposit', '2', '--json', '--account', 'erin', '--rpc-url', rpc], { home: t.home, timeoutMs: 120_000 });
    expect(call.code, call.stderr).toBe(0);
    const r = call.json();
    expect(r).toMatchObject({ calls: CALLS, voucherAmount: String(PRICE * BigInt(CALLS)), voucherCalls: String(CALLS) });
    const channelId = BigInt(r.channelId);

    // The outputs equal the model run directly in onnxruntime (fetched from the store, verified).
    const file = join(t.home, '..', 'model.onnx');
    expect((await runCli(['store', 'get', model.modelCID, '-o', file], { home: t.home })).code).toBe(0);
    const session = await ort.InferenceSession.create(file);
    const inputName = session.inputNames[0]!;
    const direct = await session.run({ [inputName]: new ort.Tensor('float32', Float32Array.from(rows.flat()), [CALLS, 8, 8, 1]) });
    const expected = Array.from(direct[session.outputNames[0]!]!.data as Float32Array);
    const got: number[] = r.outputs[0].data;
    expect(got.length).toBe(expected.length);
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(1e-5);
    await session.release();

    // Refused before any inference, costing the host nothing: no voucher, too little, a replay.
    const url = `http://127.0.0.1:${port}/v2/models/model-1/infer`;
    const body = JSON.stringify({ inputs: [{ name: inputName, shape: [1, 8, 8, 1], datatype: 'FP32', data: rows[0] }] });
    const ref = { chainId: 31337n, market: client.record.contracts.ModelMarket! };
    const post = (voucher?: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(voucher ? { [VOUCHER_HEADER]: voucher } : {}) }, body });
    const last = PRICE * BigInt(CALLS);
    const none = await post();
    expect(none.status).toBe(402);
    const under = await post(formatVoucherHeader(await signVoucher(key(ERIN), ref, { channelId, amount: last + PRICE - 1n, calls: BigInt(CALLS + 1) })));
    expect(under.status).toBe(402);
    const replay = await post(formatVoucherHeader(await signVoucher(key(ERIN), ref, { channelId, amount: last, calls: BigInt(CALLS) })));
    expect(replay.status).toBe(409);
    const forged = await post(formatVoucherHeader(await signVoucher(key(DAVE), ref, { channelId, amount: last + PRICE, calls: BigInt(CALLS + 1) })));
    expect(forged.status).toBe(401);
    expect((await client.market.getChannel({ channelId })).redeemed).toBe(0n);

    // SIGKILL after answering, before the scheduled redemption: nothing redeemed yet...
    host!.kill('SIGKILL');
    await new Promise((res) => host!.once('exit', res));
    expect((await client.market.getChannel({ channelId })).redeemed).toBe(0n);
    // ...and the restarted daemon redeems what its ledger kept, once.
    await startHost();
    const deadline = Date.now() + 30_000;
    while ((await client.market.getChannel({ channelId })).redeemed < last && Date.now() < deadline) await new Promise((res) => setTimeout(res, 250));
    host!.kill('SIGTERM');
    await new Promise((res) => host!.once('exit', res));
    expect(host!.exitCode).toBe(0);
    const market = client.contracts.market!;
    const redemptions = await market.queryFilter(market.filters.Redeemed(channelId));
    expect(redemptions.length).toBe(1);
    expect(redemptions[0]!.args.amount).toBe(last);
    expect(redemptions[0]!.args.calls).toBe(BigInt(CALLS));
    const { fee, hostAmount, revenue: credited } = redemptions[0]!.args;
    expect(fee + hostAmount + credited).toBe(last);

    // Every contributor claims exactly its share of the model's revenue (anyone may send it).
    const shown = await runCli(['models', 'show', '1', '--json', '--rpc-url', rpc], { home: t.home });
    expect(shown.code, shown.stderr).toBe(0);
    const contributors: { account: string; share: string }[] = shown.json().contributors;
    expect(contributors.length).toBeGreaterThanOrEqual(3);
    for (const c of contributors) {
      const claim = await runCli(['market', 'claim', '--model', '1', '--for', c.account, '--account', 'ivan', '--rpc-url', rpc, '--json'], { home: t.home });
      expect(claim.code, claim.stderr).toBe(0);
    }
    const revenue = (await client.market.getModel({ modelId: 1n })).revenue;
    let paid = 0n;
    for (const c of contributors) {
      const claimed = await market.claimed(1n, c.account);
      expect(claimed).toBe((revenue * BigInt(c.share)) / 10n ** 18n);
      paid += claimed;
    }
    expect(paid).toBeLessThanOrEqual(revenue);
    expect(revenue - paid).toBeLessThan(10n);

    // erin closes: the host's window first, then the rest of her deposit back.
    const closing = await runCli(['market', 'close', String(channelId), '--account', 'erin', '--rpc-url', rpc, '--json'], { home: t.home });
    expect(closing.code, closing.stderr).toBe(0);
    expect(closing.json().state).toBe('closing');
    const early = await runCli(['market', 'close', String(channelId), '--account', 'erin', '--rpc-url', rpc, '--json'], { home: t.home });
    expect(early.code).toBe(2);
    expect(early.json().error.code).toBe('CHANNEL_CLOSING');
    expect((await runCli(['devnet', 'warp', '1d'], { home: t.home })).code).toBe(0);
    const erin = key(ERIN).address;
    const before = await client.contracts.token.balanceOf(erin);
    const closed = await runCli(['market', 'close', String(channelId), '--account', 'erin', '--rpc-url', rpc, '--json'], { home: t.home });
    expect(closed.code, closed.stderr).toBe(0);
    expect(BigInt(closed.json().refund)).toBe(2n * 10n ** 18n - last);
    expect((await client.contracts.token.balanceOf(erin)) - before).toBe(2n * 10n ** 18n - last);
  }, 300_000);
});
