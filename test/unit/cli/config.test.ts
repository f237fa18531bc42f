import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortError, ExitCode } from '../../../src/errors/index.js';
import { loadConfig } from '../../../src/config/load.js';
import { ANVIL_MNEMONIC } from '../../../src/config/schema.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flock-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
/** Every test passes its own env: process.env must never leak in. */
const env = (extra: Record<string, string> = {}) => ({ FLOCK_HOME: join(dir, 'home'), ...extra });

function loadError(fn: () => unknown): AbortError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AbortError);
    return e as AbortError;
  }
  throw new Error('expected an error');
}

describe('loadConfig layering', () => {
  it('uses defaults when nothing is set', () => {
    const { config, path, sources } = loadConfig({ env: env(), cwd: dir });
    expect(path).toBeUndefined();
    expect(config.rpcUrl).toBe('http://127.0.0.1:8545');
    expect(config.logLevel).toBe('info');
    expect(config.chainId).toBeUndefined();
    expect(config.devnet).toEqual({ host: '127.0.0.1', port: 8545, accounts: 10, mnemonic: ANVIL_MNEMONIC, chainId: 31337 });
    expect(config.home).toBe(join(dir, 'home'));
    expect(sources.rpcUrl).toBe('default');
  });

  it('file overrides defaults, env overrides file, flags override env', () => {
    write('flock.config.yaml', 'rpcUrl: http://file:1\nchainId: 1\naccount: file-acct\nlogLevel: warn\ndevnet:\n  port: 9000\n');
    const fileOnly = loadConfig({ env: env(), cwd: dir });
    expect(fileOnly.path).toBe(join(dir, 'flock.config.yaml'));
    expect(fileOnly.config).toMatchObject({ rpcUrl: 'http://file:1', chainId: 1, account: 'file-acct', logLevel: 'warn' });
    expect(fileOnly.config.devnet.port).toBe(9000);
    expect(fileOnly.config.devnet.accounts).toBe(10); // a section merges with its defaults
    expect(fileOnly.sources['devnet.port']).toBe('file');

    const withEnv = loadConfig({ env: env({ FLOCK_RPC_URL: 'http://env:2', FLOCK_CHAIN_ID: '2', FLOCK_DEVNET_PORT: '9001' }), cwd: dir });
    expect(withEnv.config).toMatchObject({ rpcUrl: 'http://env:2', chainId: 2, account: 'file-acct', logLevel: 'warn' });
    expect(withEnv.config.devnet.port).toBe(9001);
    expect(withEnv.sources.rpcUrl).toBe('env');
    expect(withEnv.sources.account).toBe('file');

    const withFlags = loadConfig({
      env: env({ FLOCK_RPC_URL: 'http://env:2', FLOCK_CHAIN_ID: '2', FLOCK_LOG_LEVEL: 'error' }),
      flags: { rpcUrl: 'http://flag:3', logLevel: 'debug' },
      cwd: dir,
    });
    expect(withFlags.config).toMatchObject({ rpcUrl: 'http://flag:3', chainId: 2, logLevel: 'debug', account: 'file-acct' });
    expect(withFlags.sources).toMatchObject({ rpcUrl: 'flag', chainId: 'env', logLevel: 'flag', account: 'file' });
  });

  it('FLOCK_RPC_URL beats ETH_RPC_URL, which still works alone', () => {
    expect(loadConfig({ env: env({ ETH_RPC_URL: 'http://eth:1' }), cwd: dir }).config.rpcUrl).toBe('http://eth:1');
    expect(loadConfig({ env: env({ ETH_RPC_URL: 'http://eth:1', FLOCK_RPC_URL: 'http://flock:2' }), cwd: dir }).config.rpcUrl).toBe('http://flock:2');
  });

  it('--config and FLOCK_CONFIG pick the file; a missing explicit file is an error', () => {
    const p = write('other.yaml', 'logLevel: error\n');
    expect(loadConfig({ env: env({ FLOCK_CONFIG: p }), cwd: dir }).config.logLevel).toBe('error');
    expect(loadConfig({ flags: { config: p }, env: env(), cwd: dir }).config.logLevel).toBe('error');
    const e = loadError(() => loadConfig({ flags: { config: join(dir, 'nope.yaml') }, env: env(), cwd: dir }));
    expect(e.message).toMatch(/config file not found/);
    expect(e.exitCode).toBe(ExitCode.USAGE);
  });

  it('resolves relative paths in the file against the file, and in flags against the cwd', () => {
    const sub = join(dir, 'sub');
    write('flock.config.yaml', 'keystore: keys/alice.json\npasswordFile: ./pw\n');
    const { config } = loadConfig({ env: env(), cwd: dir, flags: {} });
    expect(config.keystore).toBe(join(dir, 'keys', 'alice.json'));
    expect(config.passwordFile).toBe(join(dir, 'pw'));
    const flagged = loadConfig({ env: env(), cwd: dir, flags: { config: join(dir, 'flock.config.yaml'), passwordFile: 'sub/pw' } });
    expect(flagged.config.passwordFile).toBe(join(sub, 'pw'));
  });

  it('an empty or comment-only file is fine', () => {
    write('flock.config.yaml', '# nothing yet\n');
    expect(loadConfig({ env: env(), cwd: dir }).config.rpcUrl).toBe('http://127.0.0.1:8545');
  });

  it('keeps later sections (train, validate, storage) as given', () => {
    write('flock.config.yaml', 'train:\n  epochs: 3\nstorage:\n  backend: dir\n');
    const { config } = loadConfig({ env: env(), cwd: dir });
    expect(config.train).toEqual({ epochs: 3 });
    expect(config.storage).toEqual({ backend: 'dir' });
  });
});

describe('loadConfig errors name their origin', () => {
  it('schema error: file and line of the value', () => {
    write('flock.config.yaml', '# flock\nrpcUrl: http://127.0.0.1:8545\n\n\n\ndevnet:\n  port: abc\n');
    const e = loadError(() => loadConfig({ env: env(), cwd: dir }));
    expect(e.message).toBe('flock.config.yaml:7: devnet.port must be a number');
    expect(e.exitCode).toBe(ExitCode.USAGE);
    expect(e.code).toBe('CONFIG_INVALID');
  });

  it('YAML syntax error: file and line', () => {
    write('flock.config.yaml', 'rpcUrl: http://127.0.0.1:8545\nlogLevel: "info\n');
    const e = loadError(() => loadConfig({ env: env(), cwd: dir }));
    expect(e.message).toMatch(/^flock\.config\.yaml:3: YAML syntax error: /);
  });

  it('unknown keys: line of the key, with a suggestion, first line first', () => {
    write('flock.config.yaml', 'logLevel: info\nrpcurl: http://x\ndevnet:\n  prot: 1\n');
    const e = loadError(() => loadConfig({ env: env(), cwd: dir }));
    expect(e.message).toBe('flock.config.yaml:2: unknown key "rpcurl" (did you mean "rpcUrl"?)');
    expect(e.details).toBe('flock.config.yaml:4: unknown key "devnet.prot" (did you mean "port"?)');
  });

  it('a file that is not a mapping', () => {
    write('flock.config.yaml', '- a\n- b\n');
    expect(loadError(() => loadConfig({ env: env(), cwd: dir })).message).toMatch(/^flock\.config\.yaml:1: the file must be a mapping/);
  });

  it('bad enum value', () => {
    write('flock.config.yaml', 'logLevel: loud\n');
    expect(loadError(() => loadConfig({ env: env(), cwd: dir })).message).toMatch(/^flock\.config\.yaml:1: logLevel must be one of trace, debug/);
  });

  it('environment errors name the variable', () => {
    const e = loadError(() => loadConfig({ env: env({ FLOCK_CHAIN_ID: 'abc' }), cwd: dir }));
    expect(e.message).toBe('FLOCK_CHAIN_ID must be a number');
    expect(loadError(() => loadConfig({ env: env({ ETH_RPC_URL: 'not a url' }), cwd: dir })).message).toMatch(/^ETH_RPC_URL must be a URL/);
  });

  it('flag errors name the flag', () => {
    expect(loadError(() => loadConfig({ env: env(), flags: { rpcUrl: 'nope' }, cwd: dir })).message).toMatch(/^--rpc-url must be a URL/);
  });
});
