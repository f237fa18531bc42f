import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';

/** `flock status [address]`: balances, positions, pool, delegations and rewards at a glance. */
export function register(program: Command): void {
  program
    .command('status')
    .description('balances, lock positions, your pool, your delegations and pending rewards')
    .argument('[address]', 'any account (default: yours)')
    .action(async (address: string | undefined, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ formatFlock, formatEth }, { operatorAddress }, { formatMultiplier }] = await Promise.all([
        import('../../units/index.js'),
        import('../../protocol/pools/index.js'),
        import('./stake.js'),
      ]);
      const { client, account } = await openProtocol(ctx);
      const who = address ? operatorAddress(address, 'address') : account;
      const s = await client.account.getAccountStatus({ account: who });
      const gm = (v: bigint) => formatFlock(v, { symbol: 'gmFLOCK' });
      const date = (t: bigint) => new Date(Number(t) * 1000).toISOString().slice(0, 16).replace('T', ' ');
      await ctx.output(s, (x) => {
        const lines = [
          `account ${x.account} on chain ${x.chainId} (block ${x.block}, emission day ${x.emissionDay})`,
          `  ETH      ${formatEth(x.eth)}`,
          `  FLOCK    ${formatFlock(x.flock)}`,
          `  gmFLOCK  ${gm(x.gmFlock)} (from ${formatFlock(x.locked)} locked)`,
          `  votes    ${formatFlock(x.votes, { symbol: false })}`,
        ];
        if (x.positions.length) {
          lines.push('', 'positions:');
          for (const pos of x.positions) {
            lines.push(`  #${pos.id}  ${formatFlock(pos.amount)} -> ${gm(pos.gmAmount)} (x${formatMultiplier(pos.multiplier)})  ${pos.unlocked ? 'unlocked: `flock redeem ' + pos.id + '`' : 'locked until ' + date(pos.unlockAt)}`);
          }
        }
        if (x.pool) {
          lines.push('', `your pool: sigma ${Number(x.pool.sigma) / 1e16}%, stake ${gm(x.pool.totalStake)}, commission ${formatFlock(x.pool.pendingCommission)} claimable`);
        }
        if (x.delegations.length) {
          lines.push('', 'delegations:');
          for (const d of x.delegations) {
            const ub = d.unbonding.shares > 0n ? `, undelegating ${gm(d.unbonding.amount)} (ready ${date(d.unbonding.readyAt)})` : '';
            const task = d.pendingTaskRewards > 0n ? ` (+ ${formatFlock(d.pendingTaskRewards)} task rewards)` : '';
            lines.push(`  ${d.operator}  ${gm(d.stake)}, rewards ${formatFlock(d.pendingRewards)}${task}${ub}`);
          }
        }
        return lines;
      });
    });
}
