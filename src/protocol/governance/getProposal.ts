import type { ProtocolConnection } from '../connection.js';
import { unknownProposal } from '../errors.js';
import { getProposals, type ProposalInfo } from './getProposals.js';
import type { ProposalParameters } from './types.js';

export type GetProposalParameters = ProposalParameters;
export type GetProposalReturnType = ProposalInfo;

/**
 * One proposal by id; an AbortError (UNKNOWN_PROPOSAL) when this chain has none by that id.
 *
 * @example
 * const p = await getProposal(client, { proposalId: 42n });
 * p.state; // 'active'
 */
export async function getProposal(client: ProtocolConnection, { proposalId }: GetProposalParameters): Promise<GetProposalReturnType> {
  const found = (await getProposals(client)).find((x) => x.id === proposalId);
  if (!found) throw unknownProposal(proposalId);
  return found;
}
