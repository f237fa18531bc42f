import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../harness/index.js';
import { ANVIL_ACCOUNT_0, ensureBuilt } from './helpers.js';

let t: TempHome;
let pw: string;
beforeAll(() => {
  ensureBuilt();
  t = tempHome();
  pw = join(t.dir, 'pw');
  writeFileSync(pw, 'pw\n');
});
afterAll(() => t.cleanup());

describe('flock init', () => {
  it('writes flock.config.yaml and creates an account, non-interactively', async () => {
    const r = await runCli(['init', '--yes', '--new-account', 'alice', '--password-file', pw, '--json'], { home: t.home, cwd: t.dir });
    expect(r.code, r.stderr).toBe(0);
    const body = r.json();
    expect(body.configPath).toBe(join(t.dir, 'flock.config.yaml'));
    expect(body.account).toMatchObject({ name: 'alice', imported: false, default: true });
    expect(body.next).toMatch(/flock devnet up/);
    const text = readFileSync(body.configPath, 'utf8');
    expect(text).toMatch(/^account: alice$/m);
    // The written file loads: `wallet address` in that folder names alice.
    const addr = await runCli(['wallet', 'address', '--json'], { home: t.home, cwd: t.dir });
    expect(addr.json()).toMatchObject({ name: 'alice', address: body.account.address });
  });

  it('is the explicit set-up: makes the account the default, and says so (issue #10, finding 4)', async () => {
    const other = tempHome();
    try {
      const opts = { home: other.home, cwd: other.dir };
      expect((await runCli(['wallet', 'new', 'old', '--use', '--password-file', pw], opts)).code).toBe(0);
      const r = await runCli(['init', '--yes', '--new-account', 'fresh', '--password-file', pw], opts);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('fresh is now the default account (was old): `flock wallet use <name>` changes it, `flock wallet use --clear` unsets it');
      const list = await runCli(['wallet', 'list', '--json'], opts);
      expect(list.json().accounts.find((a: { default: boolean }) => a.default)?.name).toBe('fresh');
    } finally {
      other.cleanup();
    }
  });

  it('refuses to overwrite without --force', async () => {
    const r = await runCli(['init', '--yes'], { home: t.home, cwd: t.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: flock.config.yaml already exists here\nhint: pass --force to overwrite it\n');
  });

  it('--force with --import takes a key file', async () => {
    const key = join(t.dir, 'key');
    writeFileSync(key, '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n');
    const r = await runCli(['init', '--force', '--yes', '--import', 'dev0', '--private-key-file', key, '--password-file', pw, '--json'], {
      home: t.home,
      cwd: t.dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().account).toMatchObject({ name: 'dev0', address: ANVIL_ACCOUNT_0, imported: true });
    expect(readFileSync(join(t.dir, 'flock.config.yaml'), 'utf8')).toMatch(/^account: dev0$/m);
  });

  it('without an account option and --yes: config only', async () => {
    const other = tempHome();
    try {
      const r = await runCli(['init', '--yes'], { home: other.home, cwd: other.dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^wrote .*flock\.config\.yaml\nnext: /);
      expect(existsSync(join(other.home, 'keystores'))).toBe(false);
    } finally {
      other.cleanup();
    }
  });

  it('an empty password: exit 6 before anything is written; a short one is taken with a warning (issue #14, finding 2)', async () => {
    const other = tempHome();
    try {
      const empty = join(other.dir, 'empty');
      writeFileSync(empty, '');
      const r = await runCli(['init', '--yes', '--new-account', 'bob', '--password-file', empty], { home: other.home, cwd: other.dir });
      expect(r.code).toBe(6);
      expect(r.stderr.split('\n')[0]).toBe('error: the password for keystore bob is empty');
      expect(existsSync(join(other.dir, 'flock.config.yaml'))).toBe(false);
      expect(existsSync(join(other.home, 'keystores', 'bob.json'))).toBe(false);

      const ok = await runCli(['init', '--yes', '--new-account', 'bob', '--password-file', pw, '--json'], { home: other.home, cwd: other.dir });
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).toContain('the password for keystore bob is shorter than 8 characters');
      expect(statSync(other.home).mode & 0o777).toBe(0o700);
    } finally {
      other.cleanup();
    }
  });
});
