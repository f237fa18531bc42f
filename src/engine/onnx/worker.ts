/**
 * The body of an OnnxPool worker thread (pool.ts): one onnxruntime InferenceSession, one request
 * at a time.
 *
 * It is started from its source text (`new Worker(source, { eval: true })`, see
 * `onnxWorkerSource`), not from a file: the same code then runs from dist/ (bin/flock, the
 * benchmarks) and from the .ts sources under vitest, which a worker file cannot (Node 20 does
 * not load .ts, and dist/engine/onnx/worker.js does not exist when vitest runs src/). So
 * `onnxWorkerMain` must be self-contained: it may use only its parameters and globals, never an
 * import of this module (the types below are erased). onnxruntime-node is loaded through the
 * absolute path the pool resolved, so the worker finds the very package the pool uses.
 */
import type * as Ort from 'onnxruntime-node';

/** Element types the pool moves (onnxruntime's names); strings are not supported. */
export type PoolTensorType = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool';

/** A tensor as it crosses the thread boundary (the data's buffer is transferred, not copied). */
export interface WireTensor {
  type: PoolTensorType;
  dims: number[];
  data: ArrayBufferView;
}

export interface WireMeta {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: (number | string)[];
}

export interface WorkerInit {
  ortPath: string;
  /** The model file's path, or its bytes. */
  model: string | Uint8Array;
  intraOpThreads: number;
}

export type ToWorker = { id: number; feeds: Record<string, WireTensor>; fetches?: string[] };
export type FromWorker =
  | { type: 'ready'; inputs: WireMeta[]; outputs: WireMeta[] }
  | { type: 'load-failed'; error: string }
  | { id: number; outputs: Record<string, WireTensor>; ms: number }
  | { id: number; error: string };

/** Runs inside the worker thread; `req` is the worker's CommonJS require. */
export function onnxWorkerMain(req: NodeJS.Require): void {
  const { parentPort, workerData } = req('node:worker_threads') as typeof import('node:worker_threads');
  const init = workerData as WorkerInit;
  const ort = req(init.ortPath) as typeof Ort;
  const port = parentPort!;
  const firstLine = (e: unknown) => {
    const m = e instanceof Error ? e.message : String(e);
    return (m.split('\n')[0] ?? m).slice(0, 500);
  };
  const meta = (list: readonly Ort.InferenceSession.ValueMetadata[]) =>
    list.map((m) => (m.isTensor ? { name: m.name, isTensor: true, type: m.type, shape: [...m.shape] } : { name: m.name, isTensor: false }));

  let session: Ort.InferenceSession | undefined;
  const options: Ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: init.intraOpThreads,
    interOpNumThreads: 1,
    logSeverityLevel: 4,
  };
  const created = typeof init.model === 'string' ? ort.InferenceSession.create(init.model, options) : ort.InferenceSession.create(init.model, options);
  created.then(
    (s) => {
      session = s;
      port.postMessage({ type: 'ready', inputs: meta(s.inputMetadata), outputs: meta(s.outputMetadata) } satisfies FromWorker);
    },
    (e: unknown) => port.postMessage({ type: 'load-failed', error: firstLine(e) } satisfies FromWorker),
  );

  port.on('message', (msg: ToWorker) => {
    void (async () => {
      const started = performance.now();
      try {
        const feeds: Record<string, Ort.Tensor> = {};
        for (const [name, t] of Object.entries(msg.feeds)) feeds[name] = new ort.Tensor(t.type, t.data as never, t.dims);
        const result = msg.fetches ? await session!.run(feeds, msg.fetches) : await session!.run(feeds);
        const outputs: Record<string, WireTensor> = {};
        const transfer: ArrayBuffer[] = [];
        for (const [name, t] of Object.entries(result)) {
          const data = t.data as ArrayBufferView;
          if (typeof (t.data as unknown[])[0] === 'string') throw new Error(`output '${name}' is a string tensor, which the pool does not carry`);
          outputs[name] = { type: t.type as PoolTensorType, dims: [...t.dims], data };
          // onnxruntime hands out a fresh buffer per output: move it, don't copy it.
          if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer) transfer.push(data.buffer);
        }
        port.postMessage({ id: msg.id, outputs, ms: performance.now() - started } satisfies FromWorker, transfer);
      } catch (e) {
        port.postMessage({ id: msg.id, error: firstLine(e) } satisfies FromWorker);
      }
    })();
  });
}
