/**
 * A pool of worker threads, each holding an onnxruntime InferenceSession of the same model, for
 * serving: `run(feeds)` resolves with the outputs, and the event loop stays free meanwhile.
 *
 * Measured (onnxruntime-node 1.30, Node 20, .flock-test scratch, see docs/BENCHMARKS.md "Model
 * serving"): `session.run` does NOT yield to the event loop. The binding calls the native run
 * synchronously inside a setImmediate callback, so a 784-1024-1024-10 MLP on 1024 rows (63 ms)
 * delays a `setTimeout(0)` by 64 ms, and 8 concurrent runs of 32 rows take 8x one run. An HTTP
 * server that called it on its main thread would stall every connection for each inference;
 * hence the threads.
 *
 * Each worker runs one request at a time (onnxruntime's run is synchronous inside a worker too);
 * requests wait in one FIFO queue of at most `maxQueue`, past which `run` rejects at once with a
 * PoolBusyError. Every request has a deadline (`timeoutMs`): a request still queued then is
 * dropped, one already running is rejected with a PoolTimeoutError while its worker finishes the
 * run in the background (its result is dropped) and then takes the next request.
 *
 * A running inference cannot be cut short. Measured too: `worker.terminate()` while the worker
 * is inside onnxruntime-node's native run aborts the WHOLE process ("terminate called after
 * throwing an instance of 'Napi::Error'": the binding throws into a torn-down environment when the
 * run returns). So the pool never terminates a busy worker: deadlines only release the caller,
 * close() waits for the runs in flight, and a caller bounds the work of one run by validating
 * its inputs (the server's batch and body limits). A worker that dies on its own (an uncaught
 * error, out of memory) fails its request with an InferenceError and is replaced; replacements
 * that fail to load back off from 1 s to 30 s.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../log/index.js';
import { EngineError } from '../errors.js';
import { onnxWorkerMain, type FromWorker, type PoolTensorType, type ToWorker, type WireMeta, type WireTensor, type WorkerInit } from './worker.js';

export type { PoolTensorType } from './worker.js';

/** A tensor given to or returned by the pool. */
export interface PoolTensor {
  type: PoolTensorType;
  dims: readonly number[];
  data: Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;
}

/** An input or output of the model, as onnxruntime reads it from the graph. */
export interface TensorInfo {
  name: string;
  /** onnxruntime's element type name: 'float32', 'int64', ... */
  type: string;
  /** Each dimension: a size, or the name of a symbolic one ('batch_size', 'N'); [] for a scalar. */
  shape: (number | string)[];
}

export interface OnnxPoolOptions {
  /** The model: a file path or its bytes. */
  model: string | Uint8Array;
  /** Worker threads (default: the machine's available parallelism). */
  workers?: number;
  /** onnxruntime intra-op threads per worker (default 1: the pool's parallelism is its workers). */
  intraOpThreads?: number;
  /** Requests waiting for a worker, beyond those running; the next is refused (default 4 per worker). */
  maxQueue?: number;
  /** Default deadline of a request, queueing included, in ms (default 30 000). */
  timeoutMs?: number;
  log?: Logger;
}

export interface RunOptions {
  /** This request's deadline in ms (default: the pool's timeoutMs). */
  timeoutMs?: number;
  /** Output names to compute (default: all). */
  fetches?: string[];
  /**
   * Move the feeds' buffers to the worker instead of copying them: they are detached (empty) in
   * the caller afterwards. For a caller that owns them whole, such as a request body read into a
   * buffer of its own; never for a pooled Buffer (Buffer.from, allocUnsafe), whose other users
   * would lose their bytes.
   */
  transfer?: boolean;
}

/** The queue is full: answer "busy, retry" (HTTP 503). */
export class PoolBusyError extends Error {
  override readonly name = 'PoolBusyError';
  readonly code = 'busy';
}

/** The request's deadline passed (queued or running). */
export class PoolTimeoutError extends Error {
  override readonly name = 'PoolTimeoutError';
  readonly code = 'timeout';
}

/** The pool was closed before the request ran. */
export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';
  readonly code = 'closed';
}

/** onnxruntime failed on these inputs, or the worker running them died. */
export class InferenceError extends Error {
  override readonly name = 'InferenceError';
  readonly code = 'inference-failed';
}

export interface PoolStats {
  workers: number;
  /** Workers loaded and able to take a request. */
  ready: number;
  busy: number;
  queued: number;
  completed: number;
  failed: number;
  rejectedBusy: number;
  timedOut: number;
  /** Workers started to replace one that died or was terminated. */
  restarts: number;
}

interface Job {
  id: number;
  feeds: Record<string, WireTensor>;
  transfer: ArrayBuffer[];
  fetches?: string[];
  resolve: (out: Record<string, PoolTensor>) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  worker?: Slot;
  done: boolean;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  /** Set when the pool itself terminates it (timeout, close): its exit is expected. */
  retiring: boolean;
}

const ORT_PATH = createRequire(import.meta.url).resolve('onnxruntime-node');
/** The worker's source: onnxWorkerMain's text called with the worker's require. */
const WORKER_SOURCE = `(${onnxWorkerMain.toString()})(require);\n`;

/**
 * @example
 * const pool = await OnnxPool.create({ model: 'model.onnx', workers: 4 });
 * const out = await pool.run({ pixels: { type: 'float32', dims: [1, 8, 8, 1], data } });
 * console.log(pool.inputs, out.probs.data);
 * await pool.close();
 */
export class OnnxPool {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly size: number;
  private readonly maxQueue: number;
  private readonly timeoutMs: number;
  private nextId = 1;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readyWaiters: (() => void)[] = [];
  private readonly counters = { completed: 0, failed: 0, rejectedBusy: 0, timedOut: 0, restarts: 0 };
  private failuresInARow = 0;

  private constructor(
    private readonly init: WorkerInit,
    meta: { inputs: WireMeta[]; outputs: WireMeta[] },
    opts: OnnxPoolOptions,
    first: Worker,
    private readonly log?: Logger,
  ) {
    const tensor = (m: WireMeta, side: string): TensorInfo => {
      if (!m.isTensor) throw new EngineError('unparsable', `the model's ${side} '${m.name}' is not a tensor (a sequence or a map): it cannot be served`);
      return { name: m.name, type: m.type!, shape: m.shape! };
    };
    this.inputs = meta.inputs.map((m) => tensor(m, 'input'));
    this.outputs = meta.outputs.map((m) => tensor(m, 'output'));
    this.size = Math.max(1, opts.workers ?? availableParallelism());
    this.maxQueue = Math.max(0, opts.maxQueue ?? 4 * this.size);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.adopt(first, true);
    for (let i = 1; i < this.size; i++) this.spawn();
  }

  /**
   * Loads the model in one worker (its load error becomes an EngineError 'unparsable'), then
   * starts the others; resolves once the first is ready (the others join as they load).
   */
  static async create(opts: OnnxPoolOptions): Promise<OnnxPool> {
    const init: WorkerInit = { ortPath: ORT_PATH, model: opts.model, intraOpThreads: Math.max(1, opts.intraOpThreads ?? 1) };
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: init });
    const meta = await new Promise<{ inputs: WireMeta[]; outputs: WireMeta[] }>((resolve, reject) => {
      const fail = (e: Error) => reject(new EngineError('unparsable', `onnxruntime cannot load the model: ${e.message}`, { cause: e }));
      worker.once('error', fail);
      worker.once('exit', (code) => fail(new Error(`its worker exited (${code}) while loading`)));
      worker.once('message', (m: FromWorker) => {
        worker.removeAllListeners('error').removeAllListeners('exit');
        if ('type' in m && m.type === 'ready') resolve(m);
        else {
          void worker.terminate();
          fail(new Error('type' in m && m.type === 'load-failed' ? m.error : 'unexpected first message'));
        }
      });
    });
    try {
      return new OnnxPool(init, meta, opts, worker, opts.log);
    } catch (e) {
      await worker.terminate();
      throw e;
    }
  }

  /**
   * Runs the model on `feeds` in a free worker. Rejects with PoolBusyError (queue full),
   * PoolTimeoutError, PoolClosedError or InferenceError (onnxruntime refused the inputs or its
   * worker died). The feeds' buffers are copied once to cross the thread boundary; the callers'
   * arrays are left as they were. With `transfer`, they are moved instead.
   */
  run(feeds: Record<string, PoolTensor>, opts: RunOptions = {}): Promise<Record<string, PoolTensor>> {
    if (this.closed) return Promise.reject(new PoolClosedError('the inference pool is closed'));
    const idle = this.slots.find((s) => s.ready && !s.job);
    if (!idle && this.queue.length >= this.maxQueue) {
      this.counters.rejectedBusy++;
      return Promise.reject(new PoolBusyError(`every inference worker is busy and ${this.queue.length} requests are waiting, the most this pool queues`));
    }
    const wire: Record<string, WireTensor> = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, t] of Object.entries(feeds)) {
      if (opts.transfer && t.data.buffer instanceof ArrayBuffer) {
        // The caller gave its buffers up: move them (several views may share one buffer).
        wire[name] = { type: t.type, dims: [...t.dims], data: t.data };
        if (!transfer.includes(t.data.buffer)) transfer.push(t.data.buffer);
        continue;
      }
      // A private copy: a view would clone its whole underlying buffer (say a pooled Buffer), and
      // transferring the caller's own buffer would detach it under the caller's feet.
      const copy = t.data.slice();
      wire[name] = { type: t.type, dims: [...t.dims], data: copy };
      transfer.push(copy.buffer as ArrayBuffer);
    }
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, feeds: wire, transfer, fetches: opts.fetches, resolve, reject, done: false, timer: undefined as unknown as NodeJS.Timeout };
      job.timer = setTimeout(() => this.expire(job, opts.timeoutMs ?? this.timeoutMs), opts.timeoutMs ?? this.timeoutMs);
      if (idle) this.dispatch(idle, job);
      else this.queue.push(job);
    });
  }

  /** Resolves once every worker has loaded the model (create() waits for the first only). */
  allReady(): Promise<void> {
    if (this.readyCount() >= this.size || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  private readyCount(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  get stats(): PoolStats {
    return {
      workers: this.slots.length,
      ready: this.readyCount(),
      busy: this.slots.filter((s) => s.job).length,
      queued: this.queue.length,
      ...this.counters,
    };
  }

  /**
   * Stops taking requests; requests queued get up to `graceMs` (default 10 s) to start, then fail
   * with PoolClosedError; runs in flight are always waited for (a native run cannot be
   * interrupted safely, see the header); then every worker is terminated.
   */
  async close(graceMs = 10_000): Promise<void> {
    if (this.closed && this.slots.length === 0) return;
    this.closed = true;
    if (this.queue.length) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        timer.unref();
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    for (const job of this.queue.splice(0)) this.settle(job, new PoolClosedError('the inference pool closed before this request ran'));
    while (this.slots.some((s) => s.job)) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map((s) => {
        s.retiring = true;
        return s.worker.terminate();
      }),
    );
  }

  private spawn(delayMs = 0): void {
    const start = () => {
      if (this.closed) return;
      this.adopt(new Worker(WORKER_SOURCE, { eval: true, workerData: this.init }));
    };
    if (delayMs > 0) setTimeout(start, delayMs).unref();
    else start();
  }

  /** `ready`: create()'s first worker, loaded already; the others say so in their first message. */
  private adopt(worker: Worker, ready = false): void {
    const slot: Slot = { worker, ready, retiring: false };
    this.slots.push(slot);
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (e) => this.onDeath(slot, `the inference worker failed: ${e.message}`));
    worker.on('exit', (code) => this.onDeath(slot, `the inference worker exited (code ${code})`));
    // Workers keep the process alive until close(), as a server's socket does: a caller awaiting
    // allReady() or run() with nothing else pending must not see its process exit under it.
    if (slot.ready) this.pump();
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if ('type' in m) {
      if (m.type === 'ready') {
        slot.ready = true;
        this.failuresInARow = 0;
        if (this.readyCount() >= this.size) for (const w of this.readyWaiters.splice(0)) w();
        this.pump();
      } else {
        this.log?.error({ err: m.error }, 'an inference worker cannot load the model');
        this.retire(slot, true);
      }
      return;
    }
    const job = slot.job;
    if (!job || job.id !== m.id) return; // the answer of a request that already timed out
    slot.job = undefined;
    if ('error' in m) {
      this.counters.failed++;
      this.settle(job, new InferenceError(`onnxruntime failed to run the model: ${m.error}`));
    } else {
      this.counters.completed++;
      const out: Record<string, PoolTensor> = {};
      for (const [name, t] of Object.entries(m.outputs)) out[name] = { type: t.type, dims: t.dims, data: t.data as PoolTensor['data'] };
      this.settle(job, undefined, out);
    }
    this.pump();
  }

  private onDeath(slot: Slot, why: string): void {
    if (!this.slots.includes(slot)) return; // already retired (exit after error, or terminate)
    if (!slot.retiring) this.log?.warn({ why }, 'inference worker died; starting another');
    this.retire(slot, !slot.retiring);
    if (slot.job) {
      this.counters.failed++;
      this.settle(slot.job, new InferenceError(`${why} while running this request`));
      slot.job = undefined;
    }
  }

  /** Removes a slot (terminating its worker) and starts a replacement unless the pool is closing. */
  private retire(slot: Slot, failed: boolean): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    slot.retiring = true;
    void slot.worker.terminate();
    if (this.closed) return this.checkIdle();
    this.counters.restarts++;
    if (failed) this.failuresInARow++;
    const delay = failed && this.failuresInARow > 1 ? Math.min(30_000, 1000 * 2 ** (this.failuresInARow - 2)) : 0;
    this.spawn(delay);
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    job.worker = slot;
    const msg: ToWorker = { id: job.id, feeds: job.feeds, ...(job.fetches ? { fetches: job.fetches } : {}) };
    slot.worker.postMessage(msg, job.transfer);
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift();
      if (!job) break;
      this.dispatch(slot, job);
    }
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.closed && this.queue.length === 0 && !this.slots.some((s) => s.job)) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private expire(job: Job, ms: number): void {
    if (job.done) return;
    this.counters.timedOut++;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(job, new PoolTimeoutError(`no inference worker was free within ${ms} ms`));
      return;
    }
    // Running: the worker stays busy until onnxruntime returns (see the header), then moves on.
    this.settle(job, new PoolTimeoutError(`the inference did not finish within ${ms} ms`));
  }

  private settle(job: Job, err: Error | undefined, out?: Record<string, PoolTensor>): void {
    if (job.done) return;
    job.done = true;
    clearTimeout(job.timer);
    if (err) job.reject(err);
    else job.resolve(out!);
  }
}
