import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { writeJsonAtomic } from '../files/atomic.js';
import { dirname, join } from 'node:path';
import type { JsonRpcProvider } from 'ethers';
import { z } from 'zod';
import { AbortError } from '../errors/index.js';

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte address');

export const DeploymentRecordSchema = z.object({
  chainId: z.number().int().positive(),
  rpcUrl: z.string().optional(),
  /** ISO 8601 time of the deployment. */
  deployedAt: z.string(),
  deployer: address,
  /** Block of the first deployment transaction: event scans start here. */
  block: z.number().int().nonnegative(),
  /** Contract name (as in contracts/, e.g. `FlockToken`) to address. */
  contracts: z.record(z.string(), address),
  /** True for a local anvil started by `flock devnet up`. */
  devnet: z.boolean(),
  /** The FlockDirectory naming every contract (chain/directory.ts): the address operators share. */
  protocol: address.optional(),
});

/** Where flock's contracts live on one chain: `<home>/deployments/<chainId>.json`. */
export type DeploymentRecord = z.infer<typeof DeploymentRecordSchema>;

/** The contract whose code proves the record is not stale (every deployment has the token). */
export const TOKEN_CONTRACT = 'FlockToken';

export const DEVNET_CHAIN_ID = 31337;

export function deploymentPath(home: string, chainId: number | bigint): string {
  return join(home, 'deployments', `${chainId}.json`);
}

/** Progress of a deployment in flight, so a failed one resumes instead of starting over. */
export function journalPath(home: string, chainId: number | bigint): string {
  return join(home, 'deployments', `${chainId}.journal.json`);
}

/** Reads the record for `chainId`, or undefined when there is none. A corrupt file is an error. */
export function readDeployment(home: string, chainId: number | bigint): DeploymentRecord | undefined {
  const path = deploymentPath(home, chainId);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw corrupt(path, (e as Error).message, e);
  }
  const result = DeploymentRecordSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw corrupt(path, `${issue.path.join('.') || 'record'} ${issue.message}`);
  }
  return result.data;
}

function corrupt(path: string, why: string, cause?: unknown): AbortError {
  return new AbortError(`deployment record ${path} is invalid: ${why}`, {
    code: 'DEPLOYMENT_INVALID',
    hint: 'delete it and redeploy (`flock devnet up` on a devnet, `flock deploy` elsewhere)',
    cause,
  });
}

/** Writes the record atomically and durably (files/atomic.ts): never half a JSON file. */
export function writeDeployment(home: string, record: DeploymentRecord): string {
  const valid = DeploymentRecordSchema.parse(record);
  const path = deploymentPath(home, valid.chainId);
  writeJsonAtomic(path, valid, { mode: 0o644 });
  return path;
}

/** The hint for a chain without a usable deployment. */
export function redeployHint(chainId: number | bigint): string {
  return Number(chainId) === DEVNET_CHAIN_ID
    ? '`flock devnet up` starts a local chain and deploys flock'
    : '`flock deploy --rpc-url <url>` deploys flock to this chain';
}

/**
 * True when the record's token contract has code on the chain. A record outliving its chain
 * (anvil restarted without state) points at empty addresses; every call would fail obscurely.
 */
export async function deploymentIsLive(provider: Pick<JsonRpcProvider, 'getCode'>, record: DeploymentRecord): Promise<boolean> {
  const token = record.contracts[TOKEN_CONTRACT] ?? Object.values(record.contracts)[0];
  if (!token) return false;
  const code = await provider.getCode(token);
  return code !== '0x';
}

/** What loadDeployment needs from the CLI Context (kept structural to avoid an import cycle). */
export interface DeploymentContext {
  config: { home: string };
  /**
   * The running flock devnet this command talks to, when known: its home holds the devnet's
   * deployment record, used when this home has none (a second home on the same devnet). The
   * CLI finds it (devnet/registry.ts); the chain layer only reads the record.
   */
  devnet?: { home: string } | undefined;
  chainId(): Promise<bigint>;
  provider(): Promise<JsonRpcProvider>;
}

/** A record and the file it was read from. */
export interface FoundDeployment {
  record: DeploymentRecord;
  path: string;
}

/**
 * The records that may describe `chainId`, best first: this home's, then the devnet home's (only
 * a record marked devnet: a home never borrows another's record of a real chain).
 */
export function deploymentCandidates(ctx: Pick<DeploymentContext, 'config' | 'devnet'>, chainId: bigint): FoundDeployment[] {
  const out: FoundDeployment[] = [];
  const own = readDeployment(ctx.config.home, chainId);
  if (own) out.push({ record: own, path: deploymentPath(ctx.config.home, chainId) });
  const other = ctx.devnet?.home;
  if (other && other !== ctx.config.home) {
    const rec = readDeployment(other, chainId);
    if (rec?.devnet) out.push({ record: rec, path: deploymentPath(other, chainId) });
  }
  return out;
}

/** The first candidate record with code at its token on the connected chain; undefined if none. */
export async function findLiveDeployment(ctx: DeploymentContext): Promise<FoundDeployment | undefined> {
  const chainId = await ctx.chainId();
  const provider = await ctx.provider();
  for (const c of deploymentCandidates(ctx, chainId)) if (await deploymentIsLive(provider, c.record)) return c;
  return undefined;
}

/**
 * The verified deployment for the connected chain: AbortError exit 4 when there is none, or when
 * it is stale (no code at the token address). This home's record first, then (for a devnet
 * another home started) that home's.
 *
 * @example
 * const { contracts } = await loadDeployment(ctx);
 */
export async function loadDeployment(ctx: DeploymentContext): Promise<DeploymentRecord> {
  const chainId = await ctx.chainId();
  const candidates = deploymentCandidates(ctx, chainId);
  if (candidates.length === 0) {
    throw new AbortError(`no flock deployment for chain ${chainId}`, {
      code: 'NO_DEPLOYMENT',
      hint: redeployHint(chainId),
    });
  }
  const live = await findLiveDeployment(ctx);
  if (live) return live.record;
  const { record, path } = candidates[0]!;
  const token = record.contracts[TOKEN_CONTRACT] ?? Object.values(record.contracts)[0] ?? '(none)';
  throw new AbortError(`the flock deployment for chain ${chainId} is stale: no contract code at ${token}`, {
    code: 'STALE_DEPLOYMENT',
    hint: record.devnet ? 'the devnet was reset; `flock devnet up` redeploys' : redeployHint(chainId),
    details: `record: ${path}`,
  });
}

/**
 * Moves this home's record of `chainId` aside to `<chainId>.replaced-<time>.json` before a new
 * deployment overwrites it, so `deploy --force` never loses the address of the old one. Returns
 * the backup's path, or undefined when there was no record.
 */
export function backupDeployment(home: string, chainId: number | bigint, now = new Date()): string | undefined {
  const path = deploymentPath(home, chainId);
  if (!existsSync(path)) return undefined;
  const backup = join(dirname(path), `${chainId}.replaced-${now.toISOString().replace(/[:.]/g, '-')}.json`);
  renameSync(path, backup);
  return backup;
}

/** Drops the journal of a finished deployment: the next `deploy --force` starts a new copy. */
export function removeJournal(home: string, chainId: number | bigint): void {
  rmSync(journalPath(home, chainId), { force: true });
}
