import { ExitCode } from '../cli/exit-codes.js';
import { AbortError } from '../errors.js';

/**
 * The storage layer's failures, all AbortErrors with a stable `code`. Verification failures
 * (HASH_MISMATCH, TOO_LARGE) exit 9 (INTEGRITY): the bytes were refused, never returned.
 */
export type StorageErrorCode =
  | 'INVALID_CID'
  | 'HASH_MISMATCH'
  | 'TOO_LARGE'
  | 'NOT_FOUND'
  | 'STORE_UNREACHABLE'
  | 'UPLOAD_REJECTED'
  | 'STORE_IO';

/** `expected` was asked for, `actual` is what the bytes hash to. */
export function hashMismatch(expected: string, actual: string, where: string): AbortError {
  return new AbortError(`content from ${where} does not match its CID: expected ${expected}, got ${actual}`, {
    code: 'HASH_MISMATCH',
    exitCode: ExitCode.INTEGRITY,
    hint: 'the object was corrupted or tampered with and was refused; fetch it from another source',
  });
}

/** Raised as soon as byte `maxBytes + 1` is seen: nothing beyond it is read. */
export function tooLarge(what: string, maxBytes: number, size?: number): AbortError {
  return new AbortError(`${what} is larger than the limit of ${formatBytes(maxBytes)}${size === undefined ? '' : ` (${formatBytes(size)})`}`, {
    code: 'TOO_LARGE',
    exitCode: ExitCode.INTEGRITY,
    hint: 'raise the limit with --max-bytes or storage.maxBytes in flock.config.yaml if the object is trusted',
  });
}

export function notFound(cid: string, where: string, exitCode: ExitCode = ExitCode.USAGE): AbortError {
  return new AbortError(`object ${cid} not found in ${where}`, {
    code: 'NOT_FOUND',
    exitCode,
    hint: 'check the CID and the backend (--backend, --dir, --url)',
  });
}

/** 2048 -> "2 KiB", 1536 -> "1.5 KiB", 2047 -> "2047 bytes" (never rounded into a wrong limit). */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 ** (i + 1) && i < units.length - 1) i++;
  const v = n / 1024 ** i;
  if (i === 0 || Number.isInteger(v * 100)) return `${i === 0 ? n : v} ${units[i]}`;
  return n < 1024 * 1024 ? `${n} bytes` : `${Number(v.toFixed(2))} ${units[i]}`;
}
