import { fromEthersError, isEthersError } from '../chain/ethers-errors.js';
import { BugError, causeChain, ExitCode, FlockError } from '../errors/index.js';
import { toJson } from './output.js';

export interface HandleErrorOptions {
  json: boolean;
  /** Print stacks and cause chains (--log-level debug or trace). */
  debug: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** Turns anything thrown into a FlockError: ethers errors are mapped, the rest are bugs. */
export function toFlockError(e: unknown): FlockError {
  if (e instanceof FlockError) return e;
  if (isEthersError(e)) return fromEthersError(e);
  const message = e instanceof Error ? e.message : String(e);
  return new BugError(`unexpected error: ${message.split('\n')[0]}`, { cause: e });
}

/**
 * The one place errors are printed. Human: `error: <message>` (+ details) and `hint: <next step>`
 * on stderr. --json: `{"error":{code,exitCode,message,hint}}` on stdout, so a script reading
 * stdout always gets JSON. Stacks only in debug. Returns the exit code.
 */
export function handleError(e: unknown, opts: HandleErrorOptions): number {
  const err = toFlockError(e);
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  if (opts.json) {
    const body: Record<string, unknown> = { code: err.code, exitCode: err.exitCode, message: err.message };
    if (err.hint) body.hint = err.hint;
    if (err.details) body.details = err.details;
    if (opts.debug) body.causes = causeChain(err.cause);
    stdout.write(`${toJson({ error: body })}\n`);
  } else {
    const lines = [`error: ${err.message}`];
    if (err.details) lines.push(...err.details.split('\n').map((l) => `  ${l}`));
    if (err.hint) lines.push(`hint: ${err.hint}`);
    stderr.write(`${lines.join('\n')}\n`);
  }
  if (opts.debug) {
    const original = err instanceof BugError && err.cause instanceof Error ? err.cause : err;
    stderr.write(`${original.stack ?? String(original)}\n`);
    for (const c of causeChain(err.cause).slice(1)) stderr.write(`caused by: ${c}\n`);
  }
  return err.exitCode ?? ExitCode.BUG;
}
