#!/usr/bin/env node
// Regenerates docs/EXIT_CODES.md from src/errors/ (exit-codes.ts, codes.ts) (through the build in dist/).
// test/unit/cli/exit-codes.test.ts fails when the checked-in file is out of date.
import { writeFileSync } from 'node:fs';

const { renderExitCodeMarkdown } = await import(new URL('../dist/errors/docs.js', import.meta.url).href);
writeFileSync(new URL('../docs/EXIT_CODES.md', import.meta.url), renderExitCodeMarkdown());
process.stdout.write('wrote docs/EXIT_CODES.md\n');
