import { InvalidArgumentError } from 'commander';
import { AbortError } from '../errors/index.js';

/** Option parsers shared by commands; commander turns their throws into usage errors (exit 2). */

export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new InvalidArgumentError('must be a positive integer.');
  return Number(value);
}

/** A lock or period in whole days, 0 or more (`--lock 365`). */
export function days(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('must be a whole number of days, e.g. 365.');
  return Number(value);
}

/** A position id: 0, 1, 2, … */
export function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('must be a whole number (0, 1, 2, …).');
  return Number(value);
}

/** A 0x address argument; INVALID_ADDRESS (exit 2) otherwise. */
export function parseAddress(value: string, what: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new AbortError(`${what} "${value}" is not an address`, { code: 'INVALID_ADDRESS', hint: `pass the ${what} as a 0x-prefixed 20-byte hex address` });
  }
  return value;
}
