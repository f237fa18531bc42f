import { requireGovernor, type ProtocolConnection } from '../connection.js';
import { transact } from '../tx.js';
import { getProposal } from './getProposal.js';
import type { ProposalParameters } from './types.js';

export type ExecuteParameters = ProposalParameters;

export interface ExecuteReturnType {
  proposalId: bigint;
  txHash: string;
}

/**
 * Executes a Queued proposal once its timelock delay has passed.
 *
 * @example
 * await execute(client, { proposalId: 42n });
 */
export async function execute(client: ProtocolConnection, { proposalId }: ExecuteParameters): Promise<ExecuteReturnType> {
  const gov = requireGovernor(client);
  const x = await getProposal(client, { proposalId });
  const receipt = await transact(client, `execute proposal ${proposalId}`, () => gov.execute(x.targets, x.values, x.calldatas, x.descriptionHash));
  return { proposalId, txHash: receipt.hash };
}
