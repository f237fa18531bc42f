import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { AbortError, editDistance } from '../errors/index.js';
import { ConfigSchema, DevnetSchema, type FlockConfig } from './schema.js';

export const CONFIG_FILE_NAME = 'flock.config.yaml';

/** Command-line flags that feed the configuration (the top layer). */
export interface ConfigFlags {
  config?: string;
  rpcUrl?: string;
  chainId?: number;
  account?: string;
  keystore?: string;
  passwordFile?: string;
  logLevel?: string;
  home?: string;
}

export type ConfigSource = 'default' | 'file' | 'env' | 'flag';

export interface LoadedConfig {
  config: FlockConfig;
  /** Absolute path of the file read, if any. */
  path: string | undefined;
  /** Where each key's value came from, by dotted path (`rpcUrl`, `devnet.port`). */
  sources: Record<string, ConfigSource>;
}

export interface LoadConfigOptions {
  flags?: ConfigFlags;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Environment variables, by config path. The first name present wins: FLOCK_RPC_URL beats
 * Foundry's ETH_RPC_URL so a flock-specific setting is never shadowed by a shell-wide one.
 */
export const ENV_VARS: ReadonlyArray<{ path: string[]; names: string[]; type: 'string' | 'number' }> = [
  { path: ['rpcUrl'], names: ['FLOCK_RPC_URL', 'ETH_RPC_URL'], type: 'string' },
  { path: ['chainId'], names: ['FLOCK_CHAIN_ID'], type: 'number' },
  { path: ['account'], names: ['FLOCK_ACCOUNT'], type: 'string' },
  { path: ['keystore'], names: ['FLOCK_KEYSTORE'], type: 'string' },
  { path: ['passwordFile'], names: ['FLOCK_PASSWORD_FILE'], type: 'string' },
  { path: ['logLevel'], names: ['FLOCK_LOG_LEVEL'], type: 'string' },
  { path: ['home'], names: ['FLOCK_HOME'], type: 'string' },
  { path: ['rpcTimeout'], names: ['FLOCK_RPC_TIMEOUT'], type: 'number' },
  { path: ['devnet', 'host'], names: ['FLOCK_DEVNET_HOST'], type: 'string' },
  { path: ['devnet', 'port'], names: ['FLOCK_DEVNET_PORT'], type: 'number' },
];

const FLAG_NAMES: Record<string, string> = {
  rpcUrl: '--rpc-url',
  chainId: '--chain-id',
  account: '--account',
  keystore: '--keystore',
  passwordFile: '--password-file',
  logLevel: '--log-level',
  home: '--home',
};

/** Keys holding paths: `~` is expanded everywhere; file values are relative to the file's folder. */
const PATH_KEYS = ['keystore', 'passwordFile', 'home'] as const;

type Raw = Record<string, unknown>;

/**
 * Loads the configuration: defaults < flock.config.yaml < FLOCK_* environment < flags. Errors name
 * their origin: `flock.config.yaml:7: devnet.port must be a number`, `FLOCK_CHAIN_ID: ...`,
 * `--rpc-url: ...` (AbortError, exit 2).
 *
 * @example
 * const { config } = loadConfig({ flags: { rpcUrl: 'http://127.0.0.1:9545' } });
 */
export function loadConfig(opts: LoadConfigOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const flags = opts.flags ?? {};

  const path = findConfigFile(flags.config ?? nonEmpty(env.FLOCK_CONFIG), cwd);
  const fileLayer = path ? readConfigFile(path, cwd) : {};
  const envLayer = readEnvLayer(env, cwd);
  const flagLayer = readFlagLayer(flags, cwd);

  const merged = deepMerge(deepMerge(fileLayer, envLayer), flagLayer);
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    // Each layer was valid on its own, so only a cross-layer combination can land here.
    throw configError('configuration', parsed.error.issues, (p) => p.join('.'));
  }
  const config = { ...parsed.data, home: parsed.data.home ?? join(homedir(), '.flock') } as FlockConfig;

  const sources: Record<string, ConfigSource> = {};
  for (const key of allPaths(config as unknown as Raw)) {
    const p = key.split('.');
    sources[key] = has(flagLayer, p) ? 'flag' : has(envLayer, p) ? 'env' : has(fileLayer, p) ? 'file' : 'default';
  }
  return { config, path, sources };
}

function findConfigFile(explicit: string | undefined, cwd: string): string | undefined {
  if (explicit) {
    const p = resolve(cwd, expandHome(explicit));
    if (!existsSync(p)) {
      throw new AbortError(`config file not found: ${explicit}`, {
        code: 'CONFIG_NOT_FOUND',
        hint: 'check --config / FLOCK_CONFIG, or create one with `flock init`',
      });
    }
    return p;
  }
  const p = join(cwd, CONFIG_FILE_NAME);
  return existsSync(p) ? p : undefined;
}

/** Parses the YAML file, keeping line numbers so every error points at its line. */
export function readConfigFile(path: string, cwd = process.cwd()): Raw {
  const shown = displayPath(path, cwd);
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(path, 'utf8'), { lineCounter, prettyErrors: false });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  const [first, ...more] = doc.errors;
  if (first) {
    throw new AbortError(`${shown}:${lineOf(first.pos[0])}: YAML syntax error: ${lowerFirst(first.message)}`, {
      code: 'CONFIG_INVALID',
      details: more.map((e) => `${shown}:${lineOf(e.pos[0])}: ${lowerFirst(e.message)}`).join('\n') || undefined,
      hint: `fix ${shown}; every key is described in flock.config.example.yaml`,
    });
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new AbortError(`${shown}:1: the file must be a mapping of keys (like \`rpcUrl: http://127.0.0.1:8545\`)`, {
      code: 'CONFIG_INVALID',
      });
  }
  const raw = data as Raw;
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw configError(shown, parsed.error.issues, (p) => p.join('.'), (issuePath, key) => {
      const node = nodeAt(doc, issuePath, key);
      return node?.range ? `:${lineOf(node.range[0])}` : '';
    });
  }
  const base = dirname(path);
  for (const k of PATH_KEYS) if (typeof raw[k] === 'string') raw[k] = resolve(base, expandHome(raw[k] as string));
  return raw;
}

/** The YAML node for an issue: the offending key itself for unknown keys, else the value. */
function nodeAt(doc: Document, path: PropertyKey[], key?: string): { range?: [number, number, number] | null } | undefined {
  const at = (path.length ? doc.getIn(path as unknown[], true) : doc.contents) as unknown;
  if (key !== undefined && isMap(at)) {
    const pair = at.items.find((it) => isScalar(it.key) && it.key.value === key);
    if (pair && isScalar(pair.key)) return pair.key;
  }
  if (at && typeof at === 'object' && 'range' in at) return at as { range?: [number, number, number] | null };
  // A missing value: point at the nearest existing parent instead.
  return path.length ? nodeAt(doc, path.slice(0, -1)) : undefined;
}

function readEnvLayer(env: NodeJS.ProcessEnv, cwd: string): Raw {
  const layer: Raw = {};
  const origin = new Map<string, string>();
  for (const v of ENV_VARS) {
    const name = v.names.find((n) => nonEmpty(env[n]) !== undefined);
    if (!name) continue;
    const value = env[name]!.trim();
    setIn(layer, v.path, v.type === 'number' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value);
    origin.set(v.path.join('.'), name);
  }
  for (const k of PATH_KEYS) if (typeof layer[k] === 'string') layer[k] = resolve(cwd, expandHome(layer[k] as string));
  const parsed = ConfigSchema.safeParse(layer);
  if (!parsed.success) {
    throw configError('environment', parsed.error.issues, (p) => origin.get(p.join('.')) ?? p.join('.'));
  }
  return layer;
}

function readFlagLayer(flags: ConfigFlags, cwd: string): Raw {
  const layer: Raw = {};
  for (const k of Object.keys(FLAG_NAMES)) {
    const v = flags[k as keyof ConfigFlags];
    if (v !== undefined) layer[k] = v;
  }
  for (const k of PATH_KEYS) if (typeof layer[k] === 'string') layer[k] = resolve(cwd, expandHome(layer[k] as string));
  const parsed = ConfigSchema.safeParse(layer);
  if (!parsed.success) {
    throw configError('flags', parsed.error.issues, (p) => FLAG_NAMES[p.join('.')] ?? p.join('.'));
  }
  return layer;
}

/**
 * One AbortError for a list of schema issues: the first in the message, the rest as details.
 * `where` adds a `:line` suffix to the origin when one is known (the file layer).
 */
function configError(
  origin: string,
  issues: z.core.$ZodIssue[],
  label: (path: string[]) => string,
  where?: (path: PropertyKey[], key?: string) => string,
): AbortError {
  const lines = issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => {
        const full = [...path, k].join('.');
        const prefix = where ? `${origin}${where(issue.path, k)}: ` : `${origin}: `;
        const guess = suggestKey(path, k);
        return `${prefix}unknown key "${full}"${guess ? ` (did you mean "${guess}"?)` : ''}`;
      });
    }
    const prefix = where ? `${origin}${where(issue.path)}: ` : origin === 'environment' || origin === 'flags' ? '' : `${origin}: `;
    return [`${prefix}${label(path)} ${issue.message}`];
  });
  // File errors in line order, so the first one shown is the first one in the file.
  const lineNo = (l: string) => Number(/^[^:]*:(\d+):/.exec(l)?.[1] ?? 0);
  if (where) lines.sort((a, b) => lineNo(a) - lineNo(b));
  const [first, ...rest] = lines;
  const hint =
    origin === 'flags'
      ? 'see `flock --help`'
      : origin === 'environment'
        ? 'fix or unset that environment variable'
        : 'every key is described in flock.config.example.yaml';
  return new AbortError(first ?? `${origin}: invalid configuration`, {
    code: 'CONFIG_INVALID',
    details: rest.length ? rest.join('\n') : undefined,
    hint,
  });
}

/** The known key closest to a misspelt one (case or up to two edits), for "did you mean". */
function suggestKey(parent: string[], key: string): string | undefined {
  const shape = parent.length === 0 ? ConfigSchema.shape : parent[0] === 'devnet' && parent.length === 1 ? DevnetSchema.shape : undefined;
  if (!shape) return undefined;
  const known = Object.keys(shape);
  return known.find((k) => k.toLowerCase() === key.toLowerCase()) ?? known.find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
}

export function expandHome(p: string): string {
  return p === '~' ? homedir() : p.startsWith('~/') ? join(homedir(), p.slice(2)) : p;
}

function displayPath(p: string, cwd: string): string {
  const rel = relative(cwd, p);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function isPlainObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Later layers win key by key; nested sections (devnet, train, ...) merge instead of replacing. */
export function deepMerge(a: Raw, b: Raw): Raw {
  const out: Raw = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Raw, v) : v;
  }
  return out;
}

function setIn(obj: Raw, path: string[], value: unknown): void {
  let cur = obj;
  for (const k of path.slice(0, -1)) cur = (cur[k] = isPlainObject(cur[k]) ? cur[k] : {}) as Raw;
  cur[path[path.length - 1]!] = value;
}

function has(obj: Raw, path: string[]): boolean {
  let cur: unknown = obj;
  for (const k of path) {
    if (!isPlainObject(cur) || !(k in cur)) return false;
    cur = cur[k];
  }
  return cur !== undefined;
}

function allPaths(obj: Raw, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    k === 'devnet' && isPlainObject(v) ? allPaths(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}
