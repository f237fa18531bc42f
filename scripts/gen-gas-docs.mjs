#!/usr/bin/env node
// Regenerates docs/GAS.md from forge's named gas snapshots (snapshots/*.json, written by the
// tests in test/contracts/gas/). CI runs those tests with FORGE_SNAPSHOT_CHECK=true, so a change
// in gas fails until `npm run gas` rewrites the snapshots and this table.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

const dir = new URL('../snapshots/', import.meta.url);
const titles = { core: 'Token, config and gmFLOCK', economy: 'Emission and delegation pools', arena: 'AI Arena', alliance: 'FL Alliance', market: 'Model market', governance: 'Governance' };
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort((a, b) => Object.keys(titles).indexOf(a.slice(0, -5)) - Object.keys(titles).indexOf(b.slice(0, -5)));
const fmt = (v) => Number(v).toLocaleString('en-US');
/** Prose after a table, computed from its figures so it cannot go stale. */
const notes = {
  economy: (d) => [
    'Share checkpoints (the task-reward ledger pays each task\'s reward to the shares its operator\'s',
    'pool had at registration): a delegation or undelegation writes the delegator\'s shares and the',
    'pool\'s total shares at one key. The first change after a registration (a freeze) opens a new',
    `checkpoint in both (\`pools_delegate_afterRegistration\`: ${fmt(d.pools_delegate_afterRegistration)}, \`pools_undelegate_afterRegistration\`: ${fmt(d.pools_undelegate_afterRegistration)});`,
    `later changes before the next registration rewrite them in place (\`pools_delegate_later\`: ${fmt(d.pools_delegate_later)}), and a`,
    `first delegation into a fresh pool starts both traces (\`pools_delegate_first\`: ${fmt(d.pools_delegate_first)}).`,
    `Delegators pull task rewards in batches: ${fmt(d.pools_claimTaskRewards_1entry)} for one entry, ${fmt(d.pools_claimTaskRewards_10entries)} for ten`,
    `(about ${fmt(Math.round((d.pools_claimTaskRewards_10entries - d.pools_claimTaskRewards_1entry) / 9))} per further entry).`,
  ],
  arena: (d) => [
    'What does not grow with the task: `claim_node` costs the same in a task of 10 and of 1,000',
    `submissions (${fmt(d.claim_node_10submissions)} vs ${fmt(d.claim_node_1000submissions)}); opening a score grows only by its Merkle proof,`,
    `log2 of the submissions (${fmt(d.revealScore_10submissions)} with 4 siblings vs ${fmt(d.revealScore_1000submissions)} with 10).`,
    'A validator commits once per task, whatever the number of submissions (`commitScores_first`).',
    'Finalization is paid per submission and bounded: settling one submission reads its at most k',
    'scores (k = `arena.sampleSize`, at most 32), finds the owners of draws not opened (binary',
    'search over the committers) and slashes the validators beyond the tolerance.',
    `Measured: ${fmt(d.finalize_1submission_k1)} (k = 1), ${fmt(d.finalize_1submission_k3)} (k = 3), ${fmt(d.finalize_1submission_k7)} (k = 7),`,
    `${fmt(d.finalize_1submission_k3_oneSlash)} (k = 3 with one slash), and at the bound ${fmt(d.finalize_1submission_k32_15slashes)} (k = 32, 15 slashes;`,
    'the test asserts < 1,500,000). In a batch the fixed part is shared:',
    `${fmt(d.finalize_10submissions_k3)} for 10 submissions at k = 3, about ${fmt(Math.round(d.finalize_10submissions_k3 / 10))} each.`,
    '`finalize(taskId, B)` settles at most B submissions, so a caller sizes B to the block gas limit;',
    `the first call also fixes the task's rewards (\`finalize_first_1submission_k3\`: ${fmt(d.finalize_first_1submission_k3)}).`,
  ],
  alliance: (d) => [
    'Randomness (Chainlink VRF v2.5 through `AllianceRandomness`, measured on Chainlink\'s',
    '`VRFCoordinatorV2_5Mock`, so request figures include the mock\'s bookkeeping, not the real',
    `coordinator's): a word is requested once per round (\`randomness_requestWord\`: ${fmt(d.randomness_requestWord)}) and renewed by`,
    `anyone after the timeout (\`randomness_reRequest\`: ${fmt(d.randomness_reRequest)}). The fulfilment callback, which the`,
    `task's \`callbackGasLimit\` must cover, costs ${fmt(d.randomness_fulfilCallback)} (${fmt(d.randomness_fulfilCallback_stale)} when a late fulfilment of a renewed`,
    'request is ignored); the config refuses a `callbackGasLimit` under 50,000.',
    'Roles (`AllianceRoles.draw`, k proposers by stake without replacement, O(k x participants)):',
    `${fmt(d.roles_draw_20participants_k5)} for 20 participants and k = 5; at the bound of 256 participants ${fmt(d.roles_draw_256participants_k10)} for k = 10`,
    `and ${fmt(d.roles_draw_256participants_k64)} for k = 64 (MAX_PROPOSERS, the worst case).`,
    'Tasks (`Alliance`): `drawRoles` reads the round\'s stakes, runs the draw, records each proposer and',
    `extends the freeze of the round's delegation pools: ${fmt(d.task_drawRoles_6participants_k2)} for 6 participants (k = 2),`,
    `${fmt(d.task_drawRoles_20participants_k5)} for 20 (k = 5), and at the bound of 256 ${fmt(d.task_drawRoles_256participants_k10)} (k = 10) and ${fmt(d.task_drawRoles_256participants_k64)} (k = 64).`,
    `Settlement is paid per participant and batched (\`settleRound(taskId, max)\`): one paid voter ${fmt(d.task_settleRound_1participant_paidVoter)},`,
    `a first call that also fixes the round's result and slashes a proposer with a pool ${fmt(d.task_settleRound_first_1participant_slashedWithPool)};`,
    `a whole round in one call ${fmt(d.task_settleRound_6participants)} for 6 participants, ${fmt(d.task_settleRound_64participants)} for 64 and ${fmt(d.task_settleRound_256participants)} for 256`,
    `(about ${fmt(Math.round(d.task_settleRound_256participants / 256))} each), so a caller sizes \`max\` to the block gas limit. A vote reveal costs`,
    `${fmt(d.task_revealVote)} (${fmt(d.task_revealVote_firstOfItsAggregate)} for the first reveal of an aggregate, which stores its CID).`,
  ],
};
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
  if (notes[group]) out.push(...notes[group](data), '');
}
writeFileSync(new URL('../docs/GAS.md', import.meta.url), out.join('\n'));
process.stdout.write('wrote docs/GAS.md\n');
