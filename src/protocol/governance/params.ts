import { encodeBytes32String } from 'ethers';
import { editDistance } from '../../errors/index.js';
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

const WAD = 10n ** 18n;

/** How `flock params` shows a parameter: shares as %, multipliers and exponents as numbers, FLOCK, durations, counts. */
export type ParamUnit = 'share' | 'multiplier' | 'exponent' | 'FLOCK' | 'duration' | 'count';

/**
 * The unit a parameter is shown in. A WAD is a share (shown as %) when it cannot exceed 1, a
 * multiplier when it can, an exponent when its NatSpec says so.
 *
 * @example
 * paramUnit('redeem.fee') // 'share'
 */
export function paramUnit(name: ParamName): ParamUnit {
  const p = PARAMS[name];
  switch (p.kind) {
    case 'wad':
      if (/^exponent\b/i.test(p.meaning)) return 'exponent';
      return p.max > WAD ? 'multiplier' : 'share';
    case 'amount':
      return 'FLOCK';
    default:
      return p.kind;
  }
}

/**
 * A value as `flock params` shows it: `5%`, `2.19`, `1,074 FLOCK`, `7 d`, `1 m 30 s`, `21`.
 *
 * @example
 * formatParamDisplay('redeem.fee', 50000000000000000n) // '5%'
 */
export function formatParamDisplay(name: ParamName, v: bigint): string {
  switch (paramUnit(name)) {
    case 'share':
      return `${formatFlock(v * 100n, { symbol: false, group: false })}%`;
    case 'multiplier':
    case 'exponent':
      return formatFlock(v, { symbol: false, group: false });
    case 'FLOCK':
      return formatFlock(v);
    case 'duration':
      return exactDuration(v);
    case 'count':
      return v.toString();
  }
}

/** Seconds in whole days, hours, minutes and seconds, zero parts left out: `7 d`, `1 h 30 m`. */
function exactDuration(v: bigint): string {
  const parts: string[] = [];
  let rest = v;
  for (const [unit, size] of [['d', 86400n], ['h', 3600n], ['m', 60n], ['s', 1n]] as const) {
    if (rest >= size) parts.push(`${rest / size} ${unit}`);
    rest %= size;
  }
  return parts.length ? parts.join(' ') : '0 s';
}

/**
 * The parameter names close to a misspelt or partial one: a few edits away (one for a name of up
 * to five letters, two for a longer one; whole name or the part after the dot), or containing it;
 * failing those, the names of its domain (`pool.`).
 *
 * @example
 * closeParamNames('arena.gama') // ['arena.gamma']
 */
export function closeParamNames(text: string): ParamName[] {
  const q = text.trim().toLowerCase();
  if (!q) return [];
  const edits = q.length > 5 ? 2 : 1;
  const close = PARAM_NAMES.filter((name) => {
    const n = name.toLowerCase();
    const tail = n.slice(n.indexOf('.') + 1);
    return editDistance(q, n) <= edits || editDistance(q, tail) <= edits || (q.length >= 3 && n.includes(q));
  });
  const dot = q.indexOf('.');
  return close.length || dot <= 0 ? close : PARAM_NAMES.filter((name) => name.toLowerCase().startsWith(q.slice(0, dot + 1)));
}
