export { ALLIANCE_MAX_PARTICIPANTS, ALLIANCE_MAX_PROPOSERS, allianceProposers, isAllianceProposer } from './roles.js';
