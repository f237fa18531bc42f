import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';

/** `flock undelegate [amount] --from <operator> [--withdraw]`: leave a pool, in two steps. */
export function register(program: Command): void {
  program
    .command('undelegate')
    .description('start undelegating gmFLOCK from a pool (default: all of it); after the cooldown (and, while the pool backs a running task, after that task), --withdraw returns it')
    .argument('[amount]', 'gmFLOCK to undelegate (default: everything delegated to the operator)')
    .requiredOption('--from <operator>', 'the operator’s address')
    .option('--withdraw', 'withdraw what finished its cooldown instead of starting a new undelegation')
    .action(async (amountText: string | undefined, opts: { from: string; withdraw?: boolean }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ parseFlock, formatFlock }, { operatorAddress }] = await Promise.all([import('../../units/index.js'), import('../../protocol/pools/index.js')]);
      const operator = operatorAddress(opts.from, '--from');
      if (opts.withdraw && amountText !== undefined) {
        const { AbortError } = await import('../../errors/index.js');
        const { ExitCode } = await import('../../errors/index.js');
        throw new AbortError('--withdraw takes no amount: it withdraws everything that finished its cooldown', { code: 'USAGE', hint: `flock undelegate --withdraw --from ${operator}` });
      }
      const amount = amountText === undefined ? undefined : parseFlock(amountText, { what: 'undelegation amount', allowZero: false });
      const { client } = await openProtocol(ctx, { sign: true });
      if (opts.withdraw) {
        const r = await client.pools.withdraw({ operator });
        await ctx.output(r, (x) => [`withdrew ${formatFlock(x.amount, { symbol: 'gmFLOCK' })} from ${x.operator}`, `tx ${x.txHash}`]);
        return;
      }
      const r = await client.pools.undelegate({ operator, amount });
      const readyAt = new Date(Number(r.readyAt) * 1000).toISOString();
      await ctx.output({ ...r, readyAt }, (x) => [
        `undelegating ${formatFlock(x.amount, { symbol: 'gmFLOCK' })} from ${x.operator}; it stops earning now`,
        ...(x.lockedByTask ? ['the pool backs a running task of the operator: the stake stays (and stays slashable) until the task’s freeze ends'] : []),
        `withdraw from ${x.readyAt} with: flock undelegate --withdraw --from ${x.operator}`,
        `tx ${x.txHash}`,
      ]);
    });
}
