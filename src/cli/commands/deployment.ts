import type { Command } from 'commander';
import { createContext } from '../context.js';
import { parseAddress } from '../parse.js';

/** `flock deployment use <protocol>` / `show`: the deployment this home talks to, from one shared address. */
export function register(program: Command): void {
  const deployment = program.command('deployment').description("the flock deployment this home uses on the chain at --rpc-url: record one from its shared address, or show it");

  deployment
    .command('use')
    .description('record the deployment whose protocol address (its FlockDirectory, printed by `flock deploy`) you were given; every contract is read from the chain and checked')
    .argument('<protocol>', 'the protocol address, 0x…')
    .action(async (protocolArg: string, _opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const protocol = parseAddress(protocolArg, 'protocol');
      const [dep, { readDirectory }, { checkDeployment }] = await Promise.all([
        import('../../chain/deployment.js'),
        import('../../chain/directory.js'),
        import('../../deploy/verify.js'),
      ]);
      const provider = await ctx.provider();
      const chainId = await ctx.chainId();
      const dir = await readDirectory(provider, protocol);
      const checks = await checkDeployment(provider, dir.deployer, dir.contracts);
      const start = await provider.getBlock(dir.startBlock);
      const record = {
        chainId: Number(chainId),
        rpcUrl: ctx.rpcUrl,
        deployedAt: new Date(Number(start?.timestamp ?? 0) * 1000).toISOString(),
        deployer: dir.deployer,
        block: dir.startBlock,
        devnet: ctx.devnet !== undefined,
        protocol: dir.address,
        contracts: { ...dir.contracts, FlockDirectory: dir.address },
      };
      const old = dep.readDeployment(ctx.config.home, chainId);
      const replaced = old && old.protocol?.toLowerCase() !== protocol.toLowerCase() ? dep.backupDeployment(ctx.config.home, chainId) : undefined;
      const path = dep.writeDeployment(ctx.config.home, record);
      for (const c of checks) if (!c.ok) ctx.log.warn({ check: c.name }, `deployment check failed: ${c.detail}`);
      await ctx.output({ ...record, path, checks, ...(replaced ? { replaced } : {}) }, (x) => [
        `using flock deployment ${x.protocol} on chain ${x.chainId} (record: ${x.path})`,
        ...x.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(9)} ${c.detail}`),
        ...(replaced ? [`the previous record was kept as ${replaced}`] : []),
      ]);
    });

  deployment
    .command('show')
    .description('the deployment this home uses on this chain: its protocol address, contracts and record file')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = await createContext(cmd);
      const { loadDeployment, findLiveDeployment } = await import('../../chain/deployment.js');
      const record = await loadDeployment(ctx);
      const path = (await findLiveDeployment(ctx))?.path;
      await ctx.output({ ...record, path }, (x) => [
        `flock on chain ${x.chainId}${x.protocol ? `: protocol ${x.protocol}` : ''} (record: ${x.path})`,
        ...Object.entries(x.contracts).map(([name, address]) => `  ${name.padEnd(16)} ${address}`),
        ...(x.protocol ? [`another home: flock deployment use ${x.protocol} --rpc-url <url>`] : []),
      ]);
    });
}
