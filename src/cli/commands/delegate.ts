import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';

/** `flock delegate <amount> --to <operator>`: put gmFLOCK into an operator's pool. */
export function register(program: Command): void {
  program
    .command('delegate')
    .description('delegate gmFLOCK to an operator’s pool: it adds to their stake and earns you a share of their rewards (and risk)')
    .argument('<amount>', 'gmFLOCK to delegate')
    .requiredOption('--to <operator>', 'the operator’s address (they opened a pool with `flock pool create`)')
    .action(async (amountText: string, opts: { to: string }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ parseFlock, formatFlock }, { operatorAddress }] = await Promise.all([import('../../units/index.js'), import('../../protocol/pools/index.js')]);
      const amount = parseFlock(amountText, { what: 'delegation amount', allowZero: false });
      const operator = operatorAddress(opts.to, '--to');
      const { client } = await openProtocol(ctx, { sign: true });
      const r = await client.pools.delegate({ operator, amount });
      await ctx.output(r, (x) => [`delegated ${formatFlock(x.amount, { symbol: 'gmFLOCK' })} to ${x.operator} (${x.shares} shares)`, `tx ${x.txHash}`]);
    });
}
