import type { Command } from 'commander';
import { AbortError } from '../../errors/index.js';
import { createContext } from '../context.js';

/** `flock deploy --rpc-url …`: the devnet's contracts, on any chain (Base, Base Sepolia, …). */
export function register(program: Command): void {
  program
    .command('deploy')
    .description('deploy the protocol to the chain at --rpc-url with your account, and hand every admin right to the timelock')
    .option('--timelock-delay <seconds>', 'seconds between a passed proposal and its execution (default 172800, 2 days)')
    .option('--force', 'deploy again even if this chain already has a live flock deployment')
    .action(async (opts: { timelockDelay?: string; force?: boolean }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ readDeployment, deploymentIsLive, writeDeployment, journalPath, deploymentPath }, { deployProtocol }, { formatEth }] = await Promise.all([
        import('../../chain/deployment.js'),
        import('../../deploy/deploy.js'),
        import('../../units/index.js'),
      ]);
      const provider = await ctx.provider();
      const chainId = await ctx.chainId();
      const existing = readDeployment(ctx.config.home, chainId);
      if (existing && !opts.force && (await deploymentIsLive(provider, existing))) {
        throw new AbortError(`chain ${chainId} already has a live flock deployment (${deploymentPath(ctx.config.home, chainId)})`, {
          code: 'ALREADY_DEPLOYED',
          hint: 'pass --force to deploy a second, independent copy',
        });
      }
      const delay = opts.timelockDelay === undefined ? undefined : parseDelay(opts.timelockDelay);
      const signer = await ctx.signer();
      const deployer = await signer.getAddress();
      const balance = await provider.getBalance(deployer);
      if (balance === 0n) {
        throw new AbortError(`${deployer} has no ETH on chain ${chainId} to pay for the deployment`, {
          code: 'INSUFFICIENT_FUNDS',
          hint: 'fund the account, or choose another with --account',
        });
      }
      await confirm(ctx, `deploy flock to chain ${chainId} at ${ctx.rpcUrl} from ${deployer} (${formatEth(balance)})?`);
      const record = await deployProtocol({
        signer,
        provider,
        devnet: false,
        log: ctx.log,
        journalPath: journalPath(ctx.config.home, chainId),
        ...(delay === undefined ? {} : { genesis: { timelockDelay: delay } }),
      });
      const full = { ...record, rpcUrl: ctx.rpcUrl };
      const path = writeDeployment(ctx.config.home, full);
      await ctx.output({ ...full, path }, (x) => [
        `deployed flock to chain ${x.chainId} (record: ${x.path})`,
        ...Object.entries(x.contracts).map(([name, address]) => `  ${name.padEnd(16)} ${address}`),
        'the timelock now holds every admin role; the deployer holds none',
      ]);
    });
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
