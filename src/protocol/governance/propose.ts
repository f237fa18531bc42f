import { id as keccakText } from 'ethers';
import { requireGovernor, requireSigner, type ProtocolConnection } from '../connection.js';
import { belowProposalThreshold, insufficientBond, invalidProposal } from '../errors.js';
import { ensureAllowance, findEvent, transact } from '../tx.js';
import { getUndelegatedFlock } from './getUndelegatedFlock.js';
import type { ProposalAction } from './types.js';

export interface ProposeParameters {
  /** From paramAction and rawCallAction. */
  actions: ProposalAction[];
  /** One line: the description's markdown heading. */
  title: string;
  /** The body (markdown). */
  description?: string;
}

export interface ProposeReturnType {
  proposalId: bigint;
  proposer: string;
  bond: bigint;
  description: string;
  actions: ProposalAction[];
  voteStart: bigint;
  voteEnd: bigint;
  txHash: string;
}

/**
 * OpenZeppelin's description convention: a markdown title, a blank line, the body.
 *
 * @example
 * proposalDescription('Lower sigma', 'because') // '# Lower sigma\n\nbecause'
 */
export function proposalDescription(title: string, body?: string): string {
  return body ? `# ${title}\n\n${body}` : `# ${title}`;
}

/**
 * Proposes `actions` to governance, checking the proposer's votes and bond first and approving
 * the bond when needed.
 *
 * @example
 * const r = await propose(client, { actions: [await paramAction(client, { assignment: 'arena.gamma=0.4' })], title: 'Raise gamma' });
 * r.proposalId;
 */
export async function propose(client: ProtocolConnection, { actions, title, description: body }: ProposeParameters): Promise<ProposeReturnType> {
  const gov = requireGovernor(client);
  const { token, votes } = client.contracts;
  if (actions.length === 0) throw invalidProposal('a proposal needs at least one action', 'add --set <param>=<value> or --call <target> <signature> <args...>');
  const proposer = await requireSigner(client, 'propose').getAddress();
  const description = proposalDescription(title, body);
  const [bond, threshold] = await Promise.all([gov.proposalBond(), gov.proposalThreshold()]);
  // Weight now; the Governor reads it at the second before the proposal's block, which is later.
  const weight = votes ? await votes.getVotes(proposer) : threshold;
  if (weight < threshold) throw belowProposalThreshold(weight, threshold, await getUndelegatedFlock(client, { account: proposer }));
  const balance = await token.balanceOf(proposer);
  if (balance < bond) throw insufficientBond(bond, balance);
  await ensureAllowance(client, token, await gov.getAddress(), bond, 'the proposal bond');
  const targets = actions.map((a) => a.target);
  const values = actions.map((a) => a.value);
  const calldatas = actions.map((a) => a.calldata);
  const receipt = await transact(client, 'propose', () => gov.propose(targets, values, calldatas, description));
  const created = findEvent(gov, receipt, 'ProposalCreated');
  const proposalId = created ? (created.args[0] as bigint) : await gov.hashProposal(targets, values, calldatas, keccakText(description));
  return {
    proposalId,
    proposer,
    bond,
    description,
    actions,
    voteStart: created ? (created.args[6] as bigint) : await gov.proposalSnapshot(proposalId),
    voteEnd: created ? (created.args[7] as bigint) : await gov.proposalDeadline(proposalId),
    txHash: receipt.hash,
  };
}
