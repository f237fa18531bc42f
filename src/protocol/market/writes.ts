/**
 * The model market's writes, each `(client, params)` returning the mined transaction's hash:
 * registering a model from its task's settlement, a host's offer, a caller's channel, a host's
 * redemption, a contributor's claim. Stakes and deposits are approved as needed, and balances
 * checked before anything is sent.
 */
import type { ContractTransactionResponse } from 'ethers';
import type { IModelMarket } from '../../chain/types/index.js';
import { requireMarket, requireSigner, type ProtocolConnection } from '../connection.js';
import { insufficientBalance, insufficientGm } from '../errors.js';
import { ensureAllowance, requireEvent, transact, type OnApprove } from '../tx.js';

export interface TxResult {
  txHash: string;
}

async function write(client: ProtocolConnection, action: string, send: (m: IModelMarket) => Promise<ContractTransactionResponse>): Promise<TxResult> {
  const receipt = await transact(client, action, () => send(requireMarket(client)));
  return { txHash: receipt.hash };
}

/** Registers the winner (a top-ranked submission) of a finalized Arena task as a model. */
export async function registerArenaModel(client: ProtocolConnection, { taskId, submissionId }: { taskId: bigint; submissionId: bigint }): Promise<TxResult & { modelId: bigint }> {
  const market = requireMarket(client);
  const receipt = await transact(client, 'register the model', () => market.registerArenaModel(taskId, submissionId));
  return { modelId: requireEvent(market, receipt, 'ModelRegistered', 'register the model').args.modelId as bigint, txHash: receipt.hash };
}

/** Registers the final global model of a finished Alliance task as a model. */
export async function registerAllianceModel(client: ProtocolConnection, { taskId }: { taskId: bigint }): Promise<TxResult & { modelId: bigint }> {
  const market = requireMarket(client);
  const receipt = await transact(client, 'register the model', () => market.registerAllianceModel(taskId));
  return { modelId: requireEvent(market, receipt, 'ModelRegistered', 'register the model').args.modelId as bigint, txHash: receipt.hash };
}

/**
 * Offers to serve a model at `price` FLOCK wei a call from `endpoint`, adding `stake` gmFLOCK
 * (approved as needed). Creates the offer, updates it, or re-activates a retired one.
 */
export async function offerModel(
  client: ProtocolConnection,
  { modelId, price, stake, endpoint, onApprove }: { modelId: bigint; price: bigint; stake: bigint; endpoint: string; onApprove?: OnApprove },
): Promise<TxResult> {
  const market = requireMarket(client);
  const { gm } = client.contracts;
  if (stake > 0n) {
    const account = await requireSigner(client, 'offer a model').getAddress();
    const held = await gm.balanceOf(account);
    if (held < stake) throw insufficientGm('staking as a host', stake, account, held);
    await ensureAllowance(client, gm, await market.getAddress(), stake, 'gmFLOCK for the host stake', onApprove);
  }
  return write(client, 'offer the model', (m) => m.offer(modelId, price, stake, endpoint));
}

export const retireOffer = (client: ProtocolConnection, { modelId }: { modelId: bigint }) => write(client, 'retire the offer', (m) => m.retire(modelId));
export const withdrawHostStake = (client: ProtocolConnection, { modelId }: { modelId: bigint }) => write(client, 'withdraw the host stake', (m) => m.withdrawStake(modelId));

/** Opens a channel with `host` for `modelId`, depositing `deposit` FLOCK (approved as needed). */
export async function openChannel(
  client: ProtocolConnection,
  { modelId, host, deposit, onApprove }: { modelId: bigint; host: string; deposit: bigint; onApprove?: OnApprove },
): Promise<TxResult & { channelId: bigint }> {
  const market = requireMarket(client);
  await fund(client, market, deposit, 'depositing into a channel', onApprove);
  const receipt = await transact(client, 'open a channel', () => market.open(modelId, host, deposit));
  return { channelId: requireEvent(market, receipt, 'ChannelOpened', 'open a channel').args.channelId as bigint, txHash: receipt.hash };
}

export async function topUpChannel(client: ProtocolConnection, { channelId, amount, onApprove }: { channelId: bigint; amount: bigint; onApprove?: OnApprove }): Promise<TxResult> {
  const market = requireMarket(client);
  await fund(client, market, amount, 'topping up a channel', onApprove);
  return write(client, 'top up the channel', (m) => m.topUp(channelId, amount));
}

async function fund(client: ProtocolConnection, market: IModelMarket, amount: bigint, action: string, onApprove?: OnApprove): Promise<void> {
  const { token } = client.contracts;
  const account = await requireSigner(client, action).getAddress();
  const held = await token.balanceOf(account);
  if (held < amount) throw insufficientBalance('FLOCK', action, amount, account, held);
  await ensureAllowance(client, token, await market.getAddress(), amount, 'FLOCK for the channel', onApprove);
}

/** A host redeems the latest voucher of a channel: one transaction for any number of calls. */
export const redeemVoucher = (client: ProtocolConnection, { channelId, amount, calls, signature }: { channelId: bigint; amount: bigint; calls: bigint; signature: string }) =>
  write(client, 'redeem the voucher', (m) => m.redeem(channelId, amount, calls, signature));

export const startCloseChannel = (client: ProtocolConnection, { channelId }: { channelId: bigint }) => write(client, 'start closing the channel', (m) => m.startClose(channelId));
export const closeChannel = (client: ProtocolConnection, { channelId }: { channelId: bigint }) => write(client, 'close the channel', (m) => m.close(channelId));

/** Pays a contributor's revenue of a model (its pool's part into its pool); anyone may send it. */
export const claimRevenue = (client: ProtocolConnection, { modelId, contributor }: { modelId: bigint; contributor: string }) =>
  write(client, 'claim the model revenue', (m) => m.claim(modelId, contributor));
