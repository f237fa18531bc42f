import type { ContractRunner, Signer } from 'ethers';
import type { DeploymentRecord } from '../chain/deployment.js';
import { registerRevertInterface } from '../chain/ethers-errors.js';
import {
  AllianceSettlement__factory,
  ArenaRanking__factory,
  ArenaSettlement__factory,
  DelegationPools__factory,
  Emission__factory,
  FlockGovernor__factory,
  FlockTimelock__factory,
  FlockToken__factory,
  FlockVotes__factory,
  GmFlock__factory,
  IAlliance__factory,
  IModelMarket__factory,
  IArena__factory,
  ProtocolConfig__factory,
  type DelegationPools,
  type Emission,
  type FlockGovernor,
  type FlockTimelock,
  type FlockToken,
  type FlockVotes,
  type GmFlock,
  type IAlliance,
  type IModelMarket,
  type IArena,
  type ProtocolConfig,
} from '../chain/types/index.js';
import { BugError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { noAlliance, noArena, noGovernor, noMarket } from './errors.js';
import './hints.js';
import './alliance/hints.js';
import './market/hints.js';
import './arena/hints.js';
import './governance/hints.js';

/** The contracts of a deployment, typed from forge's artifacts (TypeChain), bound to one runner. */
export interface ProtocolContracts {
  token: FlockToken;
  config: ProtocolConfig;
  gm: GmFlock;
  emission: Emission;
  pools: DelegationPools;
  timelock: FlockTimelock;
  /** The Governor and the votes token, when this deployment has governance (older records have none). */
  governor?: FlockGovernor;
  votes?: FlockVotes;
  /** The Arena (actions, and views served by its lens through the fallback), when deployed. */
  arena?: IArena;
  /** The FL Alliance, when deployed. */
  alliance?: IAlliance;
  /** The model market, when deployed. */
  market?: IModelMarket;
}

/**
 * What every action takes: a deployment, its contracts, the signer that sends (absent for a
 * read-only connection) and a logger. {@link createProtocolClient} adds the actions bound to it.
 */
export interface ProtocolConnection {
  record: DeploymentRecord;
  contracts: ProtocolContracts;
  signer: Signer | undefined;
  log: Logger | undefined;
}

export interface ConnectProtocolParameters {
  record: DeploymentRecord;
  /** A provider for reads; ignored when `signer` is given (the contracts are bound to it). */
  runner?: ContractRunner;
  signer?: Signer;
  log?: Logger;
}

/**
 * Binds the contracts of a deployment record to the signer (or a read-only runner) and registers
 * their ABIs and hints, so a revert anywhere decodes to its custom error name and a next step.
 *
 * @example
 * const c = connectProtocol({ record: await loadDeployment(ctx), signer: await ctx.signer() });
 * await c.contracts.gm.lockedOf(address);
 */
export function connectProtocol({ record, runner, signer, log }: ConnectProtocolParameters): ProtocolConnection {
  const bound = signer ?? runner;
  if (!bound) throw new BugError('connectProtocol needs a runner or a signer');
  const at = (name: string) => {
    const address = record.contracts[name];
    if (!address) throw new BugError(`deployment record for chain ${record.chainId} has no ${name}`);
    return address;
  };
  const optional = <T>(name: string, connect: (address: string) => T) => (record.contracts[name] ? connect(record.contracts[name]) : undefined);
  const contracts: ProtocolContracts = {
    token: FlockToken__factory.connect(at('FlockToken'), bound),
    config: ProtocolConfig__factory.connect(at('ProtocolConfig'), bound),
    gm: GmFlock__factory.connect(at('GmFlock'), bound),
    emission: Emission__factory.connect(at('Emission'), bound),
    pools: DelegationPools__factory.connect(at('DelegationPools'), bound),
    timelock: FlockTimelock__factory.connect(at('FlockTimelock'), bound),
    governor: optional('FlockGovernor', (a) => FlockGovernor__factory.connect(a, bound)),
    votes: optional('FlockVotes', (a) => FlockVotes__factory.connect(a, bound)),
    arena: optional('Arena', (a) => IArena__factory.connect(a, bound)),
    alliance: optional('Alliance', (a) => IAlliance__factory.connect(a, bound)),
    market: optional('ModelMarket', (a) => IModelMarket__factory.connect(a, bound)),
  };
  for (const c of Object.values(contracts)) if (c) registerRevertInterface(c.interface);
  if (contracts.arena) {
    registerRevertInterface(ArenaSettlement__factory.createInterface());
    registerRevertInterface(ArenaRanking__factory.createInterface());
  }
  if (contracts.alliance) registerRevertInterface(AllianceSettlement__factory.createInterface());
  return { record, contracts, signer, log };
}

/** The signer of a connection that sends; a BugError when a read-only one was opened for a write. */
export function requireSigner(client: ProtocolConnection, action: string): Signer {
  if (!client.signer) throw new BugError(`${action}: the protocol client was opened without a signer`);
  return client.signer;
}

/** The Arena of the deployment, or an AbortError (NO_ARENA) for a deployment from before it. */
export function requireArena(client: ProtocolConnection): IArena {
  if (!client.contracts.arena) throw noArena(client.record.chainId);
  return client.contracts.arena;
}

/** The Alliance of the deployment, or an AbortError (NO_ALLIANCE) for a deployment from before it. */
export function requireAlliance(client: ProtocolConnection): IAlliance {
  if (!client.contracts.alliance) throw noAlliance(client.record.chainId);
  return client.contracts.alliance;
}

/** The model market of the deployment, or an AbortError (NO_MARKET) for a deployment from before it. */
export function requireMarket(client: ProtocolConnection): IModelMarket {
  if (!client.contracts.market) throw noMarket(client.record.chainId);
  return client.contracts.market;
}

/** The Governor of the deployment, or an AbortError (NO_GOVERNANCE). */
export function requireGovernor(client: ProtocolConnection): FlockGovernor {
  if (!client.contracts.governor) throw noGovernor(client.record.chainId);
  return client.contracts.governor;
}
