import type { Command } from 'commander';
import { AbortError } from '../../errors/index.js';
import { createContext } from '../context.js';

interface PrivacyFlags {
  sampleRate?: string;
  noise?: string;
  rounds?: string;
  delta?: string;
}

/** A flag's value as a finite number within `ok`, or a one-line USAGE error naming the range. */
function numberFlag(flag: string, raw: string | undefined, ok: (v: number) => boolean, range: string, example: string): number {
  if (raw === undefined) throw new AbortError(`${flag} is required`, { code: 'USAGE', hint: `pass ${flag} ${example} (${range})` });
  const v = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(v) || !ok(v)) throw new AbortError(`${flag} ${raw} is out of range: it must be ${range}`, { code: 'USAGE', hint: `e.g. ${flag} ${example}` });
  return v;
}

/** Validated inputs of `flock fl privacy` (exported for its tests). */
export function parsePrivacyFlags(opts: PrivacyFlags): { sampleRate: number; noiseMultiplier: number; rounds: number; delta: number } {
  return {
    sampleRate: numberFlag('--sample-rate', opts.sampleRate, (q) => q >= 0 && q <= 1, 'a share in [0, 1] (updates aggregated / participants)', '0.1'),
    noiseMultiplier: numberFlag('--noise', opts.noise, (z) => z >= 0, 'a noise multiplier >= 0', '1.1'),
    rounds: numberFlag('--rounds', opts.rounds, (r) => Number.isInteger(r) && r >= 1, 'a whole number of rounds >= 1', '100'),
    delta: numberFlag('--delta', opts.delta, (d) => d > 0 && d < 1, 'a probability in (0, 1), usually below 1 / participants', '1e-5'),
  };
}

/**
 * `flock fl privacy`: the (epsilon, delta) differential privacy that R rounds of clipped, noised
 * federated averaging spend, by the Rényi-DP accountant of the subsampled Gaussian. Added to the
 * `fl` command by its module through registerFlPrivacy; parsePrivacyFlags is exported for tests.
 */
export function registerFlPrivacy(fl: Command): void {
  fl.command('privacy')
    .description('privacy spent by a DP federated task: epsilon for R rounds at sampling rate q and noise multiplier z (RDP accountant)')
    .option('--sample-rate <q>', 'share of participants whose updates each round aggregates, in [0, 1]')
    .option('--noise <z>', 'noise multiplier z: noise std = z * clipping norm / updates aggregated')
    .option('--rounds <n>', 'rounds (each one subsampled Gaussian step)')
    .option('--delta <d>', 'target delta, in (0, 1); usually below 1 / participants')
    .addHelpText('after', '\nExample: flock fl privacy --sample-rate 0.04 --noise 1.5 --rounds 2250 --delta 1e-5  ->  epsilon 7.329 at order 3.9.\nExit codes: 0, or 2 for a flag out of range.')
    .action(async (opts: PrivacyFlags, cmd: Command) => {
      const query = parsePrivacyFlags(opts);
      const ctx = await createContext(cmd);
      const { privacyReport } = await import('../../fl/privacy/report.js');
      const report = privacyReport(query);
      await ctx.output(report, (r) => [
        r.bounded
          ? `epsilon ${r.epsilon!.toFixed(4)} (delta ${r.delta}) after ${r.rounds} rounds at sampling rate ${r.sampleRate}, noise multiplier ${r.noiseMultiplier}`
          : `epsilon unbounded: noise multiplier 0 gives no differential privacy`,
        ...(r.bounded ? [`best RDP order ${r.order} (RDP ${r.rdp!.toFixed(4)} at that order)`] : []),
      ]);
    });
}
