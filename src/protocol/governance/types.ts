/** The Governor's enums (OpenZeppelin's ProposalState, IFlockGovernor's BondStatus) and shared shapes. */

/** OpenZeppelin's ProposalState, by index. */
export const PROPOSAL_STATES = ['pending', 'active', 'canceled', 'defeated', 'succeeded', 'queued', 'expired', 'executed'] as const;
export type ProposalStateName = (typeof PROPOSAL_STATES)[number];
export const ProposalState = { Pending: 0, Active: 1, Canceled: 2, Defeated: 3, Succeeded: 4, Queued: 5, Expired: 6, Executed: 7 } as const;

/** BondStatus of IFlockGovernor, by index. */
export const BOND_STATUSES = ['none', 'held', 'returned', 'slashed'] as const;
export type BondStatusName = (typeof BOND_STATUSES)[number];
export const BondStatus = { None: 0, Held: 1, Returned: 2, Slashed: 3 } as const;

export const SUPPORT = { against: 0, for: 1, abstain: 2 } as const;
export type Support = keyof typeof SUPPORT;

/** One call the timelock will make. */
export interface ProposalAction {
  target: string;
  value: bigint;
  calldata: string;
  /** Human summary, e.g. `pool.sigmaMax: 0.5 -> 0.4`. */
  summary: string;
}

/** Every proposal action names its proposal. */
export interface ProposalParameters {
  proposalId: bigint;
}
