/**
 * parseDuration: the units the command line and the genesis file (vesting cliffs and durations)
 * accept. `m` stays minutes; months are `mo` so the two can never be confused.
 */
import { describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/errors/index.js';
import { parseDuration } from '../../../src/units/index.js';

describe('parseDuration', () => {
  it('reads plain seconds and every short unit', () => {
    expect(parseDuration('45')).toBe(45);
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('12h')).toBe(43_200);
    expect(parseDuration('3d')).toBe(259_200);
    expect(parseDuration('1w')).toBe(604_800);
  });

  it('reads months as 30 days and years as 365 days, case-insensitively', () => {
    expect(parseDuration('6mo')).toBe(6 * 30 * 86_400);
    expect(parseDuration('1y')).toBe(365 * 86_400);
    expect(parseDuration('4Y')).toBe(4 * 365 * 86_400);
    expect(parseDuration(' 18 MO ')).toBe(18 * 30 * 86_400);
    // `m` alone is still minutes, not months.
    expect(parseDuration('1m')).toBe(60);
  });

  it('refuses other text with INVALID_DURATION naming what was being parsed', () => {
    for (const bad of ['', '1.5y', '-1d', '1 year', '2months', 'y', '1yr', '3mon']) {
      let err: unknown;
      try {
        parseDuration(bad, 'vesting cliff');
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(AbortError);
      expect((err as AbortError).code).toBe('INVALID_DURATION');
      expect((err as AbortError).message).toContain('vesting cliff');
    }
  });
});
