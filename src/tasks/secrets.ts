/**
 * The creator's secrets of an Arena task: the hidden validation set's CID and the salt of its
 * commitment, kept in <home>/tasks/<chainId>/<taskId>.json (0600) until the reveal, and the
 * validation set itself, kept beside them (validation-<cid>.data, 0600) and put in the store only
 * by `flock task reveal`: labels in a shared store would let any trainer train on them. They are
 * written through files/atomic.ts (fsync of the file and its folder) BEFORE the createTask that
 * commits to them is sent, so a crash or a power cut never loses what the reveal needs (a creator
 * who cannot reveal is slashed).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AbortError } from '../errors/index.js';
import { readJsonFile, writeFileAtomic, writeJsonAtomic } from '../files/atomic.js';
import { cidOf } from '../storage/cid.js';

/** What only the creator knows until the reveal. */
export interface TaskSecrets {
  chainId: number;
  taskId: string | undefined;
  creator: string;
  validationCID: string;
  salt: string;
  commitment: string;
  dataCID: string;
  createdAt: string;
  /** Set once the validation set was revealed on chain. */
  revealTx?: string;
}

export function secretsDir(home: string, chainId: number | bigint): string {
  return join(home, 'tasks', String(chainId));
}

/**
 * Where the secrets of a task are kept.
 *
 * @example
 * secretsPath('/home/me/.flock', 31337, 1n) // '/home/me/.flock/tasks/31337/1.json'
 */
export function secretsPath(home: string, chainId: number | bigint, taskId: bigint | string): string {
  return join(secretsDir(home, chainId), `${taskId}.json`);
}

/** Secrets of a createTask not yet mined: named by their commitment, as the task id is unknown. */
function pendingPath(home: string, chainId: number | bigint, commitment: string): string {
  return join(secretsDir(home, chainId), `pending-${commitment.slice(2, 18)}.json`);
}

/**
 * Writes a secrets file atomically and durably (mode 0600).
 *
 * @example
 * writeSecrets(secretsPath(home, chainId, taskId), { ...secrets, revealTx });
 */
export function writeSecrets(path: string, s: TaskSecrets): void {
  writeJsonAtomic(path, s, { mode: 0o600 });
}

/**
 * The saved secrets of a task, or an AbortError (NO_TASK_SECRETS) saying where they were expected.
 *
 * @example
 * const { validationCID, salt } = readSecrets(home, 31337, 1n);
 */
export function readSecrets(home: string, chainId: number | bigint, taskId: bigint): TaskSecrets {
  const path = secretsPath(home, chainId, taskId);
  const s = readJsonFile<TaskSecrets>(path);
  if (s) return s;
  throw new AbortError(`no saved secrets for task ${taskId} on chain ${chainId} (${path})`, {
    code: 'NO_TASK_SECRETS',
    hint: 'run this with the --home (FLOCK_HOME) that created the task',
  });
}

/** Secrets of a createTask whose receipt was never seen (crash between send and record). */
export function pendingSecrets(home: string, chainId: number | bigint): TaskSecrets[] {
  const dir = secretsDir(home, chainId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith('pending-') && f.endsWith('.json'))
    .map((f) => readJsonFile<TaskSecrets>(join(dir, f))!);
}

/**
 * Saves the secrets of a task about to be created (its id still unknown), durably, before the
 * createTask transaction is sent.
 *
 * @example
 * savePendingSecrets(home, { chainId, taskId: undefined, creator, validationCID, salt, commitment, dataCID, createdAt });
 */
export function savePendingSecrets(home: string, s: TaskSecrets): void {
  writeSecrets(pendingPath(home, s.chainId, s.commitment), s);
}

/**
 * Files the pending secrets under the task id the receipt gave, and returns their path.
 *
 * @example
 * const path = recordTaskSecrets(home, pending, 1n);
 */
export function recordTaskSecrets(home: string, s: TaskSecrets, taskId: bigint): string {
  const path = secretsPath(home, s.chainId, taskId);
  writeSecrets(path, { ...s, taskId: taskId.toString() });
  rmSync(pendingPath(home, s.chainId, s.commitment), { force: true });
  return path;
}

/**
 * The saved secrets of a task; when `task create` crashed between sending createTask and
 * recording the task id, the pending file whose commitment is the task's on-chain one is adopted.
 *
 * @example
 * const s = recoverSecrets(home, 31337, 1n, onChainCommitment);
 */
export function recoverSecrets(home: string, chainId: number, taskId: bigint, commitment: string): TaskSecrets {
  if (!existsSync(secretsPath(home, chainId, taskId))) {
    const pending = pendingSecrets(home, chainId).find((x) => x.commitment === commitment);
    if (pending) recordTaskSecrets(home, pending, taskId);
  }
  return readSecrets(home, chainId, taskId);
}

/** Where `task create` keeps the hidden validation set until the reveal. */
export function keptValidationPath(home: string, chainId: number | bigint, validationCID: string): string {
  return join(secretsDir(home, chainId), `validation-${validationCID}.data`);
}

/**
 * Copies the hidden validation set into the creator's home (0600, durable) and returns its CID,
 * computed locally: nothing reaches the store before `flock task reveal`. (The file is read whole:
 * validation sets are checked row by row before this, and kept small by their nature.)
 *
 * @example
 * const validationCID = keepValidationSet(home, 31337, 'validation.csv');
 */
export function keepValidationSet(home: string, chainId: number | bigint, file: string): string {
  const bytes = new Uint8Array(readFileSync(file));
  const cid = cidOf(bytes);
  writeFileAtomic(keptValidationPath(home, chainId, cid), bytes);
  return cid;
}
