import { requireArena, requireSigner, type ProtocolConnection } from '../connection.js';
import { insufficientGm } from '../errors.js';
import { ensureAllowance, transact, type OnApprove } from '../tx.js';
import { Role, type ArenaRole, type TaskParameters } from './types.js';

export interface RegisterParameters extends TaskParameters {
  role: ArenaRole;
  /** gmFLOCK to stake; 0: the task's minimum for the role. */
  stake: bigint;
  /** Told before each approval is sent (the stake in gmFLOCK, a node's FLOCK fee). */
  onApprove?: OnApprove;
}

export interface RegisterReturnType {
  /** Submission id (node) or validator index. */
  index: bigint;
  txHash: string | undefined;
  alreadyRegistered: boolean;
}

/**
 * Registers the signer in a task as a training node (stake in gmFLOCK, plus the task's FLOCK fee)
 * or as a validator, approving what it needs. Idempotent: an account already registered in that
 * role gets its index back and nothing is sent.
 *
 * @example
 * const { index } = await register(client, { taskId: 1n, role: 'node', stake: 0n });
 */
export async function register(client: ProtocolConnection, { taskId, role, stake, onApprove }: RegisterParameters): Promise<RegisterReturnType> {
  const arena = requireArena(client);
  const { gm, token } = client.contracts;
  const account = await requireSigner(client, `register as ${role}`).getAddress();
  const [current, index] = await arena.participant(taskId, account);
  if (Number(current) === (role === 'node' ? Role.Node : Role.Validator)) return { index, txHash: undefined, alreadyRegistered: true };
  const t = await arena.task(taskId);
  const amount = stake > 0n ? stake : role === 'node' ? t.minNodeStake : t.minValidatorStake;
  const gmBalance = await gm.balanceOf(account);
  if (gmBalance < amount) throw insufficientGm('registering', amount, account, gmBalance);
  const arenaAddr = await arena.getAddress();
  await ensureAllowance(client, gm, arenaAddr, amount, 'gmFLOCK for the task stake', onApprove);
  if (role === 'node' && t.registrationFee > 0n) {
    await ensureAllowance(client, token, arenaAddr, t.registrationFee, 'FLOCK for the registration fee', onApprove);
  }
  const receipt = await transact(client, `register as ${role}`, () => (role === 'node' ? arena.registerNode(taskId, amount) : arena.registerValidator(taskId, amount)));
  const [, registered] = await arena.participant(taskId, account);
  return { index: registered, txHash: receipt.hash, alreadyRegistered: false };
}
