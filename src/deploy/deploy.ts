import { existsSync, readFileSync } from 'node:fs';
import { writeJsonAtomic } from '../files/atomic.js';
import { dirname } from 'node:path';
import { ZeroAddress, getAddress, parseEther, type JsonRpcProvider, type Signer } from 'ethers';
import type { Logger } from 'pino';
import {
  AllianceLens__factory,
  ModelMarket__factory,
  AllianceRandomness__factory,
  AllianceSettlement__factory,
  Alliance__factory,
  ArenaLens__factory,
  ArenaRanking__factory,
  ArenaSettlement__factory,
  Arena__factory,
  DelegationPools__factory,
  Emission__factory,
  FlockTimelock__factory,
  FlockDirectory__factory,
  FlockToken__factory,
  FlockVestingWallet__factory,
  GmFlock__factory,
  ProtocolConfig__factory,
} from '../chain/types/index.js';
import type { DeploymentRecord } from '../chain/deployment.js';
import { CREATE2_PROXY, directoryAddress, directoryInitCode, directorySalt } from '../chain/directory.js';
import { AbortError } from '../errors/index.js';
import { formatFlock } from '../units/index.js';
import type { GenesisPlan } from './genesis.js';
import { deployGovernance } from './governance.js';
import { deployRandomness, type VrfSettings } from './randomness.js';

/** Genesis economy. Reference values from SPEC.md; all later changes go through governance. */
export const GENESIS = {
  /** 1074 FLOCK/day at start, decaying by 0.9 every 30 days. */
  initialDaily: parseEther('1074'),
  decay: parseEther('0.9'),
  decayPeriodDays: 30n,
  /** The whole infinite schedule sums to 322,200 FLOCK; the reserve runs out a little before. */
  reserve: parseEther('300000'),
  /** Held by the timelock, which is the treasury: pays proposal rewards and receives fees. */
  treasury: parseEther('100000000'),
  /** Seconds between a passed proposal and its execution. */
  timelockDelay: 2n * 24n * 3600n,
  /** FLOCK given to each funded devnet account. */
  devnetFunding: parseEther('1000000'),
} as const;

export interface DeployProtocolOptions {
  signer: Signer;
  provider: JsonRpcProvider;
  /** A local devnet: short timelock delay, and `fundAccounts` receive FLOCK. */
  devnet: boolean;
  fundAccounts?: string[];
  log: Logger;
  /**
   * Where progress is journaled. A deployment that fails half-way (RPC error, out of gas) is
   * resumed by the next run from this file instead of redeploying, so no contract is orphaned
   * and no transfer is sent twice.
   */
  journalPath?: string;
  /** Overrides of {@link GENESIS}. */
  genesis?: Partial<{ [K in keyof typeof GENESIS]: bigint }>;
  /**
   * Where the whole supply goes (genesis.ts). Without one (the devnet) the treasury, reserve and
   * reward budget are the GENESIS defaults and the deployer keeps the rest.
   */
  plan?: GenesisPlan;
  /** The deployer's FlockDirectory slot (chain/directory.ts): 0, or the next free one for --force. */
  directoryIndex?: number;
  /**
   * A real chain's Chainlink VRF v2.5 coordinator, key hash and subscription for the Alliance's
   * randomness (randomness.ts). Without it AllianceRandomness is skipped outside the devnet; the
   * devnet deploys Chainlink's coordinator mock instead.
   */
  vrf?: VrfSettings;
}

type ContractName =
  | 'FlockToken'
  | 'FlockTimelock'
  | 'ProtocolConfig'
  | 'GmFlock'
  | 'Emission'
  | 'DelegationPools'
  | 'ArenaSettlement'
  | 'ArenaRanking'
  | 'ArenaLens'
  | 'Arena'
  | 'ProposalBonds'
  | 'FlockVotes'
  | 'FlockGovernor'
  | 'FlockDirectory'
  | 'VRFCoordinatorV2_5Mock'
  | 'AllianceRandomness'
  | 'AllianceSettlement'
  | 'AllianceLens'
  | 'Alliance'
  | 'ModelMarket'
  | `Vesting:${string}`;

interface Journal {
  chainId: string;
  deployer: string;
  /** The directory slot this journal fills: a journal of another slot is not resumed. */
  directoryIndex?: number;
  block?: number;
  contracts: Partial<Record<ContractName, string>>;
  /** The devnet VRF subscription created in the coordinator mock (decimal). */
  vrfSubscriptionId?: string;
}

/**
 * Deploys the whole protocol and hands every admin right to the timelock, leaving the deployer
 * with none. Each step first checks the chain, so the function is safe to re-run after a failure.
 *
 * @example
 * const record = await deployProtocol({ signer, provider, devnet: true, fundAccounts, log });
 * record.contracts.GmFlock; // '0x…'
 */
export async function deployProtocol(opts: DeployProtocolOptions): Promise<DeploymentRecord> {
  const { signer, provider, log } = opts;
  const g = { ...GENESIS, ...(opts.devnet ? { timelockDelay: 60n } : {}), ...opts.genesis };
  const deployer = await signer.getAddress();
  const chainId = (await provider.getNetwork()).chainId;
  const directoryIndex = opts.directoryIndex ?? 0;
  const plan = opts.plan ? planAmounts(opts.plan, deployer) : undefined;

  const journal = readJournal(opts.journalPath, chainId, deployer, directoryIndex);
  const save = () => writeJournal(opts.journalPath, journal);

  // Deploys `name` unless the journal already has it with code on chain.
  const step = async (name: ContractName, deploy: () => Promise<{ getAddress(): Promise<string>; deploymentTransaction(): { wait(): Promise<unknown> } | null }>) => {
    const known = journal.contracts[name];
    if (known && (await provider.getCode(known)) !== '0x') {
      log.info({ contract: name, address: known }, 'already deployed, reusing');
      return known;
    }
    const c = await deploy();
    const receipt = (await c.deploymentTransaction()?.wait()) as { blockNumber?: number } | null;
    const address = await c.getAddress();
    journal.contracts[name] = address;
    journal.block ??= receipt?.blockNumber;
    save();
    log.info({ contract: name, address }, 'deployed');
    return address;
  };

  // The directory first: its address (deployer, index) marks this key's deployment on the chain
  // from the first transaction on, so a crash half-way is visible to `flock deploy` anywhere.
  const directoryAddr = await step('FlockDirectory', () => createDirectory(signer, provider, deployer, directoryIndex));
  const tokenAddr = await step('FlockToken', () => new FlockToken__factory(signer).deploy(deployer));
  const timelockAddr = await step('FlockTimelock', () =>
    // No proposer yet: the Governor is wired in by the governance deployment. Anyone may execute.
    new FlockTimelock__factory(signer).deploy(g.timelockDelay, [], [ZeroAddress], deployer),
  );
  const configAddr = await step('ProtocolConfig', () => new ProtocolConfig__factory(signer).deploy(deployer, timelockAddr));
  const gmAddr = await step('GmFlock', () => new GmFlock__factory(signer).deploy(tokenAddr, configAddr));
  const start = BigInt((await provider.getBlock('latest'))!.timestamp);
  const emissionAddr = await step('Emission', () =>
    new Emission__factory(signer).deploy(tokenAddr, configAddr, start, g.initialDaily, g.decay, g.decayPeriodDays),
  );
  const poolsAddr = await step('DelegationPools', () =>
    new DelegationPools__factory(signer).deploy(tokenAddr, gmAddr, configAddr, emissionAddr),
  );

  // The Arena and its three modules (delegatecalled; deployed with the Arena's first five arguments).
  const arenaArgs = [tokenAddr, gmAddr, configAddr, emissionAddr, poolsAddr] as const;
  const settlementAddr = await step('ArenaSettlement', () => new ArenaSettlement__factory(signer).deploy(...arenaArgs));
  const rankingAddr = await step('ArenaRanking', () => new ArenaRanking__factory(signer).deploy(...arenaArgs));
  const lensAddr = await step('ArenaLens', () => new ArenaLens__factory(signer).deploy(...arenaArgs));
  const arenaAddr = await step('Arena', () => new Arena__factory(signer).deploy(...arenaArgs, settlementAddr, rankingAddr, lensAddr));

  const token = FlockToken__factory.connect(tokenAddr, signer);
  const config = ProtocolConfig__factory.connect(configAddr, signer);
  const emission = Emission__factory.connect(emissionAddr, signer);
  const timelock = FlockTimelock__factory.connect(timelockAddr, signer);
  const send = async (what: string, tx: Promise<{ wait(): Promise<unknown> }>) => {
    await (await tx).wait();
    log.info(what);
  };

  // Wiring. Each step checks the chain first, so a re-run never repeats a transfer.
  const GM_HOLDER = await config.GM_HOLDER_ROLE();
  if (!(await config.hasRole(GM_HOLDER, poolsAddr))) await send('pools may hold gmFLOCK', config.grantRole(GM_HOLDER, poolsAddr));
  if (!(await emission.gauges()).includes(poolsAddr)) await send('pools earn emission', emission.addGauge(poolsAddr));
  if (!(await config.hasRole(GM_HOLDER, arenaAddr))) await send('arena may hold gmFLOCK', config.grantRole(GM_HOLDER, arenaAddr));
  const SLASHER = await config.SLASHER_ROLE();
  if (!(await config.hasRole(SLASHER, arenaAddr))) await send('arena may slash pools', config.grantRole(SLASHER, arenaAddr));
  if (!(await emission.gauges()).includes(arenaAddr)) await send('arena earns emission', emission.addGauge(arenaAddr));

  // The FL Alliance's randomness: Chainlink VRF v2.5 (the coordinator mock and a funded
  // subscription on the devnet, whose `devnet fulfil` process answers the requests).
  const randomnessAddr = await deployRandomness({
    signer,
    deployer,
    devnet: opts.devnet,
    ...(opts.vrf ? { vrf: opts.vrf } : {}),
    step,
    send,
    subscription: {
      get: () => journal.vrfSubscriptionId,
      set: (id) => {
        journal.vrfSubscriptionId = id;
        save();
      },
    },
    log,
  });
  // The FL Alliance, where there is randomness for it, with its two modules (delegatecalled;
  // deployed with the Alliance's first seven arguments). Before the hand-over below (the deployer
  // still holds the config's admin role) and before the directory is published (it lists every
  // journaled contract).
  if (randomnessAddr) {
    const allianceArgs = [tokenAddr, gmAddr, configAddr, emissionAddr, poolsAddr, randomnessAddr, arenaAddr] as const;
    const aSettlementAddr = await step('AllianceSettlement', () => new AllianceSettlement__factory(signer).deploy(...allianceArgs));
    const aLensAddr = await step('AllianceLens', () => new AllianceLens__factory(signer).deploy(...allianceArgs));
    const allianceAddr = await step('Alliance', () => new Alliance__factory(signer).deploy(...allianceArgs, aSettlementAddr, aLensAddr));
    const randomness = AllianceRandomness__factory.connect(randomnessAddr, signer);
    const requester = await randomness.requester();
    if (requester === ZeroAddress) await send('the Alliance requests randomness', randomness.setRequester(allianceAddr));
    else if (getAddress(requester) !== getAddress(allianceAddr)) {
      throw new AbortError(`AllianceRandomness ${randomnessAddr} already serves ${requester}, not this Alliance ${allianceAddr}`, {
        code: 'STALE_DEPLOYMENT',
        hint: 'the deployment journal mixes two deployments; deploy afresh with another key or `--force`',
      });
    }
    if (!(await config.hasRole(GM_HOLDER, allianceAddr))) await send('alliance may hold gmFLOCK', config.grantRole(GM_HOLDER, allianceAddr));
    if (!(await config.hasRole(SLASHER, allianceAddr))) await send('alliance may slash pools', config.grantRole(SLASHER, allianceAddr));
    if (!(await emission.gauges()).includes(allianceAddr)) await send('alliance earns emission', emission.addGauge(allianceAddr));
    // The randomness settings (key hash, subscription, callback gas) become the timelock's: it
    // accepts the ownership (ConfirmedOwner's two steps) by a proposal.
    if (getAddress(await randomness.owner()) === getAddress(deployer)) await send('AllianceRandomness offered to the timelock', randomness.transferOwnership(timelockAddr));
  }
  // The model market: registers the Arena's winners and the Alliance's global models (none
  // without an Alliance), holds hosts' gmFLOCK stakes, pays contributors' pools by notifyReward.
  const allianceAddr = journal.contracts.Alliance ?? ZeroAddress;
  const marketAddr = await step('ModelMarket', () => new ModelMarket__factory(signer).deploy(tokenAddr, gmAddr, configAddr, poolsAddr, arenaAddr, allianceAddr));
  if (!(await config.hasRole(GM_HOLDER, marketAddr))) await send('market may hold gmFLOCK', config.grantRole(GM_HOLDER, marketAddr));
  const topUp = async (to: string, target: bigint, what: string) => {
    const have = await token.balanceOf(to);
    if (have < target) await send(what, token.transfer(to, target - have));
  };
  await topUp(emissionAddr, plan?.emission ?? g.reserve, 'emission reserve funded');
  await topUp(timelockAddr, plan?.treasury ?? g.treasury, 'treasury funded');
  for (const [to, amount] of plan?.accounts ?? []) {
    if (to.toLowerCase() !== deployer.toLowerCase()) await topUp(to, amount, `genesis: ${formatFlock(amount)} to ${to}`);
  }
  for (const v of plan?.vesting ?? []) {
    const wallet = await step(`Vesting:${v.name}`, () => new FlockVestingWallet__factory(signer).deploy(v.beneficiary, v.start, v.duration, v.cliff));
    await topUp(wallet, v.amount, `genesis: ${formatFlock(v.amount)} vesting to ${v.beneficiary} (${v.name})`);
  }
  if (opts.devnet) {
    for (const account of opts.fundAccounts ?? []) {
      if (account.toLowerCase() !== deployer.toLowerCase()) await topUp(account, g.devnetFunding, `funded ${account}`);
    }
  }

  // Governance: the Governor becomes the timelock's only proposer and canceller (before the hand-over).
  await deployGovernance({
    signer,
    deployer,
    devnet: opts.devnet,
    step,
    send,
    token: tokenAddr,
    gm: gmAddr,
    timelock: timelockAddr,
    log,
    ...(plan ? { settings: { rewardBudget: plan.governor } } : {}),
  });

  // Hand-over: the timelock becomes the only admin; the deployer keeps nothing.
  const ADMIN = await config.DEFAULT_ADMIN_ROLE();
  if (!(await config.hasRole(ADMIN, timelockAddr))) await send('timelock governs the config', config.grantRole(ADMIN, timelockAddr));
  if (await config.hasRole(ADMIN, deployer)) await send('deployer renounced config admin', config.renounceRole(ADMIN, deployer));
  const TL_ADMIN = await timelock.DEFAULT_ADMIN_ROLE();
  if (await timelock.hasRole(TL_ADMIN, deployer)) await send('deployer renounced timelock admin', timelock.renounceRole(TL_ADMIN, deployer));

  // With a plan the deployer keeps exactly what the file gives it (usually nothing).
  if (plan) {
    const left = await token.balanceOf(deployer);
    if (left !== plan.deployerKeeps) {
      throw new AbortError(`after the genesis transfers the deployer holds ${formatFlock(left)}, not the ${formatFlock(plan.deployerKeeps)} the genesis file gives it`, {
        code: 'GENESIS_INVALID',
        hint: 'the token supply and the genesis file disagree; check `supply` in the file',
      });
    }
  }

  // Last: publish the directory, which marks the deployment finished for every other home.
  const directory = FlockDirectory__factory.connect(directoryAddr, signer);
  if (!(await directory.published())) {
    const entries = Object.entries(journal.contracts).filter(([name]) => name !== 'FlockDirectory') as Array<[string, string]>;
    await send(`directory published at ${directoryAddr}`, directory.publish(entries.map(([n]) => n), entries.map(([, a]) => a), journal.block ?? 0));
  }

  const record: DeploymentRecord = {
    chainId: Number(chainId),
    deployedAt: new Date().toISOString(),
    deployer,
    block: journal.block ?? 0,
    devnet: opts.devnet,
    protocol: directoryAddr,
    contracts: journal.contracts as Record<string, string>,
  };
  return record;
}

/** The plan as amounts per destination (two entries for one address add up). */
function planAmounts(p: GenesisPlan, deployer: string) {
  const sum = (kind: string) => p.allocations.filter((a) => a.kind === kind).reduce((n, a) => n + a.amount, 0n);
  const accounts = new Map<string, bigint>();
  for (const a of p.allocations) {
    if (a.kind === 'account') accounts.set(getAddress(a.to), (accounts.get(getAddress(a.to)) ?? 0n) + a.amount);
  }
  return {
    treasury: sum('treasury'),
    emission: sum('emission'),
    governor: sum('governor'),
    accounts,
    vesting: p.allocations.flatMap((a) => (a.kind === 'vesting' ? [a] : [])),
    deployerKeeps: accounts.get(getAddress(deployer)) ?? 0n,
  };
}

/** Creates the deployer's directory number `index` through the CREATE2 proxy. */
async function createDirectory(signer: Signer, provider: JsonRpcProvider, deployer: string, index: number) {
  const address = directoryAddress(deployer, index);
  // What the journaled step() expects of a deployed contract (no deployment transaction to wait for).
  const created = async () => ({ getAddress: async () => address, deploymentTransaction: () => null });
  // Created already (a crashed run from another home, or someone squatting it): only the
  // deployer can publish into it, so it is ours to use as long as it is unpublished.
  if ((await provider.getCode(address)) !== '0x') {
    if (await FlockDirectory__factory.connect(address, provider).published()) {
      throw new AbortError(`directory ${index} of ${deployer} (${address}) is already published`, {
        code: 'ALREADY_DEPLOYED',
        hint: '`flock deployment use ' + address + '` uses that deployment; --force deploys another copy',
      });
    }
    return created();
  }
  if ((await provider.getCode(CREATE2_PROXY)) === '0x') {
    throw new AbortError(`chain has no deterministic deployment proxy at ${CREATE2_PROXY}`, {
      code: 'NO_CREATE2_PROXY',
      hint: 'deploy it first (github.com/Arachnid/deterministic-deployment-proxy; one pre-signed transaction), then run flock deploy again',
    });
  }
  const receipt = await (await signer.sendTransaction({ to: CREATE2_PROXY, data: directorySalt(index) + directoryInitCode(deployer).slice(2) })).wait();
  // At the receipt's block: "latest" may still name the block before it for a moment.
  if ((await provider.getCode(address, receipt?.blockNumber)) === '0x') {
    throw new AbortError(`the CREATE2 proxy did not create the directory at ${address}`, { code: 'NO_CREATE2_PROXY', hint: 'the proxy at ' + CREATE2_PROXY + ' is not the standard one' });
  }
  return created();
}

function readJournal(path: string | undefined, chainId: bigint, deployer: string, directoryIndex: number): Journal {
  const fresh: Journal = { chainId: chainId.toString(), deployer, directoryIndex, contracts: {} };
  if (!path || !existsSync(path)) return fresh;
  let j: Journal;
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new AbortError(`deployment journal ${path} is unreadable`, {
      cause,
      code: 'BAD_JOURNAL',
      hint: 'move it aside to start a fresh deployment',
    });
  }
  // A journal of another chain or deployer is not ours to resume.
  // Nor one of another directory slot: `--force` starts a new copy, it does not resume the last.
  if (j.chainId !== fresh.chainId || j.deployer.toLowerCase() !== deployer.toLowerCase() || (j.directoryIndex ?? 0) !== directoryIndex) return fresh;
  return j;
}

function writeJournal(path: string | undefined, j: Journal) {
  if (!path) return;
  // A crash mid-deploy resumes from this journal: never half-written, on disk before the next tx.
  writeJsonAtomic(path, j, { mode: 0o644 });
}
