import { HDNodeWallet, Mnemonic, getAddress } from 'ethers';

/**
 * The devnet's funded accounts by name. anvil derives its accounts from the devnet mnemonic
 * (BIP-44, m/44'/60'/0'/0/i); flock names them so that a local round reads as people, not
 * indices: `--account alice` on the devnet signs with anvil's account #1, no keystore and no
 * password. Their keys are public knowledge (anvil prints them), so these names mean nothing on
 * any other chain, where keystores stay encrypted.
 */
export const DEVNET_ACCOUNT_NAMES = ['deployer', 'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan'] as const;

export interface DevnetAccount {
  /** `deployer` for #0, then alice, bob, ...; `dev<i>` beyond the tenth. */
  name: string;
  index: number;
  address: string;
  privateKey: string;
}

/** The name of anvil's account `index`. */
export function devnetAccountName(index: number): string {
  return DEVNET_ACCOUNT_NAMES[index] ?? `dev${index}`;
}

/** The first `count` accounts of `mnemonic` (anvil's derivation), named. */
export function devnetAccounts(mnemonic: string, count: number): DevnetAccount[] {
  const m = Mnemonic.fromPhrase(mnemonic);
  return Array.from({ length: count }, (_, index) => {
    const w = HDNodeWallet.fromMnemonic(m, `m/44'/60'/0'/0/${index}`);
    return { name: devnetAccountName(index), index, address: getAddress(w.address), privateKey: w.privateKey };
  });
}

/** The account named `nameOrAddress` (a name, `#3`, or a 0x address, any case), if it is one. */
export function findDevnetAccount(accounts: readonly DevnetAccount[], nameOrAddress: string): DevnetAccount | undefined {
  const q = nameOrAddress.trim().toLowerCase();
  if (/^#\d+$/.test(q)) return accounts[Number(q.slice(1))];
  if (/^0x[0-9a-f]{40}$/.test(q)) return accounts.find((a) => a.address.toLowerCase() === q);
  return accounts.find((a) => a.name === q);
}

/** Where the devnet's VRF fulfiller key is derived: another BIP-44 account than anvil's (m/44'/60'/0'/0/i), so it is none of the named accounts at any `devnet.accounts` count. */
export const FULFILLER_PATH = "m/44'/60'/1'/0/0";

/**
 * The key the devnet's VRF fulfiller (vrf-fulfiller.ts) sends with: its own, so its transactions
 * never take a nonce a user's (or the deployer's) transaction expected. anvil does not fund it;
 * the fulfiller mints its gas money with anvil_setBalance.
 */
export function devnetFulfillerAccount(mnemonic: string): Omit<DevnetAccount, 'index'> {
  const w = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(mnemonic), FULFILLER_PATH);
  return { name: 'vrf-fulfiller', address: getAddress(w.address), privateKey: w.privateKey };
}
