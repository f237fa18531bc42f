/** Governance's actions and views, each `(client, params)`: what client.ts binds as `client.governance`. */
export { claimProposal } from './claimProposal.js';
export { execute } from './execute.js';
export { flag } from './flag.js';
export { getParam } from './getParam.js';
export { getParams } from './getParams.js';
export { getProposal } from './getProposal.js';
export { getProposals } from './getProposals.js';
export { getProposalIds, resolveProposalId } from './proposalNumbers.js';
export { getUndelegatedFlock } from './getUndelegatedFlock.js';
export { paramAction } from './paramAction.js';
export { propose } from './propose.js';
export { queue } from './queue.js';
export { selfDelegate } from './selfDelegate.js';
export { vote } from './vote.js';
