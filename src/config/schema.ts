import { join } from 'node:path';
import { z } from 'zod';
import { parseSize } from '../units/index.js';
import { LOG_LEVELS } from '../log/levels.js';

/** anvil's default mnemonic; its account #0 is the devnet deployer. Public knowledge, devnet only. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

export { LOG_LEVELS, type LogLevel } from '../log/levels.js';

export const DEFAULT_RPC_URL = 'http://127.0.0.1:8545';

const port = z.number({ error: 'must be a number' }).int('must be an integer').min(1, 'must be between 1 and 65535').max(65535, 'must be between 1 and 65535');

export const DevnetSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: port.default(8545),
  accounts: z.number({ error: 'must be a number' }).int('must be an integer').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(10),
  mnemonic: z.string().default(ANVIL_MNEMONIC),
  chainId: z.number({ error: 'must be a number' }).int('must be an integer').positive('must be positive').default(31337),
});

const byteSize = z
  .union([z.number(), z.string()], { error: 'must be a size in bytes, such as 1073741824 or 1GiB' })
  .refine((v) => (parseSize(v) ?? 0) > 0, 'must be a positive size in bytes, such as 1073741824, 512MiB or 1GiB')
  .transform((v) => parseSize(v)!);

const seconds = z.number({ error: 'must be a number of seconds' }).positive('must be positive');

/** A size that may be 0 (a limit that is off). */
const byteSizeOrZero = z
  .union([z.number(), z.string()], { error: 'must be a size in bytes, such as 65536 or 64KiB' })
  .refine((v) => parseSize(v) !== undefined, 'must be a size in bytes, such as 65536, 64KiB or 0')
  .transform((v) => parseSize(v)!);

const count = z.number({ error: 'must be a number' }).int('must be an integer').min(1, 'must be at least 1');

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be an address (0x followed by 40 hex digits)');

/**
 * `storage:` — content-addressed storage (`flock store`, and every command that uploads or
 * downloads models and data). Keys are optional; the defaults are STORAGE_DEFAULTS, applied by
 * `storageConfig` (kept out of the schema so a file's section reads back as written).
 */
export const StorageSchema = z.strictObject({
  /** Where objects go: a local folder (`dir`), a `flock store serve` (`http`), or IPFS peers (`ipfs`). */
  backend: z.enum(['dir', 'http', 'ipfs'], { error: 'must be one of dir, http, ipfs' }).optional(),
  /** The directory store (and the blocks of the IPFS node); default <home>/store. */
  dir: z.string().min(1, 'must not be empty').optional(),
  /** URL of the HTTP store (backend http). */
  url: z.url({ error: 'must be a URL such as http://127.0.0.1:8700' }).optional(),
  /** Largest object read or written; bigger ones are refused while streaming (exit 9). */
  maxBytes: byteSize.optional(),
  /** Seconds to wait for an HTTP store's answer. */
  timeout: seconds.optional(),
  /** `flock store serve`. */
  serve: z
    .strictObject({
      host: z.string().min(1, 'must not be empty').optional(),
      port: port.optional(),
      /** Addresses allowed to upload; empty: anyone with a valid signature. */
      allow: z.array(address, { error: 'must be a list of addresses' }).optional(),
      /** Seconds a client has to send the request line and headers. */
      headersTimeout: seconds.optional(),
      /** Seconds a client has to send a whole request, body included. */
      requestTimeout: seconds.optional(),
      /** Seconds an idle keep-alive connection is kept. */
      keepAliveTimeout: seconds.optional(),
      /** Bytes per second a body (or a download) must move, checked every rateWindow; 0: off. */
      minRate: byteSizeOrZero.optional(),
      rateWindow: seconds.optional(),
      /** Open connections, in all and from one address. */
      maxConnections: count.optional(),
      maxConnectionsPerAddress: count.optional(),
      /** Per uploader key (the signing address): bytes and objects per window, uploads at once. */
      quota: z
        .strictObject({
          window: seconds.optional(),
          bytes: byteSize.optional(),
          objects: count.optional(),
          concurrent: count.optional(),
        })
        .optional(),
    })
    .optional(),
  /** The in-process IPFS (Helia) node of the ipfs backend. */
  ipfs: z
    .strictObject({
      /** Multiaddrs the node listens on (`flock store serve`), e.g. /ip4/0.0.0.0/tcp/4001. */
      listen: z.array(z.string(), { error: 'must be a list of multiaddrs' }).optional(),
      /** Peers dialled at start: multiaddrs ending in /p2p/<peer id>. */
      peers: z.array(z.string(), { error: 'must be a list of multiaddrs' }).optional(),
      /** Largest block sent or accepted over bitswap; objects larger than one 1 MiB leaf move as UnixFS (storage/ipfs.ts). */
      maxBlockBytes: byteSize.optional(),
      /** Seconds a peer may take to answer, or to send the next block. */
      timeout: seconds.optional(),
    })
    .optional(),
});

export const STORAGE_DEFAULTS = {
  backend: 'dir',
  maxBytes: 1024 ** 3,
  timeout: 30,
  serve: {
    host: '127.0.0.1',
    port: 8700,
    allow: [] as string[],
    headersTimeout: 10,
    requestTimeout: 600,
    keepAliveTimeout: 5,
    minRate: 16 * 1024,
    rateWindow: 10,
    maxConnections: 256,
    maxConnectionsPerAddress: 32,
    quota: { window: 3600, bytes: 4 * 1024 ** 3, objects: 1000, concurrent: 4 },
  },
  ipfs: { listen: [] as string[], peers: [] as string[], maxBlockBytes: 2 * 1024 ** 2, timeout: 60 },
} as const;

export type StorageInput = z.output<typeof StorageSchema>;

/** The storage section with every default filled in; `dir` defaults to `<home>/store`. */
export interface StorageConfig {
  backend: 'dir' | 'http' | 'ipfs';
  dir: string;
  url: string | undefined;
  maxBytes: number;
  timeout: number;
  serve: StoreServeConfig;
  ipfs: { listen: string[]; peers: string[]; maxBlockBytes: number; timeout: number };
}

/** `storage.serve` with its defaults: times in seconds, sizes in bytes. */
export interface StoreServeConfig {
  host: string;
  port: number;
  allow: string[];
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  minRate: number;
  rateWindow: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  quota: { window: number; bytes: number; objects: number; concurrent: number };
}

/** Applies STORAGE_DEFAULTS to a config's storage section. */
export function storageConfig(config: { home: string; storage?: StorageInput }): StorageConfig {
  const s = config.storage ?? {};
  const d = STORAGE_DEFAULTS;
  return {
    backend: s.backend ?? d.backend,
    dir: s.dir ?? join(config.home, 'store'),
    url: s.url,
    maxBytes: s.maxBytes ?? d.maxBytes,
    timeout: s.timeout ?? d.timeout,
    serve: {
      host: s.serve?.host ?? d.serve.host,
      port: s.serve?.port ?? d.serve.port,
      allow: [...(s.serve?.allow ?? d.serve.allow)],
      headersTimeout: s.serve?.headersTimeout ?? d.serve.headersTimeout,
      requestTimeout: s.serve?.requestTimeout ?? d.serve.requestTimeout,
      keepAliveTimeout: s.serve?.keepAliveTimeout ?? d.serve.keepAliveTimeout,
      minRate: s.serve?.minRate ?? d.serve.minRate,
      rateWindow: s.serve?.rateWindow ?? d.serve.rateWindow,
      maxConnections: s.serve?.maxConnections ?? d.serve.maxConnections,
      maxConnectionsPerAddress: s.serve?.maxConnectionsPerAddress ?? d.serve.maxConnectionsPerAddress,
      quota: {
        window: s.serve?.quota?.window ?? d.serve.quota.window,
        bytes: s.serve?.quota?.bytes ?? d.serve.quota.bytes,
        objects: s.serve?.quota?.objects ?? d.serve.quota.objects,
        concurrent: s.serve?.quota?.concurrent ?? d.serve.quota.concurrent,
      },
    },
    ipfs: {
      listen: [...(s.ipfs?.listen ?? d.ipfs.listen)],
      peers: [...(s.ipfs?.peers ?? d.ipfs.peers)],
      maxBlockBytes: s.ipfs?.maxBlockBytes ?? d.ipfs.maxBlockBytes,
      timeout: s.ipfs?.timeout ?? d.ipfs.timeout,
    },
  };
}

/**
 * Sections owned by later commands (train, validate, alliance). Loose until those
 * commands define their own schemas, so a config written for a newer flock still loads.
 */
const section = z.looseObject({}).optional();

/**
 * The whole configuration. Every key is optional in the file; defaults live here and only here.
 * Top-level keys are strict so a typo (`rpcurl:`) is reported with its line instead of ignored.
 */
export const ConfigSchema = z.strictObject({
  rpcUrl: z.url({ error: 'must be a URL such as http://127.0.0.1:8545' }).default(DEFAULT_RPC_URL),
  chainId: z.number({ error: 'must be a number' }).int('must be an integer').positive('must be positive').optional(),
  account: z.string().min(1, 'must not be empty').optional(),
  keystore: z.string().min(1, 'must not be empty').optional(),
  passwordFile: z.string().min(1, 'must not be empty').optional(),
  logLevel: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  home: z.string().min(1, 'must not be empty').optional(),
  /** Seconds to wait for the RPC endpoint's first answer before giving up (exit 3). */
  rpcTimeout: z.number({ error: 'must be a number' }).positive('must be positive').default(5),
  devnet: DevnetSchema.prefault({}),
  train: section,
  validate: section,
  storage: StorageSchema.optional(),
  alliance: section,
});

/** The resolved configuration; `home` is always set after loading. */
export type FlockConfig = z.output<typeof ConfigSchema> & { home: string };
export type DevnetConfig = z.output<typeof DevnetSchema>;
/** What a layer (file, environment, flags) may contain before defaults are applied. */
export type ConfigInput = z.input<typeof ConfigSchema>;
