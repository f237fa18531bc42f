/**
 * The IPFS backend between real flock processes (issue #14): `flock store serve --ipfs-listen` in
 * one home, `flock store put|get|stat --backend ipfs` in others, over loopback TCP. Also the exit
 * codes every backend shares: a missing object is NOT_FOUND (exit 2) for `get` and `stat` on dir,
 * http and ipfs; a corrupted object on an HTTP server is HASH_MISMATCH (exit 9).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli, spawnCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt } from './helpers.js';

const MISSING = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';

let server: TempHome;
let fetcher: TempHome;
let third: TempHome;
let srvDir: string;
let url: string;
let peer: string;
let peerId: string;
let daemon: ChildProcess;
const logs: Array<Record<string, any>> = [];

/** Starts `flock store serve` with HTTP and IPFS and waits for both. */
async function startServe(): Promise<void> {
  const [port, p2p] = [await freePort(), await freePort()];
  daemon = spawnCli(['store', 'serve', '--port', String(port), '--dir', srvDir, '--ipfs-listen', `/ip4/127.0.0.1/tcp/${p2p}`, '--log-level', 'debug'], { home: server.home });
  let buf = '';
  let stderr = '';
  daemon.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 30_000);
    daemon.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.trim()) continue;
        const l = JSON.parse(line) as Record<string, any>;
        logs.push(l);
        if (l.msg === 'ipfs node listening') {
          clearTimeout(timer);
          peer = (l.multiaddrs as string[]).find((a) => a.startsWith(`/ip4/127.0.0.1/tcp/${p2p}/p2p/`))!;
          peerId = l.peerId as string;
          resolve();
        }
      }
    });
    daemon.once('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
  });
  url = `http://127.0.0.1:${port}`;
  await ready;
}

beforeAll(async () => {
  ensureBuilt();
  server = tempHome();
  fetcher = tempHome();
  third = tempHome();
  srvDir = join(server.dir, 'served');
  await startServe();
}, 60_000);

afterAll(() => {
  if (daemon?.exitCode === null) daemon.kill('SIGKILL');
  for (const h of [server, fetcher, third]) h?.cleanup();
});

describe('flock store over IPFS between two flock processes (loopback TCP)', () => {
  let cid: string;
  let data: Buffer;

  it('a 20 MB object moves from `flock store serve` to `flock store get --backend ipfs` in another home, verified', async () => {
    data = randomBytes(20_000_000);
    const file = join(server.dir, 'model.bin');
    writeFileSync(file, data);
    const put = await runCli(['store', 'put', file, '--backend', 'ipfs', '--dir', srvDir, '--json'], { home: server.home });
    expect(put.code, put.stderr).toBe(0);
    cid = put.json().cid as string;

    const out = join(fetcher.dir, 'model.out');
    const started = Date.now();
    const get = await runCli(['store', 'get', cid, '--backend', 'ipfs', '--peer', peer, '-o', out, '--json'], { home: fetcher.home, timeoutMs: 60_000 });
    const ms = Date.now() - started;
    expect(get.code, get.stderr).toBe(0);
    expect(get.json()).toEqual({ cid, size: data.length, path: out });
    expect(readFileSync(out).equals(data)).toBe(true);
    // Kept whole in the fetcher's directory store, where the dir and http backends see it.
    expect(statSync(join(fetcher.home, 'store', cid.slice(-3, -1), cid)).size).toBe(data.length);
    expect(logs.find((l) => l.msg === 'root request served' && l.cid === cid)).toMatchObject({ size: data.length });
    console.log(`20 MB over IPFS (loopback, two flock processes): ${ms} ms for \`flock store get\`, process start included`);
    expect(ms).toBeLessThan(30_000);
  }, 90_000);

  it('stat over IPFS says where the object is: this node, or the peer that has it (with its size)', async () => {
    const remote = await runCli(['store', 'stat', cid, '--backend', 'ipfs', '--peer', peer, '--json'], { home: third.home });
    expect(remote.code, remote.stderr).toBe(0);
    expect(remote.json()).toMatchObject({ cid, present: true, size: data.length, backend: 'ipfs', local: false, peer: peerId });
    const text = await runCli(['store', 'stat', cid, '--backend', 'ipfs', '--peer', peer], { home: third.home });
    expect(text.stdout).toContain(`IPFS peer ${peerId}`);
    expect(existsSync(join(third.home, 'store', cid.slice(-3, -1), cid))).toBe(false); // stat fetched nothing

    const local = await runCli(['store', 'stat', cid, '--backend', 'ipfs', '--json'], { home: fetcher.home });
    expect(local.code, local.stderr).toBe(0);
    expect(local.json()).toMatchObject({ cid, present: true, size: data.length, local: true });
    expect(local.json().peer).toBeUndefined();
  }, 60_000);

  it('a missing object is NOT_FOUND (exit 2) for get and stat on every backend', async () => {
    const backends: Record<string, string[]> = {
      dir: ['--backend', 'dir'],
      http: ['--backend', 'http', '--url', url],
      ipfs: ['--backend', 'ipfs', '--peer', peer],
    };
    for (const [name, flags] of Object.entries(backends)) {
      for (const cmd of [['stat', MISSING], ['get', MISSING, '-o', join(third.dir, 'missing.out')]]) {
        const r = await runCli(['store', ...cmd, ...flags, '--json'], { home: third.home });
        expect(r.code, `${name} ${cmd[0]}: ${r.stdout} ${r.stderr}`).toBe(2);
        expect(r.json().error, `${name} ${cmd[0]}`).toMatchObject({ code: 'NOT_FOUND', exitCode: 2 });
      }
    }
    expect(existsSync(join(third.dir, 'missing.out'))).toBe(false);
  }, 60_000);

  it('a corrupted object on an HTTP server (same length, or not) is HASH_MISMATCH (exit 9), nothing written', async () => {
    for (const alter of ['flip', 'append'] as const) {
      const bytes = randomBytes(3 * 1024 * 1024);
      const file = join(server.dir, `${alter}.bin`);
      writeFileSync(file, bytes);
      const c = (await runCli(['store', 'put', file, '--dir', srvDir], { home: server.home })).stdout.trim();
      const path = join(srvDir, c.slice(-3, -1), c);
      chmodSync(path, 0o644);
      const bad = alter === 'append' ? Buffer.concat([bytes, Buffer.from('!')]) : Buffer.from(bytes);
      if (alter === 'flip') bad[1_500_000]! ^= 1;
      writeFileSync(path, bad);
      const out = join(third.dir, `${alter}.out`);
      const r = await runCli(['store', 'get', c, '--backend', 'http', '--url', url, '-o', out, '--json'], { home: third.home });
      expect(r.code, `${alter}: ${r.stdout} ${r.stderr}`).toBe(9);
      expect(r.json().error.code).toBe('HASH_MISMATCH');
      expect(existsSync(out)).toBe(false);
    }
  }, 60_000);
});
