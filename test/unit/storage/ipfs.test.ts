import { rejection } from '../../harness/reject.js';
/**
 * The IPFS backend for real: in-process Helia nodes talking bitswap over TCP on 127.0.0.1, no
 * bootstrap, DHT or public peer. One node stores, another fetches by CID.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cidOf, parseCid } from '../../../src/storage/cid.js';
import { DirectoryStore } from '../../../src/storage/directory.js';
import { createIpfsStore, type IpfsStore } from '../../../src/storage/ipfs.js';

let root: string;
let a: IpfsStore;
let b: IpfsStore;
let dirA: DirectoryStore;
let dirB: DirectoryStore;
const LISTEN = ['/ip4/127.0.0.1/tcp/0'];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'flock-ipfs-'));
  dirA = new DirectoryStore({ dir: join(root, 'a') });
  dirB = new DirectoryStore({ dir: join(root, 'b') });
  a = await createIpfsStore({ dir: dirA, listen: LISTEN, keyFile: join(root, 'a.key') });
  b = await createIpfsStore({ dir: dirB, peers: a.multiaddrs(), timeoutMs: 1500 });
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  rmSync(root, { recursive: true, force: true });
});

describe('IPFS store (Helia, bitswap over loopback TCP)', () => {
  it('listens on loopback only, with a stable peer id from its key file', async () => {
    expect(a.multiaddrs().length).toBeGreaterThan(0);
    for (const addr of a.multiaddrs()) expect(addr).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${a.peerId}$`));
    const again = await createIpfsStore({ dir: dirA, keyFile: join(root, 'a.key') });
    try {
      expect(again.peerId).toBe(a.peerId);
    } finally {
      await again.close();
    }
  });

  it('one node puts, the other fetches by the same CID as every backend, verified, and keeps it', async () => {
    const data = randomBytes(1536 * 1024); // over one 1 MiB chunk: moves as UnixFS
    const cid = await a.put(data);
    expect(cid).toBe(cidOf(data)); // the flock CID: raw, sha2-256
    expect(await dirA.has(cid)).toBe(true); // A's blocks are its directory store's objects
    expect(await b.has(cid)).toBe(false);
    const got = await b.get(cid);
    expect(Buffer.from(got).equals(data)).toBe(true);
    expect(await dirB.has(cid)).toBe(true);
    expect(Buffer.from(await dirB.get(cid)).equals(data)).toBe(true);
    // And to a file.
    const out = join(root, 'fetched.bin');
    expect(await b.getToFile(cid, out)).toEqual({ cid, size: data.length });
    expect(readFileSync(out).equals(data)).toBe(true);
  });

  it('objects already in the directory store are served to peers (flock store serve shares one folder)', async () => {
    const cid = await dirA.put(new TextEncoder().encode('written by the dir backend'));
    expect(Buffer.from(await b.get(cid)).toString()).toBe('written by the dir backend');
  });

  it('tampering: a corrupted local copy is HASH_MISMATCH (exit 9)', async () => {
    const cid = await a.put(new TextEncoder().encode('local tamper'));
    const path = dirA.pathOf(cid);
    chmodSync(path, 0o644);
    writeFileSync(path, 'local tamper!');
    const e = await rejection(a.get(cid));
    expect(e.code).toBe('HASH_MISMATCH');
    expect(e.exitCode).toBe(9);
  });

  it('tampering: a peer whose copy is corrupted does not send it; the fetcher gets nothing', async () => {
    const bytes = new TextEncoder().encode('remote tamper');
    const cid = await a.put(bytes);
    chmodSync(dirA.pathOf(cid), 0o644);
    writeFileSync(dirA.pathOf(cid), 'remote tamper?');
    const e = await rejection(b.get(cid));
    // The peer checks its copy before offering it, and answers that it has none: not found
    // (exit 2, as on every backend), at once rather than after the timeout.
    expect(e.code).toBe('NOT_FOUND');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/1 connected IPFS peer$/);
    expect(await dirB.has(cid)).toBe(false);
    // The bad block does not stall the peer: everything else it has still flows.
    const good = await a.put(new TextEncoder().encode('still served'));
    expect(Buffer.from(await b.get(good)).toString()).toBe('still served');
  });

  it('a lying peer (a plain Helia node serving wrong bytes under a CID) is ignored', async () => {
    const [{ Helia }, { bitswap }, { createLibp2p }, { tcp }, { noise }, { yamux }, { identify }, { MemoryDatastore }, { MemoryBlockstore }] = await Promise.all([
      import('@helia/utils'),
      import('@helia/block-brokers'),
      import('libp2p'),
      import('@libp2p/tcp'),
      import('@chainsafe/libp2p-noise'),
      import('@chainsafe/libp2p-yamux'),
      import('@libp2p/identify'),
      import('datastore-core'),
      import('blockstore-core'),
    ]);
    const datastore = new MemoryDatastore();
    const libp2p = await createLibp2p({
      datastore,
      addresses: { listen: LISTEN },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() },
    } as Parameters<typeof createLibp2p>[0]);
    const blocks = new MemoryBlockstore(); // stores whatever it is given, unchecked
    const liar = new Helia({ libp2p: libp2p as any, blockstore: blocks as any, datastore: datastore as any, blockBrokers: [bitswap()], routers: [] });
    await liar.start();
    try {
      const wanted = new TextEncoder().encode('the honest model');
      const cid = cidOf(wanted);
      await blocks.put(parseCid(cid) as any, new TextEncoder().encode('a poisoned model'));
      const c = await createIpfsStore({ dir: new DirectoryStore({ dir: join(root, 'c') }), peers: libp2p.getMultiaddrs().map(String), timeoutMs: 1500 });
      try {
        const e = await rejection(c.get(cid));
        expect(e.code).toBe('NOT_FOUND_REMOTE');
        expect(await c.has(cid)).toBe(false);
      } finally {
        await c.close();
      }
    } finally {
      await liar.stop();
    }
  });

  it('size limit: objects up to maxBytes (storage.maxBytes), refused past it while streaming (TOO_LARGE, exit 9)', async () => {
    const limited = await createIpfsStore({ dir: new DirectoryStore({ dir: join(root, 'limited') }), maxBytes: 3 * 1024 * 1024 });
    try {
      // Over the 2 MiB block: stored (as UnixFS) all the same.
      expect(await limited.put(new Uint8Array(3 * 1024 * 1024).fill(1))).toBe(cidOf(new Uint8Array(3 * 1024 * 1024).fill(1)));
      const e = await rejection(limited.put(new Uint8Array(3 * 1024 * 1024 + 1)));
      expect(e.code).toBe('TOO_LARGE');
      expect(e.exitCode).toBe(9);
      const stream = (async function* () {
        for (;;) yield new Uint8Array(256 * 1024);
      })();
      expect((await rejection(limited.put(stream))).code).toBe('TOO_LARGE');
    } finally {
      await limited.close();
    }
    // A reader's own, smaller limit applies to what it fetches.
    const cid = await a.put(new Uint8Array(4096).fill(7));
    expect((await rejection(b.get(cid, { maxBytes: 4095 }))).code).toBe('TOO_LARGE');
  });

  it('refuses a bad peer address clearly', async () => {
    const e = await rejection(b.dial('not a multiaddr'));
    expect(e.code).toBe('USAGE');
  });
});
