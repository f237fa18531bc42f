import { registerRevertHint } from '../../chain/ethers-errors.js';
import { PROPOSAL_STATES } from './types.js';

/**
 * The next step for each custom error of the Governor (FLOCK's and OpenZeppelin's), shown under
 * the decoded revert. Registered once, when the protocol layer connects (connection.ts).
 */
const stateName = (s: unknown) => PROPOSAL_STATES[Number(s)] ?? String(s);
// The user just named the proposal (number or id): hints say "the proposal", never its 77-digit id.
const show = '`flock proposals show <proposal>` shows its state and deadlines';

registerRevertHint('FlockGovernorFlagWindowClosed', ([, s]) => `the proposal is ${stateName(s)}: flags are accepted only during its flag window; ${show}`);
registerRevertHint('FlockGovernorAlreadyFlagged', () => `you flagged the proposal already; ${show}`);
registerRevertHint('FlockGovernorNoFlagWeight', () => 'only FLOCK that voted (delegated or locked) the second before the proposal can flag it; `flock vote --self-delegate` makes your liquid FLOCK vote for later proposals');
registerRevertHint('FlockGovernorBondLocked', ([, s]) => `the proposal is ${stateName(s)}: its bond returns once the vote is over`);
registerRevertHint('FlockGovernorBondSettled', () => 'the bond of the proposal was returned or slashed already');
registerRevertHint('FlockGovernorNotExecuted', ([, s]) => `the proposal is ${stateName(s)}: a reward is paid only once it is executed (\`flock execute <proposal>\`)`);
registerRevertHint('FlockGovernorNoReward', () => 'the proposal earns no (more) reward');
registerRevertHint('FlockGovernorRewardUnfunded', () => 'the Governor’s reward budget is short: the treasury tops it up by a proposal (FLOCK.transfer(governor, amount)); claim again then');
registerRevertHint('FlockGovernorSettingOutOfBounds', ([, , min, max]) => `the setting must lie between ${min} and ${max}`);
registerRevertHint('FlockGovernorUnknownSetting', () => 'settings: proposalBond, proposalReward, flagThreshold (setSetting); the others have their own setters');
registerRevertHint('FlockGovernorRelayToFlock', () => 'governance cannot relay calls to the FLOCK token');
registerRevertHint('GovernorUnexpectedProposalState', ([, s]) => `the proposal is ${stateName(s)}; ${show}`);
registerRevertHint('GovernorNonexistentProposal', () => '`flock proposals list` shows the proposals with their numbers and ids');
registerRevertHint('GovernorAlreadyCastVote', () => 'each account votes once per proposal');
registerRevertHint('GovernorInsufficientProposerVotes', () => 'proposing needs votes the second before: pass --self-delegate once, or lock more FLOCK');
registerRevertHint('GovernorAlreadyQueuedProposal', () => 'the proposal is queued already; `flock execute <proposal>` once its delay has passed');
registerRevertHint('GovernorUnableToCancel', () => 'only the proposer cancels, only while pending and not flagged');
registerRevertHint('TimelockUnexpectedOperationState', () => 'the timelock delay has not passed yet; `flock proposals show <proposal>` says when it is executable');
