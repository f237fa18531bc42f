#!/usr/bin/env node
// Regenerates the command reference in README.md (between the commands:start/end markers) from
// the commander program itself (through the build in dist/), so the docs never drift from --help.
// test/unit/cli/command-docs.test.ts fails when the checked-in README is out of date.
import { readFileSync, writeFileSync } from 'node:fs';

const { renderCommandTable } = await import(new URL('../dist/cli/command-docs.js', import.meta.url).href);
const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const start = '<!-- commands:start -->';
const end = '<!-- commands:end -->';
const before = readme.slice(0, readme.indexOf(start) + start.length);
const after = readme.slice(readme.indexOf(end));
writeFileSync(path, `${before}\n${renderCommandTable()}${after}`);
process.stdout.write('wrote the command reference in README.md\n');
