/**
 * One source of truth for the governed parameters: the CLI's catalogue
 * (src/protocol/governance/params.generated.ts) is generated from contracts/libraries/Params.sol
 * and ProtocolConfig's constructor by scripts/gen-params.mjs. These tests fail when the checked-in
 * catalogue and the contracts disagree, and prove the generator refuses contracts that disagree
 * with each other.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { CONFIG_SOL, PARAMS_SOL, PARAMS_TS, catalogue, evalLiteral, renderParams } from '../../../scripts/gen-params.mjs';
import { PARAMS, paramKind } from '../../../src/protocol/governance/index.js';

const paramsSol = readFileSync(PARAMS_SOL, 'utf8');
const configSol = readFileSync(CONFIG_SOL, 'utf8');

describe('governed parameter catalogue', () => {
  it('params.generated.ts is what the contracts say (node scripts/gen-params.mjs)', () => {
    expect(readFileSync(PARAMS_TS, 'utf8')).toBe(renderParams(paramsSol, configSol));
  });

  it('has every key of Params.sol, with the unit, default and bounds ProtocolConfig registers', () => {
    const keys = [...paramsSol.matchAll(/constant \w+ = bytes32\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(Object.keys(PARAMS)).toEqual(keys);
    for (const [name, p] of Object.entries(PARAMS)) {
      expect(p.min <= p.default && p.default <= p.max, name).toBe(true);
      expect(paramKind(name)).toBe(p.kind);
    }
    expect(PARAMS['lock.maxDuration']).toMatchObject({ kind: 'duration', default: 365n * 86400n, max: 4n * 365n * 86400n });
    expect(PARAMS['arena.validatorTolerance']).toMatchObject({ kind: 'wad', min: 10n ** 15n });
    expect(PARAMS['emission.dailyCap'].kind).toBe('amount');
    expect(PARAMS['arena.sampleSize']).toMatchObject({ kind: 'count', default: 21n, min: 1n, max: 32n });
    expect(paramKind('nope.nothing')).toBeUndefined();
  });

  it('evaluates Solidity literals exactly', () => {
    expect(evalLiteral('4 * 365 days')).toBe(4n * 365n * 86400n);
    expect(evalLiteral('0.05e18')).toBe(5n * 10n ** 16n);
    expect(evalLiteral('1_000_000e18')).toBe(10n ** 24n);
    expect(evalLiteral('1 minutes')).toBe(60n);
    expect(() => evalLiteral('type(uint256).max')).toThrow(/cannot evaluate/);
  });

  it('fails when Params.sol and ProtocolConfig disagree, or a unit is not said', () => {
    const added = paramsSol.replace(/}\s*$/, '    /// @notice New (WAD).\n    bytes32 internal constant NEW_KEY = bytes32("new.key");\n}\n');
    expect(() => catalogue(added, configSol)).toThrow(/does not register Params\.NEW_KEY/);
    const dropped = configSol.replace(/\s*_register\(Params\.ARENA_BETA[^;]*;/, '');
    expect(() => catalogue(paramsSol, dropped)).toThrow(/does not register Params\.ARENA_BETA/);
    const unitless = paramsSol.replace('(WAD, 0.5e18).', '(half).');
    expect(() => catalogue(unitless, configSol)).toThrow(/Params\.ARENA_BETA .*say its unit/);
    // A kind changed in the contracts' words changes the catalogue, so the first test fails.
    const asAmount = paramsSol.replace('(WAD, 0.05e18).', '(wei, 0.05e18).');
    expect(renderParams(asAmount, configSol)).not.toBe(renderParams(paramsSol, configSol));
  });
});
