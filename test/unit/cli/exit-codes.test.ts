import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderExitCodeMarkdown } from '../../../src/errors/docs.js';
import { EXIT_CODE_TABLE, ExitCode } from '../../../src/errors/index.js';

describe('exit codes', () => {
  it('the table covers every code once, in order', () => {
    expect(EXIT_CODE_TABLE.map((r) => r.code)).toEqual(Object.values(ExitCode));
    expect(EXIT_CODE_TABLE.map((r) => r.name)).toEqual(Object.keys(ExitCode));
  });

  it('docs/EXIT_CODES.md is up to date (npm run docs:exit-codes)', () => {
    const doc = readFileSync(new URL('../../../docs/EXIT_CODES.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderExitCodeMarkdown());
  });
});
