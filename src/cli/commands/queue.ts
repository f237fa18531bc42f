import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';

/** `flock queue <proposal>`: queue a passed proposal in the timelock (anyone may). */
export function register(program: Command): void {
  program
    .command('queue')
    .description('queue a passed proposal in the timelock; it is executable after the timelock delay (anyone may)')
    .argument('<proposal>', 'the proposal: its number (`flock proposals list`) or full id')
    .action(async (idText: string, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ parseProposalRef }, { proposalNames }] = await Promise.all([import('../../protocol/governance/index.js'), import('../describe.js')]);
      const ref = parseProposalRef(idText);
      const { client } = await openProtocol(ctx, { sign: true });
      const { proposalId, number } = await client.governance.resolveProposalId({ ref });
      const r = await client.governance.queue({ proposalId });
      const p = proposalNames(number, proposalId);
      const result = { ...r, proposalId: r.proposalId.toString(), proposalNumber: number, executableAt: new Date(r.eta * 1000).toISOString() };
      await ctx.output(result, (x) => [`queued proposal ${p.name}; executable from ${x.executableAt} (\`flock execute ${p.arg}\`)`, `tx ${x.txHash}`]);
    });
}
