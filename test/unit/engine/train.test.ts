import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EngineError, exportOnnx, initBackend, TabularDataset, train, type EpochReport } from '../../../src/engine/index.js';
import { task } from './helpers.js';

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('training', () => {
  it('is deterministic on the cpu backend: same seed -> identical weights and ONNX bytes (with dropout)', async () => {
    await initBackend({ backend: 'cpu' });
    const t = await task('breast-cancer');
    const config = { model: { kind: 'mlp' as const, hidden: [16, 8], dropout: 0.3, batchNorm: true }, epochs: 3, batchSize: 32, seed: 11 };
    const a = await train({ data: t.files.train, schema: t.spec.schema, config, backend: 'cpu' });
    const b = await train({ data: t.files.train, schema: t.spec.schema, config, backend: 'cpu' });
    const c = await train({ data: t.files.train, schema: t.spec.schema, config: { ...config, seed: 12 }, backend: 'cpu' });
    expect(a.backend.name).toBe('cpu');
    expect(weightsOf(b.model)).toEqual(weightsOf(a.model));
    expect(weightsOf(c.model)).not.toEqual(weightsOf(a.model));
    expect(b.history.map((h) => h.loss)).toEqual(a.history.map((h) => h.loss));
    const sha = (m: tf.LayersModel) => createHash('sha256').update(exportOnnx(m)).digest('hex');
    expect(sha(b.model)).toBe(sha(a.model));
    for (const m of [a.model, b.model, c.model]) m.dispose();
  });

  it('leaves no tensors behind once its model is disposed (the optimizer too, or a daemon leaks every round)', async () => {
    await initBackend({ backend: 'cpu' });
    const t = await task('breast-cancer');
    const config = { model: { kind: 'mlp' as const, hidden: [16, 8] }, epochs: 1, seed: 2 };
    (await train({ data: t.files.train, schema: t.spec.schema, config, backend: 'cpu' })).model.dispose();
    const before = tf.memory().numTensors;
    for (const optimizer of ['adam', 'sgd', 'rmsprop'] as const) {
      (await train({ data: t.files.train, schema: t.spec.schema, config: { ...config, optimizer }, backend: 'cpu' })).model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is deterministic on the wasm backend too', async () => {
    await initBackend({ backend: 'wasm' });
    const t = await task('digits');
    const config = { model: { kind: 'cnn' as const, conv: [{ filters: 4 }], dense: [16], dropout: 0.2 }, epochs: 1, seed: 3 };
    const a = await train({ data: t.files.train, schema: t.spec.schema, config, backend: 'wasm' });
    const b = await train({ data: t.files.train, schema: t.spec.schema, config, backend: 'wasm' });
    expect(weightsOf(b.model)).toEqual(weightsOf(a.model));
    for (const m of [a.model, b.model]) m.dispose();
  });

  it('reports progress per epoch and per batch, and stops early on a stalled validation loss', async () => {
    await initBackend({ backend: 'wasm' });
    const t = await task('breast-cancer');
    const epochs: EpochReport[] = [];
    let batches = 0;
    const r = await train({
      data: t.files.train,
      schema: t.spec.schema,
      // A large learning rate overfits quickly, so validation loss stops improving.
      config: { model: { kind: 'mlp', hidden: [64, 64] }, epochs: 200, learningRate: 0.05, earlyStopping: { patience: 3 }, seed: 2 },
      onEpoch: (e) => epochs.push(e),
      onBatch: () => batches++,
    });
    expect(r.stoppedEarly).toBe(true);
    expect(epochs.length).toBeLessThan(200);
    expect(epochs.length).toBe(r.history.length);
    expect(r.bestEpoch).toBe(epochs.length - 3);
    expect(epochs[r.bestEpoch - 1]!.improved).toBe(true);
    const e = epochs[0]!;
    expect(e.epoch).toBe(1);
    expect(e.epochs).toBe(200);
    expect(e.samplesPerSec).toBeGreaterThan(0);
    expect(Object.keys(e.valMetrics!).sort()).toEqual(['accuracy', 'f1', 'log-loss']);
    expect(batches).toBe(epochs.length * Math.ceil(r.stats.trainRows / 32));
    // The model holds the best epoch's weights (restoreBest), not the last.
    const best = epochs[r.bestEpoch - 1]!.valLoss!;
    expect(Math.min(...epochs.map((x) => x.valLoss!))).toBe(best);
    r.model.dispose();
  });

  it('trains regression in the target\'s units (diabetes beats the mean predictor)', async () => {
    const t = await task('diabetes');
    const r = await train({ data: t.files.train, schema: t.spec.schema, config: t.spec.trainer! });
    const last = r.history[r.bestEpoch - 1]!;
    const variance = r.stats.labelStd! ** 2;
    expect(last.valMetrics!.mse).toBeLessThan(variance);
    r.model.dispose();
  });

  it('can be aborted between batches', async () => {
    const t = await task('digits');
    const ctrl = new AbortController();
    const p = train({ data: t.files.train, schema: t.spec.schema, config: { model: { kind: 'mlp' }, epochs: 50 }, signal: ctrl.signal, onBatch: (b) => b.batch === 3 && ctrl.abort() });
    await expect(p).rejects.toMatchObject({ code: 'aborted' });
  });

  it('yields to the event loop while training, so a timer or a signal handler can abort it', async () => {
    const t = await task('digits');
    const ctrl = new AbortController();
    let last = 0;
    // As SIGTERM does: the abort comes from a macrotask, not from inside an engine callback.
    const onEpoch = (e: { epoch: number }) => {
      last = e.epoch;
      if (e.epoch === 1) setTimeout(() => ctrl.abort(), 0);
    };
    const p = train({ data: t.files.train, schema: t.spec.schema, config: { ...t.spec.trainer!, epochs: 30, earlyStopping: undefined }, backend: 'wasm', signal: ctrl.signal, onEpoch });
    await expect(p).rejects.toMatchObject({ code: 'aborted' });
    expect(last).toBeLessThanOrEqual(2);
  });

  it('rejects bad configs with a clear error', async () => {
    const t = await task('breast-cancer');
    await expect(train({ data: t.files.train, schema: t.spec.schema, config: { model: { kind: 'cnn' } } })).rejects.toThrow(/image-shaped inputShape/);
    await expect(train({ data: t.files.train, schema: t.spec.schema, config: { model: { kind: 'mlp', hidden: [0] } } as never })).rejects.toBeInstanceOf(EngineError);
  });

  it('any other failure while training is an EngineError (training-failed, exit 2), never a bug (exit 1)', async () => {
    // Issue #9: trainers must never exit 1 on data that passed the check. A stand-in dataset
    // whose pass fails the way tfjs or the file system might (a plain TypeError).
    const t = await task('breast-cancer');
    const real = await TabularDataset.open(t.files.train, t.spec.schema);
    const broken = Object.create(real) as TabularDataset;
    broken.scan = async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'shape')");
    };
    const err = await train({ data: broken, config: { model: { kind: 'mlp', hidden: [4] }, epochs: 1 }, backend: 'cpu' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'training-failed', exitCode: 2, message: "training failed: Cannot read properties of undefined (reading 'shape')" });
    expect((err as Error).cause).toBeInstanceOf(TypeError);
  });
});
