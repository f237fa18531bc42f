import { rejection } from '../../harness/reject.js';
/**
 * The store server's limits (issue 9): header and body timeouts, a minimum transfer rate, a
 * connection cap (total and per address) and per-uploader limits (bytes and objects per window,
 * concurrent uploads). Every server here listens on 127.0.0.1 with short limits; every loop is
 * bounded in count and in time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { storageConfig } from '../../../src/config/schema.js';
import { AbortError } from '../../../src/errors/index.js';
import { signUpload } from '../../../src/storage/auth.js';
import { cidOf } from '../../../src/storage/cid.js';
import { DirectoryStore } from '../../../src/storage/directory.js';
import { HttpStore } from '../../../src/storage/http.js';
import { DEFAULT_STORE_SERVER_LIMITS, startStoreServer, storeServerLimits, type StoreServer, type StoreServerLimits } from '../../../src/storage/server.js';

const alice = Wallet.createRandom();
const bob = Wallet.createRandom();
const enc = (s: string) => new TextEncoder().encode(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let logs: Array<Record<string, unknown>>;
const log = () => pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flock-limits-'));
  logs = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function serve(limits: Partial<StoreServerLimits>): Promise<{ server: StoreServer; store: DirectoryStore; port: number }> {
  const store = new DirectoryStore({ dir: mkdtempSync(join(dir, 'srv-')), maxBytes: 1024 * 1024 });
  const server = await startStoreServer({ store, host: '127.0.0.1', port: 0, log: log(), limits });
  return { server, store, port: server.port };
}

/** A raw TCP client on 127.0.0.1: what it received, and when (ms since open) the server closed it. */
interface Raw {
  socket: Socket;
  received: () => string;
  closedAfter: Promise<number>;
}

function open(port: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (data += c));
    socket.on('error', () => undefined); // a reset is one way of being closed
    const closedAfter = new Promise<number>((r) => socket.once('close', () => r(Date.now() - started)));
    socket.once('connect', () => resolve({ socket, received: () => data, closedAfter }));
    socket.once('error', reject);
  });
}

/** Resolves with the close time, or with `undefined` once `ms` have passed with the socket still open. */
async function closedWithin(raw: Raw, ms: number): Promise<number | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
  try {
    return await Promise.race([raw.closedAfter, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes `count` single bytes, one every `everyMs`, while the socket stays writable. */
async function dribble(socket: Socket, text: string, everyMs: number): Promise<void> {
  for (const ch of text) {
    if (socket.destroyed || !socket.writable) return;
    socket.write(ch);
    await sleep(everyMs);
  }
}

/** Signed PUT request head for `cid` with a Content-Length, as a raw client would send it. */
async function signedHead(signer: Wallet, cid: string, length: number): Promise<string> {
  const headers = await signUpload(signer, cid);
  const lines = [`PUT /objects/${cid} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Length: ${length}`, 'Content-Type: application/octet-stream'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

describe('store server: timeouts', () => {
  it('a signed upload that sends its headers and then dribbles its body is cut at the minimum rate', async () => {
    const { server, store } = await serve({ headersTimeoutMs: 1000, requestTimeoutMs: 20_000, minRate: 10_000, rateWindowMs: 300 });
    try {
      const body = 'x'.repeat(200);
      const cid = cidOf(enc(body));
      const raw = await open(server.port);
      raw.socket.write(await signedHead(alice, cid, body.length));
      void dribble(raw.socket, body, 50); // 20 bytes/s against a floor of 10 kB/s
      const closed = await closedWithin(raw, 3000);
      expect(closed, 'the dribbling upload was still open after 3 s').toBeDefined();
      expect(closed!).toBeLessThan(2000);
      expect(raw.received()).toMatch(/^HTTP\/1\.1 408/);
      expect(raw.received()).toContain('"code":"TOO_SLOW"');
      expect(await store.has(cid)).toBe(false);
      await sleep(50);
      expect(logs.find((l) => l.cid === cid && l.msg === 'request')).toMatchObject({ status: 408, error: 'TOO_SLOW' });
    } finally {
      await server.close(100);
    }
  });

  it('a client that dribbles its headers is cut at the headers timeout', async () => {
    const { server } = await serve({ headersTimeoutMs: 500, requestTimeoutMs: 20_000 });
    try {
      const raw = await open(server.port);
      void dribble(raw.socket, `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`, 50);
      const closed = await closedWithin(raw, 3000);
      expect(closed, 'the dribbling headers were still open after 3 s').toBeDefined();
      expect(closed!).toBeLessThan(2000);
      // A connection that sends nothing at all is cut the same way.
      const silent = await open(server.port);
      const idle = await closedWithin(silent, 3000);
      expect(idle, 'the silent connection was still open after 3 s').toBeDefined();
      expect(idle!).toBeLessThan(2000);
    } finally {
      await server.close(100);
    }
  });

  it('a body above the minimum rate is still cut at the request timeout', async () => {
    const { server } = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 800, minRate: 0 });
    try {
      const body = 'y'.repeat(400);
      const raw = await open(server.port);
      raw.socket.write(await signedHead(alice, cidOf(enc(body)), body.length));
      void dribble(raw.socket, body, 10);
      const closed = await closedWithin(raw, 3000);
      expect(closed, 'the slow upload was still open after 3 s').toBeDefined();
      expect(closed!).toBeLessThan(2500);
    } finally {
      await server.close(100);
    }
  });

  it('a download the client stops reading is cut at the minimum rate', async () => {
    const store = new DirectoryStore({ dir: mkdtempSync(join(dir, 'srv-')), maxBytes: 32 * 1024 * 1024 });
    const cid = await store.put(Buffer.alloc(24 * 1024 * 1024, 7)); // more than loopback's socket buffers hold
    const server = await startStoreServer({ store, port: 0, log: log(), limits: { minRate: 100_000, rateWindowMs: 300 } });
    try {
      const raw = await open(server.port);
      raw.socket.write(`GET /objects/${cid} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      await sleep(100);
      raw.socket.pause(); // reads nothing more (and so would not see the close either: the server's log says it)
      const line = () => logs.find((l) => l.cid === cid && l.msg === 'request');
      for (let i = 0; i < 50 && !line(); i++) await sleep(100);
      expect(line(), 'the stalled download was still open after 5 s').toMatchObject({ method: 'GET', error: 'TOO_SLOW' });
      raw.socket.destroy();
    } finally {
      await server.close(100);
    }
  });

  it('sets the keep-alive timeout', async () => {
    const { server } = await serve({ keepAliveTimeoutMs: 300 });
    try {
      const raw = await open(server.port);
      raw.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      const closed = await closedWithin(raw, 3000);
      expect(raw.received()).toMatch(/^HTTP\/1\.1 200/);
      expect(closed, 'the idle keep-alive connection was still open after 3 s').toBeDefined();
    } finally {
      await server.close(100);
    }
  });
});

describe('store server: connection caps', () => {
  it('the connection over the total cap is answered 503 and closed; a freed slot is usable again', async () => {
    const { server } = await serve({ maxConnections: 3, maxConnectionsPerAddress: 100, headersTimeoutMs: 5000, requestTimeoutMs: 10_000 });
    const held: Raw[] = [];
    try {
      for (let i = 0; i < 3; i++) held.push(await open(server.port));
      const extra = await open(server.port);
      const closed = await closedWithin(extra, 2000);
      expect(closed, 'the 4th connection was kept open').toBeDefined();
      expect(extra.received()).toMatch(/^HTTP\/1\.1 503/);
      expect(extra.received()).toContain('"code":"TOO_MANY_CONNECTIONS"');
      // The held ones still work.
      held[0]!.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      await closedWithin(held[0]!, 2000);
      expect(held[0]!.received()).toMatch(/^HTTP\/1\.1 200/);
      // One slot is free again (the server counts closes as they happen: poll briefly).
      let status = 0;
      for (let i = 0; i < 20 && status !== 200; i++) {
        status = await fetch(`${server.url}/health`, { headers: { connection: 'close' } }).then((r) => r.status, () => 0);
        if (status !== 200) await sleep(50);
      }
      expect(status).toBe(200);
      expect(logs.some((l) => l.msg === 'connection refused' && l.reason === 'TOO_MANY_CONNECTIONS')).toBe(true);
    } finally {
      for (const h of held) h.socket.destroy();
      await server.close(100);
    }
  });

  it('the connection over the per-address cap is answered 503 and closed', async () => {
    const { server } = await serve({ maxConnections: 100, maxConnectionsPerAddress: 2, headersTimeoutMs: 5000, requestTimeoutMs: 10_000 });
    const held: Raw[] = [];
    try {
      for (let i = 0; i < 2; i++) held.push(await open(server.port));
      const extra = await open(server.port);
      expect(await closedWithin(extra, 2000), 'the 3rd connection from 127.0.0.1 was kept open').toBeDefined();
      expect(extra.received()).toMatch(/^HTTP\/1\.1 503/);
      expect(extra.received()).toContain('"code":"TOO_MANY_CONNECTIONS"');
      // The client maps it to a store it cannot use now: exit 3, retry later.
      const e = await rejection(new HttpStore({ url: server.url }).get(cidOf(enc('z'))));
      expect(e.code).toBe('STORE_UNREACHABLE');
      expect(e.exitCode).toBe(3);
    } finally {
      for (const h of held) h.socket.destroy();
      await server.close(100);
    }
  });
});

describe('store server: per-uploader limits', () => {
  it('an uploader over its byte quota gets 429 (STORE_QUOTA, exit 3); another uploader is unaffected', async () => {
    const { server, store } = await serve({ quota: { windowMs: 60_000, bytes: 100, objects: 1000, concurrent: 4 } });
    try {
      const a = new HttpStore({ url: server.url, signer: alice });
      const b = new HttpStore({ url: server.url, signer: bob });
      const first = await a.put(enc('a'.repeat(60)));
      expect(await store.has(first)).toBe(true);
      const second = enc('b'.repeat(60));
      const e = await rejection(a.put(second));
      expect(e.code).toBe('STORE_QUOTA');
      expect(e.exitCode).toBe(3);
      expect(e.details).toContain('QUOTA_EXCEEDED');
      expect(e.message).toMatch(/quota/);
      expect(await store.has(cidOf(second))).toBe(false);
      // Bob has a quota of his own.
      expect(await b.put(second)).toBe(cidOf(second));
      // The raw answer: 429, a JSON error like the server's others, and when to retry.
      const cid = cidOf(enc('c'.repeat(60)));
      const res = await fetch(`${server.url}/objects/${cid}`, { method: 'PUT', headers: await signUpload(alice, cid), body: enc('c'.repeat(60)) });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('QUOTA_EXCEEDED');
    } finally {
      await server.close(100);
    }
  });

  it('an uploader over its object quota gets 429; the window frees it again', async () => {
    const { server } = await serve({ quota: { windowMs: 700, bytes: 1024 * 1024, objects: 2, concurrent: 4 } });
    try {
      const a = new HttpStore({ url: server.url, signer: alice });
      await a.put(enc('one'));
      await a.put(enc('two'));
      expect((await rejection(a.put(enc('three')))).code).toBe('STORE_QUOTA');
      expect(await new HttpStore({ url: server.url, signer: bob }).put(enc('three'))).toBe(cidOf(enc('three')));
      await sleep(800);
      expect(await a.put(enc('three'))).toBe(cidOf(enc('three')));
    } finally {
      await server.close(100);
    }
  });

  it('an uploader over its concurrent uploads gets 429 while the others are in flight', async () => {
    const { server } = await serve({ quota: { windowMs: 60_000, bytes: 1024 * 1024, objects: 1000, concurrent: 1 }, minRate: 0, requestTimeoutMs: 10_000 });
    let raw: Raw | undefined;
    try {
      const body = 'slow'.repeat(50);
      raw = await open(server.port);
      raw.socket.write(await signedHead(alice, cidOf(enc(body)), body.length));
      raw.socket.write(body.slice(0, 10)); // in flight: the rest is held back
      await sleep(100);
      const e = await rejection(new HttpStore({ url: server.url, signer: alice }).put(enc('another')));
      expect(e.code).toBe('STORE_QUOTA');
      expect(e.details).toContain('TOO_MANY_UPLOADS');
      expect(await new HttpStore({ url: server.url, signer: bob }).put(enc('another'))).toBe(cidOf(enc('another')));
      raw.socket.write(body.slice(10));
      await closedWithin(raw, 50); // give the server a moment to finish it
      for (let i = 0; i < 20 && !/^HTTP\/1\.1 201/.test(raw.received()); i++) await sleep(50);
      expect(raw.received()).toMatch(/^HTTP\/1\.1 201/);
      expect(await new HttpStore({ url: server.url, signer: alice }).put(enc('another one'))).toBe(cidOf(enc('another one')));
    } finally {
      raw?.socket.destroy();
      await server.close(100);
    }
  });
});

describe('store server limits: configuration', () => {
  it('storage.serve.* with their defaults; sizes and seconds as written in the file', () => {
    const home = join(dir, 'cfg-home');
    const none = storageConfig({ home });
    expect(none.serve).toMatchObject({
      headersTimeout: 10,
      requestTimeout: 600,
      keepAliveTimeout: 5,
      minRate: 16 * 1024,
      rateWindow: 10,
      maxConnections: 256,
      maxConnectionsPerAddress: 32,
      quota: { window: 3600, bytes: 4 * 1024 ** 3, objects: 1000, concurrent: 4 },
    });
    expect(DEFAULT_STORE_SERVER_LIMITS).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 600_000, quota: { windowMs: 3_600_000 } });
    const cwd = mkdtempSync(join(dir, 'cfg-'));
    writeFileSync(
      join(cwd, 'flock.config.yaml'),
      'storage:\n  serve:\n    headersTimeout: 5\n    minRate: 0\n    maxConnections: 64\n    quota:\n      bytes: 512MiB\n      objects: 50\n',
    );
    const { config } = loadConfig({ env: { FLOCK_HOME: home }, cwd });
    const s = storageConfig(config).serve;
    expect(s).toMatchObject({ headersTimeout: 5, requestTimeout: 600, minRate: 0, maxConnections: 64, quota: { window: 3600, bytes: 512 * 1024 ** 2, objects: 50, concurrent: 4 } });
    writeFileSync(join(cwd, 'flock.config.yaml'), 'storage:\n  serve:\n    quota:\n      objects: 0\n');
    expect(() => loadConfig({ env: { FLOCK_HOME: home }, cwd })).toThrow(/storage\.serve\.quota\.objects must be at least 1/);
  });

  it('a headers timeout longer than the request timeout is a configuration error (exit 2)', () => {
    const e = (() => {
      try {
        storeServerLimits({ headersTimeoutMs: 20_000, requestTimeoutMs: 10_000 });
      } catch (err) {
        return err as AbortError;
      }
      throw new Error('expected an error');
    })();
    expect(e).toBeInstanceOf(AbortError);
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.exitCode).toBe(2);
  });
});

describe('UploaderLimits (limits.ts)', () => {
  it('a sliding window per key: what frees up when, and nothing kept for keys gone quiet', async () => {
    const { UploaderLimits, isRefusal } = await import('../../../src/storage/limits.js');
    const l = new UploaderLimits({ windowMs: 1000, bytes: 100, objects: 3, concurrent: 2 });
    const t0 = 10_000;
    const a = l.admit('a', t0, 40);
    const b = l.admit('a', t0 + 100, 40);
    if (isRefusal(a) || isRefusal(b)) throw new Error('admitted');
    // Two in flight: the third waits for one of them.
    expect(l.admit('a', t0 + 200, 1)).toMatchObject({ status: 429, code: 'TOO_MANY_UPLOADS' });
    a.finish(40);
    b.finish(40);
    // 80 of 100 bytes used: 30 more must wait until the first 40 leave the window (at t0 + 1000).
    expect(l.admit('a', t0 + 300, 30)).toMatchObject({ status: 429, code: 'QUOTA_EXCEEDED', retryAfterMs: 700 });
    // Larger than the whole quota: never, so 413.
    expect(l.admit('a', t0 + 300, 101)).toMatchObject({ status: 413, code: 'TOO_LARGE' });
    // A body of unknown length may use what is left.
    const c = l.admit('a', t0 + 300, undefined);
    if (isRefusal(c)) throw new Error('admitted');
    expect(c.remainingBytes).toBe(20);
    c.finish(5);
    // Three objects in the window: the fourth waits for the oldest to leave.
    expect(l.admit('a', t0 + 400, 1)).toMatchObject({ code: 'QUOTA_EXCEEDED', retryAfterMs: 600 });
    const other = l.admit('b', t0 + 400, 100); // another key: its own quota
    const later = l.admit('a', t0 + 1001, 1);
    if (isRefusal(other) || isRefusal(later)) throw new Error('admitted');
    l.sweep(t0 + 10_000);
    expect(l.size).toBe(2); // in flight: kept, whatever their age
    other.finish(100);
    later.finish(1);
    l.sweep(t0 + 10_000);
    expect(l.size).toBe(0);
  });
});
