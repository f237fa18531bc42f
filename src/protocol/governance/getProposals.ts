import { id as keccakText } from 'ethers';
import type { FlockGovernor } from '../../chain/types/index.js';
import { requireGovernor, type ProtocolConnection } from '../connection.js';
import { describeCall } from './describeCall.js';
import { proposalCreatedEvents } from './proposalNumbers.js';
import { BOND_STATUSES, PROPOSAL_STATES, type BondStatusName, type ProposalStateName } from './types.js';

/** A proposal as its ProposalCreated event and the Governor's views tell it. */
export interface ProposalInfo {
  id: bigint;
  /** Its short number on this chain: 1 for the first proposal, in creation order. */
  number: number;
  proposer: string;
  title: string;
  description: string;
  targets: string[];
  values: bigint[];
  calldatas: string[];
  /** Each call in words (see {@link describeCall}). */
  actions: string[];
  descriptionHash: string;
  state: ProposalStateName;
  /** Unix seconds. */
  voteStart: number;
  voteEnd: number;
  eta: number;
  votes: { against: bigint; for: bigint; abstain: bigint };
  quorum: bigint;
  bond: bigint;
  bondStatus: BondStatusName;
  reward: bigint;
  rewardClaimed: boolean;
  flagWeight: bigint;
  flagQuorum: bigint;
  createdBlock: number;
}

export type GetProposalsReturnType = ProposalInfo[];

/**
 * Every proposal of this deployment, read from ProposalCreated events, oldest first.
 *
 * @example
 * const open = (await getProposals(client)).filter((p) => p.state === 'active');
 */
export async function getProposals(client: ProtocolConnection): Promise<GetProposalsReturnType> {
  const gov = requireGovernor(client);
  const events = await proposalCreatedEvents(client);
  return Promise.all(
    events.map(async (e, i) => {
      // Positional: on an ethers Result, `values` is Array.prototype.values.
      const r = e.args as unknown as readonly unknown[];
      const created: Created = {
        proposalId: r[0] as bigint,
        proposer: r[1] as string,
        targets: [...(r[2] as string[])],
        values: [...(r[3] as bigint[])],
        calldatas: [...(r[5] as string[])],
        voteStart: r[6] as bigint,
        voteEnd: r[7] as bigint,
        description: r[8] as string,
      };
      const info = await readProposal(gov, created, e.blockNumber, i + 1);
      info.actions = info.targets.map((target, i) => describeCall(client, { target, calldata: info.calldatas[i]! }));
      return info;
    }),
  );
}

interface Created {
  proposalId: bigint;
  proposer: string;
  targets: string[];
  values: bigint[];
  calldatas: string[];
  voteStart: bigint;
  voteEnd: bigint;
  description: string;
}

async function readProposal(gov: FlockGovernor, a: Created, block: number, number: number): Promise<ProposalInfo> {
  const id = a.proposalId;
  const [state, eta, counts, info, quorum] = await Promise.all([
    gov.state(id),
    gov.proposalEta(id),
    gov.proposalVotes(id),
    gov.bondInfo(id),
    gov.quorum(a.voteStart).catch(() => 0n),
  ]);
  return {
    id,
    number,
    proposer: a.proposer,
    title: a.description.split('\n')[0]!.replace(/^#\s*/, ''),
    description: a.description,
    targets: a.targets,
    values: a.values,
    calldatas: a.calldatas,
    actions: [],
    descriptionHash: keccakText(a.description),
    state: PROPOSAL_STATES[Number(state)]!,
    voteStart: Number(a.voteStart),
    voteEnd: Number(a.voteEnd),
    eta: Number(eta),
    votes: { against: counts[0], for: counts[1], abstain: counts[2] },
    quorum,
    bond: info.bond,
    bondStatus: BOND_STATUSES[Number(info.status)]!,
    reward: info.reward,
    rewardClaimed: info.rewardClaimed,
    flagWeight: info.flagWeight,
    flagQuorum: info.flagQuorum,
    createdBlock: block,
  };
}
