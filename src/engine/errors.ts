import { AbortError } from '../errors/index.js';
import type { ERROR_DOMAINS } from '../errors/index.js';

/**
 * Errors the engine raises for problems the caller can fix (bad data, bad config, a backend that
 * is not there): AbortErrors with the engine's kebab-case codes, so `flock train` reports them as
 * one line and a hint with their exit code. A bad *model* is never an error: evaluation returns
 * `{ valid: false }` instead.
 */
export type EngineErrorCode = keyof (typeof ERROR_DOMAINS)['engine'];

export interface EngineErrorOptions {
  /** One line telling the user what to do next. */
  hint?: string;
  cause?: unknown;
}

export class EngineError extends AbortError<EngineErrorCode> {
  constructor(code: EngineErrorCode, message: string, options: EngineErrorOptions = {}) {
    super(message, { code, ...options });
  }
}
