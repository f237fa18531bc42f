import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';

/** `flock vote <proposal> for|against|abstain`: vote with liquid (delegated) plus locked FLOCK. */
export function register(program: Command): void {
  program
    .command('vote')
    .description('vote on an active proposal with your FLOCK (delegated liquid FLOCK plus locked FLOCK)')
    .argument('<proposal>', 'the proposal: its number (`flock proposals list`) or full id')
    .argument('<support>', 'for, against or abstain')
    .option('--reason <text>', 'a reason, recorded on chain')
    .option('--self-delegate', 'also make your liquid FLOCK vote for yourself in later proposals (this one reads the past)')
    .action(async (idText: string, supportText: string, opts: { reason?: string; selfDelegate?: boolean }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [g, { formatFlock }, { AbortError }, { proposalNames }] = await Promise.all([
        import('../../protocol/governance/index.js'),
        import('../../units/index.js'),
        import('../../errors/index.js'),
        import('../describe.js'),
      ]);
      const ref = g.parseProposalRef(idText);
      const support = supportText.toLowerCase();
      if (!(support in g.SUPPORT)) {
        throw new AbortError(`invalid vote "${supportText}"`, { code: 'INVALID_VOTE', hint: 'vote for, against or abstain' });
      }
      const { client, account } = await openProtocol(ctx, { sign: true });
      g.requireGovernor(client);
      const { proposalId, number } = await client.governance.resolveProposalId({ ref });
      const loose = await client.governance.getUndelegatedFlock({ account });
      let delegateTx: string | undefined;
      if (loose > 0n && opts.selfDelegate) delegateTx = (await client.governance.selfDelegate()).txHash;
      else if (loose > 0n) ctx.log.warn(`${formatFlock(loose)} of your liquid FLOCK does not vote: run with --self-delegate once so it counts in later proposals`);
      const r = await client.governance.vote({ proposalId, support: support as keyof typeof g.SUPPORT, reason: opts.reason });
      const p = proposalNames(number, proposalId);
      const result = { ...r, proposalId: r.proposalId.toString(), proposalNumber: number, undelegatedFlock: delegateTx ? 0n : loose, delegateTx };
      await ctx.output(result, (x) => [`voted ${x.support} on proposal ${p.name} with ${formatFlock(r.weight)}`, `tx ${x.txHash}`]);
    });
}
