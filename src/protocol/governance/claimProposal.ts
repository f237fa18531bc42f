import { requireGovernor, type ProtocolConnection } from '../connection.js';
import { nothingToClaim, unknownProposal } from '../errors.js';
import { transact } from '../tx.js';
import { BondStatus, ProposalState, type ProposalParameters } from './types.js';

export type ClaimProposalParameters = ProposalParameters;

export interface ClaimProposalReturnType {
  proposalId: bigint;
  /** Who was paid: the proposer, whoever calls. */
  proposer: string;
  bond: bigint;
  reward: bigint;
  txHashes: string[];
}

/**
 * Claims what a proposal owes its proposer: the bond (once out of Pending/Active, unless dropped)
 * and the reward (once Executed). Anyone may call; the FLOCK goes to the proposer.
 *
 * @example
 * const { bond, reward } = await claimProposal(client, { proposalId: 42n });
 */
export async function claimProposal(client: ProtocolConnection, { proposalId: id }: ClaimProposalParameters): Promise<ClaimProposalReturnType> {
  const gov = requireGovernor(client);
  const [info, state] = await Promise.all([gov.bondInfo(id), gov.state(id)]);
  if (info.status === BigInt(BondStatus.None)) throw unknownProposal(id);
  let bond = 0n;
  let reward = 0n;
  const txs: string[] = [];
  const open = state === BigInt(ProposalState.Pending) || state === BigInt(ProposalState.Active);
  if (info.status === BigInt(BondStatus.Held) && !open) {
    txs.push((await transact(client, `claim the bond of proposal ${id}`, () => gov.claimBond(id))).hash);
    bond = info.bond;
  }
  if (state === BigInt(ProposalState.Executed) && info.reward > 0n && !info.rewardClaimed) {
    txs.push((await transact(client, `claim the reward of proposal ${id}`, () => gov.claimReward(id))).hash);
    reward = info.reward;
  }
  if (txs.length === 0) {
    const why =
      info.status === BigInt(BondStatus.Slashed)
        ? 'its bond was slashed (the proposal was dropped as spam)'
        : open
          ? 'it is still open: the bond returns once the vote is over'
          : 'its bond and reward were claimed already (or it earns no reward)';
    throw nothingToClaim(id, why);
  }
  return { proposalId: id, proposer: await gov.proposalProposer(id), bond, reward, txHashes: txs };
}
