import { describe, expect, it } from 'vitest';
import { DEFAULT_ORDERS, epsilon, epsilonFromRdp, maxRounds, PrivacyAccountant, rdpCurve, rdpStep, roundEpsilon } from '../../../src/fl/privacy/index.js';
import { logErfc } from '../../../src/fl/privacy/logmath.js';

/**
 * A_a = E_{x ~ N(0, z^2)} [((1 - q) + q e^((2x - 1) / 2z^2))^a], the definition the series
 * expands (Mironov et al. 2019, Section 3), integrated numerically (Simpson, fine grid): an
 * independent check of the fractional-order series.
 */
function rdpByIntegration(q: number, z: number, a: number): number {
  // The integrand peaks near x = a with width ~z; it is formed in log space (large orders overflow).
  const lo = -30 * z;
  const hi = a + 30 * z;
  const n = 400_000;
  const h = (hi - lo) / n;
  const logF = (x: number) => {
    const t = Math.log(q) + (2 * x - 1) / (2 * z * z);
    const l = Math.log1p(-q);
    const mix = Math.max(t, l) + Math.log1p(Math.exp(Math.min(t, l) - Math.max(t, l)));
    return -(x * x) / (2 * z * z) - Math.log(z * Math.sqrt(2 * Math.PI)) + a * mix;
  };
  let s = Math.exp(logF(lo)) + Math.exp(logF(hi));
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * Math.exp(logF(lo + i * h));
  return Math.log((s * h) / 3) / (a - 1);
}

describe('RDP accountant of the subsampled Gaussian', () => {
  it("hits Opacus' reference value: q=0.04, z=1.5, 2250 steps, delta=1e-5 -> epsilon 7.32911 at order 3.9", () => {
    const r = epsilon(0.04, 1.5, 2250, 1e-5);
    expect(r.order).toBe(3.9);
    expect(Math.abs(r.epsilon - 7.32911) / 7.32911).toBeLessThan(1e-5);
    expect(r.rdp).toBeCloseTo(2250 * rdpStep(0.04, 1.5, 3.9), 12);
  });

  it('uses the orders 1.1 … 10.9 then 12 … 63', () => {
    expect(DEFAULT_ORDERS.length).toBe(99 + 52);
    expect(DEFAULT_ORDERS.slice(0, 3)).toEqual([1.1, 1.2, 1.3]);
    expect(DEFAULT_ORDERS[98]).toBe(10.9);
    expect(DEFAULT_ORDERS.slice(99, 101)).toEqual([12, 13]);
    expect(DEFAULT_ORDERS.at(-1)).toBe(63);
  });

  it('matches the closed form at order 2: ln(1 + q^2 (e^(1/z^2) - 1))', () => {
    for (const [q, z] of [[0.01, 0.8], [0.2, 1.1], [0.5, 3]] as const) {
      expect(rdpStep(q, z, 2)).toBeCloseTo(Math.log(1 + q * q * (Math.exp(1 / (z * z)) - 1)), 14);
    }
  });

  it('the fractional-order series agrees with numerical integration of the definition', () => {
    for (const [q, z, a] of [[0.04, 1.5, 3.9], [0.04, 1.5, 1.5], [0.1, 1.0, 7.3], [0.01, 0.7, 10.5], [0.3, 2, 2.5]] as const) {
      const series = rdpStep(q, z, a);
      expect(Math.abs(series - rdpByIntegration(q, z, a)) / series, `q=${q} z=${z} a=${a}`).toBeLessThan(1e-6);
    }
  });

  it('is continuous across integer orders (fractional series vs binomial sum)', () => {
    for (const a of [2, 5, 12]) {
      const int = rdpStep(0.05, 1.2, a);
      expect(Math.abs(rdpStep(0.05, 1.2, a - 1e-7) - int) / int).toBeLessThan(1e-5);
      expect(Math.abs(rdpStep(0.05, 1.2, a + 1e-7) - int) / int).toBeLessThan(1e-5);
    }
  });

  it('edge cases: q = 1 is the Gaussian mechanism a / 2z^2, q = 0 costs nothing, z = 0 is infinite', () => {
    expect(rdpStep(1, 2, 3.5)).toBe(3.5 / 8);
    expect(rdpStep(1, 2, 7)).toBe(7 / 8);
    expect(rdpStep(0, 2, 3.5)).toBe(0);
    expect(rdpStep(0, 0, 3.5)).toBe(0);
    expect(rdpStep(0.1, 0, 3.5)).toBe(Infinity);
    expect(epsilon(0, 1, 100, 1e-5).epsilon).toBe(0);
    expect(epsilon(0.1, 1, 0, 1e-5).epsilon).toBe(0);
    expect(epsilon(0.1, 0, 1, 1e-5).epsilon).toBe(Infinity);
    // q = 1: the minimum over orders of steps*a/2z^2 - (ln d + ln a)/(a-1) + ln((a-1)/a).
    const direct = Math.min(...DEFAULT_ORDERS.map((a) => (10 * a) / 8 - (Math.log(1e-5) + Math.log(a)) / (a - 1) + Math.log((a - 1) / a)));
    expect(epsilon(1, 2, 10, 1e-5).epsilon).toBeCloseTo(direct, 12);
  });

  it('rejects arguments out of range', () => {
    expect(() => rdpStep(-0.1, 1, 2)).toThrow(RangeError);
    expect(() => rdpStep(1.1, 1, 2)).toThrow(RangeError);
    expect(() => rdpStep(0.1, -1, 2)).toThrow(RangeError);
    expect(() => rdpStep(0.1, 1, 1)).toThrow(RangeError);
    expect(() => rdpCurve(0.1, 1, 1.5)).toThrow(RangeError);
    expect(() => epsilon(0.1, 1, 10, 0)).toThrow(RangeError);
    expect(() => epsilon(0.1, 1, 10, 1)).toThrow(RangeError);
    expect(() => epsilonFromRdp([1], [2, 3], 1e-5)).toThrow(RangeError);
  });

  it('is monotone: more rounds, a higher sampling rate or less noise cost more epsilon', () => {
    const e = (q: number, z: number, steps: number) => epsilon(q, z, steps, 1e-5).epsilon;
    const rounds = [1, 10, 100, 1000, 10_000].map((s) => e(0.05, 1.1, s));
    for (let i = 1; i < rounds.length; i++) expect(rounds[i]).toBeGreaterThan(rounds[i - 1]!);
    const noise = [0.6, 0.8, 1, 1.5, 3, 10].map((z) => e(0.05, z, 500));
    for (let i = 1; i < noise.length; i++) expect(noise[i]).toBeLessThan(noise[i - 1]!);
    const rate = [0.001, 0.01, 0.1, 0.5, 1].map((q) => e(q, 1.1, 100));
    for (let i = 1; i < rate.length; i++) expect(rate[i]).toBeGreaterThan(rate[i - 1]!);
    // A smaller delta is a stronger guarantee, paid for with a larger epsilon.
    expect(epsilon(0.05, 1.1, 100, 1e-8).epsilon).toBeGreaterThan(epsilon(0.05, 1.1, 100, 1e-5).epsilon);
  });

  it('logErfc matches known values, including far in the tail where erfc underflows', () => {
    // erfc(0) = 1, erfc(1) = 0.157299207050285, erfc(-1) = 1.842700792949715, erfc(3) = 2.209049699858544e-5
    expect(Math.abs(logErfc(0))).toBe(0);
    expect(logErfc(1)).toBeCloseTo(Math.log(0.157299207050285), 13);
    expect(logErfc(-1)).toBeCloseTo(Math.log(1.842700792949715), 13);
    expect(logErfc(3)).toBeCloseTo(Math.log(2.209049699858544e-5), 12);
    // Asymptotically ln erfc(x) = -x^2 - ln(x sqrt(pi)) + ln(1 - 1/2x^2 + ...).
    const x = 100;
    expect(logErfc(x)).toBeCloseTo(-x * x - Math.log(x * Math.sqrt(Math.PI)) + Math.log1p(-1 / (2 * x * x) + 3 / (4 * x ** 4)), 9);
    expect(logErfc(-40)).toBe(Math.log(2));
  });
});

describe('PrivacyAccountant (a task ledger)', () => {
  it('adds RDP over rounds: n single rounds = one entry of n rounds = epsilon(q, z, n)', () => {
    const a = new PrivacyAccountant();
    for (let i = 0; i < 20; i++) a.addRound({ sampleRate: 0.1, noiseMultiplier: 1.3 });
    const b = new PrivacyAccountant().addRound({ sampleRate: 0.1, noiseMultiplier: 1.3, rounds: 20 });
    const ref = epsilon(0.1, 1.3, 20, 1e-5);
    expect(a.rounds).toBe(20);
    expect(a.spent(1e-5).epsilon).toBeCloseTo(ref.epsilon, 10);
    expect(b.spent(1e-5)).toEqual({ ...ref, rounds: 20 });
  });

  it('composes rounds that differ in sampling rate and noise', () => {
    const mixed = new PrivacyAccountant().addRound({ sampleRate: 0.1, noiseMultiplier: 1.3, rounds: 10 }).addRound({ sampleRate: 0.2, noiseMultiplier: 0.9, rounds: 5 });
    const first = epsilon(0.1, 1.3, 10, 1e-5).epsilon;
    const second = epsilon(0.2, 0.9, 5, 1e-5).epsilon;
    const total = mixed.spent(1e-5).epsilon;
    // Better than the crude sum of the two epsilons, worse than either part alone.
    expect(total).toBeGreaterThan(Math.max(first, second));
    expect(total).toBeLessThan(first + second);
    const rdp = mixed.rdp();
    const expected = rdpCurve(0.1, 1.3, 10).map((r, k) => r + rdpCurve(0.2, 0.9, 5)[k]!);
    rdp.forEach((r, k) => expect(r).toBeCloseTo(expected[k]!, 12));
  });

  it('roundEpsilon prices one round; maxRounds finds the last round within a budget', () => {
    const round = { sampleRate: 0.04, noiseMultiplier: 1.5 };
    expect(roundEpsilon(round, 1e-5)).toEqual({ ...epsilon(0.04, 1.5, 1, 1e-5), rounds: 1 });
    const n = maxRounds(round, 1e-5, 7.3292);
    expect(epsilon(0.04, 1.5, n, 1e-5).epsilon).toBeLessThanOrEqual(7.3292);
    expect(epsilon(0.04, 1.5, n + 1, 1e-5).epsilon).toBeGreaterThan(7.3292);
    expect(n).toBe(2250);
    expect(maxRounds({ sampleRate: 1, noiseMultiplier: 0.1 }, 1e-5, 1)).toBe(0);
  });
});
