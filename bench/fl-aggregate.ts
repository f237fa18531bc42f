/**
 * Aggregation throughput of every fl rule at n = 10 updates of d = 1,000,000 float32 parameters,
 * against a memcpy of the same bytes (n x d x 4 = 40 MB: Float32Array.set and Buffer.copy)
 * measured in the same run. Throughput is input parameters per second (n x d / time); the ratio
 * is memcpy time / rule time (1.0 = as fast as copying the inputs once).
 *
 *   npx tsc -p bench/fl-aggregate.tsconfig.json && node dist/bench/bench/fl-aggregate.js [--quick]
 *
 * Prints a Markdown report (the "Federated aggregation" section of docs/BENCHMARKS.md is a copy).
 * Two rows per rule: the rule alone, and the Strategy (rule + per-update signals: the norm of
 * each change and the distance to the coordinate-wise median, which costs a median pass); plus
 * the whole pipeline on ONNX bytes (parse, validate, FedAvg, canonical write, CID).
 */
import os from 'node:os';
import { encodeModel } from '../src/engine/onnx/proto.js';
import { mulberry32 } from '../src/engine/random.js';
import { aggregateModels, STRATEGIES, type Rule, type StrategyOptions, type Update } from '../src/fl/index.js';
import { bulyanRule } from '../src/fl/strategies/bulyan.js';
import { fedAvgRule } from '../src/fl/strategies/fedavg.js';
import { krumRule, multiKrumRule } from '../src/fl/strategies/krum.js';
import { medianRule } from '../src/fl/strategies/median.js';
import { trimmedRule } from '../src/fl/strategies/trimmed.js';

const quick = process.argv.includes('--quick');
const N = 10;
const D = quick ? 200_000 : 1_000_000;
const REPEATS = quick ? 3 : 5;

/** mulberry32 (the engine's): the same inputs on every run. */
const rng = mulberry32;

const r = rng(42);
const global = new Float32Array(D).map(() => r() - 0.5);
const updates: Update[] = Array.from({ length: N }, (_, i) => ({
  id: `u${String(i).padStart(2, '0')}`,
  weights: global.map((x) => x + 0.01 * (r() - 0.5)),
  examples: 100 + i,
}));

/** Best wall time of `REPEATS` runs, in ms (after one warm-up run). */
function best(f: () => unknown): number {
  f();
  let min = Infinity;
  for (let k = 0; k < REPEATS; k++) {
    const t0 = performance.now();
    f();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

const target = new Float32Array(N * D);
const memcpySet = best(() => {
  for (let i = 0; i < N; i++) target.set(updates[i]!.weights, i * D);
});
const targetBuf = Buffer.from(target.buffer);
const sources = updates.map((u) => Buffer.from(u.weights.buffer, u.weights.byteOffset, u.weights.byteLength));
const memcpyBuf = best(() => {
  for (let i = 0; i < N; i++) sources[i]!.copy(targetBuf, i * D * 4);
});
const memcpy = Math.min(memcpySet, memcpyBuf);

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const rate = (ms: number) => `${fmt((N * D) / (ms / 1000) / 1e6)} M`;
const out = (s = '') => console.log(s);

out(`Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; n = ${N} updates, d = ${fmt(D)} float32 parameters (${fmt((N * D * 4) / 1e6)} MB in); best of ${REPEATS}.`);
out();
out('| operation | ms | parameters/s | x memcpy |');
out('|---|---:|---:|---:|');
out(`| memcpy: Float32Array.set | ${memcpySet.toFixed(1)} | ${rate(memcpySet)} | ${(memcpy / memcpySet).toFixed(2)} |`);
out(`| memcpy: Buffer.copy | ${memcpyBuf.toFixed(1)} | ${rate(memcpyBuf)} | ${(memcpy / memcpyBuf).toFixed(2)} |`);

const RULES: [string, Rule, StrategyOptions, keyof typeof STRATEGIES][] = [
  ['fedavg', fedAvgRule, {}, 'fedavg'],
  ['median', medianRule, {}, 'median'],
  ['trimmed (beta 0.2)', trimmedRule, { beta: 0.2 }, 'trimmed'],
  ['krum (f 2)', krumRule, { f: 2 }, 'krum'],
  ['multikrum (f 2, m 8)', multiKrumRule, { f: 2, m: 8 }, 'multikrum'],
  ['bulyan (f 1)', bulyanRule, { f: 1 }, 'bulyan'],
];
for (const [name, rule, opts, key] of RULES) {
  const core = best(() => rule(updates, opts));
  out(`| ${name}: rule | ${core.toFixed(1)} | ${rate(core)} | ${(memcpy / core).toFixed(2)} |`);
  const full = best(() => STRATEGIES[key].aggregate(global, updates, opts));
  out(`| ${name}: rule + signals | ${full.toFixed(1)} | ${rate(full)} | ${(memcpy / full).toFixed(2)} |`);
}

// The whole pipeline on ONNX bytes: one initializer of d floats under an Identity node.
const onnx = (w: Float32Array) =>
  encodeModel({
    ir_version: 8,
    opset_import: [{ domain: '', version: 13 }],
    graph: {
      name: 'bench',
      node: [{ op_type: 'Identity', input: ['w'], output: ['y'] }],
      initializer: [{ name: 'w', dims: [D], data_type: 1, raw_data: new Uint8Array(w.buffer, w.byteOffset, w.byteLength) }],
      output: [{ name: 'y', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: D }] } } } }],
    },
  });
const globalBytes = onnx(global);
const updateBytes = updates.map((u) => ({ id: u.id, bytes: onnx(u.weights), examples: u.examples }));
const pipeline = best(() => aggregateModels(globalBytes, updateBytes, { rule: 'fedavg' }));
out(`| fedavg: whole pipeline on ONNX (parse, validate, rule + signals, write, CID) | ${pipeline.toFixed(1)} | ${rate(pipeline)} | ${(memcpy / pipeline).toFixed(2)} |`);
