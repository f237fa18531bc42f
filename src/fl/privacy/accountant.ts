/**
 * A task's privacy ledger: RDP accumulated round by round, where rounds may differ in sampling
 * rate or noise (a task that changes its cohort size mid-way). Per-round helpers answer "what
 * does one more round cost", the accountant "what has the task spent so far".
 */
import { DEFAULT_ORDERS, epsilonFromRdp, rdpCurve, type PrivacySpent } from './rdp.js';

export interface RoundPrivacy {
  /** Sampling rate of the round: updates aggregated / participants eligible. */
  sampleRate: number;
  /** Noise multiplier z (noise std = z * clip / updates aggregated). */
  noiseMultiplier: number;
  /** Identical steps this entry stands for (default 1). */
  rounds?: number;
}

/** Privacy spent by a whole task, plus how many rounds went into it. */
export interface TaskPrivacy extends PrivacySpent {
  rounds: number;
}

/**
 * Accumulates RDP over a task's rounds; immutable inputs, one running sum per order.
 *
 * @example
 * const acc = new PrivacyAccountant();
 * acc.addRound({ sampleRate: 0.1, noiseMultiplier: 1.1, rounds: 50 });
 * acc.spent(1e-5).epsilon;
 */
export class PrivacyAccountant {
  readonly orders: readonly number[];
  private readonly total: number[];
  private count = 0;

  constructor(orders: readonly number[] = DEFAULT_ORDERS) {
    this.orders = orders;
    this.total = orders.map(() => 0);
  }

  /** Adds one round (or `rounds` identical ones); returns this for chaining. */
  addRound(round: RoundPrivacy): this {
    const steps = round.rounds ?? 1;
    const curve = rdpCurve(round.sampleRate, round.noiseMultiplier, steps, this.orders);
    curve.forEach((r, k) => (this.total[k]! += r));
    this.count += steps;
    return this;
  }

  /** Accumulated RDP per order (same order as `orders`). */
  rdp(): number[] {
    return [...this.total];
  }

  get rounds(): number {
    return this.count;
  }

  spent(delta: number): TaskPrivacy {
    return { ...epsilonFromRdp(this.total, this.orders, delta), rounds: this.count };
  }
}

/** Epsilon one round alone costs (a round's entry in a task's ledger). */
export function roundEpsilon(round: Omit<RoundPrivacy, 'rounds'>, delta: number): TaskPrivacy {
  return new PrivacyAccountant().addRound(round).spent(delta);
}

/**
 * The largest number of identical rounds whose epsilon stays within `budget` (0 if even one round
 * exceeds it). Epsilon grows with the rounds, so a doubling then bisection search suffices.
 */
export function maxRounds(round: Omit<RoundPrivacy, 'rounds'>, delta: number, budget: number, limit = 1_000_000): number {
  // RDP is linear in the rounds: compute one round's curve once and scale it.
  const one = rdpCurve(round.sampleRate, round.noiseMultiplier, 1, DEFAULT_ORDERS);
  const eps = (n: number) => epsilonFromRdp(one.map((r) => r * n), DEFAULT_ORDERS, delta).epsilon;
  if (eps(1) > budget) return 0;
  let lo = 1;
  let hi = 2;
  while (hi <= limit && eps(hi) <= budget) {
    lo = hi;
    hi *= 2;
  }
  hi = Math.min(hi, limit + 1);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (eps(mid) <= budget) lo = mid;
    else hi = mid;
  }
  return lo;
}
