import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import type { BaseWallet } from 'ethers';
import { AbortError } from '../errors/index.js';
import { writeFileAtomic } from '../files/atomic.js';
import { mkdirPrivate } from '../files/dirs.js';

/**
 * Encrypted keystores in the Web3 Secret Storage v3 format (JSON: `address`, `id`, `version: 3`,
 * `crypto` with aes-128-ctr and scrypt) that Foundry's `cast wallet` and ethers both read and
 * write. Keys are only ever on disk encrypted.
 *
 * ethers' encryptKeystoreJson spells the key `Crypto`; ethers and geth read either spelling but
 * Foundry (the eth-keystore crate) only `crypto`, so flock writes `crypto` and renames `Crypto` in
 * a keystore it has just unlocked (see decryptKeystore).
 */

export interface KeystoreRef {
  name: string;
  path: string;
}

export interface KeystoreEntry extends KeystoreRef {
  /** Checksum-less address as stored in the file, `0x`-prefixed; undefined if the file omits it. */
  address: string | undefined;
  source: 'flock' | 'foundry';
}

export function keystoreDir(home: string): string {
  return join(home, 'keystores');
}

/** Foundry's default keystore folder (`cast wallet import` writes there). */
export function foundryKeystoreDir(): string {
  return join(homedir(), '.foundry', 'keystores');
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Names become file names: refuse anything that could escape the folder. */
export function assertKeystoreName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new AbortError(`invalid account name "${name}"`, {
      code: 'INVALID_NAME',
      hint: 'use letters, digits, ".", "_" or "-" (at most 64 characters)',
    });
  }
}

/** The file for `name` in `dir`: flock writes `<name>.json`, Foundry writes `<name>`. */
export function findInDir(dir: string, name: string): string | undefined {
  for (const candidate of [join(dir, `${name}.json`), join(dir, name)]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Reads the `address` field without decrypting (no password needed to show an address). */
export function readKeystoreAddress(path: string): string | undefined {
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as { address?: unknown };
    if (typeof json.address !== 'string') return undefined;
    const a = json.address.toLowerCase();
    return /^(0x)?[0-9a-f]{40}$/.test(a) ? (a.startsWith('0x') ? a : `0x${a}`) : undefined;
  } catch {
    return undefined;
  }
}

function isKeystoreFile(path: string): boolean {
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as { crypto?: unknown; Crypto?: unknown; version?: unknown };
    return (json.crypto !== undefined || json.Crypto !== undefined) && Number(json.version) === 3;
  } catch {
    return false;
  }
}

/** Keystores in flock's folder, then Foundry's; a flock name shadows a Foundry one. */
export function listKeystores(home: string, extraDir?: string): KeystoreEntry[] {
  const out: KeystoreEntry[] = [];
  const seen = new Set<string>();
  const dirs: Array<[string, KeystoreEntry['source']]> = [[extraDir ?? keystoreDir(home), 'flock'], [foundryKeystoreDir(), 'foundry']];
  for (const [dir, source] of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      const path = join(dir, file);
      if (!statSync(path).isFile() || !isKeystoreFile(path)) continue;
      const name = file.endsWith('.json') ? file.slice(0, -5) : file;
      if (seen.has(name)) continue;
      seen.add(name);
      out.push({ name, path, address: readKeystoreAddress(path), source });
    }
  }
  return out;
}

export interface ResolveKeystoreOptions {
  home: string;
  /** --keystore: a keystore file, or a folder of them. */
  keystore?: string;
  /** --account: a name (or an address) in the keystore folder. */
  account?: string;
}

/**
 * Finds the keystore file meant by --keystore/--account (Foundry semantics: --keystore is a file,
 * --account a name in the default folder; a --keystore folder plus --account also works).
 * Returns undefined when neither is given.
 */
export function resolveKeystore(opts: ResolveKeystoreOptions): KeystoreRef | undefined {
  const { keystore, account } = opts;
  if (keystore) {
    if (!existsSync(keystore)) {
      throw new AbortError(`keystore not found: ${keystore}`, { code: 'KEYSTORE_NOT_FOUND', hint: 'check --keystore / FLOCK_KEYSTORE' });
    }
    if (statSync(keystore).isFile()) return { name: account ?? basename(keystore).replace(/\.json$/, ''), path: keystore };
    if (!account) {
      throw new AbortError(`--keystore ${keystore} is a folder: name the account too`, {
        code: 'NO_ACCOUNT',
        hint: 'pass --account <name>',
      });
    }
    return findAccount(account, [keystore]);
  }
  if (account) return findAccount(account, [keystoreDir(opts.home), foundryKeystoreDir()]);
  return undefined;
}

function findAccount(account: string, dirs: string[]): KeystoreRef {
  if (/^0x[0-9a-fA-F]{40}$/.test(account)) {
    for (const dir of dirs) {
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir)) {
        const path = join(dir, file);
        if (readKeystoreAddress(path) === account.toLowerCase()) return { name: file.replace(/\.json$/, ''), path };
      }
    }
  } else {
    assertKeystoreName(account);
    for (const dir of dirs) {
      const path = findInDir(dir, account);
      if (path) return { name: account, path };
    }
  }
  throw new AbortError(`no keystore for account "${account}" in ${dirs[0]}`, {
    code: 'KEYSTORE_NOT_FOUND',
    hint: `\`flock wallet list\` shows the accounts; \`flock wallet new ${/^0x/.test(account) ? '<name>' : account}\` creates one`,
  });
}

/**
 * scrypt work factor for new keystores. Default: ethers' 2^17 (~1 s here). FLOCK_SCRYPT_N lowers
 * it for tests and CI only; decryption always uses the factor stored in the file.
 */
export function scryptN(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.FLOCK_SCRYPT_N;
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2 || (n & (n - 1)) !== 0) {
    throw new AbortError(`FLOCK_SCRYPT_N must be a power of two (got "${raw}")`, { code: 'CONFIG_INVALID' });
  }
  return n;
}

/** Encrypts `wallet` into a JSON v3 keystore and writes it; refuses to overwrite. */
export async function writeKeystore(dir: string, name: string, wallet: { address: string; privateKey: string }, password: string): Promise<string> {
  assertKeystoreName(name);
  const path = join(dir, `${name}.json`);
  if (findInDir(dir, name)) {
    throw new AbortError(`keystore "${name}" already exists: ${findInDir(dir, name)}`, {
      code: 'KEYSTORE_EXISTS',
      hint: 'choose another name; flock never overwrites a key',
    });
  }
  const { encryptKeystoreJson } = await import('ethers');
  const n = scryptN();
  const account = { address: wallet.address, privateKey: wallet.privateKey };
  const json = toFoundryJson(await encryptKeystoreJson(account, password, n ? { scrypt: { N: n } } : {}));
  mkdirPrivate(dir);
  // 'wx' fails if the file appeared meanwhile: two `wallet new` racing must not clobber a key.
  writeFileSync(path, json, { mode: 0o600, flag: 'wx' });
  return path;
}

/**
 * `json` with the spec's lowercase `crypto` for ethers' `Crypto`, in the same place; undefined
 * when there is nothing to rename (already `crypto`, or not a JSON object).
 */
export function lowercaseCrypto(json: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (!entries.some(([k]) => k === 'Crypto') || entries.some(([k]) => k === 'crypto')) return undefined;
  return JSON.stringify(Object.fromEntries(entries.map(([k, v]) => [k === 'Crypto' ? 'crypto' : k, v])));
}

function toFoundryJson(json: string): string {
  return lowercaseCrypto(json) ?? json;
}

/**
 * A keystore flock wrote before it spelled `crypto` in lowercase, renamed in place once it has
 * been unlocked (so it is known to be a keystore and its owner's). Atomic and lossless: the
 * encrypted fields are untouched. A file flock may not write (read-only, someone else's) is left
 * as it is: ethers reads it either way.
 */
function upgradeLegacyKeystore(path: string, json: string): void {
  const upgraded = lowercaseCrypto(json);
  if (upgraded === undefined) return;
  try {
    writeFileAtomic(path, upgraded, { mode: statSync(path).mode & 0o777 });
  } catch {
    // Unchanged: flock still reads it, only Foundry does not.
  }
}

/**
 * Decrypts a keystore; a wrong password is a one-line AbortError (exit 6). A keystore with ethers'
 * `Crypto` is rewritten with `crypto` afterwards (see upgradeLegacyKeystore).
 */
export async function decryptKeystore(ref: KeystoreRef, password: string): Promise<BaseWallet> {
  const { Wallet } = await import('ethers');
  let json: string;
  try {
    json = readFileSync(ref.path, 'utf8');
  } catch (e) {
    throw new AbortError(`cannot read keystore ${ref.path}`, { code: 'KEYSTORE_NOT_FOUND', cause: e });
  }
  let wallet: BaseWallet;
  try {
    wallet = await Wallet.fromEncryptedJson(json, password);
  } catch (e) {
    if (/incorrect password/i.test((e as Error).message)) {
      throw new AbortError(`wrong password for keystore ${ref.name}`, {
        code: 'WRONG_PASSWORD',
        hint: 'check --password-file / FLOCK_PASSWORD_FILE / FLOCK_PASSWORD',
        cause: e,
      });
    }
    throw new AbortError(`${ref.path} is not a valid keystore: ${(e as Error).message.split('(')[0]!.trim()}`, {
      code: 'KEYSTORE_INVALID',
      cause: e,
    });
  }
  upgradeLegacyKeystore(ref.path, json);
  return wallet;
}
