import { requireGovernor, type ProtocolConnection } from '../connection.js';
import { findEvent, transact } from '../tx.js';
import { SUPPORT, type ProposalParameters, type Support } from './types.js';

export interface VoteParameters extends ProposalParameters {
  support: Support;
  /** Recorded on chain with the vote. */
  reason?: string;
}

export interface VoteReturnType {
  proposalId: bigint;
  support: Support;
  /** The weight counted (delegated liquid FLOCK plus locked FLOCK, at the proposal's snapshot). */
  weight: bigint;
  reason: string;
  txHash: string;
}

/**
 * Votes on an Active proposal.
 *
 * @example
 * const { weight } = await vote(client, { proposalId: 42n, support: 'for' });
 */
export async function vote(client: ProtocolConnection, { proposalId, support, reason = '' }: VoteParameters): Promise<VoteReturnType> {
  const gov = requireGovernor(client);
  const receipt = await transact(client, `vote on proposal ${proposalId}`, () => gov.castVoteWithReason(proposalId, SUPPORT[support], reason));
  const cast = findEvent(gov, receipt, 'VoteCast');
  return { proposalId, support, weight: cast ? (cast.args[3] as bigint) : 0n, reason, txHash: receipt.hash };
}
