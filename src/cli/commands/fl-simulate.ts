import type { Command } from 'commander';
import { AbortError } from '../../errors/index.js';
import type { RoundReport, SimulationOptions, SimulationResult } from '../../fl/simulate/index.js';
import { createContext } from '../context.js';

interface SimulateFlags {
  spec: string;
  clients: string;
  rounds: string;
  rule: string;
  split: string;
  alpha?: string;
  seed: string;
  localEpochs: string;
  fraction?: string;
  beta?: string;
  f?: string;
  m?: string;
  maxNorm?: string;
  poison?: string;
  attack?: string;
  attackStrength?: string;
  dpClip?: string;
  dpNoise?: string;
  dpDelta?: string;
  central?: boolean;
  save?: string;
  backend?: string;
}

/** A flag's value as a number (integer when asked), or a one-line FL_BAD_PARAMETER error. */
function num(flag: string, raw: string | undefined, integer = false): number | undefined {
  if (raw === undefined) return undefined;
  const v = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new AbortError(`${flag} ${raw} is not ${integer ? 'a whole number' : 'a number'}`, { code: 'FL_BAD_PARAMETER', hint: 'see flock fl simulate --help' });
  }
  return v;
}

/** Validated simulation options from the flags (exported for tests). */
export async function simulationOptions(flags: SimulateFlags): Promise<Omit<SimulationOptions, 'onRound' | 'signal'>> {
  const [{ isRuleName, RULE_NAMES }, { SPLITS, ATTACKS }] = await Promise.all([import('../../fl/strategies/index.js'), import('../../fl/simulate/index.js')]);
  if (!isRuleName(flags.rule)) throw new AbortError(`unknown rule ${flags.rule}`, { code: 'FL_INVALID_RULE', hint: `--rule is one of ${RULE_NAMES.join(', ')}` });
  const split = flags.split as (typeof SPLITS)[number];
  if (!SPLITS.includes(split)) throw new AbortError(`unknown split ${flags.split}`, { code: 'FL_BAD_PARAMETER', hint: `--split is one of ${SPLITS.join(', ')}` });
  const poisoned = num('--poison', flags.poison, true);
  const attack = (flags.attack ?? 'scale') as (typeof ATTACKS)[number];
  if (!ATTACKS.includes(attack)) throw new AbortError(`unknown attack ${flags.attack}`, { code: 'FL_BAD_PARAMETER', hint: `--attack is one of ${ATTACKS.join(', ')}` });
  if (poisoned === undefined && (flags.attack !== undefined || flags.attackStrength !== undefined)) {
    throw new AbortError('--attack and --attack-strength need --poison', { code: 'FL_BAD_PARAMETER', hint: 'e.g. --poison 2 --attack sign-flip' });
  }
  const clip = num('--dp-clip', flags.dpClip);
  const noise = num('--dp-noise', flags.dpNoise);
  if ((clip === undefined) !== (noise === undefined) || (flags.dpDelta !== undefined && clip === undefined)) {
    throw new AbortError('differential privacy needs both --dp-clip and --dp-noise', { code: 'FL_BAD_PARAMETER', hint: 'e.g. --dp-clip 1 --dp-noise 1.1 (--dp-delta defaults to 1e-5)' });
  }
  const backend = flags.backend as SimulationOptions['backend'];
  return {
    task: flags.spec,
    clients: num('--clients', flags.clients, true)!,
    rounds: num('--rounds', flags.rounds, true)!,
    rule: flags.rule,
    split,
    alpha: num('--alpha', flags.alpha),
    seed: num('--seed', flags.seed, true),
    localEpochs: num('--local-epochs', flags.localEpochs, true),
    fraction: num('--fraction', flags.fraction),
    beta: num('--beta', flags.beta),
    f: num('--f', flags.f, true),
    m: num('--m', flags.m, true),
    maxNorm: num('--max-norm', flags.maxNorm),
    ...(poisoned !== undefined ? { poison: { clients: poisoned, attack, strength: num('--attack-strength', flags.attackStrength) } } : {}),
    ...(clip !== undefined ? { dp: { clip, noise: noise!, delta: num('--dp-delta', flags.dpDelta) } } : {}),
    central: Boolean(flags.central),
    ...(flags.save ? { save: flags.save } : {}),
    ...(backend ? { backend } : {}),
  };
}

const fmt = (x: number | null | undefined, digits = 4) => (x === null || x === undefined ? '–' : x.toFixed(digits));

/** One line per finished round (stderr while the run goes on). */
export function roundLine(r: RoundReport, rounds: number): string {
  if (r.round === 0) return `round 0/${rounds}: initial model ${fmt(r.score)}`;
  const parts = [`round ${r.round}/${rounds}: ${fmt(r.score)}`, `${r.kept}/${r.sampled} kept`];
  if (r.poisoners.length > 0) parts.push(r.caught ? 'poisoners singled out' : `flagged ${r.flagged.join(' ')}, poisoners ${r.poisoners.join(' ')}`);
  if (r.epsilon !== undefined) parts.push(`epsilon ${fmt(r.epsilon, 3)}`);
  if (r.skipped) parts.push(`skipped: ${r.skipped}`);
  if (r.dropped.length > 0) parts.push(`dropped ${r.dropped.join('; ')}`);
  parts.push(`${(r.durationMs / 1000).toFixed(1)} s`);
  return parts.join(', ');
}

async function human(r: SimulationResult): Promise<string[]> {
  const { lineChart } = await import('../../ui/line-chart.js');
  const scores = r.rounds.map((x) => x.score ?? NaN);
  const series = [{ name: `global model (${r.rule})`, values: scores }];
  if (r.central) series.push({ name: `centralised, ${r.central.epochs} epochs`, values: scores.map(() => r.central!.score ?? NaN) });
  const rows = r.rounds.map((x) => {
    const cells = [String(x.round).padStart(5), fmt(x.score).padStart(7), `${x.kept}/${x.sampled}`.padStart(7)];
    if (r.caughtShare !== undefined) cells.push((x.round === 0 ? '' : x.caught === undefined ? '–' : x.caught ? 'yes' : `no (${x.flagged.join(' ')})`).padEnd(8));
    if (r.privacy) cells.push(x.round === 0 ? '' : fmt(x.epsilon, 3).padStart(7));
    if (x.skipped || x.invalid) cells.push(x.skipped ?? x.invalid!);
    return cells.join('  ');
  });
  const header = ['round', r.metric.padStart(7), '   kept', ...(r.caughtShare !== undefined ? ['caught  '] : []), ...(r.privacy ? ['epsilon'] : [])].join('  ');
  const malicious = r.clients.filter((c) => c.malicious).map((c) => c.name);
  return [
    `${r.task}: ${r.clients.length} clients (${r.split}; rows ${r.clients.map((c) => c.rows).join(' ')}), rule ${r.rule}, score = ${r.metric} on the hidden split`,
    ...(malicious.length > 0 ? [`malicious: ${malicious.join(' ')}`] : []),
    header,
    ...rows,
    '',
    lineChart(series, { yLabel: r.metric, xLabel: 'round', xStart: 0, color: Boolean(process.stdout.isTTY) }),
    '',
    `final ${r.metric} ${fmt(r.final)}${r.central ? `; centralised ${fmt(r.central.score)} (same model, ${r.central.epochs} epochs over all rows)` : ''}`,
    ...(r.caughtShare !== undefined ? [`signals singled out the poisoners in ${(r.caughtShare * 100).toFixed(0)}% of the rounds they took part in`] : []),
    ...(r.privacy ? [`privacy: epsilon ${r.privacy.epsilon.toFixed(3)} at delta ${r.privacy.delta} (order ${r.privacy.order}; sampling rate ${r.privacy.sampleRate}, noise multiplier ${r.privacy.noiseMultiplier}, clip ${r.privacy.clip})`] : []),
    `${(r.durationMs / 1000).toFixed(1)} s`,
  ];
}

/**
 * `flock fl simulate`: a federated run in one process on a task's shipped data, to see what a
 * rule, a split, an attack or a privacy budget does to the global model before an Alliance task
 * stakes anything on it.
 */
export function registerFlSimulate(fl: Command): void {
  fl.command('simulate')
    .description('simulate a federated task in-process: seeded split across clients, rounds of local training, aggregation, score per round')
    .requiredOption('--spec <task.yaml>', 'the task: its training file is split across the clients, its validation file scores the global model')
    .option('--clients <n>', 'clients', '10')
    .option('--rounds <n>', 'rounds', '20')
    .option('--rule <rule>', 'fedavg | median | trimmed | krum | multikrum | bulyan', 'fedavg')
    .option('--split <kind>', 'iid | label-skew (Dirichlet over classes)', 'iid')
    .option('--alpha <a>', 'label-skew: Dirichlet concentration; smaller is more skewed (default 0.5)')
    .option('--seed <n>', 'seeds the split, the local training and the attacks', '1')
    .option('--local-epochs <n>', 'epochs each client trains per round', '1')
    .option('--fraction <q>', 'share of clients sampled each round (default 1)')
    .option('--beta <share>', 'trimmed: share cut from each end (default 0.2)')
    .option('--f <n>', 'krum, multikrum, bulyan: malicious updates tolerated (default 0)')
    .option('--m <n>', 'multikrum: updates kept (default n - f)')
    .option('--max-norm <x>', 'reject updates whose change has an L2 norm over x')
    .option('--poison <k>', 'k of the clients (a seeded draw) are malicious')
    .option('--attack <kind>', 'scale | sign-flip | noise (default scale)')
    .option('--attack-strength <s>', 'scale: global + s*delta; sign-flip: global - s*delta; noise: s * rms(delta) (default 10)')
    .option('--dp-clip <C>', 'differential privacy: clip each update’s change to L2 norm C (fedavg only)')
    .option('--dp-noise <z>', 'differential privacy: Gaussian noise std z * C / m on the mean of m updates (OS CSPRNG)')
    .option('--dp-delta <d>', 'differential privacy: the delta epsilon is reported at (default 1e-5)')
    .option('--central', 'also train the same model on all rows centrally, for rounds x local epochs epochs, and score it')
    .option('--save <dir>', 'write each round’s global model, updates and aggregate (ONNX) under <dir>/round-<r>/, and the final <dir>/global.onnx')
    .option('--backend <name>', 'tfjs backend: auto | node-gpu | node | wasm | cpu')
    .addHelpText(
      'after',
      '\nEvery client trains from the global ONNX model (warm start) and exports an update with its graph; the rule aggregates them as `flock fl aggregate` does. Same flags and seed, same run (DP noise aside).\nExample: flock fl simulate --spec examples/tasks/digits/task.yaml --clients 10 --rounds 10 --rule median --poison 2 --attack sign-flip\nExit codes: 0 done, 2 bad flags, an unreadable task or data file, or a training failure, 8 interrupted (SIGINT/SIGTERM).\n',
    )
    .action(async (flags: SimulateFlags, cmd: Command) => {
      const opts = await simulationOptions(flags);
      const ctx = await createContext(cmd);
      const { simulate } = await import('../../fl/simulate/index.js');
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const r = await simulate({
          ...opts,
          signal: controller.signal,
          onRound: (x) => {
            if (!ctx.json) process.stderr.write(`${roundLine(x, opts.rounds)}\n`);
          },
        });
        const lines = await human(r);
        await ctx.output(r, () => lines);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
