import type { Command } from 'commander';
import { createContext } from '../context.js';
import { nonNegativeInt } from '../parse.js';
import { openProtocol } from '../protocol.js';

/** `flock redeem [position]`: turn unlocked gmFLOCK back into FLOCK, less the redeem fee. */
export function register(program: Command): void {
  program
    .command('redeem')
    .description('redeem an unlocked position (default: every unlocked one) back to FLOCK, less the redeem fee')
    .argument('[position]', 'position id (see `flock status`)', nonNegativeInt)
    .option('--accept-shortfall', 'redeem even if some of the position’s gmFLOCK is delegated or was slashed; the missing part is forfeited')
    .action(async (position: number | undefined, opts: { acceptShortfall?: boolean }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { formatFlock } = await import('../../units/index.js');
      const { client, account } = await openProtocol(ctx, { sign: true });
      const redeemed = await client.staking.redeem({ positionId: position === undefined ? undefined : BigInt(position), acceptShortfall: opts.acceptShortfall });
      const total = redeemed.reduce((s, r) => s + r.flockOut, 0n);
      await ctx.output({ account, redeemed, total }, (x) => [
        ...x.redeemed.map(
          (r) =>
            `position #${r.positionId}: burned ${formatFlock(r.gmBurned, { symbol: 'gmFLOCK' })}, received ${formatFlock(r.flockOut)} (fee ${formatFlock(r.fee)}${r.forfeited > 0n ? `, forfeited ${formatFlock(r.forfeited)}` : ''})`,
        ),
        `total received: ${formatFlock(x.total)}`,
      ]);
    });
}
