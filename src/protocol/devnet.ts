import type { DeploymentRecord } from '../chain/deployment.js';
import type { DevnetConfig } from '../config/schema.js';
import { AbortError } from '../errors/index.js';
import type { Logger } from '../log/index.js';

/**
 * A local network ready to use: anvil running (this home's, or the flock devnet another home
 * started on the port) with flock deployed and the accounts funded. What `flock devnet up` does,
 * callable without the CLI (a demo, a benchmark). It lives here, above both devnet/ (anvil) and
 * deploy/ (the contracts), which may not import each other.
 */

/** ETH given to an extra account (`fund`) that has none (anvil's own accounts hold 10000). */
export const EXTRA_ACCOUNT_ETH = 100n * 10n ** 18n;

export interface EnsureDevnetOptions {
  /** The flock home (config.home): where a new devnet keeps its state and deployment record. */
  home: string;
  /** config.devnet, with any --port applied. */
  devnet: DevnetConfig;
  /** Deploy flock when the devnet has no live deployment (default true). */
  deploy?: boolean;
  /** Accounts besides anvil's to fund: 100 ETH if they have none, and FLOCK with a new deployment. */
  fund?: string[];
  log: Logger;
  /** Seconds to wait for anvil to answer after starting (default 30). */
  timeout?: number;
  env?: NodeJS.ProcessEnv;
}

export interface EnsureDevnetResult {
  rpcUrl: string;
  chainId: number;
  pid: number;
  port: number;
  /** True when a running devnet was reused (this home's, or another home's on the port). */
  reused: boolean;
  /** The home that started the devnet; its deployment record and store are the devnet's. */
  home: string;
  logPath: string;
  /** Seconds the clock was moved forward so no block is older than the latest (0: none). */
  clockForward: number;
  /** True when this call deployed the contracts (false: a live deployment was reused, or deploy: false). */
  deployed: boolean;
  deployment: DeploymentRecord | null;
  /** Where the deployment record is (in the devnet's home); null without a deployment. */
  deploymentPath: string | null;
  /** Extra accounts that received ETH from this call. */
  funded: string[];
  /**
   * The devnet's VRF fulfiller (devnet/vrf-process.ts), which answers the coordinator mock's
   * randomness requests: started (or restarted) by this call, or already running. Null without a
   * deployment, or with one that has no coordinator mock (deployed by an older flock).
   */
  vrf: { pid: number; started: boolean; logPath: string | null } | null;
}

/**
 * Starts (or reuses) the devnet and makes sure flock is deployed on it. Idempotent: a second call
 * reuses the chain and its live deployment. A record outliving its chain (state wiped) is
 * redeployed.
 *
 * @example
 * const { rpcUrl, chainId, deployment } = await ensureDevnet({ home: config.home, devnet: config.devnet, log });
 */
export async function ensureDevnet(opts: EnsureDevnetOptions): Promise<EnsureDevnetResult> {
  const { log } = opts;
  const { startDevnet } = await import('../devnet/registry.js');
  const { state, reused, clockForward, home } = await startDevnet({ home: opts.home, devnet: opts.devnet, timeout: opts.timeout }, opts.env);
  log.debug({ rpcUrl: state.rpcUrl, pid: state.pid, reused, home }, 'anvil up');
  if (clockForward > 0) log.info({ seconds: clockForward }, 'devnet clock moved forward to the latest block (time warped before the restart is kept)');
  const base = { rpcUrl: state.rpcUrl, chainId: state.chainId, pid: state.pid, port: state.port, reused, home, logPath: state.logPath, clockForward };
  if (opts.deploy === false) return { ...base, deployed: false, deployment: null, deploymentPath: null, funded: [], vrf: null };

  const [{ JsonRpcProvider, Network, getAddress }, { FlockSigner }, dep] = await Promise.all([
    import('ethers'),
    import('../chain/signer.js'),
    import('../chain/deployment.js'),
  ]);
  const provider = new JsonRpcProvider(state.rpcUrl, Network.from(state.chainId), { staticNetwork: true });
  try {
    const chainId = (await provider.getNetwork()).chainId;
    const anvilAccounts = ((await provider.send('eth_accounts', [])) as string[]).map((a) => getAddress(a));
    const deployerAddr = anvilAccounts[0];
    if (!deployerAddr) throw new AbortError('anvil has no unlocked accounts', { code: 'DEVNET_START' });
    const signer = new FlockSigner(await provider.getSigner(deployerAddr));

    const extra = [...new Set((opts.fund ?? []).map((a) => getAddress(a)))].filter((a) => !anvilAccounts.includes(a));
    const funded: string[] = [];
    for (const a of extra) {
      if ((await provider.getBalance(a)) > 0n) continue;
      await (await signer.sendTransaction({ to: a, value: EXTRA_ACCOUNT_ETH })).wait();
      funded.push(a);
    }

    // The record lives with the devnet, in the home that started it.
    const existing = dep.readDeployment(home, chainId);
    if (existing && (await dep.deploymentIsLive(provider, existing))) {
      const vrf = await fulfiller(home, existing, opts);
      return { ...base, deployed: false, deployment: existing, deploymentPath: dep.deploymentPath(home, chainId), funded, vrf };
    }
    if (existing) log.info({ chainId: chainId.toString() }, 'the devnet deployment record is stale (chain was reset); redeploying');
    const { deployProtocol } = await import('../deploy/deploy.js');
    const record = await deployProtocol({
      signer,
      provider,
      devnet: true,
      fundAccounts: [...anvilAccounts, ...extra],
      log,
      journalPath: dep.journalPath(home, chainId),
    });
    const full: DeploymentRecord = { ...record, rpcUrl: state.rpcUrl, devnet: true };
    const path = dep.writeDeployment(home, full);
    const vrf = await fulfiller(home, full, opts);
    return { ...base, deployed: true, deployment: full, deploymentPath: path, funded, vrf };
  } finally {
    provider.destroy();
  }
}

/**
 * Makes sure the devnet's VRF fulfiller runs (a dead one is restarted; it catches up on the
 * requests made meanwhile). It runs in the devnet's home, next to anvil, whichever home ran `up`.
 */
async function fulfiller(home: string, record: DeploymentRecord, opts: EnsureDevnetOptions): Promise<EnsureDevnetResult['vrf']> {
  if (!record.contracts.VRFCoordinatorV2_5Mock) {
    opts.log.info('this devnet deployment predates the VRF coordinator mock: no randomness fulfiller (`flock devnet down --reset` then `up` redeploys)');
    return null;
  }
  const { startFulfiller } = await import('../devnet/vrf-process.js');
  const r = await startFulfiller(home, { env: opts.env });
  if (r.started) opts.log.debug({ pid: r.pid }, 'VRF fulfiller started');
  return r;
}
