import { ExitCode } from './cli/exit-codes.js';

export interface FlockErrorOptions {
  /** Stable machine-readable code, e.g. `RPC_UNREACHABLE` (shown in `--json` output). */
  code?: string;
  /** Process exit code; see src/cli/exit-codes.ts. */
  exitCode?: ExitCode;
  /** The next step the user should take, one line. */
  hint?: string;
  /** Extra lines shown under the message (human output) or as `details` (JSON). */
  details?: string;
  cause?: unknown;
}

/**
 * Base of every error flock raises on purpose: a short message, optional details, a hint with the
 * next step, a cause chain and the exit code. The top-level handler (src/cli/handle-error.ts)
 * renders it; nothing else should print errors.
 */
export class FlockError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly details: string | undefined;

  constructor(message: string, opts: FlockErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code ?? 'ERROR';
    this.exitCode = opts.exitCode ?? ExitCode.BUG;
    this.hint = opts.hint;
    this.details = opts.details;
  }
}

/**
 * A failure the user can fix (bad flag, unreachable node, wrong password): rendered as one line
 * plus a hint, never with a stack trace.
 *
 * @example
 * throw new AbortError('no password for keystore alice', {
 *   code: 'NO_PASSWORD', exitCode: ExitCode.WALLET, hint: 'pass --password-file <file>',
 * });
 */
export class AbortError extends FlockError {
  constructor(message: string, opts: FlockErrorOptions = {}) {
    super(message, { exitCode: ExitCode.USAGE, code: 'ABORT', ...opts });
  }
}

/** Something that should not happen: rendered with a request to report it, exit code 1. */
export class BugError extends FlockError {
  constructor(message: string, opts: Omit<FlockErrorOptions, 'exitCode'> = {}) {
    super(message, {
      code: 'BUG',
      hint: 'this is a bug in flock; please report it with the output of --log-level debug',
      ...opts,
      exitCode: ExitCode.BUG,
    });
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
