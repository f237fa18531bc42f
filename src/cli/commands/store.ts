import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { StorageConfig } from '../../config/schema.js';
import { AbortError } from '../../errors/index.js';
import type { UploadSigner } from '../../storage/auth.js';
import type { IpfsObjectStat, IpfsStore } from '../../storage/ipfs.js';
import type { OpenStoreOptions, Store, StoreKind } from '../../storage/index.js';
import { parseDuration, parseSize } from '../../units/index.js';
import { createContext, type Context } from '../context.js';

/** Flags shared by put, get and stat: which backend, and where. */
interface BackendFlags {
  backend?: StoreKind;
  dir?: string;
  url?: string;
  maxBytes?: number;
  peer?: string[];
}

interface ServeFlags {
  port?: number;
  host?: string;
  dir?: string;
  maxBytes?: number;
  allow?: string[];
  ipfsListen?: string[];
  headersTimeout?: number;
  requestTimeout?: number;
  minRate?: number;
  maxConnections?: number;
  maxConnectionsPerAddress?: number;
  quotaBytes?: number;
  quotaObjects?: number;
  quotaWindow?: number;
  maxUploads?: number;
}

/** `--max-bytes 512MiB`: a size in bytes, with an optional unit. */
function parseSizeArg(value: string): number {
  const n = parseSize(value);
  if (n === undefined || n <= 0) throw new InvalidArgumentError('must be a size in bytes, such as 1073741824, 512MiB or 1GiB.');
  return n;
}

/** `--min-rate 0` turns the floor off. */
function parseSizeOrZeroArg(value: string): number {
  const n = parseSize(value);
  if (n === undefined) throw new InvalidArgumentError('must be a size in bytes, such as 16384, 16KiB or 0.');
  return n;
}

/** `--headers-timeout 10s`, `--quota-window 1h`: seconds, or a number with a unit. */
function secondsArg(value: string): number {
  let n = 0;
  try {
    n = parseDuration(value);
  } catch {
    // reported below
  }
  if (!(n > 0)) throw new InvalidArgumentError('must be a duration such as 10, 10s, 5m or 1h.');
  return n;
}

function countArg(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a whole number, at least 1.');
  return Number(value);
}

function portArg(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number (0-65535; 0: any free port).');
  return Number(value);
}

function addressArg(value: string, previous: string[] = []): string[] {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new InvalidArgumentError('must be an address (0x followed by 40 hex digits).');
  return [...previous, value];
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function addBackendOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--backend <name>', 'storage backend (storage.backend; default dir)').choices(['dir', 'http', 'ipfs']))
    .option('--dir <dir>', 'directory store; also the IPFS blocks (storage.dir; default <home>/store)')
    .option('--url <url>', 'URL of a `flock store serve`, for --backend http (storage.url)')
    .option('--max-bytes <size>', 'refuse objects larger than this, e.g. 512MiB (storage.maxBytes; default 1GiB)', parseSizeArg)
    .option('--peer <multiaddr>', 'IPFS peer to fetch from, ending in /p2p/<peer id> (repeatable; storage.ipfs.peers)', collect);
}

/** `flock store …`: content-addressed storage of models and data. */
export function register(program: Command): void {
  const store = program
    .command('store')
    .description('content-addressed storage (CIDv1 raw sha2-256, verified on every read): put, get, serve');

  addBackendOptions(
    store
      .command('put')
      .description('store a file (or stdin with -) and print its CID')
      .argument('<file>', 'file to store, or - for stdin'),
  ).action(async (file: string, opts: BackendFlags, cmd: Command) => {
    const ctx = await createContext(cmd);
    const result = await put(ctx, file, opts);
    await ctx.output(result, (r) => r.cid);
  });

  addBackendOptions(
    store
      .command('get')
      .description('fetch an object by CID, verify it, and write it to a file (-o) or stdout')
      .argument('<cid>', 'CID of the object (bafkrei…)')
      .option('-o, --output <file>', 'write to this file (created only once the content is verified)'),
  ).action(async (cid: string, opts: BackendFlags & { output?: string }, cmd: Command) => {
    const ctx = await createContext(cmd);
    const result = await get(ctx, cid, opts);
    if (result) await ctx.output(result, (r) => `${r.cid}: ${r.size} bytes verified, written to ${r.path}`);
  });

  addBackendOptions(
    store
      .command('stat')
      .description('is an object in the store (or, over IPFS, on which peer), and how large is it (not verified: get does that); exit 2 when absent')
      .argument('<cid>', 'CID of the object'),
  ).action(async (cid: string, opts: BackendFlags, cmd: Command) => {
    const ctx = await createContext(cmd);
    const result = await stat(ctx, cid, opts);
    await ctx.output(result, (r) => `${r.cid}: ${r.size} bytes (${r.backend}: ${r.location})`);
  });

  store
    .command('serve')
    .description('serve a directory store over HTTP (uploads signed by the uploader’s key), and optionally over IPFS')
    .option('--port <port>', 'port (storage.serve.port; default 8700; 0: any free port)', portArg)
    .option('--host <host>', 'interface to listen on (storage.serve.host; default 127.0.0.1)')
    .option('--dir <dir>', 'directory store to serve (storage.dir; default <home>/store)')
    .option('--max-bytes <size>', 'largest upload accepted, e.g. 512MiB (storage.maxBytes; default 1GiB)', parseSizeArg)
    .option('--allow <address>', 'only this address may upload (repeatable; storage.serve.allow; default: any signer)', addressArg)
    .option('--ipfs-listen <multiaddr>', 'also serve the objects to IPFS peers (bitswap) on this multiaddr, e.g. /ip4/127.0.0.1/tcp/4001 (repeatable; storage.ipfs.listen)', collect)
    .option('--headers-timeout <duration>', 'a client must send its request headers within this (storage.serve.headersTimeout; default 10s)', secondsArg)
    .option('--request-timeout <duration>', 'a client must send a whole request, body included, within this (storage.serve.requestTimeout; default 10m)', secondsArg)
    .option('--min-rate <size>', 'bytes per second an upload or download must move, checked every storage.serve.rateWindow; 0: off (storage.serve.minRate; default 16KiB)', parseSizeOrZeroArg)
    .option('--max-connections <n>', 'open connections in all; more are answered 503 (storage.serve.maxConnections; default 256)', countArg)
    .option('--max-connections-per-address <n>', 'open connections from one address (storage.serve.maxConnectionsPerAddress; default 32)', countArg)
    .option('--quota-bytes <size>', 'bytes one uploader key may upload per quota window; more is answered 429 (storage.serve.quota.bytes; default 4GiB)', parseSizeArg)
    .option('--quota-objects <n>', 'uploads one uploader key may make per quota window (storage.serve.quota.objects; default 1000)', countArg)
    .option('--quota-window <duration>', 'the sliding window of the upload quota (storage.serve.quota.window; default 1h)', secondsArg)
    .option('--max-uploads <n>', 'uploads of one uploader key at once (storage.serve.quota.concurrent; default 4)', countArg)
    .action(async (opts: ServeFlags, cmd: Command) => {
      const ctx = await createContext(cmd);
      await serve(ctx, opts);
    });
}

async function settings(ctx: Context): Promise<StorageConfig> {
  const { contextStorageConfig } = await import('../storage.js');
  return contextStorageConfig(ctx);
}

async function storeOptions(ctx: Context, flags: BackendFlags): Promise<OpenStoreOptions & { backend: StoreKind }> {
  const s = await settings(ctx);
  const { expandHome } = await import('../../config/load.js');
  return {
    backend: flags.backend ?? s.backend,
    dir: flags.dir ? resolve(expandHome(flags.dir)) : s.dir,
    url: flags.url ?? s.url,
    maxBytes: flags.maxBytes ?? s.maxBytes,
    timeout: s.timeout,
    signer: lazySigner(ctx),
    ipfs: { peers: [...s.ipfs.peers, ...(flags.peer ?? [])], maxBlockBytes: s.ipfs.maxBlockBytes, timeout: s.ipfs.timeout },
    log: ctx.log,
  };
}

async function withStore<T>(ctx: Context, flags: BackendFlags, fn: (store: Store) => Promise<T>): Promise<T> {
  const { openStore } = await import('../../storage/index.js');
  const store = await openStore(await storeOptions(ctx, flags));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export interface StorePutResult {
  cid: string;
  size: number | null;
  backend: StoreKind;
  location: string;
}

async function put(ctx: Context, file: string, flags: BackendFlags): Promise<StorePutResult> {
  return withStore(ctx, flags, async (store) => {
    let cid: string;
    let size: number | null;
    if (file === '-') {
      cid = await store.put(process.stdin);
      size = (await store.stat(cid))?.size ?? null;
    } else {
      const { statInput } = await import('../../storage/directory.js');
      size = (await statInput(file)).size;
      cid = await store.putFile(file);
    }
    ctx.log.debug({ cid, size, backend: store.kind, location: store.location }, 'stored');
    return { cid, size, backend: store.kind, location: store.location };
  });
}

export interface StoreGetResult {
  cid: string;
  size: number;
  path: string;
}

async function get(ctx: Context, cid: string, flags: BackendFlags & { output?: string }): Promise<StoreGetResult | undefined> {
  const { normalizeCid } = await import('../../storage/cid.js');
  const c = normalizeCid(cid);
  if (!flags.output && ctx.json) {
    throw new AbortError('--json needs -o <file>: the object’s bytes cannot share stdout with JSON', { code: 'USAGE', hint: 'add -o <file>' });
  }
  return withStore(ctx, flags, async (store) => {
    if (flags.output) {
      const path = resolve(flags.output);
      const st = await store.getToFile(c, path);
      return { cid: st.cid, size: st.size, path };
    }
    const bytes = await store.get(c);
    await new Promise<void>((res, rej) => process.stdout.write(bytes, (e) => (e ? rej(e) : res())));
    return undefined;
  });
}

export interface StoreStatResult {
  cid: string;
  /** Always true: a missing object is the error NOT_FOUND (exit 2), as `store get` on every backend. */
  present: true;
  size: number;
  backend: StoreKind;
  /** Where the object is: the folder, the URL, or over IPFS this node's store or the peer that has it. */
  location: string;
  /** IPFS only: whether this node has it, else which peer answered that it has it. */
  local?: boolean;
  peer?: string;
}

async function stat(ctx: Context, cid: string, flags: BackendFlags): Promise<StoreStatResult> {
  const [{ normalizeCid }, { notFound }] = await Promise.all([import('../../storage/cid.js'), import('../../storage/errors.js')]);
  const c = normalizeCid(cid);
  return withStore(ctx, flags, async (store) => {
    const st = await store.stat(c);
    if (st === undefined) {
      // One code for a missing object, whatever the backend and whether `get` or `stat` asked.
      throw notFound(c, store.kind === 'ipfs' ? `this IPFS node's store or its connected peers` : `the ${store.kind} store ${store.location}`);
    }
    const base = { cid: c, present: true as const, size: st.size, backend: store.kind };
    if (store.kind !== 'ipfs') return { ...base, location: store.location };
    const where = st as IpfsObjectStat;
    return where.local
      ? { ...base, location: `this node's store ${(store as IpfsStore).storeDir}`, local: true }
      : { ...base, location: `IPFS peer ${where.peer}`, local: false, peer: where.peer };
  });
}

/**
 * Uploads to an HTTP store are signed by the selected account. A keystore signs locally (no chain
 * needed, as `flock wallet sign`); the devnet account signs through anvil (ctx.signer()). Resolved
 * on first use, so reads never ask for a password.
 */
function lazySigner(ctx: Context): UploadSigner {
  let signer: Promise<UploadSigner> | undefined;
  const resolveSigner = () =>
    (signer ??= (async () => {
      const ref = await ctx.account();
      if (ref.kind === 'devnet') return ctx.signer();
      const [{ resolvePassword }, { decryptKeystore }] = await Promise.all([import('../../wallet/password.js'), import('../../wallet/keystore.js')]);
      const password = await resolvePassword({ passwordFile: ctx.config.passwordFile, env: ctx.env, name: ref.name, purpose: 'unlock' });
      return decryptKeystore(ref, password);
    })());
  return {
    getAddress: async () => (await resolveSigner()).getAddress(),
    signMessage: async (message) => (await resolveSigner()).signMessage(message),
  };
}

/**
 * `flock store serve`: a daemon. Logs NDJSON to stdout (pino), stops gracefully on SIGTERM
 * (requests in flight finish, for up to 10 s) and then exits 0.
 */
async function serve(ctx: Context, flags: ServeFlags): Promise<void> {
  const s = await settings(ctx);
  const [{ createLogger }, { DirectoryStore }, { startStoreServer }, { expandHome }] = await Promise.all([
    import('../../log/index.js'),
    import('../../storage/directory.js'),
    import('../../storage/server.js'),
    import('../../config/load.js'),
  ]);
  const log = await createLogger({ level: ctx.config.logLevel, mode: 'daemon' });
  const maxBytes = flags.maxBytes ?? s.maxBytes;
  const dir = new DirectoryStore({ dir: flags.dir ? resolve(expandHome(flags.dir)) : s.dir, maxBytes });
  const removed = await dir.cleanTemp();
  if (removed) log.info({ removed }, 'removed temporary files left by crashed writers');

  const listen = flags.ipfsListen ?? s.ipfs.listen;
  const stopping: Array<() => Promise<void>> = [];
  try {
    const server = await startStoreServer({
      store: dir,
      host: flags.host ?? s.serve.host,
      port: flags.port ?? s.serve.port,
      maxBytes,
      allow: flags.allow ?? s.serve.allow,
      limits: {
        headersTimeoutMs: (flags.headersTimeout ?? s.serve.headersTimeout) * 1000,
        requestTimeoutMs: (flags.requestTimeout ?? s.serve.requestTimeout) * 1000,
        keepAliveTimeoutMs: s.serve.keepAliveTimeout * 1000,
        minRate: flags.minRate ?? s.serve.minRate,
        rateWindowMs: s.serve.rateWindow * 1000,
        maxConnections: flags.maxConnections ?? s.serve.maxConnections,
        maxConnectionsPerAddress: flags.maxConnectionsPerAddress ?? s.serve.maxConnectionsPerAddress,
        quota: {
          windowMs: (flags.quotaWindow ?? s.serve.quota.window) * 1000,
          bytes: flags.quotaBytes ?? s.serve.quota.bytes,
          objects: flags.quotaObjects ?? s.serve.quota.objects,
          concurrent: flags.maxUploads ?? s.serve.quota.concurrent,
        },
      },
      log,
    });
    stopping.push(() => server.close());
    if (listen.length > 0) {
      const { createIpfsStore } = await import('../../storage/ipfs.js');
      const ipfs = await createIpfsStore({
        dir,
        listen,
        peers: s.ipfs.peers,
        maxBytes,
        maxBlockBytes: s.ipfs.maxBlockBytes,
        timeoutMs: s.ipfs.timeout * 1000,
        keyFile: join(ctx.config.home, 'ipfs', 'peer.key'),
        log,
      });
      stopping.push(async () => {
        await ipfs.close();
        log.info({ peerId: ipfs.peerId }, 'ipfs node stopped');
      });
      log.info({ peerId: ipfs.peerId, multiaddrs: ipfs.multiaddrs() }, 'ipfs node listening');
    }
  } catch (e) {
    for (const stop of stopping.reverse()) await stop().catch(() => undefined);
    throw e;
  }

  await new Promise<void>((done) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, 'shutting down');
      void (async () => {
        for (const stop of [...stopping].reverse()) await stop().catch((e: unknown) => log.error({ err: e }, 'shutdown step failed'));
        done();
      })();
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}
