#!/usr/bin/env node
// Regenerates docs/GAS.md from forge's named gas snapshots (snapshots/*.json, written by the
// tests in test/contracts/gas/). CI runs those tests with FORGE_SNAPSHOT_CHECK=true, so a change
// in gas fails until `npm run gas` rewrites the snapshots and this table.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

const dir = new URL('../snapshots/', import.meta.url);
const titles = { core: 'Token, config and gmFLOCK', economy: 'Emission and delegation pools', arena: 'AI Arena', governance: 'Governance' };
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort((a, b) => Object.keys(titles).indexOf(a.slice(0, -5)) - Object.keys(titles).indexOf(b.slice(0, -5)));
const out = [
  '# Gas per operation',
  '',
  '<!-- Generated from snapshots/*.json by `npm run gas`; do not edit by hand. -->',
  '',
  'Execution gas of one call, measured by the tests in `test/contracts/gas/` with forge-std\'s',
  '`vm.snapshotGasLastCall` (the 21,000 base cost and calldata are not included). Each test first',
  'runs the economy for a while so storage is realistic (warm pools, a running emission stream).',
  'CI fails when a figure changes and this table was not regenerated.',
  '',
];
for (const f of files) {
  const group = f.slice(0, -5);
  const data = JSON.parse(readFileSync(new URL(f, dir), 'utf8'));
  out.push(`## ${titles[group] ?? group}`, '', '| operation | gas |', '| --- | ---: |');
  for (const [op, gas] of Object.entries(data)) out.push(`| \`${op}\` | ${Number(gas).toLocaleString('en-US')} |`);
  out.push('');
}
writeFileSync(new URL('../docs/GAS.md', import.meta.url), out.join('\n'));
process.stdout.write('wrote docs/GAS.md\n');
