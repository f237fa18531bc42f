import { z } from 'zod';
import { LOG_LEVELS } from './log-levels.js';

/** anvil's default mnemonic; its account #0 is the devnet deployer. Public knowledge, devnet only. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

export { LOG_LEVELS, type LogLevel } from './log-levels.js';

export const DEFAULT_RPC_URL = 'http://127.0.0.1:8545';

const port = z.number({ error: 'must be a number' }).int('must be an integer').min(1, 'must be between 1 and 65535').max(65535, 'must be between 1 and 65535');

export const DevnetSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: port.default(8545),
  accounts: z.number({ error: 'must be a number' }).int('must be an integer').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(10),
  mnemonic: z.string().default(ANVIL_MNEMONIC),
  chainId: z.number({ error: 'must be a number' }).int('must be an integer').positive('must be positive').default(31337),
});

/**
 * Sections owned by later commands (train, validate, storage, alliance). Loose until those
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
  storage: section,
  alliance: section,
});

/** The resolved configuration; `home` is always set after loading. */
export type FlockConfig = z.output<typeof ConfigSchema> & { home: string };
export type DevnetConfig = z.output<typeof DevnetSchema>;
/** What a layer (file, environment, flags) may contain before defaults are applied. */
export type ConfigInput = z.input<typeof ConfigSchema>;
