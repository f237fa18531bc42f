import { NonceManager, type Provider, type Signer, type TransactionRequest, type TransactionResponse } from 'ethers';

/**
 * Gas added to every estimate: 20% plus a fixed 300,000. A transaction estimated in one emission
 * epoch can be mined in the next, and the first call of a new epoch also pulls the emission and
 * syncs the gauges (up to ~250,000 gas: `sync_newDay` in docs/GAS.md); without headroom it runs
 * out of gas and reverts without a reason. Unused gas is not charged.
 */
export const GAS_HEADROOM_PERCENT = 20n;
export const GAS_HEADROOM_FIXED = 300_000n;

export function withGasHeadroom(estimate: bigint): bigint {
  return estimate + (estimate * GAS_HEADROOM_PERCENT) / 100n + GAS_HEADROOM_FIXED;
}

/**
 * The signer every command and daemon sends with: a NonceManager (consecutive sends in one
 * process do not race for a nonce; reset it after a failed send) whose gas limits have headroom.
 *
 * @example
 * const signer = new FlockSigner(wallet.connect(provider));
 */
export class FlockSigner extends NonceManager {
  override connect(provider: null | Provider): FlockSigner {
    return new FlockSigner(this.signer.connect(provider));
  }

  override async sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    if (tx.gasLimit == null) tx = { ...tx, gasLimit: withGasHeadroom(await this.signer.estimateGas(tx)) };
    return super.sendTransaction(tx);
  }
}

/** Wraps a signer as a {@link FlockSigner}. */
export function flockSigner(signer: Signer): FlockSigner {
  return signer instanceof FlockSigner ? signer : new FlockSigner(signer);
}
