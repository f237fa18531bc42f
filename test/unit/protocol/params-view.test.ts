/**
 * Issue #14: `flock params` shows each governed parameter in its unit with a one-line meaning from
 * Params.sol's NatSpec, and an unknown name gets the close names; proposals are named by a short
 * number as well as their 77-digit id.
 */
import { describe, expect, it } from 'vitest';
import { PARAMS, PARAM_NAMES, closeParamNames, formatParamDisplay, paramUnit, parseProposalRef } from '../../../src/protocol/governance/index.js';

const WAD = 10n ** 18n;

describe('governed parameters for display', () => {
  it('every parameter has a one-line meaning from its NatSpec, without the unit note', () => {
    for (const name of PARAM_NAMES) {
      const { meaning } = PARAMS[name];
      expect(meaning.length, name).toBeGreaterThan(10);
      expect(meaning, name).not.toMatch(/\n|\(WAD|\(wei|\(seconds|\(count/);
    }
    expect(PARAMS['redeem.fee'].meaning).toBe('Share of redeemed FLOCK paid to the treasury');
  });

  it('units: shares as %, multipliers as numbers, FLOCK amounts, durations, counts', () => {
    expect(paramUnit('redeem.fee')).toBe('share');
    expect(paramUnit('lock.slope')).toBe('multiplier');
    expect(paramUnit('arena.beta')).toBe('exponent');
    expect(paramUnit('emission.dailyCap')).toBe('FLOCK');
    expect(paramUnit('lock.maxDuration')).toBe('duration');
    expect(paramUnit('arena.sampleSize')).toBe('count');
    expect(formatParamDisplay('redeem.fee', WAD / 20n)).toBe('5%');
    expect(formatParamDisplay('arena.validatorTolerance', WAD / 1000n)).toBe('0.1%');
    expect(formatParamDisplay('lock.slope', 219n * WAD / 100n)).toBe('2.19');
    expect(formatParamDisplay('arena.beta', WAD / 2n)).toBe('0.5');
    expect(formatParamDisplay('emission.dailyCap', 1074n * WAD)).toBe('1,074 FLOCK');
    expect(formatParamDisplay('lock.maxDuration', 31536000n)).toBe('365 d');
    expect(formatParamDisplay('arena.minPhase', 3600n)).toBe('1 h');
    expect(formatParamDisplay('arena.minPhase', 90n)).toBe('1 m 30 s');
    expect(formatParamDisplay('arena.sampleSize', 21n)).toBe('21');
  });

  it('close names for a misspelt or partial one', () => {
    expect(closeParamNames('arena.gama')).toEqual(['arena.gamma']);
    expect(closeParamNames('sigmaMax')).toContain('pool.sigmaMax');
    expect(closeParamNames('pool')).toEqual(['pool.sigmaMin', 'pool.sigmaMax', 'pool.sigmaCooldown', 'pool.undelegateCooldown']);
    expect(closeParamNames('zzzzzz')).toEqual([]);
    expect(closeParamNames('nope')).toEqual([]); // two edits from "slope": too many for four letters
    // Nothing close: the names of the same domain.
    expect(closeParamNames('pool.nope')).toEqual(['pool.sigmaMin', 'pool.sigmaMax', 'pool.sigmaCooldown', 'pool.undelegateCooldown']);
    expect(closeParamNames('lock.maxduration')).toEqual(['lock.maxDuration']);
  });
});

describe('proposal references', () => {
  it('a short number (3 or #3) or a full id (decimal or 0x)', () => {
    expect(parseProposalRef('3')).toEqual({ number: 3 });
    expect(parseProposalRef('#12')).toEqual({ number: 12 });
    const full = '73210617889553244370154839498429744627640129963829419960335208209566441398147';
    expect(parseProposalRef(full)).toEqual({ id: BigInt(full) });
    expect(parseProposalRef('0x2a')).toEqual({ id: 42n });
    expect(() => parseProposalRef('0')).toThrow(/proposal numbers start at 1/);
    expect(() => parseProposalRef('abc')).toThrow(/invalid proposal id/);
  });
});
