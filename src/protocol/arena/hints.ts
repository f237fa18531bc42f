import { registerRevertHint } from '../../chain/ethers-errors.js';
import { fromWad } from '../../units/index.js';
import { PHASES } from './types.js';

/**
 * The next step for each custom error of the Arena (contracts/interfaces/IArenaTypes.sol), shown
 * under the decoded revert. Registered once, when the protocol layer connects (connection.ts).
 */
const wad = (v: unknown) => String(fromWad(BigInt(v as bigint)));

registerRevertHint('ArenaUnknownTask', () => '`flock task list` lists the tasks of this chain');
registerRevertHint('ArenaNotInPhase', ([id, phase]) => `task ${id} is in its ${PHASES[Number(phase)] ?? phase} phase; \`flock task show ${id}\` says what comes next and when`);
registerRevertHint('ArenaStakeTooLow', ([, min]) => `stake at least ${wad(min)} gmFLOCK`);
registerRevertHint('ArenaPhaseTooShort', ([, min]) => `every phase must last at least ${Number(min)} s (arena.minPhase)`);
registerRevertHint('ArenaTaskTooLong', ([, max]) => `the four phases together may last at most ${Number(max)} s (arena.maxTaskDuration)`);
registerRevertHint('ArenaInvalidTaskParams', () => 'check the task spec: shapes of 1..8 dimensions, non-zero model limits, non-zero stake minimums');
registerRevertHint('ArenaScoreOutOfRange', () => 'scores are WAD fixed point within ±1e36');
registerRevertHint('ArenaInvalidCID', () => 'a CID must be non-empty and at most 128 characters');
registerRevertHint('ArenaAlreadyParticipating', () => 'an account takes one role per task; use another account for the other role');
registerRevertHint('ArenaNotNode', ([id]) => `register first: \`flock train --task ${id}\``);
registerRevertHint('ArenaNotValidator', ([id]) => `register first: \`flock validate --task ${id}\``);
registerRevertHint('ArenaNotCreator', () => 'only the task creator may do this; pass the creator\'s --account');
registerRevertHint('ArenaZeroCommitment', () => 'a commitment must not be zero');
registerRevertHint('ArenaNothingCommitted', () => 'nothing (or only "validation set unusable") was committed by this account in the commit phase, so there are no scores to reveal');
registerRevertHint('ArenaCommitmentMismatch', () => 'the revealed value or salt differs from the commitment; check the daemon state file under <home>/daemons');
registerRevertHint('ArenaAlreadyRevealed', () => 'already revealed; nothing more to do');
registerRevertHint('ArenaValidationSetNotRevealed', ([id]) => `the creator has not revealed the validation set yet (\`flock task reveal ${id}\`)`);
registerRevertHint('ArenaValidationSetRevealed', () => 'the validation set was revealed, so the task cannot be cancelled');
registerRevertHint('ArenaSubmissionNotRevealed', () => 'only revealed submissions are scored');
registerRevertHint('ArenaNotSampled', ([, sub]) => `this validator was not drawn for submission ${sub}, so its score of it does not count and is not opened; \`flock validate\` reveals exactly the counted ones`);
registerRevertHint('ArenaBadTolerance', () => 'mse, mae and log-loss tasks need a score tolerance in the metric’s units (task.yaml metric.tolerance or --tolerance), at most 1e18');
registerRevertHint('ArenaSyncBacklog', () => 'the Arena is behind on emission epochs; call it again (each call catches up a bounded number)');
registerRevertHint('ArenaBadBatch', () => 'a batch must be non-empty');
registerRevertHint('ArenaConsensusState', ([id]) => `\`flock task finalize ${id}\` runs the consensus pass and the ranking in order`);
registerRevertHint('ArenaBadRanking', ([id]) => `\`flock task finalize ${id}\` computes the ranking from the chain`);
registerRevertHint('ArenaNothingToClaim', () => 'nothing left to claim for this account in this task');
