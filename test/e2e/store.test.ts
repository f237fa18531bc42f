/**
 * `flock store put|get|stat|serve` end to end: the built CLI, a temporary FLOCK_HOME, servers on
 * 127.0.0.1 and free ports. No chain is needed: uploads are signed by a keystore locally.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli, spawnCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt } from './helpers.js';

const HELLO_CID = 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4';

let t: TempHome;
let other: TempHome;
let hello: string;
let pw: string;
const running: ChildProcess[] = [];

beforeAll(() => {
  ensureBuilt();
  t = tempHome();
  other = tempHome();
  hello = join(t.dir, 'hello.txt');
  writeFileSync(hello, 'hello world\n');
  pw = join(t.dir, 'pw');
  writeFileSync(pw, 'correct horse\n');
});
afterAll(() => {
  for (const p of running) if (p.exitCode === null) p.kill('SIGKILL');
  t.cleanup();
  other.cleanup();
});

interface Daemon {
  process: ChildProcess;
  /** NDJSON log lines printed so far. */
  logs: Array<Record<string, any>>;
  /** Resolves with the first log line matching. */
  waitFor(msg: string, timeoutMs?: number): Promise<Record<string, any>>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `flock store serve …` (a daemon: runCli would wait for it to exit). */
function serve(args: string[], home: string): Daemon {
  const child = spawnCli(['store', 'serve', ...args], { home });
  running.push(child);
  const logs: Array<Record<string, any>> = [];
  const waiters: Array<() => void> = [];
  let buf = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.trim()) logs.push(JSON.parse(line) as Record<string, any>);
      waiters.forEach((w) => w());
    }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    process: child,
    logs,
    waitFor: (msg, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = logs.find((l) => l.msg === msg);
          if (hit) resolve(hit);
        };
        waiters.push(check);
        check();
        setTimeout(() => reject(new Error(`no "${msg}" log line within ${timeoutMs} ms; stderr:\n${stderr}\nstdout:\n${JSON.stringify(logs)}`)), timeoutMs).unref();
        void exited.then((code) => reject(new Error(`serve exited (${code}) before "${msg}"; stderr:\n${stderr}`)));
      }),
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('flock store (directory backend)', () => {
  it('put prints the CID; get -o writes the verified file; get without -o streams the bytes; stat', async () => {
    const put = await runCli(['store', 'put', hello], { home: t.home });
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout).toBe(`${HELLO_CID}\n`);
    expect(existsSync(join(t.home, 'store', 'ei', HELLO_CID))).toBe(true);

    const json = await runCli(['store', 'put', hello, '--json'], { home: t.home });
    expect(json.json()).toEqual({ cid: HELLO_CID, size: 12, backend: 'dir', location: join(t.home, 'store') });

    const out = join(t.dir, 'out.txt');
    const get = await runCli(['store', 'get', HELLO_CID, '-o', out, '--json'], { home: t.home });
    expect(get.json()).toEqual({ cid: HELLO_CID, size: 12, path: out });
    expect(readFileSync(out, 'utf8')).toBe('hello world\n');

    const cat = await runCli(['store', 'get', HELLO_CID], { home: t.home });
    expect(cat.code).toBe(0);
    expect(cat.stdout).toBe('hello world\n');

    const stat = await runCli(['store', 'stat', HELLO_CID, '--json'], { home: t.home });
    expect(stat.json()).toMatchObject({ cid: HELLO_CID, present: true, size: 12, backend: 'dir' });

    const stdin = await runCli(['store', 'put', '-'], { home: t.home, input: 'from stdin' });
    expect(stdin.code, stdin.stderr).toBe(0);
    expect(stdin.stdout.trim()).toMatch(/^bafkrei[a-z2-7]{52}$/);

    const noOut = await runCli(['store', 'get', HELLO_CID, '--json'], { home: t.home });
    expect(noOut.code).toBe(2);
    expect(noOut.json().error.message).toMatch(/--json needs -o/);
  });

  it('a put in a fresh home creates the home and the store 0700, as wallet new does (issue #14, finding 3)', async () => {
    const fresh = tempHome();
    try {
      const put = await runCli(['store', 'put', hello], { home: fresh.home });
      expect(put.code, put.stderr).toBe(0);
      for (const dir of [fresh.home, join(fresh.home, 'store'), join(fresh.home, 'store', 'ei')]) expect(statSync(dir).mode & 0o777, dir).toBe(0o700);
    } finally {
      fresh.cleanup();
    }
  });

  it('a tampered object: exit 9 HASH_MISMATCH, and nothing written', async () => {
    const file = join(t.dir, 'tamper.bin');
    writeFileSync(file, randomBytes(5000));
    const cid = (await runCli(['store', 'put', file], { home: t.home })).stdout.trim();
    const path = join(t.home, 'store', cid.slice(-3, -1), cid);
    chmodSync(path, 0o644);
    const bytes = readFileSync(path);
    bytes[100] ^= 0xff;
    writeFileSync(path, bytes);
    const out = join(t.dir, 'tamper.out');
    const r = await runCli(['store', 'get', cid, '-o', out], { home: t.home });
    expect(r.code).toBe(9);
    expect(r.stderr).toMatch(/^error: content from .* does not match its CID/);
    expect(existsSync(out)).toBe(false);
    const j = await runCli(['store', 'get', cid, '-o', out, '--json'], { home: t.home });
    expect(j.json().error).toMatchObject({ code: 'HASH_MISMATCH', exitCode: 9 });
    const cat = await runCli(['store', 'get', cid], { home: t.home });
    expect(cat.code).toBe(9);
    expect(cat.stdout).toBe('');
  });

  it('size limits: --max-bytes on put and get (exit 9 TOO_LARGE); config storage.maxBytes and storage.dir', async () => {
    const file = join(t.dir, 'two-k.bin');
    writeFileSync(file, randomBytes(2048));
    const put = await runCli(['store', 'put', file, '--max-bytes', '1KiB', '--json'], { home: t.home });
    expect(put.code).toBe(9);
    expect(put.json().error.code).toBe('TOO_LARGE');
    const streamed = await runCli(['store', 'put', '-', '--max-bytes', '1KiB'], { home: t.home, input: 'x'.repeat(5000) });
    expect(streamed.code).toBe(9);
    const cid = (await runCli(['store', 'put', file], { home: t.home })).stdout.trim();
    const get = await runCli(['store', 'get', cid, '-o', join(t.dir, 'x'), '--max-bytes', '2047'], { home: t.home });
    expect(get.code).toBe(9);
    expect(get.stderr).toMatch(/larger than the limit of 2047 bytes/);

    // Config: a relative storage.dir is relative to the file's folder; maxBytes takes units.
    const cfgDir = join(t.dir, 'project');
    mkdirSync(cfgDir, { recursive: true });
    writeFileSync(join(cfgDir, 'flock.config.yaml'), 'storage:\n  dir: ./objects\n  maxBytes: 3KiB\n');
    const ok = await runCli(['store', 'put', file, '--json'], { home: t.home, cwd: cfgDir });
    expect(ok.json().location).toBe(join(cfgDir, 'objects'));
    writeFileSync(join(cfgDir, 'big.bin'), randomBytes(4000));
    expect((await runCli(['store', 'put', 'big.bin'], { home: t.home, cwd: cfgDir })).code).toBe(9);
    writeFileSync(join(cfgDir, 'flock.config.yaml'), 'storage:\n  backend: s3\n');
    const bad = await runCli(['store', 'put', file], { home: t.home, cwd: cfgDir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/flock\.config\.yaml:2: storage\.backend must be one of dir, http, ipfs/);
  });

  it('invalid CIDs are exit 2 with the reason', async () => {
    const r = await runCli(['store', 'get', 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG'], { home: t.home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/CIDv0/);
    const missing = await runCli(['store', 'get', 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'], { home: other.home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not found/);
  });

  it('several processes putting the same object at once: one object, no leftovers', async () => {
    const file = join(t.dir, 'shared.bin');
    const data = randomBytes(4 * 1024 * 1024);
    writeFileSync(file, data);
    const home = join(t.dir, 'concurrent-home');
    const results = await Promise.all(Array.from({ length: 6 }, () => runCli(['store', 'put', file], { home })));
    const cids = new Set(results.map((r) => (expect(r.code, r.stderr).toBe(0), r.stdout.trim())));
    expect(cids.size).toBe(1);
    const [cid] = [...cids] as [string];
    expect(readdirSync(join(home, 'store', cid.slice(-3, -1)))).toEqual([cid]);
    expect(readdirSync(join(home, 'store', '.tmp'))).toEqual([]);
    expect(readFileSync(join(home, 'store', cid.slice(-3, -1), cid)).equals(data)).toBe(true);
  });
});

describe('flock store serve (HTTP, signed uploads) and the http and ipfs backends', () => {
  it('signed upload by an allowed account; others refused (exit 6); reads from another home; SIGTERM stops it (exit 0)', async () => {
    const alice = await runCli(['wallet', 'new', 'alice', '--password-file', pw, '--json'], { home: t.home });
    expect(alice.code, alice.stderr).toBe(0);
    const bob = await runCli(['wallet', 'new', 'bob', '--password-file', pw, '--json'], { home: t.home });
    const aliceAddr = alice.json().address as string;

    const port = await freePort();
    const srvDir = join(t.dir, 'served');
    const daemon = serve(['--port', String(port), '--dir', srvDir, '--allow', aliceAddr], t.home);
    const listening = await daemon.waitFor('store server listening');
    const url = `http://127.0.0.1:${port}`;
    expect(listening.url).toBe(url);

    const put = await runCli(['store', 'put', hello, '--backend', 'http', '--url', url, '--account', 'alice', '--password-file', pw, '--json'], { home: t.home });
    expect(put.code, put.stderr).toBe(0);
    expect(put.json()).toEqual({ cid: HELLO_CID, size: 12, backend: 'http', location: url });
    expect(existsSync(join(srvDir, 'ei', HELLO_CID))).toBe(true);

    const refused = await runCli(['store', 'put', hello, '--backend', 'http', '--url', url, '--account', 'bob', '--password-file', pw], { home: t.home });
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain(`refused the upload: ${bob.json().address} may not upload to this store`);

    // Another machine (home) reads it back, verified, with no account at all.
    const out = join(other.dir, 'hello.out');
    const get = await runCli(['store', 'get', HELLO_CID, '--backend', 'http', '--url', url, '-o', out], { home: other.home });
    expect(get.code, get.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('hello world\n');

    const log = daemon.logs.filter((l) => l.msg === 'request');
    expect(log.find((l) => l.method === 'PUT' && l.status === 201)).toMatchObject({ address: aliceAddr, cid: HELLO_CID });
    expect(log.find((l) => l.method === 'PUT' && l.status === 403)).toMatchObject({ error: 'NOT_ALLOWED' });

    expect(await daemon.stop()).toBe(0);
    expect(daemon.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'store server stopped']));
    const down = await runCli(['store', 'get', HELLO_CID, '--backend', 'http', '--url', url], { home: other.home });
    expect(down.code).toBe(3);
  });

  it('serve limits from flags: over its object quota an uploader gets exit 3 (STORE_QUOTA); inconsistent timeouts are exit 2', async () => {
    const carol = await runCli(['wallet', 'new', 'carol', '--password-file', pw, '--json'], { home: t.home });
    expect(carol.code, carol.stderr).toBe(0);
    const port = await freePort();
    const daemon = serve(['--port', String(port), '--dir', join(t.dir, 'served-quota'), '--quota-objects', '1', '--quota-window', '1h', '--max-uploads', '2', '--headers-timeout', '5s', '--max-connections', '64'], t.home);
    const listening = await daemon.waitFor('store server listening');
    expect(listening.limits).toMatchObject({ headersTimeoutMs: 5000, maxConnections: 64, quota: { objects: 1, windowMs: 3_600_000, concurrent: 2 } });
    const url = `http://127.0.0.1:${port}`;
    const put = (file: string) => runCli(['store', 'put', file, '--backend', 'http', '--url', url, '--account', 'carol', '--password-file', pw, '--json'], { home: t.home });
    expect((await put(hello)).code).toBe(0);
    const second = join(t.dir, 'second.txt');
    writeFileSync(second, 'a second object\n');
    const over = await put(second);
    expect(over.code, over.stderr).toBe(3);
    expect(over.json().error).toMatchObject({ code: 'STORE_QUOTA', exitCode: 3 });
    expect(over.json().error.hint).toMatch(/retry in \d+ s/);
    expect(daemon.logs.find((l) => l.msg === 'request' && l.status === 429)).toMatchObject({ error: 'QUOTA_EXCEEDED' });
    expect(await daemon.stop()).toBe(0);

    const bad = await runCli(['store', 'serve', '--port', String(await freePort()), '--headers-timeout', '20m', '--json'], { home: t.home });
    expect(bad.code).toBe(2);
    expect(bad.json().error.code).toBe('CONFIG_INVALID');
  });

  it('serve --ipfs-listen shares the same objects over bitswap; get --backend ipfs --peer fetches them', async () => {
    const [port, p2p] = [await freePort(), await freePort()];
    const srvDir = join(t.dir, 'served-ipfs');
    const daemon = serve(['--port', String(port), '--dir', srvDir, '--ipfs-listen', `/ip4/127.0.0.1/tcp/${p2p}`], t.home);
    const ipfs = await daemon.waitFor('ipfs node listening');
    const addr = (ipfs.multiaddrs as string[]).find((a) => a.startsWith(`/ip4/127.0.0.1/tcp/${p2p}/p2p/`));
    expect(addr).toBeDefined();
    // Stored through the directory backend into the served folder: one folder, both protocols.
    const data = randomBytes(100_000);
    const file = join(t.dir, 'dataset.bin');
    writeFileSync(file, data);
    const cid = (await runCli(['store', 'put', file, '--dir', srvDir], { home: t.home })).stdout.trim();

    const out = join(other.dir, 'dataset.out');
    const get = await runCli(['store', 'get', cid, '--backend', 'ipfs', '--peer', addr!, '-o', out, '--json'], { home: other.home });
    expect(get.code, get.stderr).toBe(0);
    expect(get.json()).toEqual({ cid, size: data.length, path: out });
    expect(readFileSync(out).equals(data)).toBe(true);
    // The fetcher keeps a verified copy in its own store.
    expect(existsSync(join(other.home, 'store', cid.slice(-3, -1), cid))).toBe(true);

    expect(await daemon.stop()).toBe(0);
    expect(daemon.logs.map((l) => l.msg)).toContain('ipfs node stopped');
  });
});
