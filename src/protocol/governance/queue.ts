import { requireGovernor, type ProtocolConnection } from '../connection.js';
import { transact } from '../tx.js';
import { getProposal } from './getProposal.js';
import type { ProposalParameters } from './types.js';

export type QueueParameters = ProposalParameters;

export interface QueueReturnType {
  proposalId: bigint;
  /** Unix seconds from which it can be executed. */
  eta: number;
  txHash: string;
}

/**
 * Queues a Succeeded proposal in the timelock.
 *
 * @example
 * const { eta } = await queue(client, { proposalId: 42n });
 */
export async function queue(client: ProtocolConnection, { proposalId }: QueueParameters): Promise<QueueReturnType> {
  const gov = requireGovernor(client);
  const x = await getProposal(client, { proposalId });
  const receipt = await transact(client, `queue proposal ${proposalId}`, () => gov.queue(x.targets, x.values, x.calldatas, x.descriptionHash));
  return { proposalId, eta: Number(await gov.proposalEta(proposalId)), txHash: receipt.hash };
}
