import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { freePort, ROOT, runCli, tempHome, type TempHome } from '../harness/index.js';
import { ANVIL_ACCOUNT_0, ensureBuilt } from './helpers.js';

let t: TempHome;
beforeAll(() => {
  ensureBuilt();
  t = tempHome();
});
afterAll(() => t.cleanup());

/** Every runnable command path, e.g. ['wallet', 'new'], from the real program definition. */
function leafCommands(cmd: Command, prefix: string[] = []): Array<{ path: string[]; cmd: Command }> {
  return cmd.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return c.commands.length ? leafCommands(c, path) : [{ path, cmd: c }];
  });
}

describe('flock (global behaviour)', () => {
  it('--help lists the commands and exits 0, fast', async () => {
    const r = await runCli(['--help'], { home: t.home });
    expect(r.code).toBe(0);
    for (const name of ['init', 'wallet', 'devnet']) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(r.stdout).toContain('--rpc-url <url>');
    expect(r.stderr).toBe('');
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version'], { home: t.home });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('unknown option: usage error (exit 2) with a suggestion and the right --help', async () => {
    const r = await runCli(['wallet', 'list', '--jsn'], { home: t.home });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown option '--jsn' (did you mean --json?)\nhint: see `flock wallet list --help`\n");
  });

  it('unknown command with --json: the error is JSON on stdout', async () => {
    const r = await runCli(['--json', 'wallet', 'lst'], { home: t.home });
    expect(r.code).toBe(2);
    expect(r.json().error).toMatchObject({ code: 'USAGE', exitCode: 2, message: "unknown command 'lst' (did you mean list?)" });
  });

  it('bad option values are usage errors', async () => {
    const r = await runCli(['--chain-id', 'abc', 'wallet', 'list'], { home: t.home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: option '--chain-id <id>' argument 'abc' is invalid/);
    const level = await runCli(['--log-level', 'loud', 'wallet', 'list'], { home: t.home });
    expect(level.code).toBe(2);
  });

  it('a malformed config file names the file and line (exit 2)', async () => {
    const own = tempHome(); // its own folder: the broken file must not leak into other tests
    try {
      writeFileSync(join(own.dir, 'flock.config.yaml'), 'rpcUrl: http://127.0.0.1:8545\ndevnet:\n  port: abc\n');
      const r = await runCli(['wallet', 'list'], { home: own.home, cwd: own.dir });
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe('error: flock.config.yaml:3: devnet.port must be a number');
      const syntax = join(own.dir, 'broken.yaml');
      writeFileSync(syntax, 'rpcUrl: [oops\n');
      const s = await runCli(['--config', syntax, '--json', 'wallet', 'list'], { home: own.home, cwd: own.dir });
      expect(s.code).toBe(2);
      expect(s.json().error.message).toMatch(/broken\.yaml:\d+: YAML syntax error/);
    } finally {
      own.cleanup();
    }
  });

  it('every command accepts --json and prints one JSON document on stdout', async () => {
    const port = await freePort(); // nothing listens here: chain commands fail fast with a JSON error
    // `store serve` is a daemon: give it a port that is held, so it fails fast (exit 3) instead of
    // serving until killed (its default port may well be free).
    const held = createServer();
    await new Promise<void>((ok) => held.listen(0, '127.0.0.1', ok));
    const heldPort = String((held.address() as AddressInfo).port);
    const sampleArgs: Record<string, string[]> = {
      'devnet warp': ['1h'],
      'wallet import': ['imported'],
      'wallet new': ['fresh'],
      'wallet use': ['nobody'],
      'wallet sign': ['hello'],
      stake: ['1', '--lock', '30'],
      delegate: ['1', '--to', ANVIL_ACCOUNT_0],
      undelegate: ['--from', ANVIL_ACCOUNT_0],
      'pool create': ['--sigma', '10%'],
      'pool set-sigma': ['10%'],
      'store put': [join(ROOT, 'package.json')],
      'store serve': ['--port', heldPort],
      'task init': [join(ROOT, 'test/fixtures/iris/iris.csv'), '--label', 'species'],
      'task create': ['--spec', join(ROOT, 'examples/tasks/digits/task.yaml')],
      'model check': ['missing.onnx', '--spec', join(ROOT, 'examples/tasks/digits/task.yaml')],
      'task show': ['1'],
      'task wait': ['1', '--timeout', '1s'],
      'task reveal': ['1'],
      'task finalize': ['1'],
      'task claim': ['1'],
      train: ['--task', '1'],
      validate: ['--task', '1'],
      params: ['arena.gamma'],
      propose: ['--title', 'lower sigmaMax', '--set', 'pool.sigmaMax=0.4'],
      'proposals show': ['1'],
      'proposals claim': ['1'],
      flag: ['1'],
      vote: ['1', 'for'],
      queue: ['1'],
      execute: ['1'],
      'fl aggregate': ['update.onnx', '--rule', 'fedavg', '--global', 'global.onnx', '-o', 'out.onnx'],
      'fl privacy': ['--sample-rate', '0.04', '--noise', '1.5', '--rounds', '10', '--delta', '1e-5'],
      'fl simulate': ['--spec', 'missing.yaml'],
      'fl split': [join(ROOT, 'examples/tasks/breast-cancer/train.csv.gz'), '--spec', join(ROOT, 'examples/tasks/breast-cancer/task.yaml'), '--clients', '2', '--out', 'fl-split'],
      'alliance create': ['--spec', join(ROOT, 'examples/alliance/alliance.yaml')],
      'alliance show': ['1'],
      'alliance join': ['--task', '1', '--data', join(ROOT, 'examples/tasks/digits/train.csv.gz')],
      'alliance status': ['1'],
      'alliance wait': ['1', '--timeout', '1s'],
      'alliance settle': ['1'],
      'alliance claim': ['1'],
      'alliance leave': ['1'],
      'models show': ['1'],
      'models register': ['--arena', '1'],
      serve: ['--model', '1', '--price', '0.01'],
      call: ['--model', '1', '--input', join(ROOT, 'examples/tasks/digits/validation.csv.gz'), '--drop', 'digit'],
      'market claim': ['--model', '1'],
      'market close': ['1'],
      'market retire': ['--model', '1'],
      'market withdraw': ['--model', '1'],
    };
    const leaves = leafCommands(buildProgram()).filter((l) => l.path[0] !== 'help');
    expect(leaves.length).toBeGreaterThan(5);
    for (const { path, cmd } of leaves) {
      const key = path.join(' ');
      const args = sampleArgs[key] ?? cmd.registeredArguments.filter((a) => a.required).map(() => 'x');
      const r = await runCli([...path, ...args, '--json', '--rpc-url', `http://127.0.0.1:${port}`], {
        home: t.home,
        cwd: t.dir,
        // devnet up must not start a real chain here: a binary that exits at once makes it fail.
        env: { FLOCK_ANVIL_BIN: '/bin/false', FLOCK_DEVNET_PORT: String(port), FLOCK_RPC_TIMEOUT: '2' },
      });
      let body: any;
      expect(() => (body = r.json()), `${key}: ${r.stdout} ${r.stderr}`).not.toThrow();
      if (body && typeof body === 'object' && 'error' in body) {
        expect(body.error.exitCode, key).toBe(r.code);
        expect(body.error.code, key).not.toMatch(/^(USAGE|CONFIG_INVALID|BUG)$/); // the flags parsed; the command ran
      }
      else expect(r.code, `${key}: ${r.stderr}`).toBe(0);
    }
    held.close();
  }, 120_000);
});
