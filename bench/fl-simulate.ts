/**
 * Federated learning measured with `flock fl simulate`'s engine (src/fl/simulate): real local
 * training from the global ONNX model, real aggregation, ONNX scoring on each task's hidden split.
 *
 *   npm run bench:fl-sim [-- convergence|poisoning|privacy ...] [-- --quick]
 *
 * - convergence: digits and breast cancer, 10 clients, IID and label-skewed (Dirichlet 0.5), the
 *   global model's score per round against the same model trained centrally for the same budget
 *   (rounds x local epochs epochs over all rows).
 * - poisoning: 2 of 10 clients send scaled (x10) or sign-flipped (x10) updates; the final score of
 *   each rule against its clean run, and the share of rounds whose signals single out exactly
 *   the poisoners.
 * - privacy: DP-FedAvg (client-level: clipped updates, Gaussian noise on the mean) at epsilon 1, 3
 *   and 8 (delta 1e-5) on digits, with the noise multiplier the RDP accountant gives for each.
 *
 * Prints Markdown (the "Federated learning" section of docs/BENCHMARKS.md is a copy) and writes
 * the per-round data to bench/results/fl-<section>.json and charts to fl-<section>.charts.json
 * (`npm run plot:fl` draws them as SVG into docs/img/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { privacyReport } from '../src/fl/privacy/index.js';
import { simulate, type SimulationOptions, type SimulationResult } from '../src/fl/simulate/index.js';
import type { RuleName } from '../src/fl/strategies/types.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const wanted = args.filter((a) => !a.startsWith('--'));
const run = (section: string) => wanted.length === 0 || wanted.includes(section);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const spec = (name: string) => path.join(ROOT, 'examples/tasks', name, 'task.yaml');
const OUT = path.join(ROOT, 'bench/results');

interface Chart {
  id: string;
  title: string;
  xLabel: string;
  /** The x of values[0]: 0, the initial model. */
  xStart?: number;
  yLabel: string;
  series: { name: string; values: (number | null)[]; dashed?: boolean }[];
  yMin?: number;
  yMax?: number;
}

/** Each section writes its own files (bench/results/fl-<section>.json and .charts.json), so sections can run in parallel processes. */
function save(section: string, data: unknown, charts: Chart[] = []): void {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, `fl-${section}.json`), `${JSON.stringify(data, null, 1)}\n`);
  if (charts.length > 0) writeFileSync(path.join(OUT, `fl-${section}.charts.json`), `${JSON.stringify(charts, null, 1)}\n`);
}

const f4 = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(4));
const pts = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null ? '–' : ((a - b) * 100).toFixed(1));
const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;

async function sim(o: Omit<SimulationOptions, 'onRound'>, label: string): Promise<SimulationResult> {
  const r = await simulate(o);
  process.stderr.write(`${label}: final ${f4(r.final)}${r.central ? `, central ${f4(r.central.score)}` : ''}${r.caughtShare !== undefined ? `, caught ${r.caughtShare}` : ''} (${seconds(r.durationMs)})\n`);
  return r;
}

const lines: string[] = [];
const out = (s = '') => lines.push(s);
out(`Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}${quick ? ' (--quick)' : ''}.`);

// Per dataset: rounds and local epochs such that FedAvg has converged on IID data.
const CONVERGENCE: { task: string; rounds: number; localEpochs: number }[] = [
  { task: 'digits', rounds: quick ? 4 : 40, localEpochs: quick ? 1 : 5 },
  { task: 'breast-cancer', rounds: quick ? 4 : 20, localEpochs: quick ? 1 : 5 },
];

if (run('convergence')) {
  const rows: Record<string, unknown>[] = [];
  const charts: Chart[] = [];
  out('\n### Federated vs centralised (FedAvg, 10 clients)\n');
  out('| task | split | rounds x local epochs | federated | centralised (same epochs) | gap (points) | time |');
  out('|---|---|---|---:|---:|---:|---:|');
  const perRound: string[] = [];
  for (const c of CONVERGENCE) {
    const runs: Record<string, SimulationResult> = {};
    for (const split of ['iid', 'label-skew'] as const) {
      const r = await sim({ task: spec(c.task), clients: 10, rounds: c.rounds, localEpochs: c.localEpochs, rule: 'fedavg', split, central: true, seed: 1 }, `${c.task} ${split}`);
      runs[split] = r;
      out(`| ${c.task} (${r.metric}) | ${split} | ${c.rounds} x ${c.localEpochs} | ${f4(r.final)} | ${f4(r.central!.score)} | ${pts(r.central!.score, r.final)} | ${seconds(r.durationMs)} |`);
      rows.push({ task: c.task, split, rounds: c.rounds, localEpochs: c.localEpochs, final: r.final, central: r.central, clients: r.clients, scores: r.rounds.map((x) => x.score) });
    }
    const iid = runs.iid!;
    const skew = runs['label-skew']!;
    perRound.push(`\n${c.task} (${iid.metric} on the hidden split; centralised ${f4(iid.central!.score)} after ${iid.central!.epochs} epochs):\n`);
    perRound.push('| round | IID | label-skew |', '|---:|---:|---:|');
    for (let i = 0; i < iid.rounds.length; i++) perRound.push(`| ${i} | ${f4(iid.rounds[i]!.score)} | ${f4(skew.rounds[i]!.score)} |`);
    charts.push({
      id: `fl-convergence-${c.task}`,
      title: `${c.task}: FedAvg, 10 clients, ${c.localEpochs} local epochs per round`,
      xLabel: 'round',
      xStart: 0,
      yLabel: `${iid.metric} (hidden split)`,
      series: [
        { name: 'IID', values: iid.rounds.map((x) => x.score) },
        { name: 'label-skew (Dirichlet 0.5)', values: skew.rounds.map((x) => x.score) },
        { name: `centralised, ${iid.central!.epochs} epochs`, values: iid.rounds.map(() => iid.central!.score), dashed: true },
      ],
      yMin: 0,
      yMax: 1,
    });
  }
  out('\nPer round (round 0 is the initial model):');
  lines.push(...perRound);
  save('convergence', rows, charts);
}

if (run('poisoning')) {
  const rules: { rule: RuleName; label: string; opts: Partial<SimulationOptions> }[] = [
    { rule: 'fedavg', label: 'FedAvg', opts: {} },
    { rule: 'median', label: 'median', opts: {} },
    { rule: 'trimmed', label: 'trimmed mean (beta 0.2)', opts: { beta: 0.2 } },
    { rule: 'krum', label: 'Krum (f 2)', opts: { f: 2 } },
    { rule: 'multikrum', label: 'MultiKrum (f 2, m 8)', opts: { f: 2, m: 8 } },
    { rule: 'bulyan', label: 'Bulyan (f 1; n >= 4f + 3 allows no more at n = 10)', opts: { f: 1 } },
  ];
  const rounds = quick ? 3 : 10;
  const localEpochs = quick ? 1 : 2;
  const base = { task: spec('digits'), clients: 10, rounds, localEpochs, split: 'iid' as const, seed: 1 };
  out(`\n### Poisoning: 2 of 10 clients attack (digits, IID, ${rounds} rounds x ${localEpochs} local epochs)\n`);
  out('Final accuracy on the hidden split; "caught" is the share of rounds in which the 2 updates the signals blame most (the highest Krum scores for the Krum family, else the largest distances to the coordinate-wise median) are exactly the poisoners.\n');
  out('| rule | clean | scaled x10 | (points vs clean) | caught | sign-flipped x10 | (points vs clean) | caught |');
  out('|---|---:|---:|---:|---:|---:|---:|---:|');
  const rows: Record<string, unknown>[] = [];
  const series: Chart['series'] = [];
  for (const r of rules) {
    const clean = await sim({ ...base, rule: r.rule, ...r.opts }, `${r.rule} clean`);
    const scale = await sim({ ...base, rule: r.rule, ...r.opts, poison: { clients: 2, attack: 'scale', strength: 10 } }, `${r.rule} scale`);
    const flip = await sim({ ...base, rule: r.rule, ...r.opts, poison: { clients: 2, attack: 'sign-flip', strength: 10 } }, `${r.rule} sign-flip`);
    const pct = (x: number | undefined) => (x === undefined ? '–' : `${(x * 100).toFixed(0)}%`);
    out(`| ${r.label} | ${f4(clean.final)} | ${f4(scale.final)} | ${pts(scale.final ?? 0, clean.final)} | ${pct(scale.caughtShare)} | ${f4(flip.final)} | ${pts(flip.final ?? 0, clean.final)} | ${pct(flip.caughtShare)} |`);
    rows.push({ rule: r.rule, opts: r.opts, clean: clean.rounds.map((x) => x.score), scale: scale.rounds.map((x) => x.score), signFlip: flip.rounds.map((x) => x.score), caught: { scale: scale.caughtShare, signFlip: flip.caughtShare } });
    series.push({ name: `${r.rule}: sign-flip`, values: flip.rounds.map((x) => x.score) });
  }
  out('\nA model whose outputs are not probabilities any more (NaN) scores "–" and counts as 0.');
  save('poisoning', rows, [{ id: 'fl-poisoning-sign-flip', title: 'digits: 2 of 10 clients send sign-flipped updates (x10)', xLabel: 'round', xStart: 0, yLabel: 'accuracy (hidden split)', series, yMin: 0, yMax: 1 }]);
}

if (run('privacy')) {
  const delta = 1e-5;
  /** The smallest noise multiplier whose epsilon after `rounds` full-participation rounds is within `eps` (bisection). */
  const noiseFor = (eps: number, rounds: number) => {
    let lo = 0.01;
    let hi = 1000;
    for (let i = 0; i < 100; i++) {
      const mid = (lo + hi) / 2;
      if (privacyReport({ sampleRate: 1, noiseMultiplier: mid, rounds, delta }).epsilon! <= eps) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  // Client-level DP: the noise on the mean shrinks with the clients per round (z C / m), so the
  // same epsilon costs far less accuracy with 100 clients than with 10. C is about the median
  // norm of an honest update in each setting (measured with --save and fl aggregate).
  const settings = [
    { clients: 10, rounds: quick ? 3 : 20, localEpochs: quick ? 1 : 2, clip: 1, clipOnly: true },
    { clients: 100, rounds: quick ? 3 : 25, localEpochs: quick ? 1 : 3, clip: 0.5, clipOnly: false },
  ];
  const rows: Record<string, unknown>[] = [];
  out('\n### Differential privacy (DP-FedAvg on digits, client-level, every client in every round)\n');
  out('| clients (rows each) | rounds x local epochs | clip C | target epsilon (delta 1e-5) | noise multiplier z | noise std on the mean (z C / clients) | epsilon spent | final accuracy |');
  out('|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const st of settings) {
    const base = { task: spec('digits'), clients: st.clients, rounds: st.rounds, localEpochs: st.localEpochs, rule: 'fedavg' as const, split: 'iid' as const, seed: 1 };
    const head = `| ${st.clients} (~${Math.round(1416 / st.clients)}) | ${st.rounds} x ${st.localEpochs} | ${st.clip}`;
    const plain = await sim(base, `${st.clients} clients, no DP`);
    out(`${head} | no DP | – | – | – | ${f4(plain.final)} |`);
    rows.push({ clients: st.clients, target: null, final: plain.final, scores: plain.rounds.map((x) => x.score) });
    if (st.clipOnly) {
      const clipped = await sim({ ...base, dp: { clip: st.clip, noise: 0, delta } }, `${st.clients} clients, clip only`);
      out(`${head} | clipping only | 0 | 0 | unbounded | ${f4(clipped.final)} |`);
      rows.push({ clients: st.clients, target: 'clip only', final: clipped.final });
    }
    for (const eps of [8, 3, 1]) {
      const z = noiseFor(eps, st.rounds);
      const r = await sim({ ...base, dp: { clip: st.clip, noise: z, delta } }, `${st.clients} clients, epsilon ${eps}`);
      out(`${head} | ${eps} | ${z.toFixed(3)} | ${((z * st.clip) / st.clients).toFixed(4)} | ${r.privacy!.epsilon.toFixed(3)} | ${f4(r.final)} |`);
      rows.push({ clients: st.clients, target: eps, noise: z, epsilon: r.privacy!.epsilon, final: r.final, scores: r.rounds.map((x) => x.score) });
    }
  }
  out('\nThe DP noise comes from the OS CSPRNG (never a seed), so these scores vary from run to run.');
  save('privacy', rows);
}

console.log(lines.join('\n'));
