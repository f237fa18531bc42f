/**
 * The onnxruntime worker pool (engine/onnx/pool.ts): outputs equal a direct session.run, the
 * event loop stays free while a worker runs, the queue is bounded, deadlines and dead workers
 * are handled, close is clean. Real onnxruntime on MLPs written as ONNX (test/fixtures/engine/mlp.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/engine/errors.js';
import { InferenceError, OnnxPool, PoolBusyError, PoolClosedError, PoolTimeoutError } from '../../../src/engine/onnx/pool.js';
import { digitsMlpOnnx, mlpOnnx, seededFloats } from '../../fixtures/engine/mlp.js';

const dir = mkdtempSync(join(tmpdir(), 'flock-pool-'));
const digitsFile = join(dir, 'digits.onnx');
/** Heavy enough that one run of 2048 rows takes tens of ms. */
const heavy = mlpOnnx({ sizes: [784, 1024, 1024, 10], seed: 2 });

beforeAll(() => writeFileSync(digitsFile, digitsMlpOnnx()));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pixels = (rows: number, seed = 3) => ({ type: 'float32' as const, dims: [rows, 8, 8, 1], data: seededFloats(rows * 64, seed, 8).map(Math.abs) });

describe('OnnxPool', () => {
  it('exposes the metadata and answers as a direct session.run does', async () => {
    const pool = await OnnxPool.create({ model: digitsFile, workers: 2, maxQueue: 16 });
    try {
      expect(pool.inputs).toEqual([{ name: 'pixels', type: 'float32', shape: ['batch_size', 8, 8, 1] }]);
      expect(pool.outputs).toEqual([{ name: 'probs', type: 'float32', shape: ['batch_size', 10] }]);
      const session = await ort.InferenceSession.create(digitsFile);
      const inputs = Array.from({ length: 12 }, (_, i) => pixels(1 + (i % 4), i));
      const got = await Promise.all(inputs.map((x) => pool.run({ pixels: x })));
      for (const [i, x] of inputs.entries()) {
        const direct = await session.run({ pixels: new ort.Tensor('float32', x.data, x.dims) });
        expect(got[i]!.probs!.dims).toEqual([x.dims[0], 10]);
        expect(Array.from(got[i]!.probs!.data as Float32Array)).toEqual(Array.from(direct.probs!.data as Float32Array));
      }
      // The caller's arrays are intact (the pool sends copies).
      expect(inputs[0]!.data.length).toBe(64);
      await session.release();
      await pool.allReady();
      expect(pool.stats).toMatchObject({ workers: 2, ready: 2, completed: 12, failed: 0 });
    } finally {
      await pool.close();
    }
  });

  it('with transfer, moves views of one buffer (at offsets) to the worker: same outputs, the buffer detached', async () => {
    const pool = await OnnxPool.create({ model: digitsFile, workers: 1 });
    try {
      const x = pixels(3, 11);
      const expected = await pool.run({ pixels: x });
      // A body-like buffer: 8 bytes of something else, then the tensor.
      const buffer = new ArrayBuffer(8 + x.data.byteLength);
      const view = new Float32Array(buffer, 8, x.data.length);
      view.set(x.data);
      const got = await pool.run({ pixels: { type: 'float32', dims: x.dims, data: view } }, { transfer: true });
      expect(Array.from(got.probs!.data as Float32Array)).toEqual(Array.from(expected.probs!.data as Float32Array));
      expect(buffer.byteLength).toBe(0); // moved, not copied
    } finally {
      await pool.close();
    }
  });

  it('keeps the event loop free while a worker runs (session.run alone blocks it)', async () => {
    const x = { type: 'float32' as const, dims: [2048, 784], data: seededFloats(2048 * 784, 5) };
    const lagDuring = async (work: () => Promise<unknown>) => {
      let max = 0;
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        max = Math.max(max, now - last);
        last = now;
      }, 2);
      const t0 = performance.now();
      await work();
      const ms = performance.now() - t0;
      clearInterval(timer);
      max = Math.max(max, performance.now() - last);
      return { max, ms };
    };
    const session = await ort.InferenceSession.create(heavy, { intraOpNumThreads: 1 });
    const direct = await lagDuring(() => session.run({ x: new ort.Tensor('float32', x.data, x.dims) }));
    await session.release();
    const pool = await OnnxPool.create({ model: heavy, workers: 1 });
    try {
      const pooled = await lagDuring(() => pool.run({ x }));
      // Direct: the timer cannot fire during the run. Pooled: it keeps ticking every few ms.
      expect(direct.max).toBeGreaterThan(direct.ms * 0.8);
      expect(pooled.ms).toBeGreaterThan(20);
      expect(pooled.max).toBeLessThan(pooled.ms / 2);
    } finally {
      await pool.close();
    }
  });

  it('refuses past its queue, times out, replaces a dead worker', async () => {
    const x = { type: 'float32' as const, dims: [2048, 784], data: seededFloats(2048 * 784, 6) };
    const pool = await OnnxPool.create({ model: heavy, workers: 1, maxQueue: 1 });
    try {
      const a = pool.run({ x });
      const b = pool.run({ x });
      await expect(pool.run({ x })).rejects.toBeInstanceOf(PoolBusyError);
      await Promise.all([a, b]);
      expect(pool.stats.rejectedBusy).toBe(1);

      // A deadline shorter than the run releases the caller; the worker finishes that run (a
      // native run cannot be interrupted) and takes the next request.
      const long = { type: 'float32' as const, dims: [6144, 784], data: seededFloats(6144 * 784, 8) };
      const t0 = performance.now();
      await expect(pool.run({ x: long }, { timeoutMs: 5 })).rejects.toBeInstanceOf(PoolTimeoutError);
      const released = performance.now() - t0;
      const t1 = performance.now();
      await pool.run({ x: { ...x, dims: [1, 784], data: x.data.subarray(0, 784) } }); // queued behind the long run
      expect(released).toBeLessThan((performance.now() - t0) / 2);
      expect(performance.now() - t1).toBeGreaterThan(released);
      await expect(pool.run({ x: { ...x, dims: [1, 784], data: x.data.subarray(0, 784) } })).resolves.toHaveProperty('y');
      expect(pool.stats).toMatchObject({ timedOut: 1, restarts: 0 });
      // Queued past its deadline: dropped without running.
      const busy = pool.run({ x });
      await expect(pool.run({ x }, { timeoutMs: 5 })).rejects.toThrow(/no inference worker was free within 5 ms/);
      await busy;

      // A worker that dies is replaced (terminated here while idle: terminating one inside a
      // native run would abort the whole process, see pool.ts).
      const slot = (pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots[0]!;
      await slot.worker.terminate();
      await expect(pool.run({ x: { ...x, dims: [2, 784], data: x.data.subarray(0, 2 * 784) } })).resolves.toHaveProperty('y');
      expect(pool.stats).toMatchObject({ restarts: 1, workers: 1 });
    } finally {
      await pool.close();
    }
  });

  it('fails bad inputs with InferenceError and keeps serving', async () => {
    const pool = await OnnxPool.create({ model: digitsFile, workers: 1 });
    try {
      await expect(pool.run({ pixels: { type: 'float32', dims: [1, 7, 8, 1], data: new Float32Array(56) } })).rejects.toThrow(InferenceError);
      await expect(pool.run({ nope: pixels(1) })).rejects.toThrow(/onnxruntime failed/);
      await expect(pool.run({ pixels: pixels(2) })).resolves.toHaveProperty('probs');
    } finally {
      await pool.close();
    }
  });

  it('refuses a model onnxruntime cannot load', async () => {
    await expect(OnnxPool.create({ model: new Uint8Array([1, 2, 3, 4]) })).rejects.toThrow(EngineError);
    await expect(OnnxPool.create({ model: join(dir, 'missing.onnx') })).rejects.toThrow(/cannot load the model/);
  });

  it('closes cleanly: queued work finishes, later runs are refused', async () => {
    const pool = await OnnxPool.create({ model: digitsFile, workers: 1, maxQueue: 10 });
    const runs = Array.from({ length: 5 }, (_, i) => pool.run({ pixels: pixels(2, i) }));
    await pool.close();
    expect((await Promise.allSettled(runs)).map((r) => r.status)).toEqual(Array(5).fill('fulfilled'));
    await expect(pool.run({ pixels: pixels(1) })).rejects.toBeInstanceOf(PoolClosedError);
    expect(pool.stats.workers).toBe(0);
    await pool.close(); // twice is fine
  });
});
