import { NonceManager, type ContractTransactionReceipt, type ContractTransactionResponse, type Interface, type LogDescription, type Signer } from 'ethers';
import { fromEthersError } from '../chain/ethers-errors.js';
import { BugError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { requireSigner, type ProtocolConnection } from './connection.js';

/** The subset of an ERC-20 that allowance handling needs (FLOCK and gmFLOCK both fit). */
export interface Approvable {
  allowance(owner: string, spender: string): Promise<bigint>;
  approve(spender: string, amount: bigint): Promise<ContractTransactionResponse>;
}

/**
 * Sends one transaction and waits for its receipt. Errors become FlockErrors (decoded custom
 * error + hint); after a failed send the signer's nonce cache is reset, so the next send does not
 * reuse or skip a nonce.
 *
 * @example
 * const receipt = await sendTx(signer, 'stake', () => gm.lock(amount, duration), log);
 */
export async function sendTx(
  signer: Signer,
  action: string,
  send: () => Promise<ContractTransactionResponse>,
  log?: Logger,
): Promise<ContractTransactionReceipt> {
  try {
    const tx = await send();
    log?.debug({ action, hash: tx.hash }, 'transaction sent');
    const receipt = await tx.wait();
    if (!receipt) throw new BugError(`${action}: transaction ${tx.hash} has no receipt`);
    return receipt;
  } catch (e) {
    if (signer instanceof NonceManager) signer.reset();
    throw fromEthersError(e, { action });
  }
}

/**
 * {@link sendTx} with the client's signer and logger: the one way an action sends.
 *
 * @example
 * const receipt = await transact(client, 'drawSeed', () => arena.drawSeed(taskId));
 */
export function transact(client: ProtocolConnection, action: string, send: () => Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  return sendTx(requireSigner(client, action), action, send, client.log);
}

/** Called with what is being approved (e.g. "gmFLOCK for the task stake") before the approval is sent. */
export type OnApprove = (what: string) => void;

/**
 * Approves `spender` for exactly `amount` when the signer's allowance is short, and says so (log
 * and `onApprove`): the user never has to run a separate approve step, and nothing unlimited is
 * ever approved.
 *
 * @example
 * await ensureAllowance(client, client.contracts.gm, arenaAddress, stake, 'gmFLOCK for the task stake');
 */
export async function ensureAllowance(
  client: ProtocolConnection,
  token: Approvable,
  spender: string,
  amount: bigint,
  what: string,
  onApprove?: OnApprove,
): Promise<void> {
  const owner = await requireSigner(client, `approve ${what}`).getAddress();
  const current = await token.allowance(owner, spender);
  if (current >= amount) return;
  client.log?.info({ spender, amount: amount.toString() }, `approving ${what}`);
  onApprove?.(what);
  await transact(client, `approve ${what}`, () => token.approve(spender, amount));
}

/** The first event named `name` that `contract` emitted in `receipt`, or undefined. */
export function findEvent(contract: { interface: Interface }, receipt: ContractTransactionReceipt, name: string): LogDescription | undefined {
  for (const log of receipt.logs) {
    try {
      const ev = contract.interface.parseLog(log);
      if (ev?.name === name) return ev;
    } catch {
      // a log of another contract (an ERC-20 transfer, an approval)
    }
  }
  return undefined;
}

/** {@link findEvent}, for events the contract always emits: their absence is a bug. */
export function requireEvent(contract: { interface: Interface }, receipt: ContractTransactionReceipt, name: string, action: string): LogDescription {
  const ev = findEvent(contract, receipt, name);
  if (!ev) throw new BugError(`${action}: no ${name} event in the receipt`);
  return ev;
}
