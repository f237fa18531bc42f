import type { Command } from 'commander';
import { WAD } from '../../units/index.js';
import { createContext } from '../context.js';
import { days } from '../parse.js';
import { openProtocol } from '../protocol.js';

/** `flock stake <amount> --lock <days>`: lock FLOCK into gmFLOCK at the lock multiplier. */
export function register(program: Command): void {
  program
    .command('stake')
    .description('lock FLOCK for 0..365 days and receive gmFLOCK at the lock multiplier (x3.01 for a year)')
    .argument('<amount>', 'FLOCK to lock, e.g. 100 or 0.5')
    .requiredOption('--lock <days>', 'lock duration in days (0..365); longer locks mint more gmFLOCK', days)
    .action(async (amountText: string, opts: { lock: number }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { parseFlock, formatFlock, SECONDS_PER_DAY } = await import('../../units/index.js');
      const amount = parseFlock(amountText, { what: 'stake amount', allowZero: false });
      const { client } = await openProtocol(ctx, { sign: true });
      const r = await client.staking.stake({ amount, duration: BigInt(opts.lock * SECONDS_PER_DAY) });
      const result = {
        account: r.account,
        positionId: r.positionId,
        amount: r.amount,
        lockDays: opts.lock,
        multiplier: formatMultiplier(r.multiplier),
        gmAmount: r.gmAmount,
        gmFlock: formatFlock(r.gmAmount, { symbol: false, group: false }),
        unlockAt: new Date(Number(r.unlockAt) * 1000).toISOString(),
        txHash: r.txHash,
      };
      await ctx.output(result, (x) => [
        `locked ${formatFlock(r.amount)} for ${x.lockDays} days: ${formatFlock(r.gmAmount, { symbol: 'gmFLOCK' })} (x${x.multiplier})`,
        `position #${x.positionId}, redeemable from ${x.unlockAt}`,
        `tx ${x.txHash}`,
      ]);
    });
}

/** 3010000000000000000n -> "3.01" */
export function formatMultiplier(wad: bigint): string {
  const whole = wad / WAD;
  const frac = (wad % WAD).toString().padStart(18, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole.toString();
}
