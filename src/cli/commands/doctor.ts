import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Option, type Command } from 'commander';
import { createContext, type Context } from '../context.js';

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
    .description('check Node, the devnet tools, the training backends (and why better ones are not used), ONNX runtime, the chain and which `flock` is on PATH')
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

      const chain = await chainCheck(ctx, checks);
      const flock = await flockCommandCheck(PACKAGE_ROOT, ctx.env.PATH, checks);

      const result = { backend: report.selected?.name ?? null, checks, chain, flock };
      await ctx.output(result, (x) => ({
        table: { headers: ['', 'CHECK', 'DETAIL'], rows: x.checks.map((c) => [c.ok ? 'ok' : '--', c.name, c.detail]) },
      }));
    });
}

export interface ChainReport {
  rpcUrl: string;
  chainId?: string;
  /** The chain's current block. */
  block?: number;
  /** flock's deployment on it: the block it was deployed at and its record, when there is one. */
  deployment?: { block: number; path: string; live: boolean } | null;
  error?: string;
}

/** The chain: where it is now, and where (and from which record) flock was deployed on it. */
async function chainCheck(ctx: Context, checks: Check[]): Promise<ChainReport> {
  const chain: ChainReport = { rpcUrl: ctx.rpcUrl };
  try {
    const chainId = await ctx.chainId();
    const block = await (await ctx.provider()).getBlockNumber();
    const { deploymentCandidates, findLiveDeployment } = await import('../../chain/deployment.js');
    const live = await findLiveDeployment(ctx);
    const found = live ?? deploymentCandidates(ctx, chainId)[0];
    Object.assign(chain, { chainId: chainId.toString(), block, deployment: found ? { block: found.record.block, path: found.path, live: Boolean(live) } : null });
    const where = `${ctx.rpcUrl}, chain ${chainId} at block ${block}`;
    const what = !found
      ? 'no flock deployment: `flock devnet up` or `flock deploy`'
      : live
        ? `flock deployed at block ${found.record.block} (record ${found.path})`
        : `the flock deployment record ${found.path} is stale (no contract code): ${found.record.devnet ? '`flock devnet up` redeploys' : '`flock deploy`'}`;
    checks.push({ name: 'chain', ok: Boolean(live), detail: `${where}; ${what}` });
  } catch (e) {
    chain.error = (e as Error).message;
    checks.push({ name: 'chain', ok: false, detail: `${(e as Error).message} (start one with \`flock devnet up\`)` });
  }
  return chain;
}

export interface FlockCommandReport {
  /** The `flock` a shell runs (the first on PATH), if any. */
  first: string | null;
  firstIsThisCli: boolean;
  /** util-linux's flock (file locks), when one is on PATH. */
  utilLinux: string | null;
  /** This CLI's entry, to run it by absolute path or an alias. */
  thisCli: string;
}

/**
 * On Debian and Ubuntu `flock` is also util-linux's file-lock command, used by cron jobs and
 * scripts: which one does `flock` run, and how to run this CLI without shadowing util-linux's.
 */
async function flockCommandCheck(packageRoot: string, pathEnv: string | undefined, checks: Check[]): Promise<FlockCommandReport> {
  const thisCli = join(packageRoot, 'bin', 'flock');
  const helpers = (await import(pathToFileURL(join(packageRoot, 'bin', 'util-linux.mjs')).href)) as {
    flocksOnPath(pathEnv: string | undefined, self: string): { path: string; thisCli: boolean }[];
  };
  const found = helpers.flocksOnPath(pathEnv, thisCli);
  const first = found[0];
  const others = found.filter((f) => !f.thisCli);
  const utilLinux = others.find((f) => isUtilLinux(f.path))?.path ?? null;
  const report: FlockCommandReport = { first: first?.path ?? null, firstIsThisCli: Boolean(first?.thisCli), utilLinux, thisCli };
  const runThis = `run this CLI as \`npx flock\` in the project, by its path (${thisCli}), or through an alias (alias flockio=${thisCli}); the systemd units in deploy/systemd use an absolute path`;
  if (first?.thisCli && utilLinux) {
    checks.push({
      name: 'flock command',
      ok: false,
      detail:
        `\`flock\` on PATH is this CLI (${first.path}) and shadows util-linux's flock (${utilLinux}), which cron jobs and scripts run; ` +
        `calls such as \`flock -n FILE CMD\` are handed on to it, but to leave it alone remove the global link (npm uninstall -g flock) and ${runThis}`,
    });
  } else if (first?.thisCli) {
    checks.push({ name: 'flock command', ok: true, detail: `\`flock\` on PATH is this CLI (${first.path})` });
  } else if (first) {
    checks.push({ name: 'flock command', ok: true, detail: `\`flock\` on PATH is ${utilLinux === first.path ? "util-linux's file-lock command" : 'another program'} (${first.path}); ${runThis}` });
  } else {
    checks.push({ name: 'flock command', ok: true, detail: `no \`flock\` on PATH; ${runThis}` });
  }
  return report;
}

/** util-linux flock answers --version with "flock from util-linux 2.x". */
function isUtilLinux(path: string): boolean {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 5000 });
  return /util-linux/.test(`${r.stdout ?? ''}${r.stderr ?? ''}`);
}
