/**
 * What only the end-to-end tests need on top of the shared harness (../harness/: the built CLI in
 * a temp FLOCK_HOME, free ports, JSON-RPC), which bench/ uses too: rebuilding a stale dist/, and a
 * throwaway anvil started without the CLI. Every test gets its own home and port, so tests run in
 * parallel and never touch ~/.flock or port 8545.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { JsonRpcProvider } from 'ethers';
import { expect } from 'vitest';
import { DIST_MAIN, distIsStale, freePort, ROOT, runCli, type TempHome } from '../harness/index.js';

/** anvil's default account #0 (unlocked on every anvil started with the default mnemonic). */
export const ANVIL_ACCOUNT_0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

/**
 * Makes sure dist/ reflects src/ before spawning the CLI: the full build (forge, TypeChain, tsc)
 * when dist/ is missing, just tsc when a source file is newer. A stale dist/ would silently test
 * old code.
 */
export function ensureBuilt(): void {
  if (!existsSync(DIST_MAIN) || !existsSync(join(ROOT, 'dist', 'bundle', 'main.js')) || !existsSync(join(ROOT, 'src', 'chain', 'types'))) {
    const res = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    if (res.status !== 0) throw new Error('build failed; run `npm run build`');
    return;
  }
  if (!distIsStale()) return;
  const res = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
  // tsc still emits on type errors; only a missing entry point is fatal here.
  if (res.status !== 0) process.stderr.write(`ensureBuilt: tsc reported errors:\n${res.stdout}${res.stderr}`);
  if (!existsSync(DIST_MAIN)) throw new Error('build failed; run `npm run build`');
  // bin/flock runs the bundle of dist/cli/ (scripts/build.mjs): make it again from the new dist/.
  const bundled = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--bundle-only'], { cwd: ROOT, stdio: 'inherit' });
  if (bundled.status !== 0) throw new Error('bundling failed; run `npm run build`');
}

export interface TestAnvil {
  rpcUrl: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a throwaway anvil (not through the CLI) on a free port and waits until it answers. */
export async function startTestAnvil(opts: { chainId?: number } = {}): Promise<TestAnvil> {
  const { anvilBinary, probeChainId } = await import('../../src/devnet/anvil.js');
  const port = await freePort();
  const args = ['--host', '127.0.0.1', '--port', String(port), '--silent'];
  if (opts.chainId) args.push('--chain-id', String(opts.chainId));
  const child = spawn(anvilBinary(), args, { stdio: 'ignore' });
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while ((await probeChainId(rpcUrl, 500)) === undefined) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`anvil did not start on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    rpcUrl,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** Stops whatever devnet the CLI started in `home`, and its VRF fulfiller (cleanup for tests that ran `devnet up`). */
export async function stopCliDevnet(home: string): Promise<void> {
  const [{ stopAnvil }, { stopFulfiller }] = await Promise.all([import('../../src/devnet/anvil.js'), import('../../src/devnet/vrf-process.js')]);
  await stopFulfiller(home, 5000);
  await stopAnvil(home, 5000);
}

/** A devnet started by `flock devnet up` in `home` on a free port, with a provider on it. */
export interface CliDevnet {
  rpcUrl: string;
  provider: JsonRpcProvider;
}

/** Starts the CLI's devnet in `t.home` (anvil + deploy) and connects a provider to it. */
export async function startCliDevnet(home: string): Promise<CliDevnet> {
  const up = await runCli(['devnet', 'up', '--port', String(await freePort()), '--json'], { home, timeoutMs: 120_000 });
  expect(up.code, up.stderr).toBe(0);
  const rpcUrl: string = up.json().rpcUrl;
  return { rpcUrl, provider: new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true }) };
}

/** The afterAll of a file that started a CLI devnet: provider closed, devnet stopped, home removed. */
export async function teardownCliDevnet(t: TempHome | undefined, provider: JsonRpcProvider | undefined): Promise<void> {
  provider?.destroy();
  if (!t) return;
  await stopCliDevnet(t.home);
  t.cleanup();
}
