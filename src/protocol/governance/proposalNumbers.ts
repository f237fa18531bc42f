import { requireGovernor, type ProtocolConnection } from '../connection.js';
import { unknownProposalNumber } from '../errors.js';
import { parseProposalRef, type ProposalRef } from './proposalId.js';

/** The ids of every proposal of this deployment, oldest first: proposal #n is `ids[n - 1]`. */
export type GetProposalIdsReturnType = bigint[];

/**
 * The proposal ids in creation order, read from the Governor's ProposalCreated events since the
 * deployment's block. A proposal's short number is its place in this list, counting from 1: the
 * Governor keeps no counter, and the events are the same for every reader of the chain.
 *
 * @example
 * const ids = await getProposalIds(client);
 * ids[0]; // the id of proposal #1
 */
export async function getProposalIds(client: ProtocolConnection): Promise<GetProposalIdsReturnType> {
  return (await proposalCreatedEvents(client)).map((e) => (e.args as unknown as readonly unknown[])[0] as bigint);
}

/** The Governor's ProposalCreated events since the deployment's block, oldest first. */
export async function proposalCreatedEvents(client: ProtocolConnection) {
  const gov = requireGovernor(client);
  return gov.queryFilter(gov.filters.ProposalCreated(), client.record.block || 0);
}

export interface ResolveProposalIdParameters {
  /** A short number (`3`, `#3`) or a full id, as typed, or already parsed. */
  ref: string | ProposalRef;
}

export interface ResolveProposalIdReturnType {
  proposalId: bigint;
  /** Its short number; undefined for an id no ProposalCreated event of this deployment names. */
  number: number | undefined;
}

/**
 * A proposal named by its short number or its full id: both, read from this chain's
 * ProposalCreated events; an AbortError (UNKNOWN_PROPOSAL) for a number past the last proposal.
 * An id the events do not name comes back with no number (the action on it says what is wrong).
 *
 * @example
 * const { proposalId, number } = await resolveProposalId(client, { ref: '2' }); // number 2
 */
export async function resolveProposalId(client: ProtocolConnection, { ref }: ResolveProposalIdParameters): Promise<ResolveProposalIdReturnType> {
  const r = typeof ref === 'string' ? parseProposalRef(ref) : ref;
  const ids = await getProposalIds(client);
  if ('id' in r) {
    const i = ids.indexOf(r.id);
    return { proposalId: r.id, number: i < 0 ? undefined : i + 1 };
  }
  const proposalId = ids[r.number - 1];
  if (proposalId === undefined) throw unknownProposalNumber(r.number, ids.length);
  return { proposalId, number: r.number };
}
