import { AbortError, BugError } from '../errors/index.js';

/** FLOCK, gmFLOCK and ETH all use 18 decimals. */
export const DECIMALS = 18;

export interface FormatUnitsOptions {
  decimals?: number;
  /** Cut the fraction to this many digits (rounding down); default: all significant digits. */
  maxFractionDigits?: number;
  /** Group thousands with commas (default true: this is for people, JSON carries raw integers). */
  group?: boolean;
}

/**
 * Formats an integer amount of base units as a decimal string, trailing zeros trimmed.
 *
 * @example
 * formatUnits(1234500000000000000000n) // "1,234.5"
 */
export function formatUnits(amount: bigint, opts: FormatUnitsOptions = {}): string {
  const decimals = opts.decimals ?? DECIMALS;
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const base = 10n ** BigInt(decimals);
  const whole = (abs / base).toString();
  let frac = (abs % base).toString().padStart(decimals, '0');
  if (opts.maxFractionDigits !== undefined) frac = frac.slice(0, opts.maxFractionDigits);
  frac = frac.replace(/0+$/, '');
  const grouped = opts.group === false ? whole : whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

/** `1234.5 FLOCK`-style text for an 18-decimal token amount. */
export function formatFlock(amount: bigint, opts: Omit<FormatUnitsOptions, 'decimals'> & { symbol?: string | false } = {}): string {
  const text = formatUnits(amount, opts);
  const symbol = opts.symbol === undefined ? 'FLOCK' : opts.symbol;
  return symbol ? `${text} ${symbol}` : text;
}

/** ETH for display, 6 fraction digits are plenty for balances. */
export function formatEth(wei: bigint): string {
  return `${formatUnits(wei, { maxFractionDigits: 6 })} ETH`;
}

/**
 * Parses a human amount ("100", "0.5", "1_000", "2.5 FLOCK") into base units. Rejects anything
 * ambiguous with a one-line AbortError (exit 2) naming the input: letters, negatives, exponents,
 * more than 18 decimals.
 *
 * @example
 * parseFlock('12.5') // 12500000000000000000n
 */
export function parseFlock(input: string | number | bigint, opts: { decimals?: number; what?: string; allowZero?: boolean } = {}): bigint {
  const decimals = opts.decimals ?? DECIMALS;
  const what = opts.what ?? 'amount';
  if (typeof input === 'bigint') {
    if (input < 0n) throw badAmount(`${what} must not be negative (got ${input})`);
    return input;
  }
  const raw = String(input).trim();
  const text = raw.replace(/\s*(flock|gmflock|eth)$/i, '').replace(/_/g, '');
  const bad = (why: string) => badAmount(`invalid ${what} "${raw}": ${why}`);
  if (text === '') throw bad('expected a number like 100 or 0.5');
  if (text.startsWith('-')) throw badAmount(`${what} must not be negative (got "${raw}")`);
  const m = /^\+?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) throw bad('expected a number like 100 or 0.5');
  const frac = m[2] ?? '';
  if (frac.length > decimals) throw bad(`at most ${decimals} decimal places`);
  const value = BigInt(m[1] || '0') * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0') || '0');
  if (value === 0n && opts.allowZero === false) throw badAmount(`${what} must be greater than zero`);
  return value;
}

function badAmount(message: string): AbortError {
  return new AbortError(message, { code: 'INVALID_AMOUNT', hint: 'amounts are in FLOCK with up to 18 decimals, e.g. 100 or 0.25' });
}

/** Scores, shares and governed fractions travel on chain as WAD fixed point (1e18 = 1.0). */
export const WAD = 10n ** 18n;

/**
 * 0.9 -> 9e17, from the number's shortest decimal form (so 0.9 is exactly 9e17, not
 * 900000000000000022), truncated to 18 decimals.
 */
export function toWad(x: number): bigint {
  if (!Number.isFinite(x)) throw new BugError(`score ${x} is not a finite number`);
  const neg = x < 0;
  let text = String(Math.abs(x));
  if (text.includes('e')) text = Math.abs(x).toFixed(18);
  const [whole, frac = ''] = text.split('.');
  const v = BigInt(whole!) * WAD + BigInt(frac.padEnd(18, '0').slice(0, 18));
  return neg ? -v : v;
}

/** 9e17 -> 0.9 */
export function fromWad(v: bigint): number {
  return Number(v) / 1e18;
}
