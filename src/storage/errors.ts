import { formatBytes } from '../units/index.js';
import { AbortError } from '../errors/index.js';

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
  | 'STORE_QUOTA'
  | 'STORE_IO';

/** `expected` was asked for, `actual` is what the bytes hash to. */
export function hashMismatch(expected: string, actual: string, where: string): AbortError {
  return new AbortError(`content from ${where} does not match its CID: expected ${expected}, got ${actual}`, {
    code: 'HASH_MISMATCH',
    hint: 'the object was corrupted or tampered with and was refused; fetch it from another source',
  });
}

/** Raised as soon as byte `maxBytes + 1` is seen: nothing beyond it is read. */
export function tooLarge(what: string, maxBytes: number, size?: number): AbortError {
  return new AbortError(`${what} is larger than the limit of ${formatBytes(maxBytes)}${size === undefined ? '' : ` (${formatBytes(size)})`}`, {
    code: 'TOO_LARGE',
    hint: 'raise the limit with --max-bytes or storage.maxBytes in flock.config.yaml if the object is trusted',
  });
}

/** NOT_FOUND_REMOTE (exit 3) when peers were asked and none answered in time: it may yet appear. */
export function notFound(cid: string, where: string, code: 'NOT_FOUND' | 'NOT_FOUND_REMOTE' = 'NOT_FOUND'): AbortError {
  return new AbortError(`object ${cid} not found in ${where}`, {
    code,
    hint: 'check the CID and the backend (--backend, --dir, --url)',
  });
}
