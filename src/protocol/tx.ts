import { NonceManager, type ContractTransactionReceipt, type ContractTransactionResponse, type Signer } from 'ethers';
import type { Logger } from 'pino';
import { fromEthersError } from '../chain/ethers-errors.js';
import { BugError } from '../errors/index.js';

/** The subset of an ERC-20 that allowance handling needs (FLOCK and gmFLOCK both fit). */
export interface Approvable {
  allowance(owner: string, spender: string): Promise<bigint>;
  approve(spender: string, amount: bigint): Promise<ContractTransactionResponse>;
}

/**
 * Sends one transaction and waits for its receipt. Errors become FlockErrors (decoded custom
 * error + hint); after a failed send the signer's nonce cache is reset, so the next send does not
 * reuse or skip a nonce.
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
 * Approves `spender` for exactly `amount` when the current allowance is short, and says so in the
 * log: the user never has to run a separate approve step, and nothing unlimited is ever approved.
 */
export async function ensureAllowance(
  signer: Signer,
  token: Approvable,
  owner: string,
  spender: string,
  amount: bigint,
  what: string,
  log?: Logger,
): Promise<void> {
  const current = await token.allowance(owner, spender);
  if (current >= amount) return;
  log?.info({ spender, amount: amount.toString() }, `approving ${what}`);
  await sendTx(signer, `approve ${what}`, () => token.approve(spender, amount), log);
}
