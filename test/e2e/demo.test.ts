/**
 * `flock demo` and the model market end to end, on one devnet: the demo runs once and the market
 * test goes on from the state it leaves (one demo run instead of two: it takes most of a minute).
 *
 * `flock demo` (issue #10): one command runs a whole Arena round on the devnet it started, and its
 * result says what happened. Asserted from its --json and from the chain afterwards: the ranking
 * follows the models' true scores on the hidden split; the CNN wins; the model exported without
 * its softmax (raw logits: the same accuracy, but not the probabilities the task's contract asks
 * for) is invalid and slashed; the lazy validator is slashed and earns nothing; everyone honest is
 * paid; the task stays on the devnet for `flock task show`. Then its FL Alliance task (issue #12,
 * section 3): both rounds settled, the final global model's macro F1 on the hidden split above the
 * initial model's, every node paid claimed exactly what the settlements credited it (to the wei,
 * against the chain's member records too), nobody slashed (every node is honest), the creator's
 * stake back; the task stays for `flock alliance show`. Then its market part: the winner
 * registered as model 1, served by ivan for ten paid calls, redeemed once, the host retired.
 *
 * The model market (issue #13, section 3), on the devnet the demo leaves: dave hosts model 1 with
 * `flock serve`; ivan offers it cheaper and his host dies (the offer stays on chain); erin's
 * `flock call` passes over ivan's silent endpoint to dave's and makes 100 paid calls with `flock call` (one row, one voucher each) whose
 * outputs match the model run directly in onnxruntime; requests without a voucher, with one for
 * too little and with a replayed one are refused and cost nothing; dave is SIGKILLed after
 * answering and before redeeming, and the restarted daemon redeems the latest voucher in one
 * transaction; every contributor's claim is exactly its share of the revenue; erin closes the
 * channel after the host's window and gets the rest back.
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
const IVAN = 9;
const PRICE = 10n ** 16n; // 0.01 FLOCK
const CALLS = 100;

describe('flock demo, then the model market on its devnet', () => {
  let t: TempHome;
  /** `flock demo --json`'s result. */
  let x: any;
  let provider: JsonRpcProvider;
  let client: ProtocolClient;
  let rpc: string;
  let host: ChildProcess | undefined;
  let port: number;
  const hostArgs = () => ['serve', '--model', '1', '--price', '0.01', '--port', String(port), '--poll', '0.5', '--redeem-every', '1h', '--account', 'dave', '--rpc-url', rpc];

  beforeAll(async () => {
    ensureBuilt();
    t = tempHome('flock-demo-');
    ({ provider, rpcUrl: rpc } = await startCliDevnet(t.home));
    const demo = await runCli(['demo', '--json'], { home: t.home, timeoutMs: 400_000 });
    expect(demo.code, demo.stdout + demo.stderr).toBe(0);
    x = demo.json();
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

  it('the demo runs a whole Arena round, an FL Alliance task and ten paid calls, and reports them against the true scores', async () => {
    const row = (name: string) => x.rows.find((w: { name: string }) => w.name === name);
    expect(x.rankingFollowsTrueScores).toBe(true);
    expect(row('bob')).toMatchObject({ rank: 1, status: 'ranked', slashed: '0' });
    expect(row('bob').trueScore).toBeGreaterThan(0.95);
    expect(Math.abs(row('bob').consensus - row('bob').trueScore)).toBeLessThan(1e-6);
    expect(row('carol')).toMatchObject({ rank: 2, status: 'ranked', slashed: '0' });
    expect(row('dave')).toMatchObject({ rank: null, status: 'invalid', trueScore: null });
    expect(BigInt(row('dave').slashed)).toBeGreaterThan(0n);
    expect(row('grace')).toMatchObject({ status: 'lazy', reward: '0' });
    expect(BigInt(row('grace').slashed)).toBeGreaterThan(0n);
    for (const name of ['alice', 'bob', 'carol', 'erin', 'frank']) expect(BigInt(row(name).reward), name).toBeGreaterThan(0n);
    expect(BigInt(x.emission)).toBeGreaterThan(0n);
    expect(x.wallSeconds).toBeLessThan(180);

    const shown = await runCli(['task', 'show', x.taskId, '--json'], { home: t.home });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.json()).toMatchObject({ phase: 'finalized' });

    // `task wait` on a task that does not exist says so (it used to fail as a bare revert, exit 7).
    const missing = await runCli(['task', 'wait', '99', '--json'], { home: t.home });
    expect(missing.code).not.toBe(0);
    expect(missing.json().error).toMatchObject({ code: 'UNKNOWN_TASK' });

    // The model market after both: the winner registered, served by ivan, ten paid calls, one redemption.
    expect(x.market).toMatchObject({ modelId: '1', host: 'ivan', calls: 10 });
    expect(x.market.correct).toBeGreaterThanOrEqual(8);
    expect(BigInt(x.market.fee) + BigInt(x.market.hostAmount) + BigInt(x.market.revenue)).toBe(BigInt(x.market.redeemed));
    expect(BigInt(x.market.redeemed)).toBe(10n * BigInt(x.market.price));
    expect(x.market.contributors.map((c: { name: string }) => c.name)).toContain('bob');

    // The FL Alliance task after the Arena round.
    const a = x.alliance;
    expect(a).toMatchObject({ status: 'finished', metric: 'f1', name: 'breast-cancer' });
    expect(a.rounds.map((w: { round: number; settled: boolean }) => [w.round, w.settled])).toEqual([
      [1, true],
      [2, true],
    ]);
    for (const w of a.rounds) {
      expect(w.proposers).toHaveLength(2);
      expect(w.voters).toHaveLength(2);
      expect([...w.proposers, ...w.voters].sort()).toEqual(['bob', 'carol', 'erin', 'frank']);
      expect(w.slashed, `round ${w.round}`).toBe('0');
    }
    expect(a.finalScore).toBeGreaterThan(a.initialScore);
    expect(a.rounds.some((w: { accepted: boolean }) => w.accepted)).toBe(true);
    expect(a.claimsMatchCredits).toBe(true);
    const shownAlliance = await runCli(['alliance', 'show', a.taskId, '--json'], { home: t.home });
    expect(shownAlliance.code, shownAlliance.stderr).toBe(0);
    const chain = shownAlliance.json();
    expect(chain.task.status).toBe('finished');
    let paid = 0n;
    for (const n of a.nodes) {
      expect(n.slashed, n.name).toBe('0');
      expect(n.claimed, n.name).toBe(n.credited); // to the wei
      expect(n.stakeBack, n.name).toBe(n.staked);
      const member = chain.participants.find((p: { account: string }) => p.account.toLowerCase() === n.address.toLowerCase());
      expect(member, n.name).toMatchObject({ rewardEarned: n.credited, slashed: '0' });
      paid += BigInt(n.claimed);
    }
    expect(paid).toBeGreaterThan(0n);
    expect(a.nodes.filter((n: { credited: string }) => BigInt(n.credited) > 0n).length).toBeGreaterThanOrEqual(2);
    expect(a.creator).toMatchObject({ name: 'heidi', stakeBack: a.creator.staked });
    expect(BigInt(a.creator.refund) + paid).toBe(BigInt(a.funded) + BigInt(a.emission)); // every FLOCK of the pool paid or refunded
  });

  it('serves 100 paid calls that match onnxruntime, refuses unpaid ones, redeems once after a SIGKILL, pays every contributor its share, refunds the rest', async () => {
    const model = await client.market.getModel({ modelId: 1n });
    expect(model.source).toBe('arena');
    await startHost();

    // ivan offers the model again, cheaper than dave, and his host dies: the offer stays on chain.
    const ivanPort = await freePort();
    const ivan = spawnCli(['serve', '--model', '1', '--price', '0.005', '--port', String(ivanPort), '--poll', '0.5', '--account', 'ivan', '--rpc-url', rpc], { home: t.home });
    const ivanUp = Date.now() + 60_000;
    while (!(await fetch(`http://127.0.0.1:${ivanPort}/v2/health/ready`).then((res) => res.ok, () => false))) {
      if (Date.now() > ivanUp || ivan.exitCode !== null) throw new Error('ivan\'s host did not come up');
      await new Promise((res) => setTimeout(res, 250));
    }
    // Serving comes first, then the offer (the daemon's first poll): kill once it is on chain.
    const cheapest = () => client.market.getOffers({ modelId: 1n }).then((o) => o[0]);
    while ((await cheapest())?.host !== key(IVAN).address) {
      if (Date.now() > ivanUp || ivan.exitCode !== null) throw new Error('ivan\'s offer did not reach the chain');
      await new Promise((res) => setTimeout(res, 250));
    }
    ivan.kill('SIGKILL');
    await new Promise((res) => ivan.once('exit', res));
    expect(await cheapest()).toMatchObject({ host: key(IVAN).address, active: true, price: PRICE / 2n });

    // 100 rows of the hidden split, one paid call each.
    const csv = gunzipSync(readFileSync(join(ROOT, 'examples/tasks/digits/validation.csv.gz'))).toString().trim().split('\n');
    const labelAt = csv[0]!.split(',').indexOf('digit');
    const rows = csv.slice(1, CALLS + 1).map((l) => l.split(',').map(Number).filter((_, i) => i !== labelAt));
    const input = join(t.home, '..', 'rows.csv');
    writeFileSync(input, rows.map((r) => r.join(',')).join('\n'));
    const call = await runCli(['call', '--model', '1', '--input', input, '--rows-per-call', '1', '--deposit', '2', '--json', '--account', 'erin', '--rpc-url', rpc], { home: t.home, timeoutMs: 120_000 });
    expect(call.code, call.stderr).toBe(0);
    const r = call.json();
    // Not ivan's cheaper offer: his endpoint does not answer, dave's does.
    expect(r).toMatchObject({ host: key(DAVE).address, calls: CALLS, voucherAmount: String(PRICE * BigInt(CALLS)), voucherCalls: String(CALLS) });
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
