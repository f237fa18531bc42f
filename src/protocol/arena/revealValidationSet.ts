import { recoverSecrets, secretsPath, writeSecrets } from '../../tasks/secrets.js';
import { requireArena, type ProtocolConnection } from '../connection.js';
import { secretsMismatch } from '../errors.js';
import { transact } from '../tx.js';
import type { TaskParameters } from './types.js';

export interface RevealValidationSetParameters extends TaskParameters {
  /** FLOCK home holding the creator's secrets (tasks/secrets.ts). */
  home: string;
}

export interface RevealValidationSetReturnType {
  taskId: bigint;
  validationCID: string;
  txHash: string | undefined;
  alreadyRevealed: boolean;
}

/**
 * Reveals the validation set from the creator's saved secrets. Idempotent: a revealed task is
 * reported, not re-sent.
 *
 * @example
 * const r = await revealValidationSet(client, { taskId: 1n, home });
 * r.validationCID; // 'bafkrei…'
 */
export async function revealValidationSet(client: ProtocolConnection, { taskId, home }: RevealValidationSetParameters): Promise<RevealValidationSetReturnType> {
  const arena = requireArena(client);
  const chainId = client.record.chainId;
  const t = await arena.task(taskId);
  const s = recoverSecrets(home, chainId, taskId, t.validationCommitment);
  if (t.validationRevealed) return { taskId, validationCID: s.validationCID, txHash: s.revealTx, alreadyRevealed: true };
  const path = secretsPath(home, chainId, taskId);
  if (t.validationCommitment !== s.commitment) throw secretsMismatch(taskId, path);
  const receipt = await transact(client, 'reveal validation set', () => arena.revealValidationSet(taskId, s.validationCID, s.salt));
  writeSecrets(path, { ...s, revealTx: receipt.hash });
  return { taskId, validationCID: s.validationCID, txHash: receipt.hash, alreadyRevealed: false };
}
