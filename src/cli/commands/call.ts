import type { Command } from 'commander';
import { createContext } from '../context.js';
import { positiveInt } from '../parse.js';
import { openProtocol } from '../protocol.js';

/** `flock call`: paid inference on a market model, one signed voucher per call. */
export function register(program: Command): void {
  program
    .command('call')
    .description('run a market model on your input, paying its host per call in FLOCK: opens (or tops up) a payment channel, signs one voucher per call, prints the outputs')
    .requiredOption('--model <id>', 'model id (`flock models list`)', positiveInt)
    .requiredOption('--input <file>', 'the input: CSV (one example a row; a header row is skipped) or JSON (an array of rows, or an Open Inference Protocol v2 request)')
    .option('--host <address>', 'the host to pay (default: the cheapest active one whose endpoint answers)')
    .option('--deposit <FLOCK>', 'FLOCK to deposit when a channel is opened or topped up (default: 100 calls\' worth, or what these calls cost if more)')
    .option('--rows-per-call <n>', 'examples sent per paid call (default: all in one call)', positiveInt)
    .option('--wait <duration>', 'wait up to this long for a host to be up and ready (e.g. one started just now)', '0s')
    .option('--drop <column>', 'a CSV column to leave out (e.g. the label column of a test set)')
    .addHelpText('after', '\nEach call is paid by a voucher for the channel\'s cumulative amount, recorded in <home>/market/ before it is sent; the host redeems the latest one on chain. `flock market channels` lists your channels, `flock market close <id>` gets the rest of a deposit back.\nExit codes: 2 bad input, 3 the host did not answer, 5 not enough FLOCK, 7 the host refused the call.\n')
    .action(async (opts: { model: number; input: string; host?: string; deposit?: string; rowsPerCall?: number; drop?: string; wait: string }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ readInputRows }, { parseFlock, formatFlock, parseDuration }, { parseAddress }, { voucherStatePath }] = await Promise.all([
        import('../input-rows.js'),
        import('../../units/index.js'),
        import('../parse.js'),
        import('../../protocol/market/call.js'),
      ]);
      // Before anything connects or pays.
      const rows = readInputRows(opts.input, opts.drop);
      const deposit = opts.deposit ? parseFlock(opts.deposit, { what: 'deposit' }) : undefined;
      const host = opts.host ? parseAddress(opts.host, '--host') : undefined;
      const waitMs = parseDuration(opts.wait, '--wait') * 1000;
      const { client } = await openProtocol(ctx, { sign: true });
      const r = await client.market.callModel({
        modelId: BigInt(opts.model),
        rows,
        statePath: voucherStatePath(ctx.config.home, client.record.chainId),
        ...(host ? { host } : {}),
        ...(deposit !== undefined ? { deposit } : {}),
        ...(opts.rowsPerCall ? { rowsPerCall: opts.rowsPerCall } : {}),
        ...(waitMs > 0 ? { waitMs } : {}),
      });
      const out = r.outputs[0];
      const width = out ? out.shape.slice(1).reduce((a, b) => a * b, 1) : 0;
      const predictions = out && width > 1 ? Array.from({ length: out.shape[0]! }, (_, i) => argmax(out.data.slice(i * width, (i + 1) * width))) : null;
      await ctx.output({ ...r, predictions }, (x) => [
        `${x.calls} paid call${x.calls === 1 ? '' : 's'} to model ${x.modelId} at ${x.endpoint} (host ${x.host}), ${formatFlock(x.price)} each; channel ${x.channelId}'s latest voucher: ${formatFlock(x.voucherAmount)} for ${x.voucherCalls} calls`,
        ...(x.opened ? [`opened channel ${x.channelId} (tx ${x.opened})`] : []),
        ...(x.toppedUp ? [`topped up channel ${x.channelId} (tx ${x.toppedUp})`] : []),
        ...(x.predictions ? [`predicted class per row: ${x.predictions.join(' ')}`] : x.outputs.map((o) => `${o.name} ${JSON.stringify(o.shape)}: ${o.data.slice(0, 20).map((v) => v.toFixed(4)).join(' ')}${o.data.length > 20 ? ' …' : ''}`)),
      ]);
    });
}

/** The index of the largest value: a classifier's predicted class. */
export function argmax(v: number[]): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}
