import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Contract, type JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployment } from '../../src/chain/deployment.js';
import { PARAM_NAMES } from '../../src/protocol/governance/index.js';
import { ROOT, runCli, tempHome, type TempHome } from '../harness/index.js';
import { ensureBuilt, startCliDevnet, teardownCliDevnet } from './helpers.js';

/**
 * docs/GOVERNANCE.md's devnet walkthrough, run command by command as the doc writes it (so the doc
 * cannot drift from the CLI), with what each step must show; then `flock params` and the short
 * proposal numbers (issue #14) by --json, and the doc's devnet timings against the chain.
 */

const DOC = readFileSync(join(ROOT, 'docs/GOVERNANCE.md'), 'utf8');

/** The `flock …` lines of the sh block after the `<!-- walkthrough` marker, split as a shell would. */
function walkthrough(): string[][] {
  const rest = DOC.slice(DOC.indexOf('<!-- walkthrough'));
  const block = /```sh\n([\s\S]*?)```/.exec(rest)![1]!;
  return block
    .split('\n')
    .filter((l) => l.startsWith('flock '))
    .map((l) => [...l.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!).slice(1));
}

/** What the text output of each walkthrough step must show, by its place in the block. */
const EXPECT: RegExp[] = [
  /arena\.gamma\s+20%.*0% … 50%[\s\S]*Floor of each side/,
  /^proposal #1 \(id \d{70,}\)\n\s+arena\.gamma: 0\.2 -> 0\.4/,
  /^proposal #2 \(id \d{70,}\)/,
  /flagged proposal #2 [\s\S]*dropped/,
  /^#1 +pending +Raise the Arena floor share[\s\S]*^#2 +canceled +Send me the treasury: dropped as spam/m,
  /warped/,
  /^voted for on proposal #1 /,
  /warped/,
  /^queued proposal #1; executable from .*\(`flock execute 1`\)/,
  /warped/,
  /^executed proposal #1; .*`flock proposals claim 1`/,
  /^paid 0x[0-9a-fA-F]{40} a bond of 10,000 FLOCK and a reward of 1,000 FLOCK for proposal #1/,
  /arena\.gamma\s+40%/,
];

describe('docs/GOVERNANCE.md on the devnet', () => {
  let t: TempHome;
  let provider: JsonRpcProvider;
  const cli = (args: string[]) => runCli(args, { home: t.home });
  const json = async (args: string[]) => {
    const r = await cli([...args, '--json']);
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r.json();
  };

  beforeAll(async () => {
    ensureBuilt();
    t = tempHome();
    ({ provider } = await startCliDevnet(t.home));
  }, 180_000);
  afterAll(() => teardownCliDevnet(t, provider));

  it('the devnet has the timings the doc gives it (1 h, 1 d, 1 min)', async () => {
    const c = readDeployment(t.home, 31337)!.contracts;
    const governor = new Contract(c.FlockGovernor!, ['function votingDelay() view returns (uint256)', 'function votingPeriod() view returns (uint256)'], provider);
    const timelock = new Contract(c.FlockTimelock!, ['function getMinDelay() view returns (uint256)'], provider);
    expect([await governor.votingDelay!(), await governor.votingPeriod!(), await timelock.getMinDelay!()]).toEqual([3600n, 86400n, 60n]);
    expect(DOC).toMatch(/\| flag window \(voting delay\) \| 1 h \|/);
    expect(DOC).toMatch(/\| voting period \| 1 d \|/);
    expect(DOC).toMatch(/\| timelock delay \| 1 min \|/);
  });

  it('flock params lists every governed parameter with value, bounds, unit and meaning; an unknown name gets the close ones', async () => {
    const { params } = await json(['params']);
    expect(params.map((p: { name: string }) => p.name)).toEqual(PARAM_NAMES);
    const gamma = params.find((p: { name: string }) => p.name === 'arena.gamma');
    expect(gamma).toMatchObject({ unit: 'share', display: { value: '20%', min: '0%', max: '50%', default: '20%' } });
    expect(String(gamma.value)).toBe('200000000000000000');
    expect(gamma.meaning).toMatch(/^Floor of each side/);
    const cap = params.find((p: { name: string }) => p.name === 'emission.dailyCap');
    expect(cap.display.value).toBe('1,074 FLOCK');
    const one = await json(['params', 'pool.sigmaCooldown']);
    expect(one.params).toHaveLength(1);
    expect(one.params[0].display.value).toBe('7 d');

    const text = await cli(['params']);
    expect(text.code).toBe(0);
    for (const name of PARAM_NAMES) expect(text.stdout).toContain(name);

    const bad = await cli(['params', 'arena.gama', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.json().error.code).toBe('UNKNOWN_PARAM');
    expect(bad.json().error.message).toBe('unknown parameter "arena.gama"; did you mean arena.gamma?');
  });

  it('the walkthrough runs as written, and the proposals get numbers 1 and 2 beside their ids', async () => {
    const steps = walkthrough();
    expect(steps).toHaveLength(EXPECT.length);
    for (const [i, args] of steps.entries()) {
      const r = await cli(args);
      expect(r.code, `flock ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout, `flock ${args.join(' ')}`).toMatch(EXPECT[i]!);
    }

    const { proposals } = await json(['proposals', 'list']);
    expect(proposals.map((p: { number: number; state: string }) => [p.number, p.state])).toEqual([[1, 'executed'], [2, 'canceled']]);
    const [first, second] = proposals;
    expect(first.id).toMatch(/^\d{70,}$/);
    expect((await json(['proposals', 'show', first.id])).number).toBe(1);
    expect((await json(['proposals', 'show', '#2'])).id).toBe(second.id);
    const hex = `0x${BigInt(second.id).toString(16)}`;
    expect((await json(['proposals', 'show', hex])).number).toBe(2);

    const missing = await cli(['proposals', 'show', '9', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.json().error.code).toBe('UNKNOWN_PROPOSAL');
    expect(missing.json().error.message).toBe('no proposal #9 on this chain: it has #1 to #2');
    const vote = await cli(['vote', '3', 'for', '--account', 'alice', '--json']);
    expect(vote.json().error.code).toBe('UNKNOWN_PROPOSAL');
  }, 240_000);
});
