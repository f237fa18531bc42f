#!/usr/bin/env node
// Runs forge, cast or anvil and exits with the tool's own status:
//   node scripts/foundry.mjs forge test --match-path 'test/contracts/gas/*'
//
// Why not `npx forge` (or node_modules/.bin/forge): the @foundry-rs/* 1.7.x npm wrappers spawn the
// native binary and always exit 0, so a failing test, a drifted gas snapshot or a cast error
// looked like success. This calls the platform package's binary directly (what the wrapper runs),
// forwards Ctrl-C/SIGTERM, and passes the status on (128 + n when the tool died of signal n).
// FLOCK_FORGE_BIN, FLOCK_CAST_BIN and FLOCK_ANVIL_BIN point at another build (e.g. foundryup's).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

export const TOOLS = ['forge', 'cast', 'anvil'];

/** Absolute path of a Foundry tool's native binary for this platform. */
export function foundryBinary(tool, env = process.env) {
  if (!TOOLS.includes(tool)) throw new Error(`not a Foundry tool: ${tool} (forge, cast or anvil)`);
  const override = env[`FLOCK_${tool.toUpperCase()}_BIN`];
  if (override) return override;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const exe = process.platform === 'win32' ? `${tool}.exe` : tool;
  const require = createRequire(import.meta.url);
  return require.resolve(`@foundry-rs/${tool}-${process.platform}-${arch}/bin/${exe}`);
}

function main([tool, ...args]) {
  if (!TOOLS.includes(tool)) {
    process.stderr.write(`usage: node scripts/foundry.mjs <forge, cast or anvil> [args...] (got ${tool ?? 'nothing'})\n`);
    process.exit(2);
  }
  let bin;
  try {
    bin = foundryBinary(tool);
  } catch (e) {
    process.stderr.write(`${tool} is not installed for ${process.platform}-${process.arch}: ${e.message}\nhint: run \`npm ci\`\n`);
    process.exit(127);
  }
  const child = spawn(bin, args, { stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (e) => {
    process.stderr.write(`cannot run ${bin}: ${e.message}\n`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
