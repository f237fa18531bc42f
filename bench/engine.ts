/**
 * Engine benchmark: training throughput on every tfjs backend present, and validation
 * (inference) throughput of onnxruntime-node against tfjs on the same model.
 *
 *   npx tsc -p bench/engine.tsconfig.json && node dist/bench/bench/engine.js [--quick]
 *
 * Run from the repository root. Prints a Markdown report (the "Engine" section of
 * docs/BENCHMARKS.md is a copy of it).
 */
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import {
  BACKENDS,
  describeBackends,
  exportOnnx,
  initBackend,
  loadEvaluationData,
  loadTaskSpec,
  train,
  type BackendName,
  type TrainerConfigInput,
} from '../src/engine/index.js';

const quick = process.argv.includes('--quick');
const task = await loadTaskSpec(path.resolve('examples/tasks/digits/task.yaml'));
const MODELS: Record<string, TrainerConfigInput['model']> = {
  'MLP 64-128-64-10': { kind: 'mlp', hidden: [128, 64] },
  'CNN conv16-pool-conv32-pool-dense64': { kind: 'cnn' },
};
const EPOCHS = quick ? 2 : 4;
const INFER_ROWS = quick ? 4096 : 20_000;
const INFER_BATCH = 256;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const report = await describeBackends();
const present: BackendName[] = [];
for (const b of BACKENDS) if (await initBackend({ backend: b }).catch(() => null)) present.push(b);

const out = (s = '') => console.log(s);

out(`Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, tfjs ${tf.version.tfjs}, onnxruntime-node ${ort.env.versions.common}.`);
out(`Backends present: ${present.join(', ')}; auto picks ${report.selected?.name}. Not present: ${report.backends.filter((b) => !b.available).map((b) => `${b.package} (${b.reason})`).join('; ') || 'none'}.`);
out();
out(`### Training (digits train split, ${EPOCHS} epochs, batch 32, samples/s per epoch: median)`);
out();
out('| model | ' + present.join(' | ') + ' |');
out('|---|' + present.map(() => '---:').join('|') + '|');
const trained: Record<string, tf.Sequential> = {};
for (const [name, model] of Object.entries(MODELS)) {
  const cells: string[] = [];
  for (const backend of present) {
    const r = await train({ data: task.files.train, schema: task.spec.schema, backend, config: { model, epochs: EPOCHS, batchSize: 32, validationFraction: 0, seed: 1 } });
    // First epoch includes kernel warm-up; the median is what a long run sees.
    cells.push(fmt(median(r.history.map((h) => h.samplesPerSec))));
    if (backend === 'wasm') trained[name] = r.model;
    else r.model.dispose();
  }
  out(`| ${name} | ${cells.join(' | ')} |`);
}

out();
out(`### Validation inference (${fmt(INFER_ROWS)} rows, batch ${INFER_BATCH}, samples/s: best of 3)`);
out();
const data = await loadEvaluationData(task.files.validation!, task.spec.schema);
const x = new Float32Array(INFER_ROWS * 64);
for (let i = 0; i < INFER_ROWS; i++) x.set(data.x.subarray((i % data.size) * 64, (i % data.size + 1) * 64), i * 64);
const tfBackends = present.filter((b) => b !== 'cpu' || !quick);
out(`| model | onnxruntime-node | ${tfBackends.map((b) => `tfjs ${b}`).join(' | ')} | onnxruntime / best tfjs |`);
out('|---|---:|' + tfBackends.map(() => '---:').join('|') + '|---:|');

async function timeIt(fn: () => Promise<void> | void): Promise<number> {
  await fn(); // warm-up
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return INFER_ROWS / (best / 1000);
}

for (const [name, model] of Object.entries(trained)) {
  const bytes = exportOnnx(model);
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  const onnxRate = await timeIt(async () => {
    for (let s = 0; s < INFER_ROWS; s += INFER_BATCH) {
      const n = Math.min(INFER_BATCH, INFER_ROWS - s);
      const r = await session.run({ input: new ort.Tensor('float32', x.subarray(s * 64, (s + n) * 64), [n, 8, 8, 1]) });
      r['output']!.dispose?.();
    }
  });
  await session.release();
  const tfRates: number[] = [];
  for (const backend of tfBackends) {
    await initBackend({ backend });
    tfRates.push(
      await timeIt(() => {
        for (let s = 0; s < INFER_ROWS; s += INFER_BATCH) {
          const n = Math.min(INFER_BATCH, INFER_ROWS - s);
          tf.tidy(() => (model.predict(tf.tensor(x.subarray(s * 64, (s + n) * 64), [n, 8, 8, 1])) as tf.Tensor).dataSync());
        }
      }),
    );
  }
  out(`| ${name} | ${fmt(onnxRate)} | ${tfRates.map(fmt).join(' | ')} | ${(onnxRate / Math.max(...tfRates)).toFixed(1)}x |`);
}
