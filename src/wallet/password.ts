import { readFileSync } from 'node:fs';
import { AbortError } from '../errors/index.js';

export interface ResolvePasswordOptions {
  /** --password-file / FLOCK_PASSWORD_FILE / config passwordFile, already resolved by config. */
  passwordFile?: string;
  env?: NodeJS.ProcessEnv;
  /** The keystore's name, for prompts and errors. */
  name: string;
  /** `new`: asks twice when prompting, refuses an empty password and warns about a short one. */
  purpose: 'unlock' | 'new';
  /** Where a warning about a new password goes (the CLI's logger); stderr when not given. */
  warn?: (message: string) => void;
}

/** New keystores' passwords shorter than this (in characters) are taken with a warning. */
export const MIN_PASSWORD_LENGTH = 8;

/**
 * The policy for a new keystore's password, wherever it came from (file, environment, prompt):
 * empty is refused (EMPTY_PASSWORD, before anything is written), shorter than MIN_PASSWORD_LENGTH
 * is warned about. Always, devnet or not: a keystore outlives the chain it was made for, and the
 * key in it may later hold real funds.
 */
export function checkNewPassword(password: string, name: string, warn: (message: string) => void): void {
  if (password === '') {
    throw new AbortError(`the password for keystore ${name} is empty`, {
      code: 'EMPTY_PASSWORD',
      hint: `choose a password of at least ${MIN_PASSWORD_LENGTH} characters; flock never writes an unencrypted key`,
    });
  }
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    warn(`the password for keystore ${name} is shorter than ${MIN_PASSWORD_LENGTH} characters (${length}): anyone who gets the file can guess it quickly`);
  }
}

/**
 * The keystore password, from (in order) a password file, FLOCK_PASSWORD, or a hidden prompt when
 * a person is at a terminal. A daemon without any of them fails at once instead of hanging.
 */
export async function resolvePassword(opts: ResolvePasswordOptions): Promise<string> {
  const password = await findPassword(opts);
  if (opts.purpose === 'new') checkNewPassword(password, opts.name, opts.warn ?? ((m) => process.stderr.write(`warning: ${m}\n`)));
  return password;
}

async function findPassword(opts: ResolvePasswordOptions): Promise<string> {
  const env = opts.env ?? process.env;
  if (opts.passwordFile) return readPasswordFile(opts.passwordFile);
  if (env.FLOCK_PASSWORD !== undefined && env.FLOCK_PASSWORD !== '') return env.FLOCK_PASSWORD;
  if (process.stdin.isTTY && process.stderr.isTTY) {
    const pw = await promptHidden(`${opts.purpose === 'new' ? 'New password' : 'Password'} for keystore ${opts.name}: `);
    if (opts.purpose === 'new') {
      checkNewPassword(pw, opts.name, () => {}); // refuse an empty one before asking again; warn once, after
      const again = await promptHidden('Repeat the password: ');
      if (again !== pw) throw new AbortError('the passwords do not match', { code: 'PASSWORD_MISMATCH', hint: 'run the command again' });
    }
    return pw;
  }
  throw new AbortError(`no password for keystore ${opts.name}`, {
    code: 'NO_PASSWORD',
    hint: 'pass --password-file <file> (or set FLOCK_PASSWORD_FILE or FLOCK_PASSWORD)',
  });
}

/** Reads a password file like Foundry does: trailing whitespace and newlines are not part of it. */
export function readPasswordFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').trimEnd();
  } catch (e) {
    throw new AbortError(`cannot read password file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      code: 'PASSWORD_FILE',
      hint: 'check --password-file / FLOCK_PASSWORD_FILE',
      cause: e,
    });
  }
}

/**
 * Reads a line from the terminal without echoing it (passwords, private keys). Ctrl-C aborts with
 * exit 8 instead of leaving the terminal in raw mode.
 */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolvePromise, reject) => {
    let value = '';
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error) => {
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolvePromise(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new AbortError('interrupted', { code: 'INTERRUPTED' }));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
