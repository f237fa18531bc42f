import { AbiCoder, getCreate2Address, keccak256, type Provider } from 'ethers';
import { FlockDirectory__factory } from './types/index.js';
import { AbortError } from '../errors/index.js';

/**
 * The FlockDirectory (contracts/config/FlockDirectory.sol): the one address that names a
 * deployment's contracts. `flock deploy` creates it through the deterministic CREATE2 proxy, so
 * its address follows from the deployer and an index alone: whether a key has deployed flock on a
 * chain is read from the chain, not from a local file, and `flock deployment use <address>` gives
 * any home the whole deployment.
 */

/** Arachnid's deterministic deployment proxy: on anvil, Base, Base Sepolia and most EVM chains. */
export const CREATE2_PROXY = '0x4e59b44847b379578588920cA78FbF26c0B4956C';

/** How many forced copies one deployer may make on one chain before flock stops looking. */
export const MAX_DIRECTORY_INDEX = 16;

export function directorySalt(index: number): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(['string', 'uint256'], ['flock.directory', index]));
}

/** The address of `deployer`'s directory number `index` (0 for the first deployment). */
export function directoryAddress(deployer: string, index: number): string {
  return getCreate2Address(CREATE2_PROXY, directorySalt(index), keccak256(directoryInitCode(deployer)));
}

/** The creation code the proxy deploys: the bytecode and the ABI-encoded deployer. */
export function directoryInitCode(deployer: string): string {
  const args = AbiCoder.defaultAbiCoder().encode(['address'], [deployer]).slice(2);
  return FlockDirectory__factory.bytecode + args;
}

/** One of a deployer's directory slots, as the chain has it. */
export interface DirectorySlot {
  index: number;
  address: string;
  /** Code at the address (created, maybe by someone else: only the deployer can publish). */
  created: boolean;
  published: boolean;
}

/**
 * The deployer's directory slots from index 0 up to and including the first never created (at
 * most MAX_DIRECTORY_INDEX): `slots.filter(s => s.published)` are its finished deployments, the
 * last slot is where the next one goes.
 */
export async function directorySlots(provider: Provider, deployer: string): Promise<DirectorySlot[]> {
  const out: DirectorySlot[] = [];
  for (let index = 0; index < MAX_DIRECTORY_INDEX; index++) {
    const address = directoryAddress(deployer, index);
    const created = (await provider.getCode(address)) !== '0x';
    const published = created && (await FlockDirectory__factory.connect(address, provider).published());
    out.push({ index, address, created, published });
    if (!published) break;
  }
  return out;
}

/** What a published directory says. */
export interface DirectoryContents {
  address: string;
  deployer: string;
  startBlock: number;
  contracts: Record<string, string>;
}

/**
 * Reads a published directory. NOT_A_DIRECTORY (exit 4) when `address` has no code, is another
 * contract, or was never published.
 */
export async function readDirectory(provider: Provider, address: string): Promise<DirectoryContents> {
  const chainId = (await provider.getNetwork()).chainId;
  const notOne = (why: string, cause?: unknown) =>
    new AbortError(`${address} is not a flock deployment on chain ${chainId}: ${why}`, {
      code: 'NOT_A_DIRECTORY',
      hint: 'use the address `flock deploy` printed as "protocol" (its FlockDirectory), on the chain it was deployed to (--rpc-url)',
      cause,
    });
  if ((await provider.getCode(address)) === '0x') throw notOne('no contract at that address');
  const dir = FlockDirectory__factory.connect(address, provider);
  let published: boolean;
  try {
    published = await dir.published();
  } catch (e) {
    throw notOne('the contract there is not a FlockDirectory', e);
  }
  if (!published) throw notOne('its directory was created but never published (a deployment that did not finish)');
  const [[names, addresses], deployer, startBlock] = await Promise.all([dir.entries(), dir.deployer(), dir.startBlock()]);
  const contracts: Record<string, string> = {};
  names.forEach((name, i) => (contracts[name] = addresses[i]!));
  return { address, deployer, startBlock: Number(startBlock), contracts };
}
