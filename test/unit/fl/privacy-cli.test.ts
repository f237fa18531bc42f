import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { parsePrivacyFlags } from '../../../src/cli/commands/fl-privacy.js';
import { buildProgram } from '../../../src/cli/program.js';
import { privacyReport } from '../../../src/fl/privacy/index.js';

const home = mkdtempSync(join(tmpdir(), 'flock-fl-privacy-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** The real program: `fl privacy` is registered by the `fl` command module. */
function program(): Command {
  const p = buildProgram();
  const fl = p.commands.find((c) => c.name() === 'fl');
  if (!fl?.commands.some((c) => c.name() === 'privacy')) throw new Error('flock fl privacy is not registered');
  for (const c of fl.commands) c.exitOverride();
  return p;
}

/** Runs `flock <args>` in process; returns what it wrote to stdout. */
async function run(...args: string[]): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  await program().parseAsync(['--home', home, '--log-level', 'silent', ...args], { from: 'user' });
  return out;
}

const REF = ['fl', 'privacy', '--sample-rate', '0.04', '--noise', '1.5', '--rounds', '2250', '--delta', '1e-5'];

describe('flock fl privacy', () => {
  it('prints epsilon, the best order and the RDP there', async () => {
    const out = await run(...REF);
    expect(out).toMatch(/^epsilon 7\.3291 \(delta 0\.00001\) after 2250 rounds at sampling rate 0\.04, noise multiplier 1\.5\n/);
    expect(out).toMatch(/best RDP order 3\.9 \(RDP 4\.1247 at that order\)/);
  });

  it('--json gives the numbers', async () => {
    const r = JSON.parse(await run('--json', ...REF)) as Record<string, unknown>;
    expect(r).toMatchObject({ sampleRate: 0.04, noiseMultiplier: 1.5, rounds: 2250, delta: 1e-5, order: 3.9, bounded: true });
    expect(Math.abs((r['epsilon'] as number) - 7.32911)).toBeLessThan(1e-4);
    expect(r['rdp']).toBeCloseTo(4.1247, 4);
  });

  it('reports no noise as unbounded (null in JSON, which has no Infinity)', async () => {
    const r = JSON.parse(await run('--json', 'fl', 'privacy', '--sample-rate', '0.1', '--noise', '0', '--rounds', '3', '--delta', '1e-5')) as Record<string, unknown>;
    expect(r).toMatchObject({ epsilon: null, bounded: false, rdp: null });
    expect(await run('fl', 'privacy', '--sample-rate', '0.1', '--noise', '0', '--rounds', '3', '--delta', '1e-5')).toMatch(/^epsilon unbounded/);
  });

  it.each([
    [['--sample-rate', '1.5'], /--sample-rate 1\.5 is out of range: it must be a share in \[0, 1\]/],
    [['--sample-rate', '-0.1'], /--sample-rate -0\.1 is out of range/],
    [['--noise', '-1'], /--noise -1 is out of range: it must be a noise multiplier >= 0/],
    [['--noise', 'abc'], /--noise abc is out of range/],
    [['--rounds', '0'], /--rounds 0 is out of range: it must be a whole number of rounds >= 1/],
    [['--rounds', '2.5'], /--rounds 2\.5 is out of range/],
    [['--delta', '0'], /--delta 0 is out of range: it must be a probability in \(0, 1\)/],
    [['--delta', '1'], /--delta 1 is out of range/],
  ])('refuses %j with a one-line USAGE error (exit 2) and a hint', async (bad, message) => {
    const args = [...REF];
    args[args.indexOf(bad[0]!) + 1] = bad[1]!;
    const err = await run(...args).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
    expect((err as { hint: string }).hint).toMatch(/^e\.g\. --/);
  });

  it('names a missing flag', async () => {
    const err = await run('fl', 'privacy', '--sample-rate', '0.1', '--noise', '1', '--rounds', '3').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'USAGE', message: '--delta is required' });
  });

  it('the command prints what the pure function computes', () => {
    const q = parsePrivacyFlags({ sampleRate: '0.04', noise: '1.5', rounds: '2250', delta: '1e-5' });
    expect(q).toEqual({ sampleRate: 0.04, noiseMultiplier: 1.5, rounds: 2250, delta: 1e-5 });
    expect(privacyReport(q).epsilon).toBeCloseTo(7.32911, 5);
  });
});
