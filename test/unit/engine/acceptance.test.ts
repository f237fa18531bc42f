/**
 * Product acceptance: trained on the digits task's training file with the wasm backend, the
 * exported ONNX model scores >= 0.95 accuracy on the hidden validation split with onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import { evaluateModel, exportOnnx, train, type TrainerConfigInput } from '../../../src/engine/index.js';
import { task } from './helpers.js';

describe('digits acceptance (wasm backend)', () => {
  const run = async (name: string, config: TrainerConfigInput) => {
    const t = await task('digits');
    const r = await train({ data: t.files.train, schema: t.spec.schema, config, backend: 'wasm' });
    expect(r.backend.name).toBe('wasm');
    const bytes = exportOnnx(r.model);
    r.model.dispose();
    const ev = await evaluateModel(bytes, { contract: t.spec.contract, metric: t.spec.metric.name, data: t.files.validation!, schema: t.spec.schema });
    expect(ev.valid, JSON.stringify(ev)).toBe(true);
    if (!ev.valid) return;
    console.log(
      `digits ${name}: hidden-split accuracy ${ev.score.toFixed(4)} (${ev.samples} rows), ${r.history.length} epochs (best ${r.bestEpoch}), ` +
        `train ${(r.durationMs / 1000).toFixed(1)} s, ${ev.parameterCount} params, ${bytes.length} bytes`,
    );
    expect(ev.score).toBeGreaterThanOrEqual(0.95);
    expect(ev.score).toBeGreaterThanOrEqual(t.spec.baseline!);
  };

  it('CNN with the task\'s suggested trainer config', async () => {
    const t = await task('digits');
    await run('cnn', t.spec.trainer!);
  }, 120_000); // ~12 s alone on 2 cores, ~22 s beside the other test files

  it('MLP', async () => {
    await run('mlp', { model: { kind: 'mlp', hidden: [128, 64], dropout: 0.1 }, epochs: 30, learningRate: 0.003, earlyStopping: { patience: 6 }, seed: 1 });
  }, 120_000);
});
