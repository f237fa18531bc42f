/** The Alliance's actions and views, each `(client, params)`: what client.ts binds as `client.alliance`. */
export { getAllianceClaimable, getAllianceMember, getAllianceParticipants, getAllianceRole, getAllianceRound, getAllianceTask, getAllianceTaskCount, getAllianceUpdates, getAllianceVote } from './views.js';
export { claimAlliance, commitUpdate, commitVote, createAllianceTask, drawRoles, expireRound, joinAlliance, leaveAlliance, revealUpdate, revealVote, settleRound, startRound } from './writes.js';
export { getAllianceProgress } from './progress.js';
