/**
 * Errors the engine raises for problems the caller can fix (bad data, bad config, a backend that
 * is not there). A bad *model* is never an error: evaluation returns `{ valid: false }` instead.
 */
export type EngineErrorCode =
  | 'bad-data'
  | 'bad-schema'
  | 'bad-config'
  | 'backend-unavailable'
  | 'unsupported-layer'
  | 'unparsable'
  | 'aborted';

export interface EngineErrorOptions {
  /** One line telling the user what to do next. */
  hint?: string;
  cause?: unknown;
}

export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly code: EngineErrorCode;
  readonly hint: string | undefined;

  constructor(code: EngineErrorCode, message: string, options: EngineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}
