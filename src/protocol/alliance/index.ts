/**
 * The FL Alliance (contracts/alliance/): its enums, commit-reveal hashes, role draw (the twin of
 * AllianceRoles.sol), views and writes. A ProtocolClient has the actions bound as `client.alliance.x(params)`.
 */
export * from './actions.js';
export * from './commitments.js';
export { ALLIANCE_MAX_PARTICIPANTS, ALLIANCE_MAX_PROPOSERS, allianceProposers, isAllianceProposer } from './roles.js';
export * from './types.js';
export { allianceDeadline, allianceReady, type AllianceProgress, type AllianceReadyOptions } from './progress.js';
export type { AllianceMemberView, AllianceRoundView, AllianceSpecView, AllianceTaskView, AllianceUpdateView } from './views.js';
export type { CreateAllianceTaskParameters, TxResult } from './writes.js';
export { requireAlliance } from '../connection.js';
