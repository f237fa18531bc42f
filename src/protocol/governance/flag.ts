import { requireGovernor, type ProtocolConnection } from '../connection.js';
import { findEvent, transact } from '../tx.js';
import type { ProposalParameters } from './types.js';

export type FlagParameters = ProposalParameters;

export interface FlagReturnType {
  proposalId: bigint;
  /** The signer's flag weight, and all flags so far. */
  weight: bigint;
  totalWeight: bigint;
  /** Flags needed to drop the proposal. */
  flagQuorum: bigint;
  /** Whether this flag dropped it (canceled, bond slashed). */
  dropped: boolean;
  txHash: string;
}

/**
 * Flags a Pending proposal as spam or a scam; enough flags drop it and slash its bond.
 *
 * @example
 * const { dropped } = await flag(client, { proposalId: 42n });
 */
export async function flag(client: ProtocolConnection, { proposalId }: FlagParameters): Promise<FlagReturnType> {
  const gov = requireGovernor(client);
  const receipt = await transact(client, `flag proposal ${proposalId}`, () => gov.flag(proposalId));
  const flagged = findEvent(gov, receipt, 'ProposalFlagged');
  const info = await gov.bondInfo(proposalId);
  return {
    proposalId,
    weight: flagged ? (flagged.args[2] as bigint) : 0n,
    totalWeight: flagged ? (flagged.args[3] as bigint) : 0n,
    flagQuorum: info.flagQuorum,
    dropped: findEvent(gov, receipt, 'ProposalDropped') !== undefined,
    txHash: receipt.hash,
  };
}
