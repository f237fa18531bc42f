import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';

/** `flock flag <proposal>`: flag a proposal as spam or a scam during its flag window. */
export function register(program: Command): void {
  program
    .command('flag')
    .description('flag a proposal as spam or a scam during its flag window; enough flags drop it and slash its bond to the treasury')
    .argument('<proposal>', 'the proposal: its number (`flock proposals list`) or full id')
    .action(async (idText: string, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ parseProposalRef }, { formatFlock }, { proposalNames }] = await Promise.all([
        import('../../protocol/governance/index.js'),
        import('../../units/index.js'),
        import('../describe.js'),
      ]);
      const ref = parseProposalRef(idText);
      const { client } = await openProtocol(ctx, { sign: true });
      const { proposalId, number } = await client.governance.resolveProposalId({ ref });
      const r = await client.governance.flag({ proposalId });
      const p = proposalNames(number, proposalId);
      const result = { ...r, proposalId: r.proposalId.toString(), proposalNumber: number };
      await ctx.output(result, (x) => [
        `flagged proposal ${p.name} with ${formatFlock(r.weight)}: ${formatFlock(r.totalWeight)} of ${formatFlock(r.flagQuorum)} needed`,
        r.dropped ? 'the proposal is dropped (canceled) and its bond went to the treasury' : 'not dropped yet',
        `tx ${x.txHash}`,
      ]);
    });
}
