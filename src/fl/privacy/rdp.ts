/**
 * Rényi-DP accounting of the subsampled Gaussian mechanism (Mironov, Talwar, Zhang 2019,
 * "Rényi Differential Privacy of the Sampled Gaussian Mechanism"), the accountant Opacus and
 * tensorflow-privacy use. One federated round = one step: each client's update is kept with
 * probability q (the sampling rate), clipped, summed and noised with noise multiplier z.
 * RDP composes by addition over steps; the total converts to (epsilon, delta) at the best order.
 * The formulas are in /work/shared/FEDERATED.md ("Privacy accounting"); written from the paper.
 */
import { logAdd, logErfc, logSub } from './logmath.js';

/** Orders tried by default: 1.1, 1.2, …, 10.9, then 12, 13, …, 63 (Opacus' default list). */
export const DEFAULT_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, k) => Math.round((1.1 + k * 0.1) * 10) / 10),
  ...Array.from({ length: 52 }, (_, k) => 12 + k),
]);

/** Series terms below e^-30 relative to 1 are dropped (the same cut-off as the reference code). */
const LOG_TAIL = -30;
/** A safety bound on the fractional series; it converges in a few hundred terms for sane q, z. */
const MAX_TERMS = 1_000_000;

function checkArgs(q: number, z: number, order: number): void {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`sampling rate q must be in [0, 1], got ${q}`);
  if (!(z >= 0)) throw new RangeError(`noise multiplier z must be >= 0, got ${z}`);
  if (!(order > 1)) throw new RangeError(`RDP order must be > 1, got ${order}`);
}

/**
 * ln A_a for integer a: A_a = sum_{i=0..a} C(a,i) q^i (1-q)^(a-i) exp((i^2 - i) / (2 z^2)).
 * Every term is positive, so a log-sum suffices.
 */
function logAInt(q: number, z: number, a: number): number {
  let logA = -Infinity;
  let logBinom = 0; // ln C(a, i), built up term by term
  for (let i = 0; i <= a; i++) {
    if (i > 0) logBinom += Math.log(a - i + 1) - Math.log(i);
    const s = logBinom + i * Math.log(q) + (a - i) * Math.log1p(-q) + (i * i - i) / (2 * z * z);
    logA = logAdd(logA, s);
  }
  return logA;
}

/**
 * ln A_a for fractional a, by the two-sided series of Mironov et al. (Section 3.3): with
 * z0 = z^2 ln(1/q - 1) + 1/2 splitting the real line,
 *   A_a = sum_{i>=0} C(a,i) [ q^i (1-q)^(a-i) e^((i^2-i)/2z^2) * 1/2 erfc((i - z0) / (sqrt2 z))
 *                           + q^(a-i) (1-q)^i e^(((a-i)^2-(a-i))/2z^2) * 1/2 erfc((z0 - (a-i)) / (sqrt2 z)) ].
 * The generalised binomial C(a,i) turns negative for i > a + 1 and alternates, so each half is
 * accumulated as a log with logAdd / logSub by the coefficient's sign, and the loop stops once both
 * new terms fall below e^-30. C(a,i) is built by the recurrence C(a,i+1) = C(a,i)(a-i)/(i+1) as a
 * (log magnitude, sign) pair, which never overflows; a - i is never 0 for fractional a.
 */
function logAFrac(q: number, z: number, a: number): number {
  let log0 = -Infinity;
  let log1 = -Infinity;
  const z0 = z * z * Math.log(1 / q - 1) + 0.5;
  const sqrt2z = Math.SQRT2 * z;
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  let logBinom = 0;
  let positive = true;
  for (let i = 0; i < MAX_TERMS; i++) {
    if (i > 0) {
      const ratio = (a - i + 1) / i;
      logBinom += Math.log(Math.abs(ratio));
      if (ratio < 0) positive = !positive;
    }
    const j = a - i;
    const logT0 = logBinom + i * logQ + j * log1mQ;
    const logT1 = logBinom + j * logQ + i * log1mQ;
    const logE0 = Math.log(0.5) + logErfc((i - z0) / sqrt2z);
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / sqrt2z);
    const logS0 = logT0 + (i * i - i) / (2 * z * z) + logE0;
    const logS1 = logT1 + (j * j - j) / (2 * z * z) + logE1;
    if (positive) {
      log0 = logAdd(log0, logS0);
      log1 = logAdd(log1, logS1);
    } else {
      log0 = logSub(log0, logS0);
      log1 = logSub(log1, logS1);
    }
    if (Math.max(logS0, logS1) < LOG_TAIL) return logAdd(log0, log1);
  }
  throw new RangeError(`the RDP series for q=${q}, z=${z}, order ${a} did not converge`);
}

/**
 * RDP of one subsampled-Gaussian step at `order`: ln(A_order) / (order - 1).
 * q = 0 -> 0 (nothing is released); z = 0 -> Infinity (no noise); q = 1 -> order / (2 z^2)
 * (the plain Gaussian mechanism).
 *
 * @example
 * rdpStep(0.04, 1.5, 3.9); // ≈ 0.001833
 */
export function rdpStep(q: number, z: number, order: number): number {
  checkArgs(q, z, order);
  if (q === 0) return 0;
  if (z === 0) return Infinity;
  if (q === 1) return order / (2 * z * z);
  if (order === Infinity) return Infinity;
  const logA = Number.isInteger(order) ? logAInt(q, z, order) : logAFrac(q, z, order);
  return logA / (order - 1);
}

/** RDP of `steps` identical steps at each order (composition adds). */
export function rdpCurve(q: number, z: number, steps: number, orders: readonly number[] = DEFAULT_ORDERS): number[] {
  if (!(Number.isInteger(steps) && steps >= 0)) throw new RangeError(`steps must be a whole number >= 0, got ${steps}`);
  return orders.map((a) => (steps === 0 ? 0 : rdpStep(q, z, a) * steps));
}

export interface PrivacySpent {
  /** The smallest epsilon over the orders tried (Infinity when every order is infinite). */
  epsilon: number;
  /** The order that achieved it. */
  order: number;
  /** The accumulated RDP at that order. */
  rdp: number;
}

/**
 * (epsilon, delta) from accumulated RDP, with the conversion of Balle et al. 2020 that Opacus and
 * Google's dp-accounting use: epsilon = min_a RDP(a) - (ln delta + ln a) / (a - 1) + ln((a - 1) / a).
 */
export function epsilonFromRdp(rdp: readonly number[], orders: readonly number[], delta: number): PrivacySpent {
  if (!(delta > 0 && delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${delta}`);
  if (rdp.length !== orders.length) throw new RangeError(`${rdp.length} RDP values for ${orders.length} orders`);
  // RDP 0 at every order means identical output distributions whatever the data (q = 0, or no
  // steps): (0, 0)-DP. The conversion below would still charge ~ -ln(delta)/(a-1) for it.
  if (rdp.length > 0 && rdp.every((r) => r === 0)) return { epsilon: 0, order: orders[0]!, rdp: 0 };
  let best: PrivacySpent = { epsilon: Infinity, order: orders[0] ?? NaN, rdp: rdp[0] ?? NaN };
  orders.forEach((a, k) => {
    const r = rdp[k]!;
    const eps = r - (Math.log(delta) + Math.log(a)) / (a - 1) + Math.log((a - 1) / a);
    if (eps < best.epsilon) best = { epsilon: eps, order: a, rdp: r };
  });
  // With no noise (or a tiny delta at small RDP) the formula can dip below zero; privacy loss is not negative.
  return best.epsilon < 0 ? { ...best, epsilon: 0 } : best;
}

/**
 * Epsilon after `steps` subsampled-Gaussian steps (federated rounds) at sampling rate q and
 * noise multiplier z, for a target delta.
 *
 * @example
 * epsilon(0.04, 1.5, 2250, 1e-5); // { epsilon: 7.3291…, order: 3.9, rdp: … }
 */
export function epsilon(q: number, z: number, steps: number, delta: number, orders: readonly number[] = DEFAULT_ORDERS): PrivacySpent {
  return epsilonFromRdp(rdpCurve(q, z, steps, orders), orders, delta);
}
