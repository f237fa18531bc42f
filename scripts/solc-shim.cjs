#!/usr/bin/env node
// forge normally downloads a native solc, which cannot happen offline. This shim speaks the two
// calls forge makes (`--version`, `--standard-json` on stdin) and answers them with solcjs, the
// exact version pinned in package.json, so builds are reproducible on any machine with `npm ci`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const solc = require('solc');

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}
if (!args.includes('--standard-json')) {
  process.stderr.write('solc-shim: only --version and --standard-json are supported\n');
  process.exit(1);
}

// forge passes --base-path and --include-path; imports resolve against them in that order.
const roots = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--base-path' || args[i] === '--include-path') roots.push(args[++i]);
}
if (roots.length === 0) roots.push(process.cwd());

function findImports(p) {
  const candidates = path.isAbsolute(p) ? [p] : roots.map((r) => path.resolve(r, p));
  for (const c of candidates) {
    try {
      return { contents: fs.readFileSync(c, 'utf8') };
    } catch {}
  }
  return { error: `File not found: ${p}` };
}

const input = fs.readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input, { import: findImports }));
