import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';

const pct = (wad: bigint) => `${(Number(wad) / 1e16).toFixed(2).replace(/\.?0+$/, '')}%`;

/** `flock pool create|set-sigma|show`: an operator's delegation pool. */
export function register(program: Command): void {
  const pool = program.command('pool').description('open and manage your delegation pool as an operator (training node or validator)');

  pool
    .command('create')
    .description('open your pool; you keep sigma of its rewards, delegators share the rest')
    .requiredOption('--sigma <share>', 'your share of the pool’s rewards: a fraction (0.1) or a percentage (10%)')
    .action(async (opts: { sigma: string }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { parseSigma } = await import('../../protocol/pools/index.js');
      const sigma = parseSigma(opts.sigma);
      const { client } = await openProtocol(ctx, { sign: true });
      const r = await client.pools.createPool({ sigma });
      await ctx.output(r, (x) => [`opened the pool of ${x.operator} with sigma ${pct(x.sigma)}`, `delegators join with: flock delegate <amount> --to ${x.operator}`]);
    });

  pool
    .command('set-sigma')
    .description('change your share of the pool’s rewards (within governed bounds, after a cooldown, not while frozen)')
    .argument('<share>', 'a fraction (0.1) or a percentage (10%)')
    .action(async (share: string, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { parseSigma } = await import('../../protocol/pools/index.js');
      const sigma = parseSigma(share);
      const { client } = await openProtocol(ctx, { sign: true });
      const r = await client.pools.setSigma({ sigma });
      await ctx.output(r, (x) => `sigma of ${x.operator}: ${pct(x.oldSigma)} -> ${pct(x.sigma)}`);
    });

  pool
    .command('show')
    .description('show a pool (default: your own)')
    .argument('[operator]', 'the operator’s address')
    .action(async (operatorText: string | undefined, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ formatFlock }, { operatorAddress }] = await Promise.all([import('../../units/index.js'), import('../../protocol/pools/index.js')]);
      const { client, account } = await openProtocol(ctx);
      const operator = operatorText ? operatorAddress(operatorText, 'operator') : account;
      const result = await client.pools.getPool({ operator });
      await ctx.output(result, (x) =>
        x.exists
          ? [
              `pool of ${x.operator}`,
              `  sigma:       ${pct(x.sigma)}`,
              `  stake:       ${formatFlock(x.totalStake, { symbol: 'gmFLOCK' })} (${x.totalShares} shares)`,
              `  unbonding:   ${formatFlock(x.unbondingStake, { symbol: 'gmFLOCK' })}`,
              `  commission:  ${formatFlock(x.pendingCommission)} claimable`,
              ...(x.frozenUntil > BigInt(Math.floor(Date.now() / 1000)) ? [`  frozen until ${new Date(Number(x.frozenUntil) * 1000).toISOString()}`] : []),
            ]
          : `${x.operator} has no pool (open one with \`flock pool create --sigma <share>\`)`,
      );
    });
}
