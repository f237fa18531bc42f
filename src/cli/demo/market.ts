/**
 * The demo's last part, the model market: the Arena round's winner is registered as a model
 * (from the task's settlement), ivan hosts it (the daemon `flock serve` runs, on a free port),
 * heidi makes ten paid calls on rows of the task's hidden split (one voucher each, as `flock
 * call --rows-per-call 1` makes them), ivan's daemon stops and redeems the latest voucher in one
 * transaction, and bob, who trained the winner, claims his share. The offer is retired at the
 * end: nothing keeps serving once the demo is over.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runHost } from '../../daemons/serve/host.js';
import { PACKAGE_ROOT } from '../../devnet/anvil.js';
import { AbortError } from '../../errors/index.js';
import { voucherStatePath } from '../../protocol/market/call.js';
import { paramKey } from '../../protocol/governance/params.js';
import type { Store } from '../../storage/index.js';
import { formatFlock } from '../../units/index.js';
import { argmax } from '../commands/call.js';
import { arenaDaemonDeps } from '../daemon.js';
import { daemonRuntime, DemoDaemons, openAccount, type Actor, type DemoDeps, type StepFn } from './cast.js';

const ROWS = join(PACKAGE_ROOT, 'examples', 'tasks', 'digits', 'validation.csv.gz');
export const MARKET_CAST = { host: 'ivan', caller: 'heidi' } as const;
const CALLS = 10;
const PRICE = 10n ** 16n; // 0.01 FLOCK a call
const HOST_STAKE = 20n * 10n ** 18n;

export interface DemoMarket {
  modelId: string;
  modelCID: string;
  host: string;
  price: bigint;
  calls: number;
  /** Each call's predicted digit beside the row's label. */
  predictions: { predicted: number; label: number }[];
  correct: number;
  redeemed: bigint;
  fee: bigint;
  hostAmount: bigint;
  revenue: bigint;
  redeemTx: string;
  contributors: { name: string; share: bigint; owed: bigint; claimed: bigint }[];
}

export interface MarketDemoOptions {
  d: DemoDeps;
  actors: Actor[];
  store: Store;
  step: StepFn;
  taskId: bigint;
  logFile: string;
}

export async function runMarketDemo(o: MarketDemoOptions): Promise<DemoMarket> {
  const { d, step, taskId } = o;
  const host = await openAccount(d, MARKET_CAST.host);
  const caller = await openAccount(d, MARKET_CAST.caller);
  const nameOf = (address: string) => [...o.actors, host, caller].find((a) => a.address.toLowerCase() === address.toLowerCase())?.name ?? address;
  const daemons = new DemoDaemons(d);
  const runtimes: { dispose(): void }[] = [];
  try {
    const reg = await step(
      'market-register',
      'model market: register the round\'s winner from the task\'s settlement',
      () => host.client.market.registerModel({ source: 'arena', taskId }),
      (r) => `model ${r.modelId}: the winner of task ${taskId} (${r.modelCID.slice(0, 16)}…); its contributors' shares come from the task's reward split`,
    );
    const modelId = reg.modelId;

    const rt = daemonRuntime(d, host, 'host', 'model host');
    runtimes.push(rt);
    const served = await step(
      'market-serve',
      `${MARKET_CAST.host} serves it over the Open Inference Protocol v2 at ${formatFlock(PRICE)} a call`,
      async () => {
        if ((await host.client.contracts.gm.balanceOf(host.address)) < HOST_STAKE) await host.client.staking.stake({ amount: HOST_STAKE, duration: 0n });
        const minStake = await host.client.contracts.config.get(paramKey('market.minHostStake'));
        const deps = await arenaDaemonDeps(host.ctx, rt, host.client, host.signer, o.store);
        daemons.watch({ name: host.name, label: 'model host' }, rt, runHost({ rt, market: deps.market.actions, marketAddress: deps.market.address, chain: deps.chain, store: o.store, home: deps.home }, { modelId, price: PRICE, minStake, workers: 1 }));
        const deadline = Date.now() + 60_000;
        for (;;) {
          if (daemons.failure) throw daemons.failure;
          const offer = await host.client.market.getOffer({ modelId, host: host.address });
          if (offer.active && (await fetch(`${offer.endpoint}/v2/health/ready`).then((r) => r.ok, () => false))) return offer;
          if (Date.now() > deadline) throw new AbortError('the model host did not come up', { code: 'DEMO_TIMEOUT', hint: `see ${o.logFile}` });
          await new Promise((r) => setTimeout(r, 200));
        }
      },
      (offer) => `${offer.endpoint}, ${formatFlock(offer.stake, { symbol: 'gmFLOCK' })} staked`,
    );

    const { rows, labels } = hiddenRows(CALLS);
    const call = await step(
      'market-call',
      `${MARKET_CAST.caller} makes ${CALLS} paid calls on rows of the hidden split, one signed voucher each`,
      () => caller.client.market.callModel({ modelId, rows, rowsPerCall: 1, statePath: voucherStatePath(caller.ctx.config.home, caller.client.record.chainId), deposit: PRICE * 100n }),
      (r) => `channel ${r.channelId}: ${r.calls} calls answered; the latest voucher says ${formatFlock(r.voucherAmount)} for ${r.voucherCalls} calls`,
    );
    const out = call.outputs[0]!;
    const width = out.shape.slice(1).reduce((a, b) => a * b, 1);
    const predictions = labels.map((label, i) => ({ predicted: argmax(out.data.slice(i * width, (i + 1) * width)), label }));

    const redemption = await step(
      'market-redeem',
      `${MARKET_CAST.host} stops serving: its daemon redeems the latest voucher in one transaction`,
      async () => {
        await daemons.stop('the demo is over');
        await daemons.all();
        const market = host.client.contracts.market!;
        const [e] = await market.queryFilter(market.filters.Redeemed(call.channelId));
        if (!e) throw new AbortError('the host stopped without redeeming', { code: 'DEMO_TIMEOUT', hint: `see ${o.logFile}` });
        await host.client.market.retireOffer({ modelId });
        return { amount: e.args.amount as bigint, fee: e.args.fee as bigint, hostAmount: e.args.hostAmount as bigint, revenue: e.args.revenue as bigint, tx: e.transactionHash };
      },
      (r) => `${formatFlock(r.amount)} redeemed: ${formatFlock(r.fee)} fee to the treasury, ${formatFlock(r.hostAmount)} to ${MARKET_CAST.host}, ${formatFlock(r.revenue)} to the model's contributors`,
    );

    const contributors = await step(
      'market-claim',
      'the winner\'s trainer claims its share of the revenue',
      async () => {
        const bob = o.actors.find((a) => a.name === 'bob')!;
        const before = await host.client.market.getContributors({ modelId });
        await bob.client.market.claimRevenue({ modelId, contributor: bob.address });
        const after = await host.client.market.getContributors({ modelId });
        return before.map((c) => ({ name: nameOf(c.account), share: c.share, owed: c.claimableOwn + c.claimablePool, claimed: after.find((a) => a.account === c.account)!.claimed }));
      },
      (cs) => cs.map((c) => `${c.name} ${(Number(c.share) / 1e16).toFixed(1)}%`).join(', '),
    );

    return {
      modelId: modelId.toString(),
      modelCID: reg.modelCID,
      host: MARKET_CAST.host,
      price: PRICE,
      calls: call.calls,
      predictions,
      correct: predictions.filter((p) => p.predicted === p.label).length,
      redeemed: redemption.amount,
      fee: redemption.fee,
      hostAmount: redemption.hostAmount,
      revenue: redemption.revenue,
      redeemTx: redemption.tx,
      contributors,
    };
  } finally {
    await daemons.stop('the demo is over');
    for (const rt of runtimes) rt.dispose();
    await host.ctx.close();
    await caller.ctx.close();
  }
}

/** The first `n` rows of the digits task's hidden split, without their label column. */
function hiddenRows(n: number): { rows: number[][]; labels: number[] } {
  const lines = gunzipSync(readFileSync(ROWS)).toString('utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const at = header.indexOf('digit');
  const rows: number[][] = [];
  const labels: number[] = [];
  for (const line of lines.slice(1, n + 1)) {
    const cells = line.split(',').map(Number);
    labels.push(cells[at]!);
    rows.push(cells.filter((_, i) => i !== at));
  }
  return { rows, labels };
}
