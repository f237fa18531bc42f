import { parseEther, type Signer } from 'ethers';
import type { Logger } from 'pino';
import {
  FlockGovernor__factory,
  FlockTimelock__factory,
  FlockToken__factory,
  FlockVotes__factory,
  ProposalBonds__factory,
} from '../chain/types/index.js';

type Settings = Parameters<FlockGovernor__factory['deploy']>[2];

/** The Governor's settings on a real chain (those of test/contracts/utils/GovernanceFixture.sol). */
export const GOVERNANCE_MAINNET: { [K in keyof Settings]: bigint } & { rewardBudget: bigint } = {
  /** Flag window (the voting delay). */
  votingDelay: 2n * 86400n,
  votingPeriod: 5n * 86400n,
  proposalThreshold: parseEther('100000'),
  quorumFraction: parseEther('0.04'),
  proposalBond: parseEther('10000'),
  proposalReward: parseEther('1000'),
  flagThreshold: parseEther('0.01'),
  /** FLOCK sent to the Governor at deployment to pay the first proposals' rewards (5 rewards). */
  rewardBudget: parseEther('5000'),
};

/** The devnet's: short windows, so a whole proposal walks through in minutes with `flock devnet warp`. */
export const GOVERNANCE_DEVNET: typeof GOVERNANCE_MAINNET = {
  ...GOVERNANCE_MAINNET,
  votingDelay: 3600n,
  votingPeriod: 86400n,
};

/** Deploys `name` once (journaled by the caller); returns its address. */
export type DeployStep = (
  name: 'ProposalBonds' | 'FlockVotes' | 'FlockGovernor',
  deploy: () => Promise<{ getAddress(): Promise<string>; deploymentTransaction(): { wait(): Promise<unknown> } | null }>,
) => Promise<string>;

export interface DeployGovernanceOptions {
  signer: Signer;
  deployer: string;
  devnet: boolean;
  step: DeployStep;
  send: (what: string, tx: Promise<{ wait(): Promise<unknown> }>) => Promise<void>;
  token: string;
  gm: string;
  timelock: string;
  log: Logger;
  /** Overrides of the settings. */
  settings?: Partial<typeof GOVERNANCE_MAINNET>;
}

/**
 * Deploys ProposalBonds, FlockVotes and FlockGovernor, makes the Governor the timelock's only
 * proposer and canceller, and funds its reward budget from the deployer's genesis allocation.
 * Must run while the deployer still administers the timelock (before the hand-over). Each step
 * checks the chain first, so a re-run repeats nothing.
 */
export async function deployGovernance(o: DeployGovernanceOptions): Promise<{ votes: string; governor: string; bonds: string }> {
  const s = { ...(o.devnet ? GOVERNANCE_DEVNET : GOVERNANCE_MAINNET), ...o.settings };
  const bonds = await o.step('ProposalBonds', () => new ProposalBonds__factory(o.signer).deploy());
  const votes = await o.step('FlockVotes', () => new FlockVotes__factory(o.signer).deploy(o.token, o.gm));
  const settings: Settings = {
    votingDelay: s.votingDelay,
    votingPeriod: s.votingPeriod,
    proposalThreshold: s.proposalThreshold,
    quorumFraction: s.quorumFraction,
    proposalBond: s.proposalBond,
    proposalReward: s.proposalReward,
    flagThreshold: s.flagThreshold,
  };
  const governor = await o.step('FlockGovernor', () =>
    new FlockGovernor__factory({ 'contracts/governance/ProposalBonds.sol:ProposalBonds': bonds }, o.signer).deploy(votes, o.timelock, settings),
  );

  const timelock = FlockTimelock__factory.connect(o.timelock, o.signer);
  const PROPOSER = await timelock.PROPOSER_ROLE();
  const CANCELLER = await timelock.CANCELLER_ROLE();
  if (!(await timelock.hasRole(PROPOSER, governor))) await o.send('governor proposes to the timelock', timelock.grantRole(PROPOSER, governor));
  if (!(await timelock.hasRole(CANCELLER, governor))) await o.send('governor cancels in the timelock', timelock.grantRole(CANCELLER, governor));

  // The reward budget: as in the fixture, a deploy-time transfer; governance tops it up later.
  const gov = FlockGovernor__factory.connect(governor, o.signer);
  const have = await gov.rewardBudget();
  if (have < s.rewardBudget) {
    const token = FlockToken__factory.connect(o.token, o.signer);
    await o.send('governor reward budget funded', token.transfer(governor, s.rewardBudget - have));
  }
  return { votes, governor, bonds };
}
