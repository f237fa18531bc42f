/**
 * The clients of bench/serve.ts, run in a worker thread of the benchmark's process so that their
 * HTTP work has an event loop of its own: C loops, each over one keep-alive TCP connection,
 * sending its pre-signed vouchers in order (a warm-up first, then the timed region).
 *
 * The client is a minimal HTTP/1.1 load generator over node:net (what wrk is to a C server): each
 * request's bytes are built before the timed region, a response is read by its Content-Length.
 * On two shared cores every millisecond a client spends is taken from the server; node:http's
 * client cost about 0.45 ms per call here (the first runs in docs/BENCHMARKS.md), this one 0.1-0.4
 * ms. The server sees ordinary HTTP/1.1 requests.
 */
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

/** This thread's user + system CPU in ms (utime and stime of /proc/thread-self/stat, 10 ms ticks). */
export function threadCpuMs(): number | undefined {
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

/** One keep-alive connection sending prepared requests one after another. */
class RawConnection {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((r: { status: number; body: Buffer } | Error) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.parse();
    });
    const fail = (e: Error) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.(e);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static open(host: string, port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port }, () => resolve(new RawConnection(s)));
      s.once('error', reject);
    });
  }

  private parse(): void {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buf.toString('latin1', 0, end);
    const m = /\r\ncontent-length: *(\d+)/i.exec(head);
    const length = m ? Number(m[1]) : 0;
    if (this.buf.length < end + 4 + length) return;
    const body = this.buf.subarray(end + 4, end + 4 + length);
    this.buf = this.buf.subarray(end + 4 + length);
    const w = this.waiting;
    this.waiting = undefined;
    w({ status: Number(head.slice(9, 12)), body });
  }

  send(request: Buffer): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      this.waiting = (r) => (r instanceof Error ? reject(r) : resolve(r));
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

async function runClients(job: ClientJob): Promise<ClientResult> {
  const u = new URL(job.url);
  const body = Buffer.from(job.body);
  const errors: string[] = [];
  const fixed = Object.entries({ host: u.host, 'content-type': 'application/json', 'content-length': String(body.length), ...job.extraHeaders })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const requests = job.headers.map((hs) => hs.map((voucher) => Buffer.concat([Buffer.from(`POST ${u.pathname} HTTP/1.1\r\n${fixed}flock-voucher: ${voucher}\r\n\r\n`, 'latin1'), body])));
  const conns = await Promise.all(job.headers.map(() => RawConnection.open(u.hostname, Number(u.port))));
  const once = async (conn: RawConnection, request: Buffer) => {
    try {
      const r = await conn.send(request);
      if (r.status !== 200 && errors.length < 5) errors.push(`${r.status}: ${r.body.toString().slice(0, 200)}`);
    } catch (e) {
      if (errors.length < 5) errors.push((e as Error).message);
    }
  };
  await Promise.all(requests.map(async (rs, c) => {
    for (let i = 0; i < job.warmup; i++) await once(conns[c]!, rs[i]!);
  }));
  const latencies: number[] = [];
  parentPort?.postMessage({ timedStart: true });
  const cpu0 = threadCpuMs();
  const t0 = performance.now();
  await Promise.all(requests.map(async (rs, c) => {
    for (let i = job.warmup; i < rs.length; i++) {
      const s = performance.now();
      await once(conns[c]!, rs[i]!);
      latencies.push(performance.now() - s);
    }
  }));
  const wallMs = performance.now() - t0;
  const cpu1 = threadCpuMs();
  for (const c of conns) c.close();
  return { latencies, wallMs, errors, ...(cpu0 !== undefined && cpu1 !== undefined ? { cpuMs: cpu1 - cpu0 } : {}) };
}

if (parentPort) runClients(workerData as ClientJob).then((r) => parentPort!.postMessage(r));
