/**
 * The models of bench/serve.ts, made in a worker thread of their own: the digits MLP is trained
 * with the engine and the CNN built with it, which loads tfjs (about 20 MB of JavaScript heap).
 * Made in the benchmark's main thread, that heap would stay beside the server under test and make
 * each of its full garbage collections slower than `flock serve`'s, which never loads tfjs.
 */
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { buildModel, exportOnnx, initBackend, loadTaskSpec, train } from '../src/engine/index.js';

export type BenchModel = 'small' | 'cnn';

async function make(which: BenchModel): Promise<Uint8Array> {
  if (which === 'small') {
    // The digits MLP of the Arena e2e (hidden [16], 6 epochs).
    const { spec, files } = await loadTaskSpec(path.join(process.cwd(), 'examples', 'tasks', 'digits', 'task.yaml'));
    const r = await train({ data: files.train, schema: spec.schema, config: { model: { kind: 'mlp', hidden: [16] }, epochs: 6, batchSize: 32, learningRate: 0.01, validationFraction: 0, seed: 1 } });
    const bytes = exportOnnx(r.model);
    r.model.dispose();
    return bytes;
  }
  // The engine's own CNN at MNIST's size, seeded (inference costs the same whatever the weights).
  await initBackend();
  const conv = (filters: number) => ({ filters, kernelSize: 3, strides: 1, padding: 'same' as const, pool: 'max' as const, poolSize: 2 });
  const m = buildModel({ kind: 'cnn', conv: [conv(32), conv(64)], dense: [128] }, { taskType: 'classification', inputShape: [28, 28, 1], outputShape: [10], seed: 1 });
  const bytes = exportOnnx(m);
  m.dispose();
  return bytes;
}

if (parentPort) make(workerData as BenchModel).then((bytes) => parentPort!.postMessage(bytes));
