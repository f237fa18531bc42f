import type { Command } from 'commander';
import { AbortError } from '../../errors/index.js';
import { createContext } from '../context.js';

/** Below this, outside the devnet, a timelock gives token holders no time to react to a proposal. */
const MIN_TIMELOCK_DELAY = 86_400n;

/** `flock deploy --rpc-url … --genesis genesis.yaml`: the protocol, on any chain (Base, Base Sepolia, …). */
export function register(program: Command): void {
  program
    .command('deploy')
    .description('deploy the protocol to the chain at --rpc-url with your account, allocate the supply as --genesis says, and hand every admin right to the timelock')
    .option('--genesis <file>', 'where the whole supply goes: treasury, emission reserve, accounts, vesting wallets (see genesis.example.yaml); required outside the devnet')
    .option('--timelock-delay <seconds>', 'seconds between a passed proposal and its execution (default 172800, 2 days; at least 86400 outside the devnet)')
    .option('--allow-short-delay', 'with --yes, accept a timelock delay under a day outside the devnet')
    .option('--force', 'deploy another, independent copy even though this account has deployed flock on this chain (the old record is kept)')
    .option('--vrf-coordinator <address>', "the chain's Chainlink VRF v2.5 coordinator, for the Alliance's randomness (with --vrf-key-hash and --vrf-subscription; without them AllianceRandomness is not deployed)")
    .option('--vrf-key-hash <hash>', 'the VRF gas lane (key hash, 32 bytes hex)')
    .option('--vrf-subscription <id>', 'the VRF subscription that pays for the requests (its owner must add AllianceRandomness as a consumer unless it is the deployer)')
    .action(async (opts: DeployFlags, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [deployment, { directorySlots }, { deployProtocol }, { loadGenesis, genesisRows }, { formatEth }] = await Promise.all([
        import('../../chain/deployment.js'),
        import('../../chain/directory.js'),
        import('../../deploy/deploy.js'),
        import('../../deploy/genesis.js'),
        import('../../units/index.js'),
      ]);
      const provider = await ctx.provider();
      const chainId = await ctx.chainId();
      const devnet = Number(chainId) === deployment.DEVNET_CHAIN_ID;

      // Everything the user typed is checked before the first transaction (and before a password).
      const plan = opts.genesis === undefined ? undefined : loadGenesis(opts.genesis);
      if (!plan && !devnet) {
        throw new AbortError(`deploying to chain ${chainId} needs --genesis <file>: without one the deployer would keep 90% of the supply`, {
          code: 'USAGE',
          hint: 'copy genesis.example.yaml, put your treasury, team, investor and community allocations in it, then pass --genesis <your file>',
        });
      }
      const delay = opts.timelockDelay === undefined ? undefined : parseDelay(opts.timelockDelay);
      const vrf = parseVrf(opts);
      if (delay !== undefined && delay < MIN_TIMELOCK_DELAY && !devnet && !(ctx.yes && opts.allowShortDelay)) {
        throw new AbortError(`--timelock-delay ${delay} is under a day: holders could not react to a passed proposal before it runs`, {
          code: 'SHORT_TIMELOCK_DELAY',
          hint: 'use at least 86400 (the default is 172800); for a test chain pass --yes --allow-short-delay',
        });
      }

      const signer = await ctx.signer();
      const deployer = await signer.getAddress();
      // "Already deployed" is read from the chain: this account's directory slots (chain/directory.ts).
      const slots = await directorySlots(provider, deployer);
      const done = slots.filter((s) => s.published);
      if (done.length > 0 && !opts.force) {
        const last = done[done.length - 1]!;
        throw new AbortError(`${deployer} has already deployed flock on chain ${chainId}: protocol ${last.address}`, {
          code: 'ALREADY_DEPLOYED',
          hint: `\`flock deployment use ${last.address}\` records it in this home; --force deploys another, independent copy`,
        });
      }
      const next = slots[slots.length - 1]!;
      if (next.published) {
        throw new AbortError(`${deployer} has deployed flock ${done.length} times on chain ${chainId}, the most flock looks for`, {
          code: 'ALREADY_DEPLOYED',
          hint: 'deploy from another account',
        });
      }
      const balance = await provider.getBalance(deployer);
      if (balance === 0n) {
        throw new AbortError(`${deployer} has no ETH on chain ${chainId} to pay for the deployment`, {
          code: 'INSUFFICIENT_FUNDS',
          hint: 'fund the account, or choose another with --account',
        });
      }
      if (delay !== undefined && delay < MIN_TIMELOCK_DELAY && !devnet) ctx.log.warn({ delay: Number(delay) }, `timelock delay of ${delay} s: proposals execute before holders can react`);
      const copy = next.index === 0 ? '' : ` (copy ${next.index + 1} from this account)`;
      await confirm(ctx, `deploy flock${copy} to chain ${chainId} at ${ctx.rpcUrl} from ${deployer} (${formatEth(balance)})?`);
      const record = await deployProtocol({
        signer,
        provider,
        devnet: false,
        log: ctx.log,
        journalPath: deployment.journalPath(ctx.config.home, chainId),
        directoryIndex: next.index,
        ...(plan ? { plan } : {}),
        ...(delay === undefined ? {} : { genesis: { timelockDelay: delay } }),
        ...(vrf ? { vrf } : {}),
      });
      const full = { ...record, rpcUrl: ctx.rpcUrl };
      const replaced = deployment.backupDeployment(ctx.config.home, chainId);
      const path = deployment.writeDeployment(ctx.config.home, full);
      deployment.removeJournal(ctx.config.home, chainId);
      const share = `flock deployment use ${record.protocol} --rpc-url <url>`;
      const width = Math.max(...Object.keys(record.contracts).map((n) => n.length));
      await ctx.output({ ...full, path, share, ...(replaced ? { replaced } : {}), ...(plan ? { genesis: genesisRows(plan) } : {}) }, (x) => [
        `deployed flock to chain ${x.chainId} (record: ${x.path})`,
        `  ${'protocol'.padEnd(width)} ${x.protocol}   (share this address: \`${share}\` gives any home this deployment)`,
        ...Object.entries(x.contracts).map(([name, address]) => `  ${name.padEnd(width)} ${address}`),
        ...(x.genesis ? ['genesis:', ...x.genesis.map((r) => `  ${r.name.padEnd(24)} ${r.amount.padStart(16)}  ${r.share.padStart(7)}  ${r.to}${r.vesting ? `  ${r.vesting}` : ''}`)] : []),
        ...(replaced ? [`the previous record was kept as ${replaced}`] : []),
        'the timelock now holds every admin role; the deployer holds none',
      ]);
    });
}

interface DeployFlags {
  genesis?: string;
  timelockDelay?: string;
  allowShortDelay?: boolean;
  force?: boolean;
  vrfCoordinator?: string;
  vrfKeyHash?: string;
  vrfSubscription?: string;
}

/** The three --vrf-* flags, all or none. */
function parseVrf(opts: DeployFlags): { coordinator: string; keyHash: string; subscriptionId: bigint } | undefined {
  const given = [opts.vrfCoordinator, opts.vrfKeyHash, opts.vrfSubscription];
  if (given.every((v) => v === undefined)) return undefined;
  if (given.some((v) => v === undefined)) {
    throw new AbortError('--vrf-coordinator, --vrf-key-hash and --vrf-subscription go together', {
      code: 'USAGE',
      hint: "pass all three (the network's coordinator and gas lane from docs.chain.link/vrf, your subscription id), or none to skip the Alliance's randomness",
    });
  }
  if (!/^0x[0-9a-fA-F]{40}$/.test(opts.vrfCoordinator!)) throw new AbortError(`--vrf-coordinator "${opts.vrfCoordinator}" is not an address`, { code: 'USAGE', hint: 'e.g. --vrf-coordinator 0x…(40 hex digits)' });
  if (!/^0x[0-9a-fA-F]{64}$/.test(opts.vrfKeyHash!)) throw new AbortError(`--vrf-key-hash "${opts.vrfKeyHash}" is not 32 bytes of hex`, { code: 'USAGE', hint: 'the gas lane\'s key hash: 0x followed by 64 hex digits' });
  if (!/^\d+$/.test(opts.vrfSubscription!) || BigInt(opts.vrfSubscription!) === 0n || BigInt(opts.vrfSubscription!) >= 2n ** 256n) {
    throw new AbortError(`--vrf-subscription "${opts.vrfSubscription}" is not a subscription id`, { code: 'USAGE', hint: 'the decimal id shown at vrf.chain.link' });
  }
  return { coordinator: opts.vrfCoordinator!, keyHash: opts.vrfKeyHash!, subscriptionId: BigInt(opts.vrfSubscription!) };
}

function parseDelay(text: string): bigint {
  if (!/^\d+$/.test(text)) {
    throw new AbortError(`--timelock-delay "${text}" is not a whole number of seconds`, { code: 'USAGE', hint: 'e.g. --timelock-delay 172800' });
  }
  return BigInt(text);
}

/** Asks on a terminal; without one, --yes is required, so cron never deploys by accident. */
async function confirm(ctx: { yes: boolean }, question: string): Promise<void> {
  if (ctx.yes) return;
  if (!process.stdin.isTTY) {
    throw new AbortError('deploying needs confirmation', { code: 'CONFIRMATION_REQUIRED', hint: 'pass --yes to deploy without a prompt' });
  }
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) {
    throw new AbortError('deployment cancelled', { code: 'CANCELLED' });
  }
}
