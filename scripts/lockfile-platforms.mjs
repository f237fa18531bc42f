#!/usr/bin/env node
// Foundry's npm wrappers (@foundry-rs/forge, anvil, cast) list one optional package per platform,
// and some of those are not published on every registry. `npm install` then leaves them out of
// package-lock.json, and `npm ci` on a fresh clone refuses the lock as out of sync. This records
// each missing one as an optional, platform-bound entry, which npm ci skips on other platforms.
// Run it after any `npm install` that rewrites the lock (CI's `npm ci` fails loudly otherwise).
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const added = [];
for (const [key, pkg] of Object.entries(lock.packages)) {
  if (!key.startsWith('node_modules/@foundry-rs/')) continue;
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const entry = `node_modules/${name}`;
    if (lock.packages[entry]) continue;
    const m = /-(darwin|linux|win32)-(amd64|arm64)$/.exec(name);
    if (!m) continue;
    lock.packages[entry] = { version, optional: true, os: [m[1]], cpu: [m[2] === 'amd64' ? 'x64' : 'arm64'] };
    added.push(name);
  }
}
if (added.length) {
  lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
}
process.stdout.write(added.length ? `package-lock.json: recorded ${added.length} platform packages (${added.join(', ')})\n` : 'package-lock.json: nothing to add\n');
