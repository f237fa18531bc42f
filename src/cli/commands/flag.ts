import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';

/** `flock flag <id>`: flag a proposal as spam or a scam during its flag window. */
export function register(program: Command): void {
  program
    .command('flag')
    .description('flag a proposal as spam or a scam during its flag window; enough flags drop it and slash its bond to the treasury')
    .argument('<id>', 'the proposal id (`flock proposals list`)')
    .action(async (idText: string, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ parseProposalId }, { formatFlock }] = await Promise.all([import('../../protocol/governance/index.js'), import('../../units/index.js')]);
      const proposalId = parseProposalId(idText);
      const { client } = await openProtocol(ctx, { sign: true });
      const r = await client.governance.flag({ proposalId });
      const result = { ...r, proposalId: r.proposalId.toString() };
      await ctx.output(result, (x) => [
        `flagged proposal ${x.proposalId} with ${formatFlock(r.weight)}: ${formatFlock(r.totalWeight)} of ${formatFlock(r.flagQuorum)} needed`,
        r.dropped ? 'the proposal is dropped (canceled) and its bond went to the treasury' : 'not dropped yet',
        `tx ${x.txHash}`,
      ]);
    });
}
