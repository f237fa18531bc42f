#!/usr/bin/env node
// `npm run sim`: the Arena's incentive simulation (test/contracts/sim/ArenaSim.t.sol), long run.
// Runs every scenario with SIM_TASKS tasks (default 200; SIM_SEED default 1), checks the issue's
// thresholds (the forge test asserts them) and writes the measured table into docs/INCENTIVES.md
// between its SIM-TABLE markers. `npm test` runs the same scenarios with 40 tasks each.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const tasks = process.env.SIM_TASKS ?? '200';
const seed = process.env.SIM_SEED ?? '1';
const started = Date.now();
const run = spawnSync(process.execPath, ['scripts/foundry.mjs', 'forge', 'test', '--match-path', 'test/contracts/sim/*', '-vv'], {
  env: { ...process.env, SIM_TASKS: tasks, SIM_SEED: seed },
  encoding: 'utf8',
  maxBuffer: 64 << 20,
});
const out = `${run.stdout}${run.stderr}`;
const rows = [...out.matchAll(/SIM\|([^\n]*)/g)].map((m) => m[1].split('|'));
if (rows.length === 0) {
  process.stderr.write(out);
  process.exit(1);
}
const wad = (v) => (Number(BigInt(v)) / 1e18).toFixed(5);
const pct = (a, b) => `${((100 * Number(a)) / Number(b)).toFixed(1)}%`;
const lines = [
  `Measured by \`npm run sim\` (SIM_TASKS=${tasks}, SIM_SEED=${seed}; ${Math.round((Date.now() - started) / 1000)} s), at the default`,
  'parameters (k = 21, absolute tolerance 0.05 for accuracy, validator slash 20%): 20 nodes, validators of',
  'unequal stake (1,000-20,000 gmFLOCK), a creator bounty that pays validators about 1% of their stake per',
  'task. Earned = rewards less slashed stake, per unit of stake per task.',
  '',
  '| scenario | tasks | best model first | accomplice first | honest earned / stake | attackers earned / stake | honest ratio | honest validator-tasks slashed |',
  '|---|---|---|---|---|---|---|---|',
];
for (const [name, n, best, acc, honest, attack, slashed, vt] of rows) {
  const ratio = BigInt(attack) > 0n ? `${(Number(BigInt(honest)) / Number(BigInt(attack))).toFixed(2)}x` : BigInt(attack) < 0n ? 'attackers lose' : '-';
  lines.push(`| ${name} | ${n} | ${pct(best, n)} | ${pct(acc, n)} | ${wad(honest)} | ${BigInt(attack) === 0n ? '-' : wad(attack)} | ${ratio} | ${slashed} of ${vt} |`);
}
const sybil = rows.filter((r) => r[0].startsWith('one stake'));
if (sybil.length === 2) {
  lines.push('', `Sybil validators (24 validators, the task samples): the one stake whole earned ${wad(sybil[0][8])} per unit of stake and was counted`);
  lines.push(`with ${sybil[0][9]} gmFLOCK of weight in the samples; as 4 identities, ${wad(sybil[1][8])} and ${sybil[1][9]}.`);
}
const file = new URL('../docs/INCENTIVES.md', import.meta.url);
const doc = readFileSync(file, 'utf8');
const begin = '<!-- SIM-TABLE -->';
const end = '<!-- /SIM-TABLE -->';
const i = doc.indexOf(begin);
const j = doc.indexOf(end);
if (i < 0 || j < i) throw new Error('docs/INCENTIVES.md lacks the SIM-TABLE markers');
writeFileSync(file, `${doc.slice(0, i + begin.length)}\n${lines.join('\n')}\n${doc.slice(j)}`);
console.log(lines.join('\n'));
if (run.status !== 0) {
  console.error('\nsim: a threshold failed (see the forge output above the table)');
  process.stderr.write(out.split('\n').filter((l) => l.includes('FAIL')).join('\n') + '\n');
  process.exit(1);
}
