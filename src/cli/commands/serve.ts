import type { Command } from 'commander';
import { createContext } from '../context.js';
import { pollSeconds, runDaemonCommand } from '../daemon.js';
import { positiveInt } from '../parse.js';

/** `flock serve --model <id>`: host a market model over the Open Inference Protocol v2, paid per call. */
export function register(program: Command): void {
  program
    .command('serve')
    .description('host daemon: serve a market model over the Open Inference Protocol v2 (KServe), each call paid by a signed voucher; keeps your offer on chain and redeems the vouchers; restart-safe')
    .requiredOption('--model <id>', 'model id (`flock models list`)', positiveInt)
    .option('--price <FLOCK>', 'price per call in FLOCK (default: your offer\'s on chain; required the first time)')
    .option('--stake <gmFLOCK>', 'gmFLOCK to add to your host stake (default: up to market.minHostStake)')
    .option('--port <n>', 'port to listen on (default: any free one)', (v) => Number.parseInt(v, 10))
    .option('--bind <address>', 'interface to listen on', '127.0.0.1')
    .option('--endpoint <url>', 'the URL callers reach this server at, put in your offer (default: http://<bind>:<port>)')
    .option('--workers <n>', 'onnxruntime worker threads (default: the CPU count)', positiveInt)
    .option('--redeem-every <duration>', 'redeem each channel\'s latest voucher this often (and always when a channel starts closing, and on exit)', '1h')
    .option('--redeem-at <FLOCK>', 'also redeem a channel as soon as it owes this much')
    .option('--until-idle <duration>', 'stop (redeeming first) once no paid call came for this long (for scripts and batch hosts; default: serve until SIGTERM)')
    .option('--poll <seconds>', 'seconds between checks of the channels on chain', pollSeconds, 5)
    .addHelpText(
      'after',
      '\nEndpoints: GET /v2/health/live, /v2/health/ready, /v2/models/model-<id>; POST /v2/models/model-<id>/infer with a `Flock-Voucher` header (`flock call` makes them).\nState: every accepted voucher is on disk (<home>/market/serve-…/) before its answer is sent; a restart redeems what it finds.\nExit codes: 0 stopped by SIGTERM/SIGINT or --until-idle (after redeeming), 2 bad flags, 3 RPC unreachable at start, 7 reverted, 9 the model does not load.\n',
    )
    .action(async (opts: { model: number; price?: string; stake?: string; port?: number; bind: string; endpoint?: string; workers?: number; redeemEvery: string; redeemAt?: string; untilIdle?: string; poll: number }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ runHost }, { parseFlock, parseDuration }, { AbortError }, { paramKey }] = await Promise.all([
        import('../../daemons/serve/host.js'),
        import('../../units/index.js'),
        import('../../errors/index.js'),
        import('../../protocol/governance/params.js'),
      ]);
      // Before anything connects or stakes.
      const price = opts.price ? parseFlock(opts.price, { what: 'price' }) : undefined;
      if (price === 0n) throw new AbortError('--price must be more than 0', { code: 'USAGE', hint: 'e.g. --price 0.01' });
      const stake = opts.stake ? parseFlock(opts.stake, { what: 'stake' }) : undefined;
      const redeemAt = opts.redeemAt ? parseFlock(opts.redeemAt, { what: '--redeem-at' }) : undefined;
      const redeemEvery = parseDuration(opts.redeemEvery, '--redeem-every');
      const untilIdle = opts.untilIdle ? parseDuration(opts.untilIdle, '--until-idle') : undefined;
      if (opts.port !== undefined && !(Number.isInteger(opts.port) && opts.port >= 0 && opts.port < 65536)) throw new AbortError(`--port ${opts.port} is not a port`, { code: 'USAGE', hint: 'a number from 0 to 65535' });
      if (opts.endpoint && !/^https?:\/\/[^\s]+$/.test(opts.endpoint)) throw new AbortError(`--endpoint ${opts.endpoint} is not an http(s) URL`, { code: 'USAGE', hint: 'e.g. --endpoint https://models.example.org' });
      await runDaemonCommand(ctx, {
        command: 'serve',
        role: 'host',
        task: opts.model,
        poll: opts.poll,
        run: async (deps, modelId) => {
          const minStake = await deps.market.config(paramKey('market.minHostStake'));
          return runHost(
            { rt: deps.rt, market: deps.market.actions, marketAddress: deps.market.address, chain: deps.chain, store: deps.store, home: deps.home },
            {
              modelId,
              minStake,
              bind: opts.bind,
              redeemEvery,
              ...(price !== undefined ? { price } : {}),
              ...(stake !== undefined ? { stake } : {}),
              ...(opts.port !== undefined ? { port: opts.port } : {}),
              ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
              ...(opts.workers ? { workers: opts.workers } : {}),
              ...(redeemAt !== undefined ? { redeemAt } : {}),
              ...(untilIdle !== undefined ? { untilIdle } : {}),
            },
          );
        },
      });
    });
}
