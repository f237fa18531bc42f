import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCommandTable } from '../../../src/cli/command-docs.js';

describe('README command reference', () => {
  it('is up to date with the program (node scripts/gen-command-docs.mjs)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('<!-- commands:start -->') + '<!-- commands:start -->'.length;
    const end = readme.indexOf('<!-- commands:end -->');
    expect(readme.slice(start, end).trim()).toBe(renderCommandTable().trim());
  });
});
