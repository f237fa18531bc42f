import { rejection } from '../../harness/reject.js';
/**
 * IPFS objects larger than one block, for real: in-process Helia nodes on loopback TCP. The flock
 * CID stays the name; the UnixFS root is learned from peers over /flock/root/1.0.0 and never
 * trusted: the content must hash to the flock CID, within maxBytes, or nothing is kept.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cidOf } from '../../../src/storage/cid.js';
import { DirectoryStore } from '../../../src/storage/directory.js';
import { createIpfsStore, type IpfsStore } from '../../../src/storage/ipfs.js';

const LISTEN = ['/ip4/127.0.0.1/tcp/0'];
const MiB = 1024 * 1024;

let root: string;
let a: IpfsStore;
let b: IpfsStore;
let dirA: DirectoryStore;
let dirB: DirectoryStore;
const logsA: Array<Record<string, any>> = [];
const logsB: Array<Record<string, any>> = [];
const stores: IpfsStore[] = [];
const logTo = (into: Array<Record<string, any>>) => pino({ level: 'debug' }, { write: (l: string) => void into.push(JSON.parse(l) as Record<string, any>) });

/** Every file under `dir` (recursively), relative. */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(dir, p)).isFile()).sort();
}

async function node(name: string, opts: { peers?: string[]; listen?: boolean; maxBytes?: number; log?: Array<Record<string, any>> } = {}): Promise<{ store: IpfsStore; dir: DirectoryStore }> {
  const dir = new DirectoryStore({ dir: join(root, name) });
  const store = await createIpfsStore({
    dir,
    listen: opts.listen ? LISTEN : [],
    peers: opts.peers,
    maxBytes: opts.maxBytes ?? 64 * MiB,
    timeoutMs: 10_000,
    keyFile: join(root, `${name}.key`),
    log: opts.log ? logTo(opts.log) : undefined,
  });
  stores.push(store);
  return { store, dir };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'flock-ipfs-unixfs-'));
  ({ store: a, dir: dirA } = await node('a', { listen: true, log: logsA }));
  ({ store: b, dir: dirB } = await node('b', { listen: true, peers: a.multiaddrs(), log: logsB }));
});

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
  rmSync(root, { recursive: true, force: true });
});

describe('IPFS objects larger than one block (UnixFS, /flock/root/1.0.0)', () => {
  it('a 5 MB object: stored under its flock CID, fetched by another node, verified, kept whole, and served on', async () => {
    const data = randomBytes(5_000_000);
    const cid = await a.put(data);
    expect(cid).toBe(cidOf(data));
    expect(Buffer.from(await dirA.get(cid)).equals(data)).toBe(true);

    const out = join(root, 'five.bin');
    expect(await b.getToFile(cid, out)).toEqual({ cid, size: data.length });
    expect(readFileSync(out).equals(data)).toBe(true);
    // B keeps it whole in its directory store, so the dir and http backends see it too.
    expect(Buffer.from(await dirB.get(cid)).equals(data)).toBe(true);
    expect(logsA.some((l) => l.msg === 'root request served' && l.cid === cid)).toBe(true);
    expect(logsB.some((l) => l.msg === 'ipfs fetch done' && l.cid === cid)).toBe(true);

    // C knows only B: B serves what it fetched.
    const { store: c, dir: dirC } = await node('c', { peers: b.multiaddrs() });
    expect(Buffer.from(await c.get(cid)).equals(data)).toBe(true);
    expect(await dirC.has(cid)).toBe(true);
  });

  it('an object just over one chunk (1 MiB + 1 byte)', async () => {
    const data = randomBytes(MiB + 1);
    const cid = await a.put(data);
    expect(Buffer.from(await b.get(cid)).equals(data)).toBe(true);
  });

  it('stat tells where the object is: this node, a named peer (with its size), or nowhere', async () => {
    const data = randomBytes(2 * MiB + 5);
    const cid = await a.put(data);
    expect(await a.stat(cid)).toMatchObject({ cid, size: data.length, local: true });
    const remote = await b.stat(cid);
    expect(remote).toMatchObject({ cid, size: data.length, local: false, peer: a.peerId });
    expect(await b.has(cid)).toBe(false); // stat fetched nothing
    expect(await b.stat(cidOf(randomBytes(10)))).toBeUndefined();
  });

  it('missing everywhere: NOT_FOUND (exit 2) as soon as every peer said no, not after the timeout', async () => {
    const started = Date.now();
    const e = await rejection(b.get(cidOf(randomBytes(32))));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/local store or \d+ connected IPFS peers?$/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(logsA.some((l) => l.msg === 'root request: not found')).toBe(true);
  });

  it('a peer lying about the root: HASH_MISMATCH (exit 9), nothing left behind', async () => {
    const wanted = randomBytes(3 * MiB);
    const other = randomBytes(3 * MiB);
    const cid = await a.put(wanted);
    const otherCid = await a.put(other);
    // A's persisted mapping now points the wanted CID at the other object's UnixFS root.
    const roots = join(dirA.dir, '.ipfs', 'roots');
    const lie = JSON.parse(readFileSync(join(roots, `${otherCid}.json`), 'utf8')) as { root: string; size: number };
    writeFileSync(join(roots, `${cid}.json`), JSON.stringify(lie));

    const logsD: Array<Record<string, any>> = [];
    const { store: d, dir: dirD } = await node('d', { peers: a.multiaddrs(), log: logsD });
    const e = await rejection(d.getToFile(cid, join(root, 'lie.bin')));
    expect(e.code).toBe('HASH_MISMATCH');
    expect(e.exitCode).toBe(9);
    expect(existsSync(join(root, 'lie.bin'))).toBe(false);
    expect(await dirD.has(cid)).toBe(false);
    // Neither the object, a temporary file, nor the liar's blocks remain.
    expect(files(dirD.dir).filter((f) => !f.endsWith('.key'))).toEqual([]);
    // The failure is logged on the fetcher's side, naming the peer.
    expect(logsD.find((l) => l.msg === 'ipfs fetch failed')).toMatchObject({ level: 40, cid, peer: a.peerId, code: 'HASH_MISMATCH' });
  });

  it('over maxBytes: TOO_LARGE (exit 9) from the announced size, and while streaming when the size is a lie', async () => {
    const data = randomBytes(5 * MiB);
    const cid = await a.put(data);
    const { store: small, dir: dirS } = await node('small', { peers: a.multiaddrs(), maxBytes: 3 * MiB });
    const e = await rejection(small.get(cid));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.exitCode).toBe(9);

    const roots = join(dirA.dir, '.ipfs', 'roots');
    const entry = JSON.parse(readFileSync(join(roots, `${cid}.json`), 'utf8')) as { root: string; size: number };
    writeFileSync(join(roots, `${cid}.json`), JSON.stringify({ ...entry, size: 1000 }));
    const streamed = await rejection(small.getToFile(cid, join(root, 'big.bin')));
    expect(streamed.code).toBe('TOO_LARGE');
    expect(existsSync(join(root, 'big.bin'))).toBe(false);
    expect(files(dirS.dir)).toEqual([]);
  });

  it('a restarted node keeps serving large objects (mapping and blocks persisted)', async () => {
    const { store: e1, dir: dirE } = await node('e', { listen: true });
    const data = randomBytes(4 * MiB + 7);
    const cid = await e1.put(data);
    await e1.close();
    const e2 = await createIpfsStore({ dir: dirE, listen: LISTEN, keyFile: join(root, 'e.key'), maxBytes: 64 * MiB });
    stores.push(e2);
    const { store: f } = await node('f', { peers: e2.multiaddrs() });
    expect(Buffer.from(await f.get(cid)).equals(data)).toBe(true);
  });

  it('objects written by the dir backend (e.g. HTTP uploads to `flock store serve`) are served too', async () => {
    const data = randomBytes(3 * MiB);
    const cid = await dirA.put(data);
    const { store: g } = await node('g', { peers: a.multiaddrs() });
    expect(Buffer.from(await g.get(cid)).equals(data)).toBe(true);
  });
});
