import { rejection } from '../../harness/reject.js';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpload, uploadMessage, verifyUpload } from '../../../src/storage/auth.js';
import { cidOf } from '../../../src/storage/cid.js';
import { DirectoryStore } from '../../../src/storage/directory.js';
import { HttpStore } from '../../../src/storage/http.js';
import { startStoreServer, type StoreServer } from '../../../src/storage/server.js';

const alice = Wallet.createRandom();
const bob = Wallet.createRandom();
const enc = (s: string) => new TextEncoder().encode(s);

let dir: string;
let logs: Array<Record<string, unknown>>;
const log = () =>
  pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flock-http-'));
  logs = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server on 127.0.0.1 (a free port) over a fresh directory. */
async function serve(opts: { allow?: string[]; maxBytes?: number; skewMs?: number } = {}): Promise<{ server: StoreServer; store: DirectoryStore }> {
  const store = new DirectoryStore({ dir: mkdtempSync(join(dir, 'srv-')), maxBytes: opts.maxBytes ?? 1024 * 1024 });
  const server = await startStoreServer({ store, port: 0, allow: opts.allow, log: log(), now: () => Date.now() + (opts.skewMs ?? 0) });
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  return { server, store };
}

/** A plain node:http server (not flock's): for clients facing a lying or broken server. */
async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close(): Promise<void> }> {
  const srv: Server = createServer(handler);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => {
      srv.closeAllConnections();
      srv.close(() => r());
    }),
  };
}

describe('upload signatures (auth.ts)', () => {
  it('signs flock-store:put:<cid>:<timestamp> and verifies it', async () => {
    const cid = cidOf(enc('x'));
    const now = Date.UTC(2026, 10, 1);
    const headers = await signUpload(alice, cid, now);
    expect(headers['x-flock-timestamp']).toBe(String(now / 1000));
    expect(uploadMessage(cid, now / 1000)).toBe(`flock-store:put:${cid}:${now / 1000}`);
    expect(verifyUpload(headers, cid, { nowMs: now })).toEqual({ ok: true, address: alice.address });
    // Lower-case address in the header is the same account.
    expect(verifyUpload({ ...headers, 'x-flock-address': alice.address.toLowerCase() }, cid, { nowMs: now }).ok).toBe(true);
    // The signature is bound to the CID: it does not authorize another object.
    expect(verifyUpload(headers, cidOf(enc('y')), { nowMs: now })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    // Stale both ways: 5 minutes is the limit.
    expect(verifyUpload(headers, cid, { nowMs: now + 300_000 }).ok).toBe(true);
    expect(verifyUpload(headers, cid, { nowMs: now + 301_000 })).toMatchObject({ ok: false, status: 401, code: 'STALE_TIMESTAMP' });
    expect(verifyUpload(headers, cid, { nowMs: now - 301_000 })).toMatchObject({ ok: false, code: 'STALE_TIMESTAMP' });
    expect(verifyUpload({}, cid)).toMatchObject({ ok: false, status: 401, code: 'MISSING_SIGNATURE' });
    expect(verifyUpload({ ...headers, 'x-flock-signature': '0x1234' }, cid, { nowMs: now })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(verifyUpload(headers, cid, { nowMs: now, allow: [bob.address] })).toMatchObject({ ok: false, status: 403, code: 'NOT_ALLOWED' });
    expect(verifyUpload(headers, cid, { nowMs: now, allow: [bob.address, alice.address.toLowerCase()] }).ok).toBe(true);
  });
});

describe('HTTP store: server + client on 127.0.0.1', () => {
  it('a signed upload is stored (201, then 200) and read back verified by GET /objects and /ipfs', async () => {
    const { server, store } = await serve();
    try {
      const client = new HttpStore({ url: server.url, signer: alice });
      const bytes = enc('hello world\n');
      const cid = await client.put(bytes);
      expect(cid).toBe(cidOf(bytes));
      expect(await store.has(cid)).toBe(true);
      expect(await client.put(bytes)).toBe(cid); // again: 200, harmless
      expect(Buffer.from(await client.get(cid)).toString()).toBe('hello world\n');
      expect(await client.stat(cid)).toEqual({ cid, size: 12 });
      expect(await client.has(cidOf(enc('nope')))).toBe(false);
      const gateway = await fetch(`${server.url}/ipfs/${cid}`);
      expect(gateway.headers.get('etag')).toBe(`"${cid}"`);
      expect(await gateway.text()).toBe('hello world\n');
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      const puts = logs.filter((l) => l.method === 'PUT' && l.cid === cid);
      expect(puts.map((l) => l.status)).toEqual([201, 200]);
      expect(puts[0]).toMatchObject({ address: alice.address, bytes: 12, msg: 'request' });
    } finally {
      await server.close();
    }
  });

  it('streams and files: uploads a 3 MiB file and downloads it to a file', async () => {
    const { server } = await serve({ maxBytes: 8 * 1024 * 1024 });
    try {
      const client = new HttpStore({ url: server.url, signer: alice, maxBytes: 8 * 1024 * 1024 });
      const data = randomBytes(3 * 1024 * 1024);
      const file = join(dir, 'big.bin');
      writeFileSync(file, data);
      const cid = await client.putFile(file);
      expect(cid).toBe(cidOf(data));
      const out = join(dir, 'big.out');
      expect(await client.getToFile(cid, out)).toEqual({ cid, size: data.length });
      // A stream source is spooled, hashed, then uploaded.
      const streamed = await client.put(
        (async function* () {
          yield data.subarray(0, 1000);
          yield data.subarray(1000);
        })(),
      );
      expect(streamed).toBe(cid);
    } finally {
      await server.close();
    }
  });

  it('refuses a bad signature (401), a stale one (401), an address not allowed (403)', async () => {
    const bytes = enc('payload');
    const cid = cidOf(bytes);
    const { server, store } = await serve({ allow: [alice.address] });
    try {
      // Bob signs but claims to be Alice.
      const forged = { getAddress: async () => alice.address, signMessage: (m: string) => bob.signMessage(m) };
      let e = await rejection(new HttpStore({ url: server.url, signer: forged }).put(bytes));
      expect(e.code).toBe('UPLOAD_REJECTED');
      expect(e.exitCode).toBe(6);
      expect(e.details).toBe('server code: BAD_SIGNATURE');
      // Bob, honestly, but not on the allow-list.
      e = await rejection(new HttpStore({ url: server.url, signer: bob }).put(bytes));
      expect(e.details).toBe('server code: NOT_ALLOWED');
      expect(e.message).toContain(bob.address);
      // No signature at all.
      e = await rejection(new HttpStore({ url: server.url }).put(bytes));
      expect(e.code).toBe('NO_ACCOUNT');
      const unsigned = await fetch(`${server.url}/objects/${cid}`, { method: 'PUT', body: bytes });
      expect(unsigned.status).toBe(401);
      expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('MISSING_SIGNATURE');
      expect(await store.has(cid)).toBe(false);
    } finally {
      await server.close();
    }
    const skewed = await serve({ skewMs: 6 * 60 * 1000 });
    try {
      const e = await rejection(new HttpStore({ url: skewed.server.url, signer: alice }).put(bytes));
      expect(e.details).toBe('server code: STALE_TIMESTAMP');
      expect(await skewed.store.has(cid)).toBe(false);
    } finally {
      await skewed.server.close();
    }
  });

  it('refuses a body whose CID is not the claimed one (422): nothing is stored', async () => {
    const { server, store } = await serve();
    try {
      const claimed = cidOf(enc('the real model'));
      const headers = await signUpload(alice, claimed);
      const res = await fetch(`${server.url}/objects/${claimed}`, { method: 'PUT', headers, body: enc('a poisoned model') });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('HASH_MISMATCH');
      expect(await store.has(claimed)).toBe(false);
      expect(await store.has(cidOf(enc('a poisoned model')))).toBe(false);
      // POST /objects with the CID in a header: same rules.
      const post = await fetch(`${server.url}/objects`, { method: 'POST', headers: { ...headers, 'x-flock-cid': claimed }, body: enc('the real model') });
      expect(post.status).toBe(201);
      expect(await store.has(claimed)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('refuses uploads over the limit: by Content-Length, and while streaming a chunked body (413)', async () => {
    const { server, store } = await serve({ maxBytes: 1000 });
    try {
      const bytes = randomBytes(1001);
      const cid = cidOf(bytes);
      const e = await rejection(new HttpStore({ url: server.url, signer: alice, maxBytes: 10_000 }).put(bytes));
      expect(e.code).toBe('TOO_LARGE');
      expect(e.exitCode).toBe(9);
      // No Content-Length: the server stops at byte 1001 of the stream.
      const headers = await signUpload(alice, cid);
      const res = await fetch(`${server.url}/objects/${cid}`, {
        method: 'PUT',
        headers,
        body: new Blob([bytes]).stream(),
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(await store.has(cid)).toBe(false);
      expect(existsSync(join(store.dir, '.tmp')) ? readdirSync(join(store.dir, '.tmp')) : []).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('a corrupted object on the server (same length or not, one chunk or many): HASH_MISMATCH (exit 9), never delivered', async () => {
    const { server, store } = await serve({ maxBytes: 8 * 1024 * 1024 });
    try {
      for (const size of [300_000, 3 * 1024 * 1024]) {
        for (const alter of ['flip', 'append', 'truncate'] as const) {
          const bytes = randomBytes(size);
          const cid = await store.put(bytes);
          chmodSync(store.pathOf(cid), 0o644);
          const bad = alter === 'append' ? Buffer.concat([bytes, Buffer.from('!')]) : alter === 'truncate' ? bytes.subarray(0, size - 1) : Buffer.from(bytes);
          if (alter === 'flip') bad[bad.length - 1]! ^= 1;
          writeFileSync(store.pathOf(cid), bad);
          const client = new HttpStore({ url: server.url, maxBytes: 8 * 1024 * 1024 });
          const e = await rejection(client.get(cid));
          expect(e.code, `${size} ${alter}`).toBe('HASH_MISMATCH');
          expect(e.exitCode).toBe(9);
          expect(e.message).toMatch(/corrupted/);
          const dest = join(dir, `corrupt-${size}-${alter}.bin`);
          const f = await rejection(client.getToFile(cid, dest));
          expect(f.code, `${size} ${alter} to a file`).toBe('HASH_MISMATCH');
          expect(existsSync(dest)).toBe(false);
          expect(logs.some((l) => l.msg === 'stored object is corrupted: refused to send it' && l.cid === cid)).toBe(true);
        }
      }
    } finally {
      await server.close();
    }
  });

  it('a server that sends wrong bytes: HASH_MISMATCH (exit 9), nothing returned or written', async () => {
    const cid = cidOf(enc('what we asked for'));
    const liar = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end('something else entirely');
    });
    try {
      const client = new HttpStore({ url: liar.url });
      const e = await rejection(client.get(cid));
      expect(e.code).toBe('HASH_MISMATCH');
      expect(e.exitCode).toBe(9);
      const dest = join(dir, 'lie.bin');
      expect((await rejection(client.getToFile(cid, dest))).code).toBe('HASH_MISMATCH');
      expect(existsSync(dest)).toBe(false);
    } finally {
      await liar.close();
    }
  });

  it('a server that sends too much: refused by Content-Length, or at the limit while streaming', async () => {
    const cid = cidOf(enc('small'));
    let streamed = 0;
    const flood = await rawServer((req, res) => {
      if (req.url?.includes('announced')) {
        res.writeHead(200, { 'content-length': 10_000_000 });
        res.end(); // never mind the body: the client must not wait for it
        return;
      }
      res.writeHead(200); // chunked, endless
      const push = () => {
        let more = true;
        while (!res.destroyed && more) {
          streamed += 64 * 1024;
          more = res.write(Buffer.alloc(64 * 1024));
        }
        if (!res.destroyed) res.once('drain', push);
      };
      push();
    });
    try {
      const client = new HttpStore({ url: flood.url, maxBytes: 1024 * 1024 });
      const e = await rejection(client.get(cid));
      expect(e.code).toBe('TOO_LARGE');
      expect(streamed).toBeGreaterThan(1024 * 1024);
      expect(streamed).toBeLessThan(16 * 1024 * 1024); // the client stopped reading, so the server stopped writing
      const announced = new HttpStore({ url: `${flood.url}/announced`, maxBytes: 1024 * 1024 });
      expect((await rejection(announced.get(cid))).code).toBe('TOO_LARGE');
    } finally {
      await flood.close();
    }
  });

  it('NOT_FOUND (exit 2) and an unreachable store (exit 3)', async () => {
    const { server } = await serve();
    const url = server.url;
    try {
      const e = await rejection(new HttpStore({ url }).get(cidOf(enc('never stored'))));
      expect(e.code).toBe('NOT_FOUND');
      expect(e.exitCode).toBe(2);
    } finally {
      await server.close();
    }
    const e = await rejection(new HttpStore({ url }).get(cidOf(enc('x'))));
    expect(e.code).toBe('STORE_UNREACHABLE');
    expect(e.exitCode).toBe(3);
  });
});
