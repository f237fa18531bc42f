import { describe, expect, it } from 'vitest';
import { AbortError, ExitCode } from '../../../src/errors/index.js';
import { formatFlock, formatUnits, parseFlock } from '../../../src/units/index.js';

const E18 = 10n ** 18n;

describe('parseFlock', () => {
  it('parses integers, decimals, underscores and a unit', () => {
    expect(parseFlock('100')).toBe(100n * E18);
    expect(parseFlock('0.5')).toBe(E18 / 2n);
    expect(parseFlock('.25')).toBe(E18 / 4n);
    expect(parseFlock('1_000')).toBe(1000n * E18);
    expect(parseFlock('2.5 FLOCK')).toBe(25n * E18 / 10n);
    expect(parseFlock('0.000000000000000001')).toBe(1n);
    expect(parseFlock(7)).toBe(7n * E18);
  });

  it.each([
    ['abc', /invalid amount "abc": expected a number/],
    ['', /expected a number/],
    ['1.2.3', /expected a number/],
    ['1e18', /expected a number/],
    ['-5', /amount must not be negative/],
    ['0.0000000000000000001', /at most 18 decimal places/],
    ['.', /expected a number/],
  ])('rejects %j with a one-line usage error', (input, message) => {
    let err: unknown;
    try {
      parseFlock(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).exitCode).toBe(ExitCode.USAGE);
    expect((err as AbortError).message).toMatch(message);
    expect((err as AbortError).message).not.toContain('\n');
  });

  it('can refuse zero', () => {
    expect(() => parseFlock('0', { allowZero: false })).toThrow(/greater than zero/);
  });
});

describe('formatFlock', () => {
  it('trims zeros and groups thousands', () => {
    expect(formatFlock(1234n * E18 + E18 / 2n)).toBe('1,234.5 FLOCK');
    expect(formatFlock(0n)).toBe('0 FLOCK');
    expect(formatFlock(1n)).toBe('0.000000000000000001 FLOCK');
    expect(formatFlock(-3n * E18, { symbol: false })).toBe('-3');
    expect(formatUnits(1_000_000n * E18, { group: false })).toBe('1000000');
    expect(formatUnits(E18 / 3n, { maxFractionDigits: 4 })).toBe('0.3333');
  });

  it('round-trips with parseFlock', () => {
    for (const s of ['0', '1', '0.1', '123456.789', '1000000000']) {
      expect(parseFlock(formatFlock(parseFlock(s), { group: false, symbol: false }))).toBe(parseFlock(s));
    }
  });
});
