import type { Command } from 'commander';
import { createContext } from '../context.js';
import { openProtocol } from '../protocol.js';
import type { ProposalInfo } from '../../protocol/governance.js';

/** JSON-friendly view of a proposal (ids as decimal strings). */
function view(x: ProposalInfo) {
  return { ...x, id: x.id.toString() };
}

/** `flock proposals list|show|claim`: governance proposals of this chain. */
export function register(program: Command): void {
  const proposals = program.command('proposals').description('governance proposals: list them, show one, claim a bond and reward');

  proposals
    .command('list', { isDefault: true })
    .description('list the governance proposals of this chain with their state and next deadline')
    .action(async (_opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [g, { formatFlock }] = await Promise.all([import('../../protocol/governance.js'), import('../../units/index.js')]);
      const { p } = await openProtocol(ctx);
      const all = await g.listProposals(p);
      await ctx.output({ proposals: all.map(view) }, () =>
        all.length === 0
          ? 'no proposals yet; `flock propose --title … --set <param>=<value>` makes one'
          : all.map((x) => `${x.id}  ${x.state.padEnd(9)} ${x.title}: ${x.status} (for ${formatFlock(x.votes.for)}, against ${formatFlock(x.votes.against)})`),
      );
    });

  proposals
    .command('show')
    .description('a proposal: state in plain words with its deadlines, votes, flags, bond, reward and actions')
    .argument('<id>', 'the proposal id')
    .action(async (idText: string, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [g, { formatFlock }] = await Promise.all([import('../../protocol/governance.js'), import('../../units/index.js')]);
      const id = g.parseProposalId(idText);
      const { p } = await openProtocol(ctx);
      const x = await g.getProposal(p, id);
      await ctx.output(view(x), () => [
        `proposal ${x.id}: ${x.title}`,
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
    .argument('<id>', 'the proposal id')
    .action(async (idText: string, _opts, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [g, { formatFlock }] = await Promise.all([import('../../protocol/governance.js'), import('../../units/index.js')]);
      const id = g.parseProposalId(idText);
      const { p, signer } = await openProtocol(ctx, { sign: true });
      const r = await g.claim(p, signer, id, ctx.log);
      const result = { ...r, proposalId: r.proposalId.toString() };
      await ctx.output(result, (x) => [`paid ${x.proposer} a bond of ${formatFlock(r.bond)} and a reward of ${formatFlock(r.reward)} for proposal ${x.proposalId}`]);
    });
}
