import type { ProtocolConnection } from '../connection.js';
import type { TaskParameters, TxReturnType } from './types.js';
import { writeArena } from './write.js';

/** One opened leaf of a validator's score tree (IArenaTypes.ScoreOpening). */
export interface ScoreOpening {
  submissionId: bigint;
  /** WAD (toWad of the metric's value), exactly as committed in the leaf (0 when invalid). */
  score: bigint;
  invalid: boolean;
  /** The leaf's salt. */
  salt: string;
  /** The leaf's siblings from the leaf up (scoreTree(...).proof(submissionId)). */
  proof: string[];
}

export interface RevealScoresParameters extends TaskParameters {
  /** Leaves whose score counts (getAssignment says `counted`), not yet revealed. */
  openings: ScoreOpening[];
}

export type RevealScoresReturnType = TxReturnType;

/**
 * Opens committed scores that count, with their Merkle proofs, in the score-reveal phase (draws
 * the sampling seed when nobody has). Opening a score that does not count reverts
 * (ArenaNotSampled).
 *
 * @example
 * await revealScores(client, { taskId: 1n, openings: [{ submissionId: 0n, score, invalid: false, salt, proof: tree.proof(0) }] });
 */
export async function revealScores(client: ProtocolConnection, { taskId, openings }: RevealScoresParameters): Promise<RevealScoresReturnType> {
  const what = `reveal ${openings.length === 1 ? 'score' : `${openings.length} scores`} (submission${openings.length === 1 ? '' : 's'} ${openings.map((o) => o.submissionId).join(', ')})`;
  return writeArena(client, what, (arena) =>
    arena.revealScores(
      taskId,
      openings.map((o) => ({ submissionId: o.submissionId, score: o.score, invalid: o.invalid, salt: o.salt, proof: o.proof })),
    ),
  );
}
