import { getAddress, id, parseEther, parseUnits, type Signer } from 'ethers';
import type { Logger } from 'pino';
import { AllianceRandomness__factory, IVRFSubscriptionV2Plus__factory, VRFCoordinatorV2_5Mock__factory } from '../chain/types/index.js';
import type { IAllianceRandomness } from '../chain/types/index.js';
import { AbortError, BugError } from '../errors/index.js';

/**
 * The FL Alliance's randomness (AllianceRandomness, a Chainlink VRF v2.5 consumer). On the devnet
 * it runs against Chainlink's own VRFCoordinatorV2_5Mock with a funded subscription, and the
 * devnet's fulfiller (devnet/vrf-fulfiller.ts) answers its requests. On a real chain it uses the
 * coordinator, key hash and subscription given to `flock deploy` (--vrf-*); without them it is
 * skipped with a note.
 */

/** A real chain's VRF v2.5 coordinator, gas lane and subscription (see docs.chain.link/vrf). */
export interface VrfSettings {
  coordinator: string;
  /** The gas lane's key hash (bytes32). */
  keyHash: string;
  subscriptionId: bigint;
}

export type RandomnessConfig = IAllianceRandomness.ConfigStruct;

/**
 * A real chain's request settings: 3 confirmations (Chainlink's usual minimum), LINK payment, and
 * one renewal per hour at most for a request that got no answer. The timelock can change them
 * (AllianceRandomness.setConfig).
 */
export const RANDOMNESS_MAINNET = { callbackGasLimit: 100_000, requestConfirmations: 3, nativePayment: false, requestTimeout: 3600n } as const;

/**
 * The devnet's: no confirmations (the mock checks none, and an automining chain mines no block
 * unless a transaction comes), the shortest timeout the contract allows (MIN_REQUEST_TIMEOUT).
 * The callback takes about 34k gas (docs/GAS.md); 100k leaves room.
 */
export const RANDOMNESS_DEVNET = { keyHash: id('flock.devnet.vrf'), callbackGasLimit: 100_000, requestConfirmations: 0, nativePayment: false, requestTimeout: 60n } as const;

/**
 * The devnet coordinator mock: base fee 0.1, 1 gwei gas, 0.004 ETH per LINK. A fulfilment then
 * charges the subscription (0.1 ETH + gas x 1 gwei) / 0.004 = about 25 LINK (the mock's LINK is
 * bookkeeping only: no token). The subscription gets 1e9 LINK: some 40 million requests.
 */
export const VRF_MOCK = {
  baseFee: parseEther('0.1'),
  gasPrice: parseUnits('1', 'gwei'),
  weiPerUnitLink: 4_000_000_000_000_000n,
  subscriptionFunding: parseEther('1000000000'),
} as const;

type Deployed = { getAddress(): Promise<string>; deploymentTransaction(): { wait(): Promise<unknown> } | null };

export interface DeployRandomnessOptions {
  signer: Signer;
  deployer: string;
  devnet: boolean;
  /** Outside the devnet: the real coordinator; without it the randomness is skipped. */
  vrf?: VrfSettings;
  step: (name: 'VRFCoordinatorV2_5Mock' | 'AllianceRandomness', deploy: () => Promise<Deployed>) => Promise<string>;
  send: (what: string, tx: Promise<{ wait(): Promise<unknown> }>) => Promise<void>;
  /** The devnet subscription's id, journaled so that a re-run does not create another. */
  subscription: { get(): string | undefined; set(id: string): void };
  log: Logger;
}

/**
 * Deploys AllianceRandomness (and on the devnet the coordinator mock and its subscription) and
 * makes it a consumer of the subscription. Each step checks the chain first, so a re-run repeats
 * nothing. Returns AllianceRandomness's address, or undefined when skipped.
 */
export async function deployRandomness(o: DeployRandomnessOptions): Promise<string | undefined> {
  const { signer, log } = o;
  if (o.devnet) {
    const coordinatorAddr = await o.step('VRFCoordinatorV2_5Mock', () =>
      new VRFCoordinatorV2_5Mock__factory(signer).deploy(VRF_MOCK.baseFee, VRF_MOCK.gasPrice, VRF_MOCK.weiPerUnitLink),
    );
    const coordinator = VRFCoordinatorV2_5Mock__factory.connect(coordinatorAddr, signer);
    const subId = await devnetSubscription(coordinator, o);
    const { balance } = await coordinator.getSubscription(subId);
    if (balance < VRF_MOCK.subscriptionFunding / 2n) {
      await o.send(`VRF subscription funded`, coordinator.fundSubscription(subId, VRF_MOCK.subscriptionFunding - balance));
    }
    const config: RandomnessConfig = { ...RANDOMNESS_DEVNET, subscriptionId: subId };
    const randomnessAddr = await o.step('AllianceRandomness', () => new AllianceRandomness__factory(signer).deploy(coordinatorAddr, config));
    if (!(await coordinator.consumerIsAdded(subId, randomnessAddr))) {
      await o.send('AllianceRandomness consumes the VRF subscription', coordinator.addConsumer(subId, randomnessAddr));
    }
    return randomnessAddr;
  }

  if (!o.vrf) {
    log.info('no VRF coordinator given (--vrf-coordinator, --vrf-key-hash, --vrf-subscription): AllianceRandomness not deployed');
    return undefined;
  }
  const { coordinator: coordinatorAddr, keyHash, subscriptionId } = o.vrf;
  const subscription = IVRFSubscriptionV2Plus__factory.connect(coordinatorAddr, signer);
  const sub = await readSubscription(subscription, coordinatorAddr, subscriptionId);
  const config: RandomnessConfig = { ...RANDOMNESS_MAINNET, keyHash, subscriptionId };
  const randomnessAddr = await o.step('AllianceRandomness', () => new AllianceRandomness__factory(signer).deploy(coordinatorAddr, config));
  const consumers = sub.consumers.map((c) => getAddress(c));
  if (!consumers.includes(getAddress(randomnessAddr))) {
    if (getAddress(sub.owner) === getAddress(o.deployer)) {
      await o.send('AllianceRandomness consumes the VRF subscription', subscription.addConsumer(subscriptionId, randomnessAddr));
    } else {
      log.warn({ subscriptionId: subscriptionId.toString(), owner: sub.owner, consumer: randomnessAddr }, 'the VRF subscription belongs to another account: its owner must add AllianceRandomness as a consumer (vrf.chain.link) before the Alliance can draw roles');
    }
  }
  return randomnessAddr;
}

/** The devnet subscription: the journaled one if the mock has it, else a new one (journaled). */
async function devnetSubscription(coordinator: ReturnType<typeof VRFCoordinatorV2_5Mock__factory.connect>, o: DeployRandomnessOptions): Promise<bigint> {
  const known = o.subscription.get();
  if (known !== undefined) {
    try {
      await coordinator.getSubscription(BigInt(known));
      return BigInt(known);
    } catch {
      // Not on this chain (a journal of a reset chain): create one.
    }
  }
  // A crash between this transaction and the journal write leaves an unused subscription in the
  // mock: harmless on a devnet.
  const receipt = await (await coordinator.createSubscription()).wait();
  const created = receipt?.logs
    .map((l) => {
      try {
        return coordinator.interface.parseLog(l);
      } catch {
        return null;
      }
    })
    .find((e) => e?.name === 'SubscriptionCreated');
  if (!created) throw new BugError('the VRF coordinator mock created no subscription');
  const subId = created.args.subId as bigint;
  o.subscription.set(subId.toString());
  o.log.info({ subscriptionId: subId.toString() }, 'VRF subscription created');
  return subId;
}

async function readSubscription(subscription: ReturnType<typeof IVRFSubscriptionV2Plus__factory.connect>, coordinator: string, subId: bigint) {
  const code = await subscription.runner?.provider?.getCode(coordinator);
  if (!code || code === '0x') {
    throw new AbortError(`--vrf-coordinator ${coordinator} has no contract code on this chain`, { code: 'VRF_INVALID', hint: 'use the VRF v2.5 coordinator of this network (docs.chain.link/vrf/v2-5/supported-networks)' });
  }
  try {
    return await subscription.getSubscription(subId);
  } catch (cause) {
    throw new AbortError(`VRF subscription ${subId} does not exist on coordinator ${coordinator}`, { code: 'VRF_INVALID', cause, hint: 'create and fund one at vrf.chain.link, then pass its id with --vrf-subscription' });
  }
}
