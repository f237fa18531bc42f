import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';

/** `flock params [name]`: the governed parameters with their current values on this chain. */
export function register(program: Command): void {
  program
    .command('params')
    .description('the governed parameters: current value on this chain, bounds, unit and meaning (one with a name)')
    .argument('[name]', 'just this parameter, e.g. arena.gamma')
    .addHelpText('after', '\nA proposal changes one with `flock propose --set <name>=<value>`; docs/GOVERNANCE.md walks through it.')
    .action(async (name: string | undefined, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { client } = await openProtocol(ctx);
      const params = await client.governance.getParams({ name });
      const width = Math.max(...params.map((p) => p.name.length));
      await ctx.output({ params }, () =>
        params.flatMap((p) => [
          `${p.name.padEnd(width)}  ${p.display.value.padEnd(12)} ${p.display.min} … ${p.display.max} (${p.unit}; default ${p.display.default})`,
          `${' '.repeat(width)}  ${p.meaning}`,
        ]),
      );
    });
}
