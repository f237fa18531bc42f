import { registerRevertHint } from '../../chain/ethers-errors.js';
import { fromWad } from '../../units/index.js';
import { ROLES, ROUND_PHASES, TASK_STATUSES } from './types.js';

/**
 * The next step for each custom error of the Alliance (contracts/interfaces/IAllianceTypes.sol),
 * shown under the decoded revert. Registered once, when the protocol layer connects (connection.ts).
 */
const wad = (v: unknown) => String(fromWad(BigInt(v as bigint)));
const show = (id: unknown) => `\`flock alliance show ${id}\``;

registerRevertHint('AllianceUnknownTask', () => '`flock alliance list` lists the Alliance tasks of this chain');
registerRevertHint('AllianceNotInStatus', ([id, status]) => `task ${id} is ${TASK_STATUSES[Number(status)] ?? status}; ${show(id)} says what comes next`);
registerRevertHint('AllianceNotInPhase', ([id, round, phase]) => `round ${round} of task ${id} is in its ${ROUND_PHASES[Number(phase)] ?? phase} phase; ${show(id)} shows when the next opens`);
registerRevertHint('AllianceBadParams', ([reason]) => `fix the task spec: ${String(reason)}`);
registerRevertHint('AllianceStakeTooLow', ([, min]) => `stake at least ${wad(min)} gmFLOCK`);
registerRevertHint('AllianceInvalidCID', () => 'a CID must be non-empty and at most 128 characters');
registerRevertHint('AllianceAlreadyParticipating', () => 'an account joins a task once (and a creator not at all); `flock alliance status` shows where it stands');
registerRevertHint('AllianceFull', ([, max]) => `the task has its ${max} participants; join another (\`flock alliance list\`)`);
registerRevertHint('AllianceNotParticipant', ([id]) => `join first: \`flock alliance join --task ${id} --data <file>\``);
registerRevertHint('AllianceWrongRole', ([id, , role]) => `this account is not a ${ROLES[Number(role)] ?? role} of the current round of task ${id}; ${show(id)} lists the roles`);
registerRevertHint('AllianceZeroCommitment', () => 'a commitment must not be zero');
registerRevertHint('AllianceCommitmentMismatch', () => 'the revealed value or salt differs from the commitment; check the daemon state file under <home>/daemons');
registerRevertHint('AllianceCannotReveal', () => 'nothing committed in this round, or already revealed');
registerRevertHint('AllianceZeroExamples', () => 'an update names the number of examples it was trained on (> 0)');
registerRevertHint('AllianceScoreOutOfRange', () => 'scores are WAD fixed point within ±1e36');
registerRevertHint('AllianceBadBlame', () => 'a vote may blame only proposers of the round');
registerRevertHint('AllianceWordNotReady', ([id]) => `the round's random word has not arrived; wait, or renew the request after its timeout (${show(id)})`);
registerRevertHint('AllianceDrawNotExpired', ([, at]) => `the randomness may be declared lost only after ${new Date(Number(at) * 1000).toISOString()}`);
registerRevertHint('AllianceNothingToClaim', ([id]) => `nothing is owed yet; ${show(id)} shows rewards per participant`);
registerRevertHint('AllianceBadBatch', () => 'settle at least one participant per call');
registerRevertHint('AllianceNotArenaWinner', ([task, sub]) => `submission ${sub} is not the winner of a finalized Arena task ${task}; \`flock task show ${task}\``);
registerRevertHint('AllianceWordReady', ([id]) => `the round's random word came: draw the roles instead (any node does; ${show(id)})`);
