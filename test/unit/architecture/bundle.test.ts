/**
 * bin/flock runs the CLI bundled by esbuild (scripts/bundle.mjs). In the bundle, a dynamic
 * import() of a CommonJS package yields a module with only a default export, so
 * `const { parse } = await import('yaml')` got `parse` undefined ("parse is not a function": the
 * README's `flock fl split` and every `flock train --trainer-config` failed). Such an import shows
 * in the output as a chunk of its own that only re-exports the package by default; none may exist.
 * Bundled from src/ here, so a stale dist/ cannot hide one.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle } from '../../../scripts/bundle.mjs';
import { ROOT } from '../../harness/index.js';

const out = mkdtempSync(join(tmpdir(), 'flock-bundle-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the bundled CLI', () => {
  it('has no chunk that hands a CommonJS package to a dynamic import() as a default export only', async () => {
    await bundle(join(ROOT, 'src', 'cli', 'main.ts'), out);
    const chunks = readdirSync(out).filter((f) => f.endsWith('.js'));
    expect(chunks).toContain('main.js');
    const defaultOnly = chunks.filter((f) => /^export default require_\w+\(\);$/m.test(readFileSync(join(out, f), 'utf8')));
    expect(defaultOnly, 'import such a package statically (a module loaded lazily already defers it)').toEqual([]);
  }, 60_000);
});
