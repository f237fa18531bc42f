import { encodeBytes32String } from 'ethers';
import { formatDuration, formatFlock, parseDuration, parseFlock } from '../../units/index.js';
import { invalidProposal } from '../errors.js';
import { PARAMS, type ParamKind, type ParamName } from './params.generated.js';

export { PARAMS, type ParamKind, type ParamName, type ParamSpec } from './params.generated.js';

/** Every governed parameter's name, in Params.sol's order. */
export const PARAM_NAMES = Object.keys(PARAMS) as ParamName[];

/**
 * The kind of a parameter by name, or undefined for a name Params.sol does not declare.
 *
 * @example
 * paramKind('pool.sigmaMax') // 'wad'
 */
export function paramKind(name: string): ParamKind | undefined {
  return Object.hasOwn(PARAMS, name) ? PARAMS[name as ParamName].kind : undefined;
}

/** The bytes32 key ProtocolConfig stores a parameter under (`bytes32("lock.slope")`). */
export function paramKey(name: string): string {
  return encodeBytes32String(name);
}

/**
 * Parses a parameter value in its unit: WAD fractions as `0.3` or `30%`, durations as `7d` or
 * seconds, token amounts in FLOCK (`100`), counts as plain integers.
 *
 * @example
 * parseParamValue('wad', '30%', 'value of pool.sigmaMax') // 300000000000000000n
 */
export function parseParamValue(kind: ParamKind, text: string, what: string): bigint {
  const t = text.trim();
  switch (kind) {
    case 'wad':
      if (t.endsWith('%')) return parseFlock(t.slice(0, -1), { what }) / 100n;
      return parseFlock(t, { what });
    case 'amount':
      return parseFlock(t, { what });
    case 'duration':
      return BigInt(parseDuration(t, what));
    case 'count':
      if (!/^\d+$/.test(t)) throw invalidProposal(`invalid ${what} "${text}"`, 'expected a whole number');
      return BigInt(t);
  }
}

/**
 * A value in its unit, for messages: 0.3, 604800 s (7 d 0 h), 100 FLOCK, 7.
 *
 * @example
 * formatParamValue('wad', 300000000000000000n) // '0.3'
 */
export function formatParamValue(kind: ParamKind | undefined, v: bigint): string {
  switch (kind) {
    case 'wad':
      return formatFlock(v, { symbol: false, group: false });
    case 'amount':
      return formatFlock(v);
    case 'duration':
      return `${v} s (${formatDuration(Number(v))})`;
    default:
      return v.toString();
  }
}
