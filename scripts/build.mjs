#!/usr/bin/env node
// Builds everything a fresh clone needs after `npm ci` (this is the "prepare" script):
//   1. forge build          contracts/ -> out/
//   2. TypeChain (ethers-v6) out/<File>.sol/<Contract>.json of contracts/ only -> src/chain/types/
//   3. tsc                  src/ -> dist/
//   4. esbuild              dist/cli/main.js -> dist/bundle/ (what bin/flock runs; scripts/bundle.mjs)
// Plain Node, no dependencies beyond the installed tools, so it runs before anything is built.
//
// Nothing is rebuilt when dist/.build-stamp (written last) is newer than every input, unless
// --force: `npx flock` in a HOME whose npx cache is new links this folder there and runs its
// "prepare" again, which rebuilt dist/ under running CLIs and tests (the README test runs every
// block in a fresh HOME).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle as bundleCli } from './bundle.mjs';
import { foundryBinary } from './foundry.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const TYPES_DIR = join(root, 'src', 'chain', 'types');

function step(msg) {
  process.stdout.write(`build: ${msg}\n`);
}

function run(cmd, args) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (res.error) {
    process.stderr.write(`build: cannot run ${relative(root, cmd)}: ${res.error.message}\n`);
    process.exit(1);
  }
  if (res.status !== 0) {
    process.stderr.write(`build: ${relative(root, cmd)} failed (exit ${res.status ?? res.signal})\n`);
    process.exit(res.status ?? 1);
  }
}

function walk(dir, keep) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p, keep) : keep(p) ? [p] : [];
  });
}

// Protocol sources only: deployment scripts (contracts/script, *.s.sol) and tests never ship.
const isProtocolSource = (src) => src.startsWith('contracts/') && !src.startsWith('contracts/script/') && !/\.(t|s)\.sol$/.test(src);

const STAMP = join(root, 'dist', '.build-stamp');
const started = new Date();
/** Newest mtime (ms) of what the build reads: contracts, src/ but its generated bindings, and the build's configuration. */
function newestInput() {
  const files = [
    ...walk(join(root, 'contracts'), (p) => p.endsWith('.sol')),
    ...walk(join(root, 'src'), (p) => !p.startsWith(TYPES_DIR)),
    ...['tsconfig.json', 'foundry.toml', 'package-lock.json', join('scripts', 'build.mjs')].map((f) => join(root, f)).filter(existsSync),
  ];
  return Math.max(0, ...files.map((p) => statSync(p).mtimeMs));
}
const BUNDLE_DIR = join(root, 'dist', 'bundle');
const outputsExist = () => [join(root, 'dist', 'cli', 'main.js'), join(BUNDLE_DIR, 'main.js'), join(TYPES_DIR, 'index.ts'), join(root, 'out')].every(existsSync);
// --bundle-only: step 4 alone, after a plain tsc (the tests' ensureBuilt). It leaves the old
// chunks in place (their names are hashes; nothing refers to them), so a test running bin/flock
// meanwhile never finds a file gone; a full build clears them.
if (process.argv.includes('--bundle-only')) {
  await bundle({ clean: false });
  process.exit(0);
}
if (!process.argv.includes('--force') && existsSync(STAMP) && outputsExist() && statSync(STAMP).mtimeMs >= newestInput()) {
  step('up to date (nothing under contracts/ or src/ changed since the last build; --force rebuilds)');
  process.exit(0);
}

// 1. Contracts.
const sources = walk(join(root, 'contracts'), (p) => p.endsWith('.sol')).map((p) => relative(root, p).split('\\').join('/'));
if (sources.filter(isProtocolSource).length === 0) {
  step('forge build skipped: no .sol files under contracts/ yet');
} else {
  step(`forge build (${sources.length} files under contracts/; tests compile with \`forge test\`)`);
  // Skipping tests and scripts saves a third of a fresh clone's compile; forge's cache keeps
  // their artifacts from earlier runs either way.
  // The native binary: the npm wrapper exits 0 even when the compile fails (scripts/foundry.mjs).
  run(foundryBinary('forge'), ['build', '--skip', 'test', '--skip', 'script']);
}

// 2. Contract bindings, only for artifacts whose source still exists under contracts/ (out/ also
// holds forge-std, OpenZeppelin, tests, and artifacts of deleted files until forge cleans them).
const artifacts = walk(join(root, 'out'), (p) => p.endsWith('.json') && !p.includes(`${join('out', 'build-info')}`)).filter((p) => {
  try {
    const json = JSON.parse(readFileSync(p, 'utf8'));
    const target = Object.keys(json.metadata?.settings?.compilationTarget ?? {})[0];
    return target && isProtocolSource(target) && existsSync(join(root, target)) && Array.isArray(json.abi) && json.abi.length > 0;
  } catch {
    return false;
  }
});
rmSync(TYPES_DIR, { recursive: true, force: true });
if (artifacts.length === 0) {
  step('typechain skipped: no contract artifacts');
} else {
  step(`typechain: ${artifacts.length} contracts -> ${relative(root, TYPES_DIR)}/`);
  // --node16-modules: relative imports get `.js`, as NodeNext ESM requires.
  run(bin('typechain'), ['--target', 'ethers-v6', '--node16-modules', '--out-dir', TYPES_DIR, ...artifacts.map((p) => relative(root, p))]);
}

// 3. TypeScript.
step('tsc -> dist/');
run(bin('tsc'), ['-p', 'tsconfig.json']);

// 4. The CLI as a few large modules instead of ~450 small ones (scripts/bundle.mjs): a CLI call
// spent about a third of its CPU loading modules one by one (docs/BENCHMARKS.md, "CLI start-up").
// The output is two folders below the repository root, as dist/cli/ is: the few paths taken
// from import.meta.url (package.json, bin/, node_modules) resolve alike.
await bundle({ clean: true });
// Dated at the build's start: a file edited while it ran is newer, so the next build runs.
writeFileSync(STAMP, `${started.toISOString()}\n`);
utimesSync(STAMP, started, started);
step('done');

async function bundle({ clean }) {
  step('esbuild dist/cli/main.js -> dist/bundle/');
  if (clean) rmSync(BUNDLE_DIR, { recursive: true, force: true });
  await bundleCli(join(root, 'dist', 'cli', 'main.js'), BUNDLE_DIR);
}
