import { AbortError } from '../errors/index.js';

/**
 * Seconds per unit. `mo` (30 days) and `y` (365 days) are fixed calendar approximations for long
 * spans such as vesting schedules, where a contract counts plain seconds anyway; `m` is minutes.
 */
const SECONDS = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800, mo: 30 * 86400, y: 365 * 86400 } as const;

/**
 * Parses `3d`, `12h`, `90m`, `30s`, `1w`, `6mo` (30 days each), `4y` (365 days each) or plain
 * seconds into seconds; an AbortError (INVALID_DURATION, exit 2) naming `what` otherwise.
 *
 * @example
 * parseDuration('2h') // 7200
 * parseDuration('1y') // 31536000
 */
export function parseDuration(text: string, what = 'duration'): number {
  const m = /^\s*(\d+)\s*(mo|[smhdwy]?)\s*$/i.exec(text);
  if (!m) {
    throw new AbortError(`invalid ${what} "${text}"`, { code: 'INVALID_DURATION', hint: 'use seconds or a number with a unit: 90s, 30m, 12h, 3d, 1w, 6mo (30 d), 1y (365 d)' });
  }
  return Number(m[1]) * SECONDS[m[2]!.toLowerCase() as keyof typeof SECONDS];
}

/** "2 h 3 m", "45 s", "3 d 4 h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} m`;
  if (m > 0) return `${m} m ${s % 60} s`;
  return `${s} s`;
}

/** Seconds in a day: lock lengths are given in days on the command line. */
export const SECONDS_PER_DAY = 86_400;

/**
 * A unix time (seconds) as ISO 8601 without milliseconds, for messages and hints.
 *
 * @example
 * formatTimestamp(1735787045) // '2025-01-02T03:04:05Z'
 */
export function formatTimestamp(seconds: number | bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z');
}
