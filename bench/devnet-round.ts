/**
 * What the devnet round benchmarks (bench/arena.ts, bench/alliance.ts) share: their flags, a
 * temporary FLOCK_HOME, the built CLI run one process per call with every process tracked, the
 * devnet with one keystore and a 200 FLOCK stake per actor, and the cleanup that always runs
 * (daemons stopped, `flock devnet down`, temp folder and this process's devnet registry removed),
 * also on failure or Ctrl-C.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HDNodeWallet } from 'ethers';
import { ANVIL_MNEMONIC } from '../src/config/schema.js';
import { DIST_MAIN, distIsStale, freePort, runCli, tempHome, TEST_RUNTIME_DIR, type CliResult } from '../test/harness/index.js';

const argv = process.argv.slice(2);

/** A numeric flag's value, or `def`; exits 2 with a one-line message when it is not one. */
export function numFlag(name: string, def: number, { int = true, min = 1 } = {}): number {
  const i = argv.indexOf(name);
  if (i < 0) return def;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v < min || (int && !Number.isInteger(v))) {
    process.stderr.write(`${name} wants ${int ? 'an integer' : 'a number'} >= ${min}\n`);
    process.exit(2);
  }
  return v;
}
export const hasFlag = (name: string) => argv.includes(name);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.now();

/** The last `lines` lines of a log file. */
export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function readJson(file: string): any {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

const PASSWORD = 'bench';

/** The devnet, up with its actors: each has a keystore named after it and 200 FLOCK staked. */
export interface Devnet {
  rpcUrl: string;
  chainId: number;
  /** `--rpc-url <url>`, for calls from the actors' cloned homes. */
  rpcFlag: string[];
  /** Lower-case address of each actor. */
  addressOf: Map<string, string>;
  /** `--account <name> --password-file <file>`. */
  as(who: string): string[];
}

/**
 * One benchmark run in a temporary FLOCK_HOME: `work` is the CLI's HOME and cwd, and every
 * actor's own home is a folder of it.
 */
export class DevnetBench {
  readonly work: string;
  readonly mainHome: string;
  readonly log: (msg: string) => void;
  /** The setup steps timed with timed(), in order: reported apart from the round. */
  readonly setup: { label: string; ms: number }[] = [];
  /** Every process started, until it closes: stopped by cleanup(). */
  private readonly running = new Set<ChildProcess>();
  private readonly temp: ReturnType<typeof tempHome>;
  private devnetPid: number | undefined;
  private devnetStarted = false;
  private cleaning: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly opts: { keep: boolean; cliTimeoutMs: number; onCleanup?: () => void },
  ) {
    this.temp = tempHome(`flock-bench-${name}-`);
    this.work = this.temp.dir;
    this.mainHome = this.temp.home;
    this.log = (msg) => process.stderr.write(`[${name} ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        this.log(`${sig}: cleaning up`);
        void this.cleanup().finally(() => process.exit(130));
      });
    }
  }

  /**
   * Fails unless the CLI is built and `input` (the task the bench reads) is there; warns when
   * src/ has changed since dist/ was built (the CLI under test is dist/).
   */
  requireBuilt(input: string): void {
    if (!existsSync(DIST_MAIN) || !existsSync(input)) throw new Error(`run \`npm run build\` first (needs dist/cli/main.js and ${input})`);
    if (distIsStale()) this.log('warning: src/ is newer than dist/; this measures the CLI as last built (`npm run build` to rebuild)');
  }

  /** Runs one setup step and records its wall time in `setup`. */
  async timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
    const t0 = now();
    const r = await fn();
    this.setup.push({ label, ms: now() - t0 });
    return r;
  }

  /** The Markdown table of the setup steps, after the round's. */
  setupReport(): string {
    const rows = this.setup.map((s) => `| ${s.label} | ${(s.ms / 1000).toFixed(2)} |`);
    return ['Setup, not in the round:', '', '| step | wall s |', '|---|---:|', ...rows].join('\n');
  }

  /** Keeps a process in the run (stopped by cleanup) until it closes. */
  track(child: ChildProcess): void {
    this.running.add(child);
    child.on('close', () => this.running.delete(child));
  }

  /** `node bin/flock <args>`, one-shot, as `home`'s user. */
  cli(args: string[], home = this.mainHome, timeoutMs = this.opts.cliTimeoutMs): Promise<CliResult> {
    return runCli(args, { home, timeoutMs, onSpawn: (c) => this.track(c) });
  }

  async ok(args: string[], home = this.mainHome, timeoutMs?: number): Promise<CliResult> {
    const r = await this.cli(args, home, timeoutMs);
    if (r.code !== 0) throw new Error(`flock ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r;
  }

  async okJson<T = any>(args: string[], home = this.mainHome): Promise<{ r: CliResult; json: T }> {
    const r = await this.ok([...args, '--json'], home);
    return { r, json: r.json<T>() };
  }

  /**
   * Starts the devnet on a free port, sized for `names` (anvil funds every account it derives,
   * with ETH and, at deployment, FLOCK), imports one keystore per actor (anvil's public test keys)
   * and stakes 200 FLOCK for each. One step after another: an import may write the home's
   * preferences file, and the stakes are sent one at a time like a user's.
   */
  async devnet(names: string[], upLabel: string): Promise<Devnet> {
    const passwordFile = path.join(this.work, 'password');
    writeFileSync(passwordFile, PASSWORD);
    writeFileSync(path.join(this.work, 'flock.config.yaml'), `devnet:\n  accounts: ${Math.max(10, names.length)}\n`);
    const root = HDNodeWallet.fromPhrase(ANVIL_MNEMONIC, undefined, "m/44'/60'/0'/0");
    const wallets = names.map((_, i) => root.deriveChild(i));
    const as = (who: string) => ['--account', who, '--password-file', passwordFile];

    const port = await freePort();
    this.devnetStarted = true;
    const up = await this.timed(upLabel, () => this.okJson<{ rpcUrl: string; chainId: number; pid: number }>(['devnet', 'up', '--port', String(port)]));
    this.devnetPid = up.json.pid;
    const { rpcUrl, chainId } = up.json;
    const rpcFlag = ['--rpc-url', rpcUrl];
    this.log(`devnet at ${rpcUrl} (chain ${chainId})`);

    await this.timed(`import ${names.length} keystores (scrypt N=1024)`, async () => {
      for (const [i, n] of names.entries()) {
        const keyFile = path.join(this.work, `${n}.key`);
        writeFileSync(keyFile, wallets[i]!.privateKey);
        await this.ok(['wallet', 'import', n, '--private-key-file', keyFile, ...as(n)]);
        rmSync(keyFile);
      }
    });
    await this.timed(`stake 200 FLOCK (no lock) x ${names.length}`, async () => {
      for (const n of names) await this.ok(['stake', '200', '--lock', '0', ...as(n), ...rpcFlag]);
    });
    return { rpcUrl, chainId, rpcFlag, addressOf: new Map(names.map((n, i) => [n, wallets[i]!.address.toLowerCase()])), as };
  }

  /** Median wall time of three bare CLI calls (process start, config, one RPC): the floor of every one-shot stage. */
  async cliFloorMs(): Promise<number> {
    const probes: number[] = [];
    for (let i = 0; i < 3; i++) probes.push((await this.ok(['devnet', 'status', '--json'])).ms);
    return probes.sort((a, b) => a - b)[1]!;
  }

  /** Stops every process (SIGTERM, then SIGKILL after 8 s), the devnet, and removes the temp folders. Idempotent. */
  cleanup(): Promise<void> {
    this.cleaning ??= (async () => {
      this.opts.onCleanup?.();
      for (const c of this.running) c.kill('SIGTERM');
      const deadline = Date.now() + 8000;
      while (this.running.size > 0 && Date.now() < deadline) await sleep(100);
      for (const c of this.running) c.kill('SIGKILL');
      if (this.devnetStarted) await this.devnetDown();
      if (this.opts.keep) this.log(`kept ${this.work}`);
      else this.temp.cleanup();
      rmSync(TEST_RUNTIME_DIR, { recursive: true, force: true }); // this process's devnet registry (harness/cli.ts)
    })();
    return this.cleaning;
  }

  private async devnetDown(): Promise<void> {
    const down = await this.cli(['devnet', 'down'], this.mainHome, 30_000).catch(() => undefined);
    if (down?.code === 0) return this.log('devnet stopped');
    this.log(`\`flock devnet down\` failed${down ? `: ${down.stderr.trim()}` : ''}`);
    if (!this.devnetPid) return;
    try {
      process.kill(this.devnetPid, 'SIGKILL');
      this.log(`killed anvil (pid ${this.devnetPid})`);
    } catch {
      /* already gone */
    }
  }

  /** Runs `main`, then always cleans up; on failure logs the error and each of `logs()`'s tails, and sets exit code 1. */
  async run(main: () => Promise<void>, logs: () => { name: string; file: string }[]): Promise<void> {
    try {
      await main();
    } catch (e) {
      process.exitCode = 1;
      this.log(`failed: ${(e as Error).stack ?? e}`);
      for (const l of logs()) this.log(`--- ${l.name} (${l.file}), last lines:\n${tail(l.file)}`);
    } finally {
      await this.cleanup();
    }
  }
}
