/**
 * The clients of bench/serve.ts, run in a worker thread of the benchmark's process so that their
 * HTTP work has an event loop of its own: C loops over node:http with one keep-alive agent of C
 * sockets, each sending its pre-signed vouchers in order (a warm-up first, then the timed region).
 */
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

/** This thread's user + system CPU in ms (utime and stime of /proc/thread-self/stat, 10 ms ticks). */
function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // fields 14 and 15; USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

export interface ClientJob {
  url: string;
  /** One entry per client: its Flock-Voucher header values, warm-up first. */
  headers: string[][];
  warmup: number;
  body: Uint8Array;
  extraHeaders: Record<string, string>;
}

export interface ClientResult {
  /** Per call of the timed region, in ms. */
  latencies: number[];
  wallMs: number;
  /** CPU time of this client thread over the timed region, in ms (Linux /proc; undefined elsewhere). */
  cpuMs?: number;
  /** The first few failures (status and body), if any. */
  errors: string[];
}

async function runClients(job: ClientJob): Promise<ClientResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.headers.length });
  const u = new URL(job.url);
  const body = Buffer.from(job.body);
  const errors: string[] = [];
  const once = (voucher: string) =>
    new Promise<void>((resolve) => {
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length, 'flock-voucher': voucher, ...job.extraHeaders },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200 && errors.length < 5) errors.push(`${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`);
            resolve();
          });
        },
      );
      req.on('error', (e) => {
        if (errors.length < 5) errors.push(e.message);
        resolve();
      });
      req.end(body);
    });
  await Promise.all(
    job.headers.map(async (hs) => {
      for (let i = 0; i < job.warmup; i++) await once(hs[i]!);
    }),
  );
  const latencies: number[] = [];
  parentPort?.postMessage({ timedStart: true });
  const cpu0 = threadCpuMs();
  const t0 = performance.now();
  await Promise.all(
    job.headers.map(async (hs) => {
      for (let i = job.warmup; i < hs.length; i++) {
        const s = performance.now();
        await once(hs[i]!);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu1 = threadCpuMs();
  agent.destroy();
  return { latencies, wallMs, errors, ...(cpu0 !== undefined && cpu1 !== undefined ? { cpuMs: cpu1 - cpu0 } : {}) };
}

if (parentPort) runClients(workerData as ClientJob).then((r) => parentPort!.postMessage(r));
