import type { Command } from 'commander';
import { createContext } from '../context.js';
import { chainNow, openProtocol } from '../protocol.js';

/** `flock proposals list|show|claim`: governance proposals of this chain. */
export function register(program: Command): void {
  const proposals = program.command('proposals').description('governance proposals: list them, show one, claim a bond and reward');

  proposals
    .command('list', { isDefault: true })
    .description('list the governance proposals of this chain with their state and next deadline')
    .action(async (_opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ proposalView }, { formatFlock }] = await Promise.all([import('../describe.js'), import('../../units/index.js')]);
      const { client } = await openProtocol(ctx);
      const now = await chainNow(ctx);
      const all = (await client.governance.getProposals()).map((x) => proposalView(x, now));
      await ctx.output({ proposals: all }, () =>
        all.length === 0
          ? 'no proposals yet; `flock propose --title … --set <param>=<value>` makes one'
          : [
              ...all.map((x) => `${`#${x.number}`.padEnd(4)} ${x.state.padEnd(9)} ${x.title}: ${x.status} (for ${formatFlock(x.votes.for)}, against ${formatFlock(x.votes.against)})`),
              '',
              ...all.map((x) => `#${x.number} is ${x.id}`),
            ],
      );
    });

  proposals
    .command('show')
    .description('a proposal: state in plain words with its deadlines, votes, flags, bond, reward and actions')
    .argument('<proposal>', 'the proposal: its number (`flock proposals list`) or full id')
    .action(async (idText: string, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ parseProposalRef }, { proposalView }, { formatFlock }] = await Promise.all([import('../../protocol/governance/index.js'), import('../describe.js'), import('../../units/index.js')]);
      const ref = parseProposalRef(idText);
      const { client } = await openProtocol(ctx);
      const { proposalId } = await client.governance.resolveProposalId({ ref });
      const now = await chainNow(ctx);
      const x = proposalView(await client.governance.getProposal({ proposalId }), now);
      await ctx.output(x, () => [
        `proposal #${x.number}: ${x.title}`,
        `id         ${x.id}`,
        `state      ${x.state === x.status ? x.state : `${x.state}: ${x.status}`}`,
        `proposer   ${x.proposer}`,
        `votes      for ${formatFlock(x.votes.for)}, against ${formatFlock(x.votes.against)}, abstain ${formatFlock(x.votes.abstain)} (quorum ${formatFlock(x.quorum)})`,
        `flags      ${formatFlock(x.flagWeight)} of ${formatFlock(x.flagQuorum)} to drop it`,
        `bond       ${formatFlock(x.bond)} (${x.bondStatus}); reward ${formatFlock(x.reward)}${x.rewardClaimed ? ' (paid)' : ''}`,
        ...x.actions.map((a) => `action     ${a}`),
        '',
        x.description,
      ]);
    });

  proposals
    .command('claim')
    .description('pay a proposal’s bond back to its proposer (once the vote is over) and its reward (once executed); anyone may')
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
      const r = await client.governance.claimProposal({ proposalId });
      const p = proposalNames(number, proposalId);
      const result = { ...r, proposalId: r.proposalId.toString(), proposalNumber: number };
      await ctx.output(result, (x) => [`paid ${x.proposer} a bond of ${formatFlock(r.bond)} and a reward of ${formatFlock(r.reward)} for proposal ${p.name}`]);
    });
}
