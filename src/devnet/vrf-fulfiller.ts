import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonRpcProvider, Network, Wallet, getAddress, parseEther, toBeHex, type Log } from 'ethers';
import { isNetworkFailure } from '../chain/ethers-errors.js';
import { VRFCoordinatorV2_5Mock__factory } from '../chain/types/index.js';
import { writeJsonAtomic } from '../files/atomic.js';
import type { Logger } from '../log/index.js';
import { devnetDir } from './anvil.js';

/**
 * The devnet's stand-in for Chainlink's VRF oracle network. On a public chain Chainlink's nodes
 * answer the VRFCoordinatorV2_5's RandomWordsRequested events; on the devnet the coordinator is
 * Chainlink's own VRFCoordinatorV2_5Mock, whose `fulfillRandomWords(requestId, consumer)` anyone
 * may call. This loop watches the mock and calls it for every request, from a key of its own (so
 * its nonces never race a user's), so the consumer's real code path (request, callback) runs
 * locally as it would on Base.
 *
 * Bookkeeping (`<devnet home>/devnet/vrf-fulfiller.state.json`): `cursor` is the last block whose
 * events were read, `pending` the requests seen and not yet fulfilled. Each pass reads
 * RandomWordsRequested and RandomWordsFulfilled from cursor + 1 to the latest block: requests
 * join `pending`, fulfilments (ours or anyone's) leave it. So requests made while the fulfiller
 * was down are found on its next start, and one fulfilled by someone else meanwhile is skipped.
 * The mock deletes a request when it fulfils it, so a fulfilment of a request that is gone
 * reverts InvalidRequest: that too means "already fulfilled" and drops it.
 */

/** The mock's `fulfillRandomWords` forwards exactly the request's callbackGasLimit to the consumer
 * and only 63/64 of what is left reaches a call: send limit * 64/63 plus the mock's own work
 * (reading and deleting the request, charging the subscription, the event). An estimate is not
 * enough: a callback that runs out of gas does not revert the fulfilment, so eth_estimateGas
 * happily finds a limit at which the consumer's callback fails. */
export const FULFIL_GAS_OVERHEAD = 200_000n;

/** Below this balance (ETH) the fulfiller's key is topped up with anvil_setBalance. */
export const FULFILLER_MIN_BALANCE = parseEther('10');
const FULFILLER_TOP_UP = parseEther('1000');

/** The largest block range read in one eth_getLogs. */
const LOG_CHUNK = 5_000;

export const vrfStatePath = (home: string) => join(devnetDir(home), 'vrf-fulfiller.state.json');

export interface PendingRequest {
  consumer: string;
  block: number;
  callbackGasLimit: number;
  /** Failed fulfilment attempts (a revert other than InvalidRequest, e.g. an unfunded subscription). */
  attempts: number;
  /** Unix ms before which it is not tried again (backoff after a failed attempt). */
  retryAt: number;
}

export interface FulfillerState {
  version: 1;
  chainId: number;
  coordinator: string;
  /**
   * The hash of the deployment's first block: a chain wiped and redeployed has the coordinator at
   * the same address, and its blocks' numbers again; this tells the old state from the new chain.
   */
  anchor: string | null;
  /** The last block whose events have been read. */
  cursor: number;
  /** Request id (decimal) to request. */
  pending: Record<string, PendingRequest>;
  /** Requests this fulfiller fulfilled with a successful callback. */
  fulfilled: number;
  /** Requests it fulfilled whose consumer callback reverted (the word was not delivered). */
  callbackFailures: number;
  /** The process that wrote it last. */
  pid: number;
  updatedAt: string;
}

export interface RequestedEvent {
  requestId: bigint;
  consumer: string;
  block: number;
  callbackGasLimit: number;
}

export function freshState(chainId: number, coordinator: string, fromBlock: number, pid = process.pid): FulfillerState {
  return { version: 1, chainId, coordinator: getAddress(coordinator), anchor: null, cursor: Math.max(fromBlock - 1, -1), pending: {}, fulfilled: 0, callbackFailures: 0, pid, updatedAt: new Date().toISOString() };
}

/** The saved state if it belongs to this chain and coordinator, else a fresh one scanning from `fromBlock`. */
export function loadState(path: string, chainId: number, coordinator: string, fromBlock: number): FulfillerState {
  try {
    if (existsSync(path)) {
      const s = JSON.parse(readFileSync(path, 'utf8')) as FulfillerState;
      if (s.version === 1 && s.chainId === chainId && getAddress(s.coordinator) === getAddress(coordinator) && Number.isInteger(s.cursor) && s.pending) return s;
    }
  } catch {
    // Unreadable: rescan from the deployment (fulfilled requests are recognised again).
  }
  return freshState(chainId, coordinator, fromBlock);
}

export function saveState(path: string, s: FulfillerState): void {
  writeJsonAtomic(path, { ...s, updatedAt: new Date().toISOString() }, { mode: 0o644 });
}

/** Reads the state file for `devnet status`; undefined when there is none or it is unreadable. */
export function readFulfillerState(home: string): FulfillerState | undefined {
  try {
    return JSON.parse(readFileSync(vrfStatePath(home), 'utf8')) as FulfillerState;
  } catch {
    return undefined;
  }
}

/**
 * Applies the events of blocks cursor+1..toBlock: requests become pending, fulfilled ones (listed
 * in the same range or later) are dropped. A request fulfilled in the range it was made in never
 * becomes pending.
 */
export function applyEvents(s: FulfillerState, requested: readonly RequestedEvent[], fulfilled: readonly bigint[], toBlock: number): void {
  const done = new Set(fulfilled.map((id) => id.toString()));
  for (const r of requested) {
    const id = r.requestId.toString();
    if (done.has(id) || s.pending[id]) continue;
    s.pending[id] = { consumer: getAddress(r.consumer), block: r.block, callbackGasLimit: r.callbackGasLimit, attempts: 0, retryAt: 0 };
  }
  for (const id of done) delete s.pending[id];
  s.cursor = Math.max(s.cursor, toBlock);
}

/** The pending requests to try now, oldest first. */
export function dueRequests(s: FulfillerState, now: number): Array<[bigint, PendingRequest]> {
  return Object.entries(s.pending)
    .filter(([, p]) => p.retryAt <= now)
    .map(([id, p]) => [BigInt(id), p] as [bigint, PendingRequest])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Delay before the next attempt after `attempts` failures: 1 s doubling to 60 s. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** The chain went back (a reverted snapshot, a reset chain): rescan from `fromBlock`; pending kept (a gone request fails InvalidRequest and is dropped). */
export function rewind(s: FulfillerState, latest: number, fromBlock: number): boolean {
  if (latest >= s.cursor) return false;
  s.cursor = Math.max(fromBlock - 1, -1);
  return true;
}

export interface RunFulfillerOptions {
  rpcUrl: string;
  chainId: number;
  /** The VRFCoordinatorV2_5Mock. */
  coordinator: string;
  /** Where scanning starts without saved state: the deployment's first block. */
  fromBlock: number;
  /** The fulfiller's own private key (devnetFulfillerAccount). */
  privateKey: string;
  statePath: string;
  log: Logger;
  /** False once the chain's process is gone: the loop then ends. */
  chainAlive: () => boolean;
  signal?: AbortSignal;
  /** Between passes (default 250 ms). */
  pollMs?: number;
  /** Called once the first pass has completed (the spawner waits for it). */
  onReady?: (s: FulfillerState) => void;
}

export interface RunFulfillerResult {
  reason: 'stopped' | 'chain-gone';
  fulfilled: number;
  callbackFailures: number;
  pending: number;
}

/**
 * Fulfils the coordinator mock's requests until `signal` aborts or the chain's process is gone.
 * RPC failures are retried with backoff (1 s doubling to 15 s), forever while the chain lives.
 */
export async function runFulfiller(opts: RunFulfillerOptions): Promise<RunFulfillerResult> {
  const { log } = opts;
  const provider = new JsonRpcProvider(opts.rpcUrl, Network.from(opts.chainId), { staticNetwork: true, polling: true, pollingInterval: 250 });
  const wallet = new Wallet(opts.privateKey, provider);
  const coordinator = VRFCoordinatorV2_5Mock__factory.connect(opts.coordinator, wallet);
  const iface = coordinator.interface;
  const requestedTopic = iface.getEvent('RandomWordsRequested').topicHash;
  const fulfilledTopic = iface.getEvent('RandomWordsFulfilled').topicHash;
  const state = loadState(opts.statePath, opts.chainId, opts.coordinator, opts.fromBlock);
  state.pid = process.pid;
  const save = () => saveState(opts.statePath, state);
  const pollMs = opts.pollMs ?? 250;
  const sleep = (ms: number) =>
    new Promise<void>((r) => {
      const done = () => {
        clearTimeout(t);
        opts.signal?.removeEventListener('abort', done);
        r();
      };
      const t = setTimeout(done, ms);
      opts.signal?.addEventListener('abort', done, { once: true });
    });
  const result = (reason: RunFulfillerResult['reason']): RunFulfillerResult => ({ reason, fulfilled: state.fulfilled, callbackFailures: state.callbackFailures, pending: Object.keys(state.pending).length });

  log.info({ coordinator: state.coordinator, fulfiller: wallet.address, cursor: state.cursor, pending: Object.keys(state.pending).length }, 'VRF fulfiller started');
  let anchored = false;
  let funded = false;
  let failures = 0;
  let ready = false;
  try {
    while (!opts.signal?.aborted) {
      if (!opts.chainAlive()) {
        log.info('the devnet chain is gone; VRF fulfiller exiting');
        return result('chain-gone');
      }
      try {
        if (!anchored) {
          const anchor = (await provider.getBlock(opts.fromBlock))?.hash ?? null;
          if (state.anchor !== anchor) {
            if (state.anchor !== null) log.info({ fromBlock: opts.fromBlock }, 'the saved state is of another chain or deployment; scanning from the deployment');
            Object.assign(state, freshState(opts.chainId, opts.coordinator, opts.fromBlock), { anchor });
            save();
          }
          anchored = true;
        }
        if (!funded) {
          // Devnet only: anvil mints the fulfiller's gas money; no transfer from a user's account.
          if ((await provider.getBalance(wallet.address)) < FULFILLER_MIN_BALANCE) {
            await provider.send('anvil_setBalance', [wallet.address, toBeHex(FULFILLER_TOP_UP)]);
            log.info({ fulfiller: wallet.address }, 'fulfiller account funded');
          }
          funded = true;
        }
        const latest = await provider.getBlockNumber();
        if (rewind(state, latest, opts.fromBlock)) log.warn({ latest }, 'the chain went back; rescanning from the deployment');
        while (state.cursor < latest) {
          const from = state.cursor + 1;
          const to = Math.min(latest, from + LOG_CHUNK - 1);
          const logs = await provider.getLogs({ address: state.coordinator, fromBlock: from, toBlock: to, topics: [[requestedTopic, fulfilledTopic]] });
          const requested: RequestedEvent[] = [];
          const fulfilled: bigint[] = [];
          for (const l of logs) {
            const ev = parse(iface, l);
            if (ev?.name === 'RandomWordsRequested') {
              requested.push({ requestId: ev.args.requestId as bigint, consumer: ev.args.sender as string, block: l.blockNumber, callbackGasLimit: Number(ev.args.callbackGasLimit) });
            } else if (ev?.name === 'RandomWordsFulfilled') fulfilled.push(ev.args.requestId as bigint);
          }
          applyEvents(state, requested, fulfilled, to);
          if (requested.length) log.debug({ requests: requested.map((r) => r.requestId.toString()), from, to }, 'VRF requests seen');
          save();
        }
        for (const [id, p] of dueRequests(state, Date.now())) {
          if (opts.signal?.aborted) break;
          await fulfilOne(id, p);
        }
        failures = 0;
        if (!ready) {
          ready = true;
          save();
          opts.onReady?.(state);
        }
        await sleep(pollMs);
      } catch (e) {
        failures++;
        const delay = Math.min(15_000, 1000 * 2 ** (failures - 1));
        const transient = isNetworkFailure(e) || (e as { code?: unknown }).code === 'SERVER_ERROR';
        (transient ? log.warn.bind(log) : log.error.bind(log))({ err: (e as Error).message, attempt: failures, delayMs: delay }, transient ? 'RPC failure; retrying' : 'VRF fulfiller pass failed; retrying');
        await sleep(delay);
      }
    }
    return result('stopped');
  } finally {
    try {
      save();
    } catch {
      // Best effort on the way out.
    }
    provider.destroy();
  }

  async function fulfilOne(id: bigint, p: PendingRequest): Promise<void> {
    const key = id.toString();
    const gasLimit = (BigInt(p.callbackGasLimit) * 64n + 62n) / 63n + FULFIL_GAS_OVERHEAD;
    try {
      // A dry run first: a mined revert carries no reason, a call's does (InvalidRequest: gone).
      await coordinator.fulfillRandomWords.staticCall(id, p.consumer, { gasLimit });
      const tx = await coordinator.fulfillRandomWords(id, p.consumer, { gasLimit });
      const receipt = await tx.wait();
      delete state.pending[key];
      const ev = receipt?.logs.map((l) => parse(iface, l)).find((x) => x?.name === 'RandomWordsFulfilled');
      if (ev && ev.args.success === true) {
        state.fulfilled++;
        log.info({ requestId: key, consumer: p.consumer, tx: receipt?.hash }, 'VRF request fulfilled');
      } else {
        state.callbackFailures++;
        log.error({ requestId: key, consumer: p.consumer, tx: receipt?.hash, callbackGasLimit: p.callbackGasLimit }, 'VRF request fulfilled but the consumer callback reverted: no word was delivered');
      }
      save();
    } catch (e) {
      if (isNetworkFailure(e) || (e as { code?: unknown }).code === 'SERVER_ERROR') throw e; // the pass retries with backoff
      const reason = revertName(iface, e);
      if (reason === 'InvalidRequest') {
        // Fulfilled by someone else since the scan (the mock deleted it), or gone with a reset chain.
        delete state.pending[key];
        log.info({ requestId: key }, 'VRF request already fulfilled; skipped');
      } else {
        p.attempts++;
        p.retryAt = Date.now() + retryDelayMs(p.attempts);
        log.error({ requestId: key, consumer: p.consumer, attempt: p.attempts, err: reason ?? (e as Error).message }, 'VRF fulfilment reverted; will retry');
      }
      // The nonce may or may not have been used: ask the chain next time.
      save();
    }
  }
}

function parse(iface: ReturnType<typeof VRFCoordinatorV2_5Mock__factory.createInterface>, l: Pick<Log, 'topics' | 'data'>) {
  try {
    return iface.parseLog({ topics: [...l.topics], data: l.data });
  } catch {
    return null;
  }
}

/** The custom error's name of a reverted call to the mock, when ethers could decode it. */
function revertName(iface: ReturnType<typeof VRFCoordinatorV2_5Mock__factory.createInterface>, e: unknown): string | undefined {
  for (let c: unknown = e, i = 0; c && typeof c === 'object' && i < 6; i++) {
    const revert = (c as { revert?: { name?: string } }).revert;
    if (revert?.name) return revert.name;
    const data = (c as { data?: unknown }).data;
    if (typeof data === 'string' && data.startsWith('0x') && data.length >= 10) {
      try {
        const parsed = iface.parseError(data);
        if (parsed) return parsed.name;
      } catch {
        // not one of the mock's errors
      }
    }
    c = (c as { cause?: unknown; error?: unknown; info?: unknown }).error ?? (c as { cause?: unknown }).cause;
  }
  return undefined;
}
