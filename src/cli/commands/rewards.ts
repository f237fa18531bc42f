import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';

/** `flock rewards [--claim]`: what the account can claim, and claiming it. */
export function register(program: Command): void {
  program
    .command('rewards')
    .description('show the FLOCK rewards you can claim from pools, as an operator and from Arena tasks; --claim claims them all')
    .option('--claim', 'claim everything pending (one transaction per pool, one per batch of a pool’s task rewards, one for commission, one per Arena task)')
    .action(async (opts: { claim?: boolean }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { formatFlock } = await import('../../units/index.js');
      const taskLine = (t: { stake: bigint; reward: bigint; refund: bigint }) =>
        [`reward ${formatFlock(t.reward)}`, `stake back ${formatFlock(t.stake, { symbol: 'gmFLOCK' })}`, ...(t.refund > 0n ? [`refund ${formatFlock(t.refund)}`] : [])].join(', ');
      if (opts.claim) {
        const { client } = await openProtocol(ctx, { sign: true });
        const r = await client.rewards.claimRewards();
        await ctx.output(r, (x) =>
          x.claims.length + x.tasks.length === 0
            ? 'nothing to claim yet'
            : [
                ...x.claims.map((c) =>
                  c.kind === 'commission'
                    ? `claimed ${formatFlock(c.amount)} as operator commission`
                    : `claimed ${formatFlock(c.amount)} ${c.kind === 'task' ? 'of task rewards ' : ''}from the pool of ${c.operator}`,
                ),
                ...x.tasks.map((t) => `claimed task ${t.taskId}: ${taskLine(t)}${t.poolReward > 0n ? ` (+ ${formatFlock(t.poolReward)} to your pool)` : ''}`),
                `total: ${formatFlock(x.total)}`,
              ],
        );
        return;
      }
      const { client, account } = await openProtocol(ctx);
      const view = await client.rewards.getPendingRewards({ account });
      await ctx.output(view, (x) => [
        ...x.pools.map((r) => `${formatFlock(r.pending + r.task)} from the pool of ${r.operator}${r.task > 0n ? ` (${formatFlock(r.task)} of it task rewards)` : ''}`),
        ...(x.commission > 0n ? [`${formatFlock(x.commission)} operator commission`] : []),
        ...x.tasks.map((t) => `task ${t.taskId}: ${taskLine(t)}`),
        x.total > 0n ? `total claimable: ${formatFlock(x.total)} (claim with: flock rewards --claim)` : 'nothing to claim yet',
      ]);
    });
}
