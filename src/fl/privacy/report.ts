/**
 * What `flock fl privacy` computes, as a pure function: the (epsilon, delta) a task spends after
 * R rounds of the subsampled Gaussian, with the best order and the RDP there.
 */
import { epsilon } from './rdp.js';

export interface PrivacyQuery {
  /** q: the share of participants whose updates a round aggregates, in [0, 1]. */
  sampleRate: number;
  /** z >= 0: noise std / clipping norm (per update sum). */
  noiseMultiplier: number;
  /** Rounds, each one subsampled-Gaussian step. */
  rounds: number;
  /** Target delta in (0, 1). */
  delta: number;
}

export interface PrivacyReport extends PrivacyQuery {
  /** Smallest epsilon over the orders; null when unbounded (z = 0). */
  epsilon: number | null;
  bounded: boolean;
  /** The RDP order that gives it. */
  order: number;
  /** RDP accumulated over all rounds at that order (null when unbounded). */
  rdp: number | null;
}

/**
 * @example
 * privacyReport({ sampleRate: 0.04, noiseMultiplier: 1.5, rounds: 2250, delta: 1e-5 }).epsilon; // 7.3291…
 */
export function privacyReport(query: PrivacyQuery): PrivacyReport {
  const r = epsilon(query.sampleRate, query.noiseMultiplier, query.rounds, query.delta);
  // JSON has no Infinity: an unbounded loss is reported as null with bounded: false.
  const bounded = Number.isFinite(r.epsilon);
  return { ...query, epsilon: bounded ? r.epsilon : null, bounded, order: r.order, rdp: bounded ? r.rdp : null };
}
