import { registerRevertHint } from '../../chain/ethers-errors.js';
import { PROPOSAL_STATES } from './types.js';

/**
 * The next step for each custom error of the Governor (FLOCK's and OpenZeppelin's), shown under
 * the decoded revert. Registered once, when the protocol layer connects (connection.ts).
 */
const stateName = (s: unknown) => PROPOSAL_STATES[Number(s)] ?? String(s);
const show = (id: unknown) => `\`flock proposals show ${id}\` shows its state and deadlines`;

registerRevertHint('FlockGovernorFlagWindowClosed', ([id, s]) => `proposal ${id} is ${stateName(s)}: flags are accepted only during its flag window; ${show(id)}`);
registerRevertHint('FlockGovernorAlreadyFlagged', ([id]) => `you flagged proposal ${id} already; ${show(id)}`);
registerRevertHint('FlockGovernorNoFlagWeight', () => 'only FLOCK that voted (delegated or locked) the second before the proposal can flag it; `flock vote --self-delegate` makes your liquid FLOCK vote for later proposals');
registerRevertHint('FlockGovernorBondLocked', ([id, s]) => `proposal ${id} is ${stateName(s)}: its bond returns once the vote is over`);
registerRevertHint('FlockGovernorBondSettled', ([id]) => `the bond of proposal ${id} was returned or slashed already`);
registerRevertHint('FlockGovernorNotExecuted', ([id, s]) => `proposal ${id} is ${stateName(s)}: a reward is paid only once it is executed (\`flock execute ${id}\`)`);
registerRevertHint('FlockGovernorNoReward', ([id]) => `proposal ${id} earns no (more) reward`);
registerRevertHint('FlockGovernorRewardUnfunded', () => 'the Governor’s reward budget is short: the treasury tops it up by a proposal (FLOCK.transfer(governor, amount)); claim again then');
registerRevertHint('FlockGovernorSettingOutOfBounds', ([, , min, max]) => `the setting must lie between ${min} and ${max}`);
registerRevertHint('FlockGovernorUnknownSetting', () => 'settings: proposalBond, proposalReward, flagThreshold (setSetting); the others have their own setters');
registerRevertHint('FlockGovernorRelayToFlock', () => 'governance cannot relay calls to the FLOCK token');
registerRevertHint('GovernorUnexpectedProposalState', ([id, s]) => `proposal ${id} is ${stateName(s)}; ${show(id)}`);
registerRevertHint('GovernorNonexistentProposal', () => '`flock proposals list` shows the proposals with their numbers and ids');
registerRevertHint('GovernorAlreadyCastVote', () => 'each account votes once per proposal');
registerRevertHint('GovernorInsufficientProposerVotes', () => 'proposing needs votes the second before: pass --self-delegate once, or lock more FLOCK');
registerRevertHint('GovernorAlreadyQueuedProposal', ([id]) => `proposal ${id} is queued already; \`flock execute ${id}\` once its delay has passed`);
registerRevertHint('GovernorUnableToCancel', () => 'only the proposer cancels, only while pending and not flagged');
registerRevertHint('TimelockUnexpectedOperationState', () => 'the timelock delay has not passed yet; `flock proposals show <proposal>` says when it is executable');
