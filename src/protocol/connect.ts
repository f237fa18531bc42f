import { encodeBytes32String, type ContractRunner } from 'ethers';
import type { DeploymentRecord } from '../chain/deployment.js';
import { registerRevertInterface } from '../chain/ethers-errors.js';
import { BugError } from '../errors/index.js';
import {
  DelegationPools__factory,
  Emission__factory,
  FlockGovernor__factory,
  FlockTimelock__factory,
  FlockToken__factory,
  FlockVotes__factory,
  GmFlock__factory,
  ProtocolConfig__factory,
  type DelegationPools,
  type Emission,
  type FlockGovernor,
  type FlockTimelock,
  type FlockToken,
  type FlockVotes,
  type GmFlock,
  type ProtocolConfig,
} from '../chain/types/index.js';
import './hints.js';

/** The deployed protocol, typed from forge's artifacts, bound to one runner (provider or signer). */
export interface Protocol {
  record: DeploymentRecord;
  token: FlockToken;
  config: ProtocolConfig;
  gm: GmFlock;
  emission: Emission;
  pools: DelegationPools;
  timelock: FlockTimelock;
  /** The Governor, when this deployment has governance (older records have none). */
  governor?: FlockGovernor;
  votes?: FlockVotes;
}

/**
 * Binds the contracts of a deployment record to `runner`, and registers their ABIs so a revert
 * anywhere decodes to its custom error name.
 *
 * @example
 * const p = connectProtocol(await loadDeployment(ctx), await ctx.signer());
 * await p.gm.lockedOf(address);
 */
export function connectProtocol(record: DeploymentRecord, runner: ContractRunner): Protocol {
  const at = (name: string) => {
    const address = record.contracts[name];
    if (!address) throw new BugError(`deployment record for chain ${record.chainId} has no ${name}`);
    return address;
  };
  const p: Protocol = {
    record,
    token: FlockToken__factory.connect(at('FlockToken'), runner),
    config: ProtocolConfig__factory.connect(at('ProtocolConfig'), runner),
    gm: GmFlock__factory.connect(at('GmFlock'), runner),
    emission: Emission__factory.connect(at('Emission'), runner),
    pools: DelegationPools__factory.connect(at('DelegationPools'), runner),
    timelock: FlockTimelock__factory.connect(at('FlockTimelock'), runner),
  };
  if (record.contracts.FlockGovernor) p.governor = FlockGovernor__factory.connect(record.contracts.FlockGovernor, runner);
  if (record.contracts.FlockVotes) p.votes = FlockVotes__factory.connect(record.contracts.FlockVotes, runner);
  for (const c of [p.token, p.config, p.gm, p.emission, p.pools, p.timelock, p.governor, p.votes]) if (c) registerRevertInterface(c.interface);
  return p;
}

/** Reads a governed parameter by its name in contracts/libraries/Params.sol, e.g. `lock.slope`. */
export function param(p: Protocol, name: string): Promise<bigint> {
  return p.config.get(encodeBytes32String(name));
}
