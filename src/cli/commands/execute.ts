import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';

/** `flock execute <id>`: execute a queued proposal once its timelock delay has passed (anyone may). */
export function register(program: Command): void {
  program
    .command('execute')
    .description('execute a queued proposal once its timelock delay has passed (anyone may)')
    .argument('<id>', 'the proposal id (`flock proposals list`)')
    .action(async (idText: string, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { parseProposalId } = await import('../../protocol/governance/index.js');
      const proposalId = parseProposalId(idText);
      const { client } = await openProtocol(ctx, { sign: true });
      const r = await client.governance.execute({ proposalId });
      const result = { ...r, proposalId: r.proposalId.toString() };
      await ctx.output(result, (x) => [`executed proposal ${x.proposalId}; its proposer claims bond and reward with \`flock proposals claim ${x.proposalId}\``, `tx ${x.txHash}`]);
    });
}
