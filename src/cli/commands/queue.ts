import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';

/** `flock queue <id>`: queue a passed proposal in the timelock (anyone may). */
export function register(program: Command): void {
  program
    .command('queue')
    .description('queue a passed proposal in the timelock; it is executable after the timelock delay (anyone may)')
    .argument('<id>', 'the proposal id (`flock proposals list`)')
    .action(async (idText: string, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { parseProposalId } = await import('../../protocol/governance/index.js');
      const proposalId = parseProposalId(idText);
      const { client } = await openProtocol(ctx, { sign: true });
      const r = await client.governance.queue({ proposalId });
      const result = { ...r, proposalId: r.proposalId.toString(), executableAt: new Date(r.eta * 1000).toISOString() };
      await ctx.output(result, (x) => [`queued proposal ${x.proposalId}; executable from ${x.executableAt} (\`flock execute ${x.proposalId}\`)`, `tx ${x.txHash}`]);
    });
}
