import { ERROR_CODES, type ErrorCode } from './codes.js';
import { ExitCode } from './exit-codes.js';

export interface FlockErrorOptions {
  /** The next step the user should take, one line. */
  hint?: string;
  /** Extra lines shown under the message (human output) or as `details` (JSON). */
  details?: string;
  cause?: unknown;
}

/**
 * Base of every error flock raises on purpose: a short message, optional details, a hint with the
 * next step, a cause chain, a stable code and the exit code. The top-level handler
 * (src/cli/handle-error.ts) renders it; nothing else prints errors.
 */
export abstract class FlockError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly details: string | undefined;

  constructor(message: string, opts: FlockErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.hint = opts.hint;
    this.details = opts.details;
  }
}

export interface AbortErrorOptions<C extends ErrorCode = ErrorCode> extends FlockErrorOptions {
  /** A code of src/errors/codes.ts; it decides the exit code. */
  code: C;
}

/**
 * A failure the user can fix (bad flag, unreachable node, wrong password): rendered as one line
 * plus a hint, never with a stack trace. Its exit code is its code's, from src/errors/codes.ts.
 *
 * @example
 * throw new AbortError('no password for keystore alice', { code: 'NO_PASSWORD', hint: 'pass --password-file <file>' });
 */
export class AbortError<C extends ErrorCode = ErrorCode> extends FlockError {
  readonly code: C;
  readonly exitCode: ExitCode;

  constructor(message: string, opts: AbortErrorOptions<C>) {
    super(message, opts);
    this.code = opts.code;
    this.exitCode = ERROR_CODES[opts.code].exit;
  }
}

/** Something that should not happen: rendered with a request to report it, exit code 1. */
export class BugError extends FlockError {
  readonly code = 'BUG';
  readonly exitCode = ExitCode.BUG;

  constructor(message: string, opts: FlockErrorOptions = {}) {
    super(message, { hint: 'this is a bug in flock; please report it with the output of --log-level debug', ...opts });
  }
}

export function isFlockError(e: unknown): e is FlockError {
  return e instanceof FlockError;
}

/** The messages of an error's cause chain, outermost first (for debug output). */
export function causeChain(e: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  let cur: unknown = e;
  while (cur !== undefined && cur !== null && !seen.has(cur) && out.length < 10) {
    seen.add(cur);
    out.push(cur instanceof Error ? `${cur.name}: ${cur.message}` : String(cur));
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return out;
}
