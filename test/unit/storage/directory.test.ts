import { rejection } from '../../harness/reject.js';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, closeSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlockError } from '../../../src/errors/index.js';
import { cidOf } from '../../../src/storage/cid.js';
import { DirectoryStore } from '../../../src/storage/directory.js';

let dir: string;
let store: DirectoryStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flock-store-'));
  store = new DirectoryStore({ dir: join(dir, 'store'), maxBytes: 1024 * 1024 });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Flips one byte of a stored object on disk (objects are 0444: make it writable first). */
function flipByte(path: string, at = 0): void {
  chmodSync(path, 0o644);
  const bytes = readFileSync(path);
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.from([bytes[at]! ^ 0x01]), 0, 1, at);
  closeSync(fd);
}

const tmpFiles = () => (existsSync(join(store.dir, '.tmp')) ? readdirSync(join(store.dir, '.tmp')) : []);

describe('DirectoryStore', () => {
  it('put/get/has/stat round trip, sharded like flatfs, read-only on disk', async () => {
    const bytes = new TextEncoder().encode('hello world\n');
    const cid = await store.put(bytes);
    expect(cid).toBe('bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4');
    expect(store.pathOf(cid)).toBe(join(store.dir, 'ei', cid));
    expect(statSync(store.pathOf(cid)).mode & 0o777).toBe(0o444);
    expect(Buffer.from(await store.get(cid)).toString()).toBe('hello world\n');
    expect(await store.has(cid)).toBe(true);
    expect(await store.stat(cid)).toEqual({ cid, size: 12 });
    expect(await store.has(cidOf(new TextEncoder().encode('absent')))).toBe(false);
    expect(await store.stat(cidOf(new TextEncoder().encode('absent')))).toBeUndefined();
    const all: string[] = [];
    for await (const c of store.list()) all.push(c);
    expect(all).toEqual([cid]);
    expect(tmpFiles()).toEqual([]);
  });

  it('puts streams: a Node Readable, a generator, a web ReadableStream, a file', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 7);
    const big = new DirectoryStore({ dir: store.dir, maxBytes: 16 * 1024 * 1024 });
    const expected = cidOf(data);
    expect(await big.put(Readable.from([data.subarray(0, 100), data.subarray(100)]))).toBe(expected);
    expect(
      await big.put(
        (function* () {
          for (let i = 0; i < data.length; i += 65536) yield data.subarray(i, i + 65536);
        })(),
      ),
    ).toBe(expected);
    expect(await big.put(new Blob([data]).stream() as unknown as AsyncIterable<Uint8Array>)).toBe(expected);
    const file = join(dir, 'model.bin');
    writeFileSync(file, data);
    expect(await big.putFile(file)).toBe(expected);
    expect(Buffer.from(await big.get(expected)).equals(data)).toBe(true);
    const out = join(dir, 'out', 'copy.bin');
    mkdirSync(join(dir, 'out'));
    expect(await big.getToFile(expected, out)).toEqual({ cid: expected, size: data.length });
    expect(readFileSync(out).equals(data)).toBe(true);
  });

  it('a string-mode stream is refused instead of hashing its decoding', async () => {
    const e = await rejection(store.put(Readable.from(['text'], { objectMode: true }) as AsyncIterable<Uint8Array>));
    expect((e as Error).message).toMatch(/bytes/);
  });

  it('tampering on disk: get and getToFile refuse with HASH_MISMATCH (exit 9) and return nothing', async () => {
    const cid = await store.put(new TextEncoder().encode('the model weights'));
    flipByte(store.pathOf(cid), 4);
    const e = await rejection(store.get(cid));
    expect(e.code).toBe('HASH_MISMATCH');
    expect(e.exitCode).toBe(9);
    expect(e.message).toContain(cid);
    const dest = join(dir, 'fetched.bin');
    expect((await rejection(store.getToFile(cid, dest))).code).toBe('HASH_MISMATCH');
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('fetched'))).toEqual([]);
  });

  it('a truncated or extended object is a mismatch too', async () => {
    const cid = await store.put(new TextEncoder().encode('0123456789'));
    chmodSync(store.pathOf(cid), 0o644);
    writeFileSync(store.pathOf(cid), '0123456789+');
    expect((await rejection(store.get(cid))).code).toBe('HASH_MISMATCH');
    writeFileSync(store.pathOf(cid), '012345678');
    expect((await rejection(store.get(cid))).code).toBe('HASH_MISMATCH');
  });

  it('size limit while streaming: stops reading past maxBytes (TOO_LARGE, exit 9), stores nothing', async () => {
    let produced = 0;
    let finished = false;
    const endless = (async function* () {
      try {
        for (;;) {
          produced += 64 * 1024;
          yield new Uint8Array(64 * 1024);
        }
      } finally {
        finished = true; // the store closed the source
      }
    })();
    const e = await rejection(store.put(endless, { maxBytes: 1024 * 1024 }));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.exitCode).toBe(9);
    expect(produced).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
    expect(finished).toBe(true);
    expect(tmpFiles()).toEqual([]);
    const all: string[] = [];
    for await (const c of store.list()) all.push(c);
    expect(all).toEqual([]);
  });

  it('size limit on read: an object over the reader’s limit is refused before it is read', async () => {
    const cid = await store.put(new Uint8Array(5000));
    const e = await rejection(store.get(cid, { maxBytes: 4999 }));
    expect(e.code).toBe('TOO_LARGE');
    expect((await rejection(store.getToFile(cid, join(dir, 'x'), { maxBytes: 10 }))).code).toBe('TOO_LARGE');
    expect(existsSync(join(dir, 'x'))).toBe(false);
    expect((await store.get(cid, { maxBytes: 5000 })).length).toBe(5000);
  });

  it('expectedCid: content that does not hash to it is not stored', async () => {
    const claimed = cidOf(new TextEncoder().encode('what was promised'));
    const e = await rejection(store.put(new TextEncoder().encode('something else'), { expectedCid: claimed }));
    expect(e.code).toBe('HASH_MISMATCH');
    expect(await store.has(claimed)).toBe(false);
    expect(await store.has(cidOf(new TextEncoder().encode('something else')))).toBe(false);
    expect(tmpFiles()).toEqual([]);
  });

  it('a writer that fails mid-stream leaves no object under the CID (hash-then-rename)', async () => {
    const data = randomBytes(200_000);
    const failing = (async function* () {
      yield data.subarray(0, 100_000);
      throw new Error('connection lost');
    })();
    await expect(store.put(failing)).rejects.toThrow('connection lost');
    expect(await store.has(cidOf(data))).toBe(false);
    expect(tmpFiles()).toEqual([]);
  });

  it('concurrent puts of the same object (interleaved streams) give one complete object', async () => {
    const data = randomBytes(512 * 1024);
    const cid = cidOf(data);
    const slowly = async function* () {
      for (let i = 0; i < data.length; i += 32 * 1024) {
        await new Promise((r) => setImmediate(r));
        yield data.subarray(i, i + 32 * 1024);
      }
    };
    // Many writers, and a reader polling meanwhile: it sees nothing or the whole object.
    const reads: Array<Promise<void>> = [];
    const writers = Array.from({ length: 16 }, () => store.put(slowly()));
    for (let i = 0; i < 20; i++) {
      reads.push(
        store.get(cid).then(
          (b) => expect(Buffer.from(b).equals(data)).toBe(true),
          (e: FlockError) => expect(e.code).toBe('NOT_FOUND'),
        ),
      );
      await new Promise((r) => setImmediate(r));
    }
    expect(new Set(await Promise.all(writers))).toEqual(new Set([cid]));
    await Promise.all(reads);
    expect(Buffer.from(await store.get(cid)).equals(data)).toBe(true);
    expect(readdirSync(join(store.dir, cid.slice(-3, -1)))).toEqual([cid]);
    expect(tmpFiles()).toEqual([]);
  });

  it('NOT_FOUND and INVALID_CID are clear errors', async () => {
    const missing = await rejection(store.get(cidOf(new Uint8Array([1]))));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.exitCode).toBe(2);
    expect((await rejection(store.get('not-a-cid'))).code).toBe('INVALID_CID');
  });

  it('cleanTemp removes only stale temporary files', async () => {
    mkdirSync(join(store.dir, '.tmp'), { recursive: true });
    writeFileSync(join(store.dir, '.tmp', 'old.tmp'), 'x');
    writeFileSync(join(store.dir, '.tmp', 'fresh.tmp'), 'x');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(join(store.dir, '.tmp', 'old.tmp'), old, old);
    expect(await store.cleanTemp()).toBe(1);
    expect(tmpFiles()).toEqual(['fresh.tmp']);
  });
});
