import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';

/** `flock emission [status|advance]`: the daily emission schedule. */
export function register(program: Command): void {
  const emission = program.command('emission').description('the daily FLOCK emission: where the schedule stands, and advancing it (anyone may)');

  emission
    .command('status', { isDefault: true })
    .description('the current day, today’s emission, the reserve and what was released')
    .action(async (_opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { formatFlock } = await import('../../units/index.js');
      const { client } = await openProtocol(ctx);
      const s = await client.emission.getEmission();
      await ctx.output(s, (x) => [
        `day ${x.currentDay} (days released: ${x.nextDay})`,
        `today's schedule: ${formatFlock(x.today)} (cap ${formatFlock(x.dailyCap)} per day)`,
        `released so far:  ${formatFlock(x.totalReleased)}, pulled by gauges: ${formatFlock(x.totalPulled)}`,
        `reserve:          ${formatFlock(x.reserve)}`,
      ]);
    });

  emission
    .command('advance')
    .description('release every elapsed day to the gauges and start streaming the pools’ share to delegators')
    .action(async (_opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { formatFlock } = await import('../../units/index.js');
      const { client } = await openProtocol(ctx, { sign: true });
      const r = await client.emission.advanceEmission();
      await ctx.output(r, (x) => (x.released > 0n ? `released ${formatFlock(x.released)}; days released: ${x.nextDay}` : `nothing new to release (days released: ${x.nextDay})`));
    });
}
