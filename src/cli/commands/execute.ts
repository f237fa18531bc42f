import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';

/** `flock execute <proposal>`: execute a queued proposal once its timelock delay has passed (anyone may). */
export function register(program: Command): void {
  program
    .command('execute')
    .description('execute a queued proposal once its timelock delay has passed (anyone may)')
    .argument('<proposal>', 'the proposal: its number (`flock proposals list`) or full id')
    .action(async (idText: string, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ parseProposalRef }, { proposalNames }] = await Promise.all([import('../../protocol/governance/index.js'), import('../describe.js')]);
      const ref = parseProposalRef(idText);
      const { client } = await openProtocol(ctx, { sign: true });
      const { proposalId, number } = await client.governance.resolveProposalId({ ref });
      const r = await client.governance.execute({ proposalId });
      const p = proposalNames(number, proposalId);
      const result = { ...r, proposalId: r.proposalId.toString(), proposalNumber: number };
      await ctx.output(result, (x) => [`executed proposal ${p.name}; its proposer claims bond and reward with \`flock proposals claim ${p.arg}\``, `tx ${x.txHash}`]);
    });
}
