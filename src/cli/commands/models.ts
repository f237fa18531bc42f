import type { Command } from 'commander';
import { createContext } from '../context.js';
import { positiveInt } from '../parse.js';
import { openProtocol } from '../protocol.js';

/** `flock models list|show|register`: the market's models, their contributors, hosts and revenue. */
export function register(program: Command): void {
  const models = program.command('models').description('the model market: models the network made (Arena winners, Alliance global models), their hosts, prices and revenue');

  models
    .command('list')
    .description('list the registered models with their source task, hosts and revenue')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { client } = await openProtocol(ctx);
      const count = await client.market.getModelCount();
      const list = [];
      for (let modelId = 1n; modelId <= count; modelId++) {
        const m = await client.market.getModel({ modelId });
        const offers = (await client.market.getOffers({ modelId })).filter((o) => o.active);
        list.push({ ...m, hosts: offers.length, cheapest: offers[0]?.price ?? null });
      }
      const { formatFlock } = await import('../../units/index.js');
      await ctx.output({ models: list }, (x) =>
        x.models.length === 0
          ? 'no models yet (register a finalized Arena task\'s winner with `flock models register --arena <task>`)'
          : [
              'ID  SOURCE                  HOSTS  FROM           CALLS   REVENUE',
              ...x.models.map(
                (m) =>
                  `${String(m.id).padEnd(3)} ${`${m.source} task ${m.taskId}${m.source === 'arena' ? ` #${m.submissionId}` : ''}`.padEnd(23)} ${String(m.hosts).padEnd(6)} ${(m.cheapest === null ? '-' : `${formatFlock(m.cheapest, { symbol: false })}/call`).padEnd(14)} ${String(m.calls).padEnd(7)} ${formatFlock(m.revenue)}`,
              ),
            ],
      );
    });

  models
    .command('show')
    .description('a model: where it comes from, its contributors and their shares, its hosts and prices, calls served and revenue')
    .argument('<id>', 'model id', positiveInt)
    .action(async (id: number, _opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const modelId = BigInt(id);
      const { client } = await openProtocol(ctx);
      const [model, offers, contributors] = await Promise.all([client.market.getModel({ modelId }), client.market.getOffers({ modelId }), client.market.getContributors({ modelId })]);
      const { formatFlock } = await import('../../units/index.js');
      const pct = (wad: bigint) => `${(Number(wad) / 1e16).toFixed(2)}%`;
      await ctx.output({ model, contributors, offers }, (x) => [
        `model ${x.model.id}: the ${x.model.source === 'arena' ? `winner (submission ${x.model.submissionId}) of Arena task ${x.model.taskId}` : `final global model of Alliance task ${x.model.taskId}`}`,
        `ONNX ${x.model.modelCID}; ${x.model.calls} calls served, ${formatFlock(x.model.redeemed)} paid, ${formatFlock(x.model.revenue)} of it to the contributors`,
        '',
        'CONTRIBUTOR                                  SHARE    OF IT TO POOL   CLAIMED        CLAIMABLE',
        ...x.contributors.map((c) => `${c.account}   ${pct(c.share).padEnd(8)} ${pct(c.poolPart).padEnd(15)} ${formatFlock(c.claimed, { symbol: false }).padEnd(14)} ${formatFlock(c.claimableOwn + c.claimablePool, { symbol: false })}`),
        '',
        ...(x.offers.length === 0
          ? [`no hosts yet (serve it with \`flock serve --model ${x.model.id} --price <FLOCK>\`)`]
          : [
              'HOST                                         PRICE/CALL   STAKE        CALLS   STATE     ENDPOINT',
              ...x.offers.map(
                (o) => `${o.host}   ${formatFlock(o.price, { symbol: false }).padEnd(12)} ${formatFlock(o.stake, { symbol: false }).padEnd(12)} ${String(o.calls).padEnd(7)} ${(o.active ? 'active' : 'retired').padEnd(9)} ${o.endpoint}`,
              ),
            ]),
      ]);
    });

  models
    .command('register')
    .description('register a model from its task\'s settlement (anyone may): a finalized Arena task\'s winner, or a finished Alliance task\'s global model')
    .option('--arena <task>', 'a finalized Arena task: registers its top-ranked submission', positiveInt)
    .option('--submission <id>', 'with --arena: the submission (default: the winner; ties at the top may each be registered)', (v) => Number.parseInt(v, 10))
    .option('--alliance <task>', 'a finished Alliance task: registers its final global model', positiveInt)
    .action(async (opts: { arena?: number; submission?: number; alliance?: number }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { AbortError } = await import('../../errors/index.js');
      if ((opts.arena === undefined) === (opts.alliance === undefined)) throw new AbortError('pass one of --arena <task> or --alliance <task>', { code: 'USAGE', hint: 'see `flock models register --help`' });
      const { registerModel } = await import('../../protocol/market/register.js');
      const { client } = await openProtocol(ctx, { sign: true });
      const r = await registerModel(client, opts.arena !== undefined ? { source: 'arena', taskId: BigInt(opts.arena), ...(opts.submission !== undefined ? { submissionId: BigInt(opts.submission) } : {}) } : { source: 'alliance', taskId: BigInt(opts.alliance!) });
      await ctx.output(r, (x) => [
        x.already ? `model ${x.modelId} was registered already from that task` : `model ${x.modelId} registered: ${x.modelCID}`,
        `serve it with \`flock serve --model ${x.modelId} --price <FLOCK>\`; \`flock models show ${x.modelId}\` lists its contributors`,
        ...(x.txHash ? [`tx ${x.txHash}`] : []),
      ]);
    });
}
