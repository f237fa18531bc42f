/**
 * Governance (contracts/governance/, ProtocolConfig): one file per action and view, the enums in
 * types.ts, and the catalogue of governed parameters generated from the contracts
 * (params.generated.ts, by scripts/gen-params.mjs) with their units in params.ts. A
 * ProtocolClient has the actions bound as `client.governance.x(params)`.
 */
export * from './actions.js';
export * from './params.js';
export * from './types.js';
export { describeCall, type DescribeCallParameters } from './describeCall.js';
export { parseProposalId, parseProposalRef, type ProposalRef } from './proposalId.js';
export { proposalDescription } from './propose.js';
export { rawCallAction } from './rawCallAction.js';
export type { ClaimProposalParameters, ClaimProposalReturnType } from './claimProposal.js';
export type { ExecuteParameters, ExecuteReturnType } from './execute.js';
export type { FlagParameters, FlagReturnType } from './flag.js';
export type { GetParamParameters, GetParamReturnType } from './getParam.js';
export type { GetParamsParameters, GetParamsReturnType, ParamInfo } from './getParams.js';
export type { GetProposalIdsReturnType, ResolveProposalIdParameters, ResolveProposalIdReturnType } from './proposalNumbers.js';
export type { GetProposalParameters, GetProposalReturnType } from './getProposal.js';
export type { GetProposalsReturnType, ProposalInfo } from './getProposals.js';
export type { GetUndelegatedFlockParameters, GetUndelegatedFlockReturnType } from './getUndelegatedFlock.js';
export type { ParamActionParameters, ParamActionReturnType } from './paramAction.js';
export type { ProposeParameters, ProposeReturnType } from './propose.js';
export type { QueueParameters, QueueReturnType } from './queue.js';
export type { SelfDelegateReturnType } from './selfDelegate.js';
export type { VoteParameters, VoteReturnType } from './vote.js';
/** The Governor of the deployment, or an AbortError (NO_GOVERNANCE): a command checks it first. */
export { requireGovernor } from '../connection.js';
