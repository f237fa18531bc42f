import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { createContext } from '../context.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** `flock doctor`: what this machine can do, and why a better option is not used. */
export function register(program: Command): void {
  const backend = new Option('--backend <name>', 'check this training backend instead of the best one present').choices(['auto', 'node-gpu', 'node', 'wasm', 'cpu']);
  program
    .command('doctor')
    .description('check Node, the devnet tools, the training backends (and why better ones are not used), ONNX runtime and the chain')
    .addOption(backend)
    .action(async (opts: { backend?: 'auto' | 'node-gpu' | 'node' | 'wasm' | 'cpu' }, cmd: Command) => {
      const ctx = await createContext(cmd);
      const [{ describeBackends }, { anvilBinary, PACKAGE_ROOT }] = await Promise.all([import('../../engine/index.js'), import('../../devnet/anvil.js')]);
      const checks: Check[] = [];
      const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
      checks.push({ name: 'node', ok: major > 20 || (major === 20 && minor >= 18), detail: `v${process.versions.node} (needs >= 20.18)` });
      let anvil = '';
      try {
        anvil = anvilBinary();
      } catch (e) {
        anvil = (e as Error).message;
      }
      checks.push({ name: 'anvil', ok: existsSync(anvil), detail: anvil });
      const artifacts = join(PACKAGE_ROOT, 'out', 'FlockToken.sol', 'FlockToken.json');
      checks.push({ name: 'contracts', ok: existsSync(artifacts), detail: existsSync(artifacts) ? 'compiled (out/)' : 'not compiled: run `npm run build`' });

      const report = await describeBackends({ backend: opts.backend ?? 'auto' });
      for (const b of report.backends) {
        const used = report.selected?.name === b.name;
        checks.push({ name: `tfjs ${b.name}`, ok: b.available, detail: used ? `in use (${b.package})` : (b.reason ?? `available (${b.package})`) });
      }
      checks.push({
        name: 'onnxruntime',
        ok: report.onnxruntime.available,
        detail: report.onnxruntime.available ? `onnxruntime-node ${report.onnxruntime.version ?? ''}`.trim() : (report.onnxruntime.reason ?? 'not available'),
      });

      let chain: { rpcUrl: string; chainId?: string; deployment?: string; error?: string } = { rpcUrl: ctx.rpcUrl };
      try {
        const chainId = await ctx.chainId();
        const { readDeployment } = await import('../../chain/deployment.js');
        const record = readDeployment(ctx.config.home, chainId);
        chain = { rpcUrl: ctx.rpcUrl, chainId: chainId.toString(), deployment: record ? `deployed (block ${record.block})` : 'no flock deployment: `flock devnet up` or `flock deploy`' };
        checks.push({ name: 'chain', ok: Boolean(record), detail: `${ctx.rpcUrl}, chain ${chainId}: ${chain.deployment}` });
      } catch (e) {
        chain.error = (e as Error).message;
        checks.push({ name: 'chain', ok: false, detail: `${(e as Error).message} (start one with \`flock devnet up\`)` });
      }

      const result = { backend: report.selected?.name ?? null, checks, chain };
      await ctx.output(result, (x) => ({
        table: { headers: ['', 'CHECK', 'DETAIL'], rows: x.checks.map((c) => [c.ok ? 'ok' : '--', c.name, c.detail]) },
      }));
    });
}
